//! `cargo mote flash`: writing a built image to a board.
//!
//! - `[flash] tool = "probe-rs"`: through a debug probe, with probe-rs as a library. The image's
//!   loadable segments are written where they load (flash), verified, and the chip is reset.
//! - `[flash] tool = "espflash"`: through the ROM bootloader of an Espressif chip on its USB serial
//!   port, with the espflash library: the Espressif image the build writes (`image.bin`) goes to
//!   flash offset 0, where the boot ROM loads it from.
//! - A QEMU board has nothing to flash: the image is booted, as `cargo mote run` does.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use probe_rs::flashing::DownloadOptions;

use crate::elf::Elf;
use crate::image::Built;
use crate::manifest::{field_error, Board};
use crate::{ports, probe, qemu};

/// Writes `built` to `board` (on a QEMU board: boots it). Returns the exit status for `mote`.
pub fn flash(board: &Board, built: &Built, port: Option<&str>) -> Result<i32> {
    let elf = &built.image_elf;
    if board.file.board.status == "qemu" {
        eprintln!("{} is a QEMU board: nothing to flash, booting {} (Ctrl-C to stop)", board.name(), elf.display());
        return qemu::run_interactive(board, elf);
    }
    let path = board.dir.join("board.toml");
    let Some(f) = &board.file.flash else {
        return Err(field_error(&path, "flash", "has no [flash] table: say how the board is flashed (docs/boards.md)"));
    };
    match f.tool.as_str() {
        "probe-rs" => with_probe(board, elf).map(|()| 0),
        "espflash" => with_espflash(board, &f.chip, &built.dir.join("image.bin"), port),
        other => Err(field_error(&path, "flash.tool", format!("\"{other}\" is not a flashing tool mote knows (probe-rs, espflash)"))),
    }
}

/// Writes `elf` through a debug probe and resets the chip.
fn with_probe(board: &Board, elf: &Path) -> Result<()> {
    // Read the image first: a bad file is reported before any probe is touched.
    let segments = Elf::read(elf)?.segments()?;
    let mut session = probe::attach(board)?;
    let mut loader = session.target().flash_loader();
    let mut bytes = 0;
    for s in &segments {
        loader.add_data(s.address, &s.bytes).with_context(|| {
            format!("{}: {} bytes at {:#010x} are not in the flash of {}", elf.display(), s.bytes.len(), s.address, session.target().name)
        })?;
        bytes += s.bytes.len();
    }
    eprintln!("flashing {bytes} bytes in {} segments to {} ...", segments.len(), session.target().name);
    let start = Instant::now();
    let mut options = DownloadOptions::default();
    options.verify = true;
    loader.commit(&mut session, options).context("flashing failed")?;
    session.core(0).and_then(|mut core| core.reset()).context("flashed, but the chip did not reset")?;
    eprintln!("flashed and verified in {:.1} s; the board is running the image (`cargo mote monitor` shows its log)", start.elapsed().as_secs_f64());
    Ok(())
}

/// Writes the Espressif image `bin` (what the boot ROM loads from flash offset 0) through the ROM
/// bootloader on the board's serial port, with the espflash library, and resets the chip.
fn with_espflash(board: &Board, chip: &str, bin: &Path, port: Option<&str>) -> Result<i32> {
    use espflash::connection::{Connection, ResetAfterOperation, ResetBeforeOperation};
    use espflash::flasher::Flasher;
    use espflash::target::{Chip, DefaultProgressCallback};

    let board_toml = board.dir.join("board.toml");
    if chip == "esp8266" {
        bail!(
            "espflash writes no ESP8266 since version 3 ({}: flash.chip); write the image with Espressif's esptool: \
             `esptool.py --chip esp8266 --port PORT write_flash 0x0 {}`",
            board_toml.display(),
            bin.display()
        );
    }
    let Ok(esp_chip) = chip.parse::<Chip>() else {
        let known = "esp32, esp32c2, esp32c3, esp32c5, esp32c6, esp32h2, esp32p4, esp32s2, esp32s3";
        return Err(field_error(&board_toml, "flash.chip", format!("espflash knows no chip \"{chip}\" ({known})")));
    };
    let data = std::fs::read(bin).with_context(|| format!("cannot read {} (the Espressif image the build writes)", bin.display()))?;
    // Find the port first: "no board attached" is the common failure and must come at once.
    let (name, info) = match port {
        Some(p) => (p.to_string(), None),
        None => {
            let listed = ports::system_ports();
            let (name, _) = ports::choose(&listed)?;
            let usb = listed.into_iter().find(|p| p.port_name == name).and_then(|p| match p.port_type {
                serialport::SerialPortType::UsbPort(u) => Some(u),
                _ => None,
            });
            (name, usb)
        }
    };
    let info = info.unwrap_or(serialport::UsbPortInfo { vid: 0, pid: 0, serial_number: None, manufacturer: None, product: None, interface: None });
    let serial = serialport::new(&name, 115_200)
        .flow_control(serialport::FlowControl::None)
        .open_native()
        .with_context(|| format!("cannot open serial port {name}"))?;
    let connection = Connection::new(serial, info, ResetAfterOperation::HardReset, ResetBeforeOperation::DefaultReset, 115_200);
    eprintln!("connecting to the {chip} boot ROM on {name} ...");
    let mut flasher = Flasher::connect(connection, true, true, false, Some(esp_chip), None)
        .with_context(|| format!("no {chip} boot ROM answered on {name} (hold BOOT and press RESET if the board has no auto-reset circuit)"))?;
    let start = Instant::now();
    eprintln!("flashing {} bytes of {} at offset 0 ...", data.len(), bin.display());
    flasher.write_bin_to_flash(0, &data, &mut DefaultProgressCallback).context("flashing failed")?;
    eprintln!("flashed and verified in {:.1} s; the board was reset (`cargo mote monitor` shows its log)", start.elapsed().as_secs_f64());
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;

    fn board(flash: &str, console: &str) -> Board {
        let text = crate::manifest::tests_support::board_text("power-of-two", 32);
        let text = text[..text.find("[flash]").expect("board_text has [flash]")].to_string() + flash + console;
        Board { file: parse(Path::new("board.toml"), &text).unwrap(), dir: "bsp/b".into() }
    }

    #[test]
    fn esp8266_and_unknown_chips_say_what_to_do() {
        let console = "[console]\nkind = \"uart\"\nbaud = 115200\n";
        let b = board("[flash]\ntool = \"espflash\"\nchip = \"esp8266\"\n", console);
        let e = with_espflash(&b, "esp8266", Path::new("i.bin"), None).unwrap_err().to_string();
        assert!(e.contains("esptool.py --chip esp8266 --port PORT write_flash 0x0 i.bin"), "{e}");
        let b = board("[flash]\ntool = \"espflash\"\nchip = \"esp31\"\n", console);
        let e = with_espflash(&b, "esp31", Path::new("i.bin"), None).unwrap_err().to_string();
        assert!(e.contains("field `flash.chip`: espflash knows no chip \"esp31\""), "{e}");
    }

    /// A board whose probe or serial port is not attached fails at once, saying what it looked for.
    /// (Skipped, with a note, on a machine where one is attached.)
    #[test]
    fn without_a_probe_or_port_flashing_fails_fast_naming_what_it_looked_for() {
        let dir = crate::manifest::tests_support::temp_dir("flash");
        let elf = dir.join("image.elf");
        let segment = crate::elf::Segment { address: 0, bytes: vec![0; 64], origin: "test".into() };
        crate::elf::write_image(&elf, object::elf::EM_ARM, 0, 0, &[segment]).unwrap();
        let console = "[console]\nkind = \"uart\"\nbaud = 115200\n";
        if probe_rs::probe::list::Lister::new().list_all().is_empty() {
            let b = board("[flash]\ntool = \"probe-rs\"\nchip = \"nRF52840_xxAA\"\n", console);
            let start = Instant::now();
            let e = with_probe(&b, &elf).unwrap_err().to_string();
            assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
            assert!(e.starts_with("no debug probe found for board b (chip nRF52840_xxAA, from bsp/b/board.toml [flash] chip)"), "{e}");
            assert!(e.contains("ST-LINK") && e.contains("J-Link") && e.contains("CMSIS-DAP"), "{e}");
            let typo = board("[flash]\ntool = \"probe-rs\"\nchip = \"nRF52840_xxAB\"\n", console);
            assert!(with_probe(&typo, &elf).unwrap_err().to_string().contains("field `flash.chip`: probe-rs knows no chip"));
        } else {
            eprintln!("note: a debug probe is attached; the no-probe check is skipped");
        }
        if ports::candidates(&ports::system_ports()).is_empty() {
            let b = board("[flash]\ntool = \"espflash\"\nchip = \"esp32c3\"\n", console);
            let bin = dir.join("image.bin");
            std::fs::write(&bin, [0xe9u8; 32]).unwrap();
            let e = with_espflash(&b, "esp32c3", &bin, None).unwrap_err().to_string();
            assert!(e.contains("no serial port of a debug probe or USB serial bridge found") && e.contains("Silicon Labs CP210x 10c4:ea60"), "{e}");
        } else {
            eprintln!("note: a USB serial bridge is attached; the no-port check is skipped");
        }
    }
}
