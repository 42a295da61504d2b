//! The chips `mote new-board` knows: real values for a new board's `board.toml` and, where the
//! SDK has the drivers, its console and clock.
//!
//! Values are from the vendors' datasheets and reference manuals (memory maps, peripheral
//! addresses) and probe-rs's target list (chip names). A chip not listed here still scaffolds,
//! with `--arch`: its memory map is then left for the porter to fill in.

/// How a scaffolded board's `main.rs` wires the console, the clock and the exit.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Wiring {
    /// A QEMU MPS2 image, through `mote-bsp-mps2` (`AN385` or `AN505`).
    Mps2(&'static str),
    /// nRF52: the legacy UART0 and TIMER0, which keep the nRF51's registers.
    Nrf52,
    /// FE310: SiFive UART0, the CLINT's machine timer at 32.768 kHz, the PLIC.
    Fe310,
    /// The SDK has a board with this chip: a new board starts as a copy of it (its drivers, its
    /// `board.toml`), to change where the boards differ. Where that board is missing from the
    /// SDK's `bsp/`, the templates with placeholders serve instead.
    Board(&'static str),
    /// No driver in the SDK yet: placeholders (a console that discards, a clock that stands
    /// still) that build, with comments naming the peripherals to write drivers for.
    Placeholder,
}

/// What the SDK knows about a chip.
#[derive(Debug)]
pub struct Chip {
    /// The name given to `--chip`.
    pub name: &'static str,
    /// What it is, for the board's description.
    pub summary: &'static str,
    pub arch: &'static str,
    pub cpu: &'static str,
    pub target: &'static str,
    /// `(origin, size)` of code memory and of RAM.
    pub flash: (u64, &'static str),
    pub ram: (u64, &'static str),
    /// What the kernel reserves of each.
    pub kernel: (&'static str, &'static str),
    /// `(unit, rule, min_region)` and a comment on it.
    pub protection: (&'static str, &'static str, u64),
    pub protection_note: &'static str,
    /// `[flash]`: tool and chip name.
    pub probe: (&'static str, &'static str),
    /// `[console]`: kind, device, baud, pins.
    pub console: (&'static str, &'static str, u32, &'static str),
    /// `[qemu]`: binary, machine, cpu (QEMU chips only).
    pub qemu: Option<(&'static str, &'static str, &'static str)>,
    pub wiring: Wiring,
    /// Anything a porter must know that the fields do not say.
    pub notes: &'static str,
}

/// The chips `--chip` knows.
pub const CHIPS: &[Chip] = &[
    Chip {
        name: "nrf52840",
        summary: "Nordic nRF52840 (Cortex-M4F, 1 MiB flash, 256 KiB RAM)",
        arch: "cortex-m",
        cpu: "Cortex-M4F",
        // Soft-float ABI: arch/cortex-m does not save the FPU's registers on a context switch.
        target: "thumbv7em-none-eabi",
        flash: (0x0000_0000, "1M"),
        ram: (0x2000_0000, "256K"),
        kernel: ("64K", "16K"),
        protection: ("pmsav7", "power-of-two", 32),
        protection_note: "ARMv7-M MPU (PMSAv7): regions are a power of two, at least 32 bytes, aligned to their size.",
        probe: ("probe-rs", "nRF52840_xxAA"),
        console: ("uart", "UART0", 115_200, "TX P0.06, RX P0.08 (the J-Link's USB serial on the nRF52840-DK)"),
        qemu: None,
        wiring: Wiring::Nrf52,
        notes: "The legacy UART0 (0x4000_2000) and TIMER0 (0x4000_8000, IRQ 8) keep the nRF51's registers: the nrf51 drivers drive them.",
    },
    Chip {
        name: "stm32f401re",
        summary: "ST STM32F401RE (Cortex-M4F, 512 KiB flash, 96 KiB RAM)",
        arch: "cortex-m",
        cpu: "Cortex-M4F",
        target: "thumbv7em-none-eabi",
        flash: (0x0800_0000, "512K"),
        ram: (0x2000_0000, "96K"),
        kernel: ("64K", "16K"),
        protection: ("pmsav7", "power-of-two", 32),
        protection_note: "ARMv7-M MPU (PMSAv7): regions are a power of two, at least 32 bytes, aligned to their size.",
        probe: ("probe-rs", "STM32F401RETx"),
        console: ("uart", "USART2", 115_200, "TX PA2, RX PA3 (the ST-LINK's virtual COM port on the Nucleo)"),
        qemu: None,
        wiring: Wiring::Board("nucleo-f401re"),
        notes: "Console: USART2 at 0x4000_4400 (enable it in RCC APB1ENR, PA2/PA3 as AF7). Clock: TIM2 (32-bit) at 0x4000_0000, IRQ 28; 16 MHz HSI after reset.",
    },
    Chip {
        name: "rp2040",
        summary: "Raspberry Pi RP2040 (dual Cortex-M0+, 2 MiB QSPI flash, 264 KiB RAM)",
        arch: "cortex-m",
        cpu: "Cortex-M0+",
        target: "thumbv6m-none-eabi",
        // The boot ROM runs the 256-byte second-stage loader (boot2) at the start of flash first.
        flash: (0x1000_0100, "0x1FFF00"),
        ram: (0x2000_0000, "256K"),
        kernel: ("64K", "16K"),
        protection: ("pmsav6", "power-of-two", 256),
        protection_note: "The M0+'s MPU (ARMv6-M, 8 regions): regions are a power of two, at least 256 bytes, aligned to their size.",
        probe: ("probe-rs", "RP2040"),
        console: ("uart", "UART0", 115_200, "TX GP0, RX GP1"),
        qemu: None,
        wiring: Wiring::Board("rpi-pico"),
        notes: "Flash starts at 0x1000_0000 with boot2 (256 bytes, to be prepended to the image). Console: UART0 (PL011) at 0x4003_4000. Clock: TIMER at 0x4005_4000 (1 MHz, ALARM0 IRQ 0).",
    },
    Chip {
        name: "esp32c3",
        summary: "Espressif ESP32-C3 (RV32IMC, 4 MiB flash, 400 KiB SRAM)",
        arch: "riscv",
        cpu: "RV32IMC",
        target: "riscv32imc-unknown-none-elf",
        // Code runs from flash through the cache (mapped by the bootloader); data in internal SRAM.
        flash: (0x4200_0000, "4M"),
        ram: (0x3FC8_0000, "320K"),
        kernel: ("64K", "16K"),
        protection: ("pmp", "granule", 32),
        protection_note: "PMP with 16 entries: TOR regions take any multiple of 4 bytes; 32 keeps stacks 16-byte aligned.",
        probe: ("espflash", "esp32c3"),
        console: ("uart", "UART0", 115_200, "TX GPIO21, RX GPIO20 (the USB bridge on the ESP32-C3-DevKitM-1)"),
        qemu: None,
        wiring: Wiring::Board("esp32c3-devkit"),
        notes: "espflash writes an app image for Espressif's second-stage bootloader. Console: UART0 at 0x6000_0000. Clock: SYSTIMER at 0x6002_3000 (16 MHz), interrupts through the interrupt matrix.",
    },
    Chip {
        name: "fe310",
        summary: "SiFive FE310-G002 (RV32IMAC, 4 MiB QSPI flash, 16 KiB RAM)",
        arch: "riscv",
        cpu: "RV32IMAC",
        target: "riscv32imac-unknown-none-elf",
        // The mask ROM jumps to 0x2001_0000, past the 64 KiB bootloader of the HiFive1 Rev B.
        flash: (0x2001_0000, "4032K"),
        ram: (0x8000_0000, "16K"),
        kernel: ("64K", "4K"),
        protection: ("pmp", "granule", 32),
        protection_note: "PMP with 8 entries: NAPOT or TOR regions; `granule` packs processes into the 16 KiB.",
        probe: ("probe-rs", "FE310"),
        console: ("uart", "UART0", 115_200, "TX GPIO17, RX GPIO16 (the J-Link's USB serial on the HiFive1 Rev B)"),
        qemu: None,
        wiring: Wiring::Fe310,
        notes: "UART0 at 0x1001_3000, divisor for a 16 MHz bus clock; the CLINT's mtime counts the 32.768 kHz real-time clock.",
    },
    Chip {
        name: "mps2-an385",
        summary: "ARM MPS2 + AN385 (Cortex-M3), QEMU",
        arch: "cortex-m",
        cpu: "Cortex-M3",
        target: "thumbv7m-none-eabi",
        flash: (0x0000_0000, "4M"),
        ram: (0x2000_0000, "4M"),
        kernel: ("64K", "16K"),
        protection: ("pmsav7", "power-of-two", 32),
        protection_note: "ARMv7-M MPU (PMSAv7): regions are a power of two, at least 32 bytes, aligned to their size.",
        probe: ("", ""),
        console: ("semihosting", "UART0", 0, ""),
        qemu: Some(("qemu-system-arm", "mps2-an385", "cortex-m3")),
        wiring: Wiring::Mps2("AN385"),
        notes: "QEMU's model: CMSDK UART0 at 0x4000_4000, TIMER0/TIMER1 at 0x4000_0000/0x4000_1000 (IRQ 8, 9), 25 MHz.",
    },
    Chip {
        name: "mps2-an505",
        summary: "ARM MPS2 + AN505 (Cortex-M33, Secure state), QEMU",
        arch: "cortex-m",
        cpu: "Cortex-M33",
        target: "thumbv8m.main-none-eabi",
        flash: (0x1000_0000, "4M"),
        ram: (0x3800_0000, "4M"),
        kernel: ("64K", "16K"),
        protection: ("pmsav8", "granule", 32),
        protection_note: "ARMv8-M MPU (PMSAv8): regions are any multiple of 32 bytes, aligned to 32.",
        probe: ("", ""),
        console: ("semihosting", "UART0", 0, ""),
        qemu: Some(("qemu-system-arm", "mps2-an505", "cortex-m33")),
        wiring: Wiring::Mps2("AN505"),
        notes: "QEMU's model, Secure aliases: UART0 at 0x5020_0000, TIMER0/TIMER1 at 0x5000_0000/0x5000_1000 (IRQ 3, 4), 20 MHz.",
    },
];

/// The chip called `name` (case-insensitive).
pub fn find(name: &str) -> Option<&'static Chip> {
    CHIPS.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// The names `--chip` knows, for messages.
pub fn names() -> String {
    CHIPS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}
