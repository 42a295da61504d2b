//! The files of a scaffolded board package: `board.toml`, `Cargo.toml`, `build.rs`, `src/main.rs`
//! and, when the SDK has no driver for the chip yet, `src/placeholder.rs`.

use super::chips::{Chip, Wiring};

/// What the files are generated from: a known chip, or only an architecture.
pub struct Spec<'a> {
    pub name: &'a str,
    /// The `--chip` as given.
    pub chip_name: &'a str,
    pub chip: Option<&'static Chip>,
    pub arch: &'a str,
}

impl Spec<'_> {
    /// How `main.rs` wires the board. A chip whose SDK board is not at hand
    /// ([`Wiring::Board`]) gets the placeholders.
    pub fn wiring(&self) -> Wiring {
        match self.chip.map_or(Wiring::Placeholder, |c| c.wiring) {
            Wiring::Board(_) => Wiring::Placeholder,
            w => w,
        }
    }
}

/// Marks a value the porter must check, in a board made for an unknown chip.
const FILL_IN: &str = "  # FILL IN: placeholder, from the datasheet";

/// `board.toml`, every field present and commented.
pub fn board_toml(s: &Spec) -> String {
    let (fill, c) = match s.chip {
        Some(c) => ("", c),
        None => (FILL_IN, unknown_chip(s.arch)),
    };
    let status = if c.qemu.is_some() { "qemu" } else { "hardware" };
    let description = match s.chip {
        Some(c) => format!("{} board", c.summary),
        None => format!("a board with the {} (FILL IN: what it is)", s.chip_name),
    };
    let mut t = format!(
        "# {name}: scaffolded by `cargo mote new-board --chip {chip}`. docs/porting.md says what each\n\
         # field means and in which order to write a board; docs/boards.md lists every field.\n\
         [board]\n\
         name = \"{name}\"\n\
         description = \"{description}\"\n\
         # cortex-m, riscv or xtensa: chooses arch/<arch>.\n\
         arch = \"{arch}\"\n\
         cpu = \"{cpu}\"{fill}\n\
         # The Rust target the kernel and processes are built for.\n\
         target = \"{target}\"{fill}\n\
         # qemu (emulated, its whole test suite runs in `cargo mote test`) or hardware (built there).\n\
         status = \"{status}\"\n\n\
         # Where code runs from and where RAM is: origin and size of each.\n\
         [memory]\n\
         flash = {{ origin = {fo:#010x}, size = \"{fs}\" }}{fill}\n\
         ram = {{ origin = {ro:#010x}, size = \"{rs}\" }}{fill}\n\n\
         # What the kernel reserves at the start of flash and RAM (multiples of protection.min_region);\n\
         # processes are placed after it. `cargo mote size` shows what the kernel really uses.\n\
         [kernel]\n\
         flash = \"{kf}\"\n\
         ram = \"{kr}\"\n\
         time_slice_ms = 10\n\n\
         # {note}\n\
         [protection]\n\
         unit = \"{unit}\"{fill}\n\
         rule = \"{rule}\"{fill}\n\
         min_region = {min}{fill}\n",
        name = s.name,
        chip = s.chip_name,
        arch = c.arch,
        cpu = c.cpu,
        target = c.target,
        fo = c.flash.0,
        fs = c.flash.1,
        ro = c.ram.0,
        rs = c.ram.1,
        kf = c.kernel.0,
        kr = c.kernel.1,
        note = c.protection_note,
        unit = c.protection.0,
        rule = c.protection.1,
        min = c.protection.2,
    );
    if let Some((binary, machine, cpu)) = c.qemu {
        t += &format!(
            "\n[qemu]\nbinary = \"{binary}\"\nmachine = \"{machine}\"\ncpu = \"{cpu}\"\nargs = [\"-semihosting-config\", \"enable=on,target=native\"]\n"
        );
    } else {
        let (tool, probe_chip) = if s.chip.is_some() { c.probe } else { (c.probe.0, s.chip_name) };
        let (kind, device, baud, pins) = c.console;
        let protocol = if tool == "probe-rs" { "protocol = \"swd\"\n" } else { "" };
        t += &format!(
            "\n# How `cargo mote flash` writes the image: probe-rs (a debug probe; the chip as `probe-rs chip list`\n\
             # names it) or espflash (Espressif's serial bootloader).\n\
             [flash]\ntool = \"{tool}\"\nchip = \"{probe_chip}\"{fill}\n{protocol}\n\
             # Where the kernel's log appears, for `cargo mote monitor`: uart, rtt or semihosting.\n\
             [console]\nkind = \"{kind}\"\ndevice = \"{device}\"{fill}\nbaud = {baud}\npins = \"{pins}\"{fill}\n"
        );
    }
    t += &format!(
        "\n# Devices processes may own (process.toml [[device]]), by name: registers (a region the protection\n\
         # unit can map) and interrupt line. None yet. For example:\n\
         # [devices.spare-timer]\n# kind = \"...\"\n# base = 0x40000000\n# size = \"4K\"\n# irq = 9\n\n\
         # Notes: {}\n",
        c.notes
    );
    t
}

/// Placeholder values for a chip the SDK does not know, per architecture: they build, and every
/// one is marked for the porter to replace.
fn unknown_chip(arch: &str) -> &'static Chip {
    const fn chip(arch: &'static str, cpu: &'static str, target: &'static str, flash: (u64, &'static str), ram: (u64, &'static str), probe: &'static str) -> Chip {
        Chip {
            name: "",
            summary: "",
            arch,
            cpu,
            target,
            flash,
            ram,
            kernel: ("64K", "16K"),
            protection: ("none", "granule", 8),
            protection_note: "No protection unit assumed (processes not isolated). With an ARMv7-M MPU: pmsav7, power-of-two, 32; ARMv8-M: pmsav8, granule, 32; RISC-V PMP: pmp, granule, 32.",
            probe: (probe, ""),
            console: ("uart", "UART0", 115_200, "TX ?, RX ?"),
            qemu: None,
            wiring: Wiring::Placeholder,
            notes: "every field marked FILL IN comes from the architecture's defaults, not from this chip.",
        }
    }
    const CORTEX_M: Chip = chip("cortex-m", "Cortex-M", "thumbv7m-none-eabi", (0, "256K"), (0x2000_0000, "64K"), "probe-rs");
    const RISCV: Chip = chip("riscv", "RV32IMAC", "riscv32imac-unknown-none-elf", (0x2000_0000, "1M"), (0x8000_0000, "64K"), "probe-rs");
    const XTENSA: Chip = chip("xtensa", "Xtensa lx106", "xtensa-lx106-none-elf", (0x4020_0000, "1M"), (0x3FFE_8000, "80K"), "espflash");
    match arch {
        "riscv" => &RISCV,
        "xtensa" => &XTENSA,
        _ => &CORTEX_M,
    }
}

/// `Cargo.toml` of the board package.
pub fn cargo_toml(s: &Spec) -> String {
    let mut deps = vec!["mote-kernel", "mote-hal"];
    match (s.arch, s.wiring()) {
        (_, Wiring::Mps2(_)) => deps = vec!["mote-kernel", "mote-hal", "mote-bsp-mps2"],
        ("cortex-m", w) => {
            deps.push("mote-arch-cortex-m");
            if w == Wiring::Nrf52 {
                deps.extend(["mote-driver-nrf51-uart", "mote-driver-nrf51-timer"]);
            }
        }
        ("riscv", w) => {
            deps.push("mote-arch-riscv");
            if w == Wiring::Fe310 {
                deps.extend(["mote-driver-sifive-uart", "mote-driver-riscv-clint"]);
            }
        }
        _ => deps.push("mote-arch-xtensa"),
    }
    if s.wiring() == Wiring::Placeholder {
        deps.push("embedded-io");
    }
    let deps: String = deps.iter().map(|d| format!("{d}.workspace = true\n")).collect();
    format!(
        "[package]\nname = \"mote-bsp-{name}\"\ndescription = \"Mote board support: {name}\"\nversion.workspace = true\n\
         edition.workspace = true\nlicense.workspace = true\nbuild = \"build.rs\"\n\n\
         [[bin]]\nname = \"kernel\"\npath = \"src/main.rs\"\ntest = false\nbench = false\n\n\
         # Drivers come from the workspace (drivers/*, add new ones to the root Cargo.toml's\n\
         # [workspace.dependencies]) or from crates.io.\n\
         [dependencies]\n{deps}\n[build-dependencies]\nmote-bsp-build.workspace = true\n",
        name = s.name
    )
}

/// `build.rs`: the arch's linker script around the generated memory layout.
pub fn build_rs(arch: &str) -> String {
    let script = if arch == "cortex-m" { "link.x" } else { "kernel.x" };
    format!(
        "//! Takes the image layout that `cargo mote build` generated (see `mote-bsp-build`).\n\nfn main() {{\n    mote_bsp_build::use_layout(\"{script}\");\n}}\n"
    )
}

/// `src/placeholder.rs`: stand-ins for drivers the board does not have yet.
pub const PLACEHOLDER_RS: &str = r#"//! Stand-ins for the console (and the clock), so that the board builds before its drivers exist.
//! Replace them (docs/porting.md, steps 2 and 3), then delete this file: with them the kernel
//! boots silently, and a process that sleeps never wakes.

use core::convert::Infallible;

/// A console that discards what it is given.
pub struct NoConsole;

impl embedded_io::ErrorType for NoConsole {
    type Error = Infallible;
}

impl embedded_io::Write for NoConsole {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

"#;

/// The clock half of `src/placeholder.rs` (an Xtensa core has a real one: CCOUNT).
pub const PLACEHOLDER_CLOCK_RS: &str = r#"
/// A clock that stands still at zero and never raises an alarm.
pub struct StoppedClock;

impl mote_hal::Clock for StoppedClock {
    fn frequency(&self) -> u32 {
        1_000_000
    }

    fn now(&mut self) -> u64 {
        0
    }

    fn set_alarm(&mut self, _at: Option<u64>) {}

    fn interrupts(&self) -> &[u32] {
        &[]
    }

    fn on_interrupt(&mut self) {}
}
"#;

/// `src/main.rs`: the board's console, clock and exit, handed to the kernel.
pub fn main_rs(s: &Spec) -> String {
    let what = s.chip.map_or_else(|| format!("a board with the {}", s.chip_name), |c| c.summary.to_string());
    let head = format!(
        "//! The Mote kernel for {name}: {what}.\n//!\n\
         //! Scaffolded by `cargo mote new-board --chip {chip}`; docs/porting.md says what to write, in order.\n\n\
         #![no_std]\n#![no_main]\n\n",
        name = s.name,
        chip = s.chip_name
    );
    let layout = "/// The image's process table, generated by `cargo mote build`.\nmod layout {\n    include!(concat!(env!(\"OUT_DIR\"), \"/layout.rs\"));\n}\n";
    let body = match (s.arch, s.wiring()) {
        (_, Wiring::Mps2(map)) => return format!("{head}mote_bsp_mps2::kernel!(mote_bsp_mps2::{map}, \"{}\");\n", s.name),
        ("cortex-m", w) => cortex_m_body(s.name, w),
        ("riscv", w) => riscv_body(s.name, w),
        _ => xtensa_body(s.name),
    };
    let placeholder = if s.wiring() == Wiring::Placeholder {
        "/// FILL IN: the console and clock drivers; these stand-ins only let the board build.\nmod placeholder;\n\n"
    } else {
        ""
    };
    format!("{head}{placeholder}{body}\n{layout}")
}

/// The comment on every hardware board's `halt`.
const HALT_DOC: &str = "/// Stops the system: a real board has nobody to hand the status to, so the core sleeps (the kernel\n/// has logged why). FILL IN if the board should reset or signal instead.";

fn cortex_m_body(name: &str, w: Wiring) -> String {
    let (uses, parts, console) = if w == Wiring::Nrf52 {
        (
            "use mote_driver_nrf51_timer::Nrf51Clock;\nuse mote_driver_nrf51_uart::Nrf51Uart;\nuse mote_hal::Mmio;\n",
            "/// UART0, the legacy UART: the nRF51's registers.\nconst UART0: usize = 0x4000_2000;\n\
             /// The TX pin: P0.06, to the interface chip's USB serial on the nRF52840-DK.\nconst UART_TX_PIN: u32 = 6;\n\
             /// TIMER0 and its interrupt line; its prescaler: 16 MHz / 2^4 = 1 MHz.\n\
             const TIMER0: (usize, u32) = (0x4000_8000, 8);\nconst TIMER_PRESCALER: u8 = 4;\n\n\
             fn console() -> Nrf51Uart {\n    \
             // SAFETY: UART0's register block in the nRF52840 memory map. The kernel's console is its only\n    \
             // user; the panic handler creates a second handle only once the kernel has stopped for good.\n    \
             let regs = unsafe { Mmio::new(UART0, Nrf51Uart::REGISTERS_LEN) };\n    \
             Nrf51Uart::new(regs, UART_TX_PIN, Nrf51Uart::BAUD_115200)\n}\n\n\
             fn clock() -> Nrf51Clock {\n    \
             // SAFETY: TIMER0's register block in the nRF52840 memory map, used only by the clock.\n    \
             let regs = unsafe { Mmio::new(TIMER0.0, Nrf51Clock::REGISTERS_LEN) };\n    \
             Nrf51Clock::new(regs, TIMER0.1, TIMER_PRESCALER)\n}\n",
            "console()",
        )
    } else {
        (
            "use placeholder::{NoConsole, StoppedClock};\n",
            "/// FILL IN: the console driver (docs/porting.md, step 2).\nfn console() -> NoConsole {\n    NoConsole\n}\n\n\
             /// FILL IN: the clock driver (docs/porting.md, step 3).\nfn clock() -> StoppedClock {\n    StoppedClock\n}\n",
            "console()",
        )
    };
    format!(
        "use mote_arch_cortex_m::{{cortex_m, cortex_m_rt::entry, CortexM}};\nuse mote_hal::{{ExitStatus, SimpleBoard}};\nuse mote_kernel::Kernel;\n{uses}\n\
         {parts}\n{HALT_DOC}\nfn halt(_status: ExitStatus) -> ! {{\n    loop {{\n        cortex_m::asm::wfi();\n    }}\n}}\n\n\
         #[entry]\nfn main() -> ! {{\n    \
         let Some(p) = cortex_m::Peripherals::take() else {{ panic!(\"core peripherals already taken\") }};\n    \
         let arch = CortexM::new(p.MPU, p.SCB);\n    \
         let board = SimpleBoard::new(\"{name}\", {console}, clock(), halt);\n    \
         Kernel::new(arch, board, &layout::IMAGE).run()\n}}\n\n\
         mote_kernel::panic_handler!(console: {console}, exit: halt);\n"
    )
}

fn riscv_body(name: &str, w: Wiring) -> String {
    let (uses, parts, arch) = if w == Wiring::Fe310 {
        (
            "use mote_arch_riscv::plic::Plic;\nuse mote_driver_riscv_clint::ClintClock;\nuse mote_driver_sifive_uart::SifiveUart;\nuse mote_hal::Mmio;\n",
            "/// UART0 in the FE310 memory map; its divisor for 115200 baud from a 16 MHz bus clock.\n\
             const UART0: usize = 0x1001_3000;\nconst UART_DIVISOR: u32 = 138;\n\
             /// The PLIC (device interrupts).\nconst PLIC: usize = 0x0c00_0000;\n\
             /// The CLINT; its `mtime` counts the 32.768 kHz real-time clock.\nconst CLINT: usize = 0x0200_0000;\nconst MTIME_HZ: u32 = 32_768;\n\n\
             fn console() -> SifiveUart {\n    \
             // SAFETY: UART0's register block in the FE310 memory map. The kernel's console is its only\n    \
             // user; the panic handler creates a second handle only once the kernel has stopped for good.\n    \
             SifiveUart::new(unsafe { Mmio::new(UART0, SifiveUart::REGISTERS_LEN) }, UART_DIVISOR)\n}\n\n\
             fn clock() -> ClintClock {\n    \
             // SAFETY: the CLINT's register block in the FE310 memory map, used only by the clock.\n    \
             ClintClock::new(unsafe { Mmio::new(CLINT, ClintClock::REGISTERS_LEN) }, MTIME_HZ)\n}\n",
            "{\n        // SAFETY: the PLIC's register block in the FE310 memory map, used only by the arch layer.\n        \
             RiscvArch::with_plic(Plic::new(unsafe { Mmio::new(PLIC, Plic::REGISTERS_LEN) }))\n    }",
        )
    } else {
        (
            "use placeholder::{NoConsole, StoppedClock};\n",
            "/// FILL IN: the console driver (docs/porting.md, step 2).\nfn console() -> NoConsole {\n    NoConsole\n}\n\n\
             /// FILL IN: the clock driver (docs/porting.md, step 3).\nfn clock() -> StoppedClock {\n    StoppedClock\n}\n",
            "RiscvArch::new()",
        )
    };
    format!(
        "use mote_arch_riscv::RiscvArch;\nuse mote_hal::{{ExitStatus, SimpleBoard}};\nuse mote_kernel::Kernel;\n{uses}\n\
         {parts}\n{HALT_DOC}\nfn halt(_status: ExitStatus) -> ! {{\n    loop {{\n        mote_arch_riscv::riscv::asm::wfi();\n    }}\n}}\n\n\
         fn main() -> ! {{\n    \
         let board = SimpleBoard::new(\"{name}\", console(), clock(), halt);\n    \
         let arch = {arch};\n    \
         Kernel::new(arch, board, &layout::IMAGE).run()\n}}\n\n\
         mote_arch_riscv::entry!(main);\n\n\
         mote_kernel::panic_handler!(console: console(), exit: halt);\n"
    )
}

fn xtensa_body(name: &str) -> String {
    format!(
        "use mote_arch_xtensa::{{CcountClock, XtensaArch}};\nuse mote_hal::{{ExitStatus, SimpleBoard}};\nuse mote_kernel::Kernel;\n\
         use placeholder::NoConsole;\n\n\
         /// The core clock that CCOUNT counts. FILL IN: the chip's (80 MHz on an ESP8266).\nconst CCOUNT_HZ: u32 = 80_000_000;\n\n\
         /// FILL IN: the console driver (docs/porting.md, step 2).\nfn console() -> NoConsole {{\n    NoConsole\n}}\n\n\
         {HALT_DOC}\nfn halt(_status: ExitStatus) -> ! {{\n    loop {{\n        core::hint::spin_loop();\n    }}\n}}\n\n\
         fn main() -> ! {{\n    \
         let board = SimpleBoard::new(\"{name}\", console(), CcountClock::new(CCOUNT_HZ), halt);\n    \
         Kernel::new(XtensaArch::new(), board, &layout::IMAGE).run()\n}}\n\n\
         mote_arch_xtensa::entry!(main);\n\n\
         mote_kernel::panic_handler!(console: console(), exit: halt);\n"
    )
}
