//! `board.toml`: what a board is and how to build for and run it.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde::Deserialize;

use super::{field_error, load, Size};

/// `board.toml`: what a board is and how to build for and run it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardFile {
    pub board: BoardInfo,
    pub memory: BoardMemory,
    pub kernel: KernelReservation,
    pub protection: Protection,
    pub qemu: Option<Qemu>,
    /// How a real board is flashed (required with status `hardware`).
    pub flash: Option<Flash>,
    /// Where the kernel's log goes (required with status `hardware`).
    pub console: Option<Console>,
    /// Devices processes may own, by name.
    #[serde(default)]
    pub devices: std::collections::BTreeMap<String, BoardDevice>,
}

/// A device of the board that a process may own: its registers and interrupt line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardDevice {
    /// What it is (informational: `cmsdk-dualtimer`, `goldfish-rtc`...).
    pub kind: String,
    pub base: u64,
    pub size: Size,
    pub irq: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardInfo {
    pub name: String,
    pub description: String,
    /// Architecture family: `cortex-m`, `riscv` or `xtensa`.
    pub arch: String,
    pub cpu: String,
    /// Rust target triple.
    pub target: String,
    /// `qemu` (emulated, tested in CI) or `hardware`.
    pub status: String,
    /// Cortex-M only: the chip's device interrupt lines, the length of the kernel's vector table
    /// after the exceptions. Without it, the architecture's maximum (see [`Board::interrupt_vectors`]).
    #[serde(default)]
    pub interrupts: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryRange {
    pub origin: u64,
    pub size: Size,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardMemory {
    pub flash: MemoryRange,
    pub ram: MemoryRange,
    /// Where constant data (`.rodata`) goes; `ram` where the flash is word-addressed instruction
    /// memory that byte loads cannot read (Espressif chips).
    #[serde(default)]
    pub rodata: RodataPlace,
}

/// Where constant data is placed, in the kernel and in every process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RodataPlace {
    /// In flash, read in place (the default).
    #[default]
    Flash,
    /// Copied from flash to RAM with `.data`, because loads from flash must be whole aligned words.
    Ram,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KernelReservation {
    pub flash: Size,
    pub ram: Size,
    /// Round-robin time slice among equally important processes, in milliseconds (0: none).
    #[serde(default = "default_time_slice_ms")]
    pub time_slice_ms: u32,
}

fn default_time_slice_ms() -> u32 {
    10
}

/// How process regions must be shaped for the board's protection unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionRule {
    /// A power of two in size, aligned to its size (ARMv7-M MPU, RISC-V PMP NAPOT).
    PowerOfTwo,
    /// Any multiple of `min_region`, aligned to it (ARMv8-M MPU).
    Granule,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// Name of the unit (informational): `pmsav7`, `pmp`, `none`.
    pub unit: String,
    pub rule: RegionRule,
    pub min_region: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qemu {
    pub binary: String,
    pub machine: String,
    pub cpu: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
}

/// `[flash]`: how `cargo mote flash` writes the image to a real board.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flash {
    /// `probe-rs` (a debug probe over SWD or JTAG) or `espflash` (Espressif's serial bootloader).
    pub tool: String,
    /// The chip as the tool names it: a probe-rs target (`nRF52840_xxAA`, `STM32F401RETx`,
    /// `RP2040`) or an espflash chip (`esp32c3`, `esp8266`).
    pub chip: String,
    /// probe-rs only: the wire protocol, `swd` (default) or `jtag`.
    pub protocol: Option<String>,
    /// probe-rs only: the probe's clock in kHz.
    pub speed_khz: Option<u32>,
}

/// `[console]`: where the kernel's log appears, for `cargo mote monitor`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Console {
    /// `uart` (a serial port on the host, often the probe's USB bridge), `rtt` (SEGGER RTT through
    /// the probe) or `semihosting` (QEMU's standard output).
    pub kind: String,
    /// The peripheral (`UARTE0`, `USART2`, `UART0`...), informational.
    pub device: Option<String>,
    /// `uart` only: the baud rate.
    pub baud: Option<u32>,
    /// The pins it uses (`TX P0.06, RX P0.08`), informational.
    pub pins: Option<String>,
}

/// A board, loaded from `bsp/<name>/board.toml`.
#[derive(Debug, Clone)]
pub struct Board {
    pub file: BoardFile,
    /// The BSP package directory.
    pub dir: PathBuf,
}

impl Board {
    /// The board's name.
    pub fn name(&self) -> &str {
        &self.file.board.name
    }

    /// The Rust target triple.
    pub fn target(&self) -> &str {
        &self.file.board.target
    }

    /// Cortex-M: how many interrupt vectors the kernel's vector table has, `board.interrupts` or
    /// the most the architecture allows (cortex-m-rt's generic table: 32 on ARMv6-M and ARMv8-M
    /// Baseline, 240 on ARMv7-M, 480 on ARMv8-M Mainline). `None` for other architectures.
    pub fn interrupt_vectors(&self) -> Option<u32> {
        let b = &self.file.board;
        (b.arch == "cortex-m").then(|| b.interrupts.unwrap_or_else(|| max_interrupt_vectors(&b.target)))
    }

    /// Loads and checks `dir/board.toml`.
    pub fn load(dir: &Path) -> Result<Board> {
        let path = dir.join("board.toml");
        let file: BoardFile = load(&path)?;
        let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if file.board.name != dir_name {
            return Err(field_error(
                &path,
                "board.name",
                format!("is \"{}\" but the BSP directory is \"{dir_name}\"; they must match", file.board.name),
            ));
        }
        if !["cortex-m", "riscv", "xtensa"].contains(&file.board.arch.as_str()) {
            return Err(field_error(&path, "board.arch", "must be \"cortex-m\", \"riscv\" or \"xtensa\""));
        }
        if !["qemu", "hardware"].contains(&file.board.status.as_str()) {
            return Err(field_error(&path, "board.status", "must be \"qemu\" or \"hardware\""));
        }
        let m = &file.memory;
        for (field, r) in [("memory.flash", &m.flash), ("memory.ram", &m.ram)] {
            if r.size.0 == 0 || r.origin.checked_add(r.size.0).is_none_or(|end| end > 1 << 32) {
                return Err(field_error(&path, field, "must be a non-empty range inside the 32-bit address space"));
            }
        }
        let overlap = m.flash.origin < m.ram.origin + m.ram.size.0 && m.ram.origin < m.flash.origin + m.flash.size.0;
        if overlap {
            return Err(field_error(&path, "memory.ram", "overlaps memory.flash"));
        }
        if file.kernel.flash.0 >= m.flash.size.0 {
            return Err(field_error(&path, "kernel.flash", "leaves no flash for processes (must be less than memory.flash.size)"));
        }
        if file.kernel.ram.0 >= m.ram.size.0 {
            return Err(field_error(&path, "kernel.ram", "leaves no RAM for processes (must be less than memory.ram.size)"));
        }
        if file.kernel.time_slice_ms > 60_000 {
            return Err(field_error(&path, "kernel.time_slice_ms", "must be at most 60000 (a minute); 0 turns time slicing off"));
        }
        let min = file.protection.min_region;
        if min < 4 || !min.is_power_of_two() {
            return Err(field_error(&path, "protection.min_region", "must be a power of two, at least 4"));
        }
        check_target(&path, &file.board)?;
        check_alignment(&path, &file)?;
        for (name, d) in &file.devices {
            let field = format!("devices.{name}");
            let r = &file.protection;
            let shaped = match r.rule {
                RegionRule::PowerOfTwo => d.size.0.is_power_of_two() && d.base % d.size.0 == 0,
                RegionRule::Granule => d.size.0 % r.min_region == 0 && d.base % r.min_region == 0,
            };
            if d.size.0 < r.min_region || !shaped {
                return Err(field_error(&path, &field, "its registers are not a region the protection unit can map (see protection.rule)"));
            }
            if d.base.checked_add(d.size.0).is_none_or(|end| end > 1 << 32) {
                return Err(field_error(&path, &format!("{field}.base"), "the registers must lie inside the 32-bit address space"));
            }
            let inside = |m: &MemoryRange| d.base < m.origin + m.size.0 && m.origin < d.base + d.size.0;
            if inside(&m.flash) || inside(&m.ram) {
                return Err(field_error(&path, &field, "overlaps memory.flash or memory.ram"));
            }
        }
        check_devices_disjoint(&path, &file)?;
        check_interrupts(&path, &file)?;
        match (file.board.status.as_str(), &file.qemu) {
            ("qemu", None) => return Err(field_error(&path, "qemu", "a board with status \"qemu\" needs a [qemu] table")),
            ("hardware", Some(_)) => {
                return Err(field_error(
                    &path,
                    "qemu",
                    "a board with status \"hardware\" is not emulated: remove the [qemu] table, or make a separate qemu-* board",
                ))
            }
            _ => {}
        }
        check_flash_and_console(&path, &file)?;
        Ok(Board { file, dir: dir.to_path_buf() })
    }
}

/// The most device interrupt vectors a Cortex-M target's vector table may have.
fn max_interrupt_vectors(target: &str) -> u32 {
    if target.starts_with("thumbv6m") || target.starts_with("thumbv8m.base") {
        32
    } else if target.starts_with("thumbv8m.main") {
        480
    } else {
        240
    }
}

/// Checks `board.interrupts`: Cortex-M only, within the architecture's maximum, and covering
/// every device's `irq`.
fn check_interrupts(path: &Path, file: &BoardFile) -> Result<()> {
    let Some(lines) = file.board.interrupts else { return Ok(()) };
    if file.board.arch != "cortex-m" {
        return Err(field_error(path, "board.interrupts", "sizes the Cortex-M vector table; remove it for other architectures"));
    }
    let max = max_interrupt_vectors(&file.board.target);
    if lines == 0 || lines > max {
        return Err(field_error(path, "board.interrupts", format!("must be 1 to {max} on {}", file.board.target)));
    }
    for (name, d) in &file.devices {
        if d.irq.is_some_and(|irq| irq >= lines) {
            return Err(field_error(path, &format!("devices.{name}.irq"), format!("is not below board.interrupts ({lines})")));
        }
    }
    Ok(())
}

/// Checks that `board.target` is a Rust target of `board.arch`.
fn check_target(path: &Path, info: &BoardInfo) -> Result<()> {
    let prefixes: &[&str] = match info.arch.as_str() {
        "cortex-m" => &["thumbv6m", "thumbv7m", "thumbv7em", "thumbv8m"],
        "riscv" => &["riscv32"],
        _ => &["xtensa"],
    };
    if prefixes.iter().any(|p| info.target.starts_with(p)) {
        return Ok(());
    }
    let want = prefixes.iter().map(|p| format!("{p}-...")).collect::<Vec<_>>().join(", ");
    Err(field_error(path, "board.target", format!("\"{}\" is not a target of arch \"{}\" (expected {want})", info.target, info.arch)))
}

/// Checks that memory origins and the kernel's reservation fall on the protection unit's
/// granule: processes are placed right after the kernel, and the unit cannot draw a region
/// boundary between two granules.
fn check_alignment(path: &Path, file: &BoardFile) -> Result<()> {
    let min = file.protection.min_region;
    let m = &file.memory;
    let k = &file.kernel;
    let checks = [
        ("memory.flash.origin", m.flash.origin),
        ("memory.ram.origin", m.ram.origin),
        ("kernel.flash", k.flash.0),
        ("kernel.ram", k.ram.0),
    ];
    for (field, value) in checks {
        if value % min != 0 {
            return Err(field_error(
                path,
                field,
                format!("{value:#x} is not a multiple of protection.min_region ({min}): the protection unit could not start a process region there"),
            ));
        }
    }
    Ok(())
}

/// Checks that no two devices share registers.
fn check_devices_disjoint(path: &Path, file: &BoardFile) -> Result<()> {
    let devices: Vec<(&String, &BoardDevice)> = file.devices.iter().collect();
    for (i, (a, da)) in devices.iter().enumerate() {
        for (b, db) in &devices[i + 1..] {
            if da.base < db.base + db.size.0 && db.base < da.base + da.size.0 {
                return Err(field_error(path, &format!("devices.{b}"), format!("overlaps devices.{a}")));
            }
        }
    }
    Ok(())
}

/// Checks `[flash]` and `[console]`: both are required on a real board.
fn check_flash_and_console(path: &Path, file: &BoardFile) -> Result<()> {
    let hardware = file.board.status == "hardware";
    match &file.flash {
        None if hardware => return Err(field_error(path, "flash", "a board with status \"hardware\" needs a [flash] table (tool and chip)")),
        Some(f) if !["probe-rs", "espflash"].contains(&f.tool.as_str()) => {
            return Err(field_error(path, "flash.tool", "must be \"probe-rs\" or \"espflash\""));
        }
        Some(f) if f.chip.trim().is_empty() => return Err(field_error(path, "flash.chip", "must name the chip")),
        Some(f) if f.protocol.as_deref().is_some_and(|p| !["swd", "jtag"].contains(&p)) => {
            return Err(field_error(path, "flash.protocol", "must be \"swd\" or \"jtag\""));
        }
        Some(f) if f.tool == "espflash" && (f.protocol.is_some() || f.speed_khz.is_some()) => {
            return Err(field_error(path, "flash.protocol", "protocol and speed_khz are for probe-rs; espflash talks to the serial bootloader"));
        }
        _ => {}
    }
    match &file.console {
        None if hardware => Err(field_error(path, "console", "a board with status \"hardware\" needs a [console] table (kind)")),
        Some(c) if !["uart", "rtt", "semihosting"].contains(&c.kind.as_str()) => {
            Err(field_error(path, "console.kind", "must be \"uart\", \"rtt\" or \"semihosting\""))
        }
        Some(c) if c.kind == "uart" && c.baud.is_none() => Err(field_error(path, "console.baud", "a uart console needs its baud rate")),
        _ => Ok(()),
    }
}

/// Every board of the SDK, by name.
pub fn all_boards(sdk: &Path) -> Result<Vec<Board>> {
    let mut boards = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(sdk.join("bsp"))?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        if dir.join("board.toml").exists() {
            boards.push(Board::load(&dir)?);
        }
    }
    Ok(boards)
}

/// The board called `name`, with a helpful error listing the known boards.
pub fn find_board(sdk: &Path, name: &str) -> Result<Board> {
    let dir = sdk.join("bsp").join(name);
    if dir.join("board.toml").exists() {
        return Board::load(&dir);
    }
    let known: Vec<String> = all_boards(sdk)?.iter().map(|b| b.name().to_string()).collect();
    bail!("unknown board \"{name}\"; known boards: {}", known.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests_support::temp_dir;

    #[test]
    fn board_inconsistencies_are_named() {
        let root = temp_dir("board");
        let dir = root.join("myboard");
        std::fs::create_dir_all(&dir).unwrap();
        let good = "[board]\nname = \"myboard\"\ndescription = \"d\"\narch = \"cortex-m\"\ncpu = \"c\"\ntarget = \"thumbv7em-none-eabihf\"\nstatus = \"hardware\"\n\
            [memory]\nflash = { origin = 0, size = \"256K\" }\nram = { origin = 0x20000000, size = \"64K\" }\n\
            [kernel]\nflash = \"32K\"\nram = \"8K\"\n[protection]\nunit = \"pmsav7\"\nrule = \"power-of-two\"\nmin_region = 32\n\
            [flash]\ntool = \"probe-rs\"\nchip = \"nRF52840_xxAA\"\n[console]\nkind = \"uart\"\nbaud = 115200\n";
        std::fs::write(dir.join("board.toml"), good).unwrap();
        assert!(Board::load(&dir).is_ok());
        let overlapping = good.replace("0x20000000", "0x1000");
        std::fs::write(dir.join("board.toml"), overlapping).unwrap();
        let e = Board::load(&dir).unwrap_err().to_string();
        assert!(e.contains("board.toml: field `memory.ram`: overlaps"), "{e}");
        let too_big = good.replace("flash = \"32K\"", "flash = \"256K\"");
        std::fs::write(dir.join("board.toml"), too_big).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `kernel.flash`"));
        let rodata = good.replace("size = \"64K\" }\n", "size = \"64K\" }\nrodata = \"rom\"\n");
        std::fs::write(dir.join("board.toml"), rodata).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `memory.rodata`"));
        let bad_rule = good.replace("power-of-two", "any");
        std::fs::write(dir.join("board.toml"), bad_rule).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `protection.rule`"));
        let renamed = good.replace("name = \"myboard\"", "name = \"other\"");
        std::fs::write(dir.join("board.toml"), renamed).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `board.name`"));
        let no_flash = good.replace("[flash]\ntool = \"probe-rs\"\nchip = \"nRF52840_xxAA\"\n", "");
        std::fs::write(dir.join("board.toml"), no_flash).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `flash`: a board with status \"hardware\" needs"));
        let bad_tool = good.replace("tool = \"probe-rs\"", "tool = \"openocd\"");
        std::fs::write(dir.join("board.toml"), bad_tool).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `flash.tool`"));
        let no_baud = good.replace("baud = 115200\n", "");
        std::fs::write(dir.join("board.toml"), no_baud).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `console.baud`"));
        let no_console = good.replace("[console]\nkind = \"uart\"\nbaud = 115200\n", "");
        std::fs::write(dir.join("board.toml"), no_console).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `console`: a board with status \"hardware\" needs"));
    }

    /// Writes `text` as `myboard`'s manifest and returns the load error (empty if it loads).
    fn load_error(tag: &str, text: &str) -> String {
        let dir = temp_dir(tag).join("myboard");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("board.toml"), text).unwrap();
        Board::load(&dir).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn inconsistent_memory_maps_are_named() {
        let good = crate::manifest::tests_support::board_text("power-of-two", 32).replace("\"b\"", "\"myboard\"");
        assert_eq!(load_error("map-good", &good), "");
        let cases = [
            // Missing fields name the table and the field.
            (good.replace("target = \"thumbv7em-none-eabihf\"\n", ""), "field `board`: missing field `target`"),
            (good.replace("ram = \"8K\"\n", ""), "field `kernel`: missing field `ram`"),
            (good.replace("[protection]\nunit = \"u\"\nrule = \"power-of-two\"\nmin_region = 32\n", ""), "missing field `protection`"),
            // The vector table: within the architecture's maximum, covering every device's line.
            (good.replace("status = ", "interrupts = 241\nstatus = "), "field `board.interrupts`: must be 1 to 240 on thumbv7em-none-eabihf"),
            (
                good.replace("status = ", "interrupts = 8\nstatus = ") + "[devices.t]\nkind = \"k\"\nbase = 0x40000000\nsize = \"4K\"\nirq = 8\n",
                "field `devices.t.irq`: is not below board.interrupts (8)",
            ),
            // A target of another architecture.
            (good.replace("thumbv7em-none-eabihf", "riscv32imac-unknown-none-elf"), "field `board.target`: \"riscv32imac-unknown-none-elf\" is not a target of arch \"cortex-m\""),
            // The kernel's reservation and the origins must fall on the protection granule.
            (good.replace("flash = \"32K\"", "flash = 32760"), "field `kernel.flash`: 0x7ff8 is not a multiple of protection.min_region (32)"),
            (good.replace("ram = \"8K\"", "ram = 8200"), "field `kernel.ram`"),
            (good.replace("origin = 0x20000000", "origin = 0x20000010"), "field `memory.ram.origin`"),
            (good.replace("origin = 0,", "origin = 4,"), "field `memory.flash.origin`"),
            // Ranges past 4 GiB.
            (good.replace("origin = 0x20000000", "origin = 0xFFFF8000"), "field `memory.ram`: must be a non-empty range inside the 32-bit address space"),
            // A hardware board is not emulated.
            (format!("{good}[qemu]\nbinary = \"qemu-system-arm\"\nmachine = \"m\"\n"), "field `qemu`: a board with status \"hardware\" is not emulated"),
            // Devices: outside the address space, overlapping each other.
            (format!("{good}[devices.t]\nkind = \"k\"\nbase = 0xFFFFF000\nsize = \"8K\"\n"), "field `devices.t`"),
            (
                format!("{good}[devices.a]\nkind = \"k\"\nbase = 0x40000000\nsize = \"4K\"\n[devices.b]\nkind = \"k\"\nbase = 0x40000000\nsize = \"4K\"\n"),
                "field `devices.b`: overlaps devices.a",
            ),
        ];
        for (i, (text, want)) in cases.iter().enumerate() {
            let e = load_error(&format!("map-{i}"), text);
            assert!(e.contains("myboard/board.toml") && e.contains(want), "case {i}: {e}");
        }
    }
}
