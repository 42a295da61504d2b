//! Checks that a packed image can start on its board, before anyone flashes it: what the chip
//! reads at reset must be where the chip reads it.
//!
//! - Every loadable byte lies in the board's memory: in flash or RAM on a QEMU board (QEMU loads
//!   RAM too), in flash only on a real board (a flash tool writes nothing else) other than an
//!   Espressif one.
//! - The entry point lies in the kernel's flash (on Espressif boards, whose boot ROM loads the
//!   image's segments wherever they belong, in one of the segments).
//! - Cortex-M: the vector table (`__vector_table` of cortex-m-rt) is where the core or the boot
//!   ROM looks for it: at the flash origin, or right after the boot block of a chip that has one
//!   ([`boot_block`]). Its first word, the initial stack pointer, is 8-byte aligned and no
//!   higher than the end of RAM, and its second, the reset vector, is the entry point in Thumb
//!   state.
//! - RP2040: the boot block's CRC-32 matches, or the boot ROM would not run it.

use anyhow::{bail, Result};

use crate::elf::Segment;
use crate::layout::Span;
use crate::manifest::Board;

/// The RP2040's boot block: the boot ROM copies the first 256 bytes of flash to SRAM and runs
/// them only if their last 4 bytes are the CRC-32 of the first 252.
const RP2040_BOOT2: u64 = 256;

/// Bytes the boot ROM runs from the start of flash before the kernel's vector table, by chip.
pub fn boot_block(board: &Board) -> u64 {
    match board.file.flash.as_ref().map(|f| f.chip.as_str()) {
        Some("RP2040") => RP2040_BOOT2,
        _ => 0,
    }
}

/// Checks the image made of `segments`, entered at `entry`, whose kernel places its vector table
/// at `vector_table` (Cortex-M; `None` elsewhere).
pub fn check_image(board: &Board, segments: &[Segment], entry: u64, vector_table: Option<u64>) -> Result<()> {
    let manifest = board.dir.join("board.toml");
    let m = &board.file.memory;
    let flash = Span { base: m.flash.origin, size: m.flash.size.0 };
    let ram = Span { base: m.ram.origin, size: m.ram.size.0 };
    let hardware = board.file.board.status == "hardware";
    // Espressif's boot ROM copies the image's segments to wherever they belong (instruction RAM
    // too); `image/esp.rs` refuses those it cannot load.
    let rom_loaded = board.file.flash.as_ref().is_some_and(|f| f.tool == "espflash");
    for s in segments {
        let span = Span { base: s.address, size: s.bytes.len() as u64 };
        let in_flash = contains(flash, span);
        if !(in_flash || rom_loaded || (!hardware && contains(ram, span))) {
            bail!(
                "{}: bytes at {:#x}..{:#x} lie outside {} of {} (memory.flash {:#x}..{:#x}{})",
                s.origin,
                span.base,
                span.end(),
                if hardware { "the flash" } else { "the flash and RAM" },
                manifest.display(),
                flash.base,
                flash.end(),
                if hardware { "; a real board's flash tool writes flash only" } else { "" }
            );
        }
    }
    let kernel_flash = Span { base: flash.base, size: board.file.kernel.flash.0 };
    let loaded = |at: u64| segments.iter().any(|s| contains(Span { base: s.address, size: s.bytes.len() as u64 }, Span { base: at, size: 2 }));
    if rom_loaded {
        // The ROM jumps to the image's entry wherever it loaded it (a boot stub in RAM, say).
        if !loaded(entry) {
            bail!("the kernel's entry point {entry:#x} is in none of the image's segments ({})", manifest.display());
        }
    } else if !contains(kernel_flash, Span { base: entry & !1, size: 2 }) {
        bail!("the kernel's entry point {entry:#x} is outside its flash {:#x}..{:#x} (kernel.flash of {})", kernel_flash.base, kernel_flash.end(), manifest.display());
    }
    let boot = boot_block(board);
    if let Some(table) = vector_table {
        let expected = flash.base + boot;
        if table != expected {
            bail!("the kernel's vector table is at {table:#x}, but the chip of {} looks for it at {expected:#x}", manifest.display());
        }
        let (sp, reset) = (u64::from(word(segments, table)?), word(segments, table + 4)?);
        if sp % 8 != 0 || sp <= ram.base || sp > ram.end() {
            bail!("the initial stack pointer {sp:#x} in the vector table is not an 8-byte aligned address in RAM {:#x}..={:#x}", ram.base, ram.end());
        }
        if u64::from(reset) != entry || reset & 1 == 0 {
            bail!("the reset vector {reset:#x} is not the entry point {entry:#x} in Thumb state");
        }
    }
    if boot == RP2040_BOOT2 {
        let block: Vec<u8> = (0..RP2040_BOOT2).map(|i| byte(segments, flash.base + i)).collect::<Result<_>>()?;
        let stored = u32::from_le_bytes([block[252], block[253], block[254], block[255]]);
        let computed = crc32_mpeg2(&block[..252]);
        if stored != computed {
            bail!("the RP2040 boot block at {:#x} has CRC {stored:#010x}, not {computed:#010x}: the boot ROM would not run it", flash.base);
        }
    }
    Ok(())
}

fn contains(outer: Span, inner: Span) -> bool {
    inner.base >= outer.base && inner.end() <= outer.end()
}

/// The image's byte at `address`.
fn byte(segments: &[Segment], address: u64) -> Result<u8> {
    for s in segments {
        if address >= s.address && address < s.address + s.bytes.len() as u64 {
            return Ok(s.bytes[(address - s.address) as usize]);
        }
    }
    bail!("the image has no byte at {address:#x}")
}

/// The image's little-endian word at `address`.
fn word(segments: &[Segment], address: u64) -> Result<u32> {
    let b = |i| byte(segments, address + i);
    Ok(u32::from_le_bytes([b(0)?, b(1)?, b(2)?, b(3)?]))
}

/// CRC-32 as the RP2040 boot ROM computes it: polynomial 0x04c11db7, not reflected, initial
/// value 0xffffffff, no final XOR (CRC-32/MPEG-2).
fn crc32_mpeg2(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &b in bytes {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & (1 << 31) != 0 { (crc << 1) ^ 0x04c1_1db7 } else { crc << 1 };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;
    use std::path::Path;

    fn board(status_and_tables: &str, flash: u64) -> Board {
        let text = format!(
            "[board]\nname = \"b\"\ndescription = \"d\"\narch = \"cortex-m\"\ncpu = \"c\"\ntarget = \"t\"\n{status_and_tables}\n\
             [memory]\nflash = {{ origin = {flash:#x}, size = \"1M\" }}\nram = {{ origin = 0x20000000, size = \"64K\" }}\n\
             [kernel]\nflash = \"64K\"\nram = \"16K\"\n[protection]\nunit = \"pmsav7\"\nrule = \"power-of-two\"\nmin_region = 32\n"
        );
        Board { file: parse(Path::new("bsp/b/board.toml"), &text).unwrap(), dir: "bsp/b".into() }
    }

    fn hardware(chip: &str, flash: u64) -> Board {
        board(&format!("status = \"hardware\"\n[flash]\ntool = \"probe-rs\"\nchip = \"{chip}\"\n[console]\nkind = \"rtt\"\n"), flash)
    }

    fn segment(address: u64, bytes: Vec<u8>) -> Segment {
        Segment { address, bytes, origin: "kernel.elf".into() }
    }

    /// A vector table at `at`: initial SP `sp`, reset vector `reset`, then padding.
    fn table(at: u64, sp: u32, reset: u32) -> Segment {
        let mut bytes = Vec::new();
        bytes.extend(sp.to_le_bytes());
        bytes.extend(reset.to_le_bytes());
        bytes.extend([0; 56]);
        segment(at, bytes)
    }

    #[test]
    fn a_good_image_passes() {
        let b = hardware("nRF52840_xxAA", 0);
        check_image(&b, &[table(0, 0x2000_4000, 0x401)], 0x401, Some(0)).unwrap();
    }

    #[test]
    fn the_vector_table_must_be_at_the_flash_origin() {
        let b = hardware("STM32F401RETx", 0x0800_0000);
        let err = check_image(&b, &[table(0x0800_0100, 0x2000_4000, 0x0800_0401)], 0x0800_0401, Some(0x0800_0100)).unwrap_err();
        assert!(err.to_string().contains("looks for it at 0x8000000"), "{err}");
    }

    #[test]
    fn stack_pointer_and_reset_vector_are_checked() {
        let b = hardware("nRF52840_xxAA", 0);
        let err = check_image(&b, &[table(0, 0x3000_0000, 0x401)], 0x401, Some(0)).unwrap_err();
        assert!(err.to_string().contains("initial stack pointer"), "{err}");
        let err = check_image(&b, &[table(0, 0x2000_4000, 0x400)], 0x400, Some(0)).unwrap_err();
        assert!(err.to_string().contains("Thumb"), "{err}");
        let err = check_image(&b, &[table(0, 0x2000_4000, 0x401)], 0x2_0001, Some(0)).unwrap_err();
        assert!(err.to_string().contains("outside its flash"), "{err}");
    }

    #[test]
    fn a_real_board_image_holds_flash_only() {
        let b = hardware("nRF52840_xxAA", 0);
        let ram_bytes = segment(0x2000_0000, vec![1, 2, 3, 4]);
        let err = check_image(&b, &[table(0, 0x2000_4000, 0x401), ram_bytes.clone()], 0x401, Some(0)).unwrap_err();
        assert!(err.to_string().contains("writes flash only") && err.to_string().contains("bsp/b/board.toml"), "{err}");
        let qemu = board("status = \"qemu\"\n[qemu]\nbinary = \"q\"\nmachine = \"m\"\n", 0);
        check_image(&qemu, &[table(0, 0x2000_4000, 0x401), ram_bytes.clone()], 0x401, Some(0)).unwrap();
        // Espressif's boot ROM loads segments into RAM itself.
        let esp = board("status = \"hardware\"\n[flash]\ntool = \"espflash\"\nchip = \"esp8266\"\n[console]\nkind = \"uart\"\nbaud = 115200\n", 0);
        check_image(&esp, &[table(0, 0x2000_4000, 0x21), ram_bytes.clone()], 0x21, Some(0)).unwrap();
        check_image(&esp, &[ram_bytes.clone()], 0x2000_0002, None).unwrap();
        let err = check_image(&esp, &[ram_bytes], 0x2000_0010, None).unwrap_err();
        assert!(err.to_string().contains("in none of the image's segments"), "{err}");
    }

    #[test]
    fn the_rp2040_boot_block_needs_its_crc() {
        let b = hardware("RP2040", 0x1000_0000);
        let mut boot = vec![0x5a; 256];
        let crc = crc32_mpeg2(&boot[..252]);
        boot[252..].copy_from_slice(&crc.to_le_bytes());
        let image = [segment(0x1000_0000, boot.clone()), table(0x1000_0100, 0x2000_4000, 0x1000_01c1)];
        check_image(&b, &image, 0x1000_01c1, Some(0x1000_0100)).unwrap();
        boot[7] ^= 1;
        let image = [segment(0x1000_0000, boot), table(0x1000_0100, 0x2000_4000, 0x1000_01c1)];
        let err = check_image(&b, &image, 0x1000_01c1, Some(0x1000_0100)).unwrap_err();
        assert!(err.to_string().contains("boot ROM would not run it"), "{err}");
    }

    #[test]
    fn crc32_mpeg2_matches_the_standard_check_value() {
        assert_eq!(crc32_mpeg2(b"123456789"), 0x0376_e6e7);
    }
}
