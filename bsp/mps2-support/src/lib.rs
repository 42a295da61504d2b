//! What the QEMU MPS2 boards share: the kernel's console on CMSDK UART0, its clock on CMSDK
//! TIMER0 and TIMER1, exit through ARM semihosting, and the boot sequence that wires them.
//!
//! An MPS2 is an FPGA board: the CPU and its devices come from the FPGA image (an ARM
//! "application note"), and QEMU models several of them. A board package's `main.rs` is one
//! [`kernel!`] line naming its image's device map:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! mote_bsp_mps2::kernel!(mote_bsp_mps2::AN386, "qemu-mps2-an386");
//! ```
//!
//! | map | images | UART0 | TIMER0, TIMER1 (IRQ) | clock |
//! |-----|--------|-------|----------------------|-------|
//! | [`AN385`] | AN385 (Cortex-M3), [`AN386`] (Cortex-M4), [`AN500`] (Cortex-M7) | `0x4000_4000` | `0x4000_0000` (8), `0x4000_1000` (9) | 25 MHz |
//! | [`AN505`] | AN505 (Cortex-M33), Secure aliases | `0x5020_0000` | `0x5000_0000` (3), `0x5000_1000` (4) | 20 MHz |
//!
//! The addresses are those of QEMU's models (`hw/arm/mps2.c`, `hw/arm/mps2-tz.c`,
//! `hw/arm/armsse.c`), checked by running on them.

#![no_std]

use mote_arch_cortex_m::{cortex_m, CortexM};
use mote_driver_cmsdk_timer::{CmsdkClock, CmsdkTimer};
use mote_driver_cmsdk_uart::CmsdkUart;
use mote_hal::{Mmio, SimpleBoard};
use mote_kernel::{ImageDesc, Kernel};

#[doc(hidden)]
pub use mote_arch_cortex_m::cortex_m_rt::entry;
#[doc(hidden)]
pub use mote_kernel;
/// For the image's `layout.rs` (its interrupt vectors).
#[doc(hidden)]
pub use mote_arch_cortex_m;
/// Stops QEMU through semihosting (`SYS_EXIT_EXTENDED`) with the kernel's status.
pub use mote_arch_cortex_m::semihosting::exit_with as exit;

/// Where an MPS2 FPGA image puts the devices the kernel uses.
///
/// The fields are private: a value exists only as one of this crate's constants, each checked
/// against QEMU's model, so [`Mps2::console`] and [`Mps2::clock`] never map foreign memory.
pub struct Mps2 {
    /// CMSDK UART0, the console.
    uart0: usize,
    /// CMSDK TIMER0 (the free-running counter) and its interrupt line.
    timer0: (usize, u32),
    /// CMSDK TIMER1 (the alarm) and its interrupt line.
    timer1: (usize, u32),
    /// The APB clock that drives the timers and the UART, in Hz.
    apb_hz: u32,
}

/// The AN385 image (Cortex-M3): the CMSDK APB subsystem at `0x4000_0000`, clocked at 25 MHz.
pub const AN385: Mps2 =
    Mps2 { uart0: 0x4000_4000, timer0: (0x4000_0000, 8), timer1: (0x4000_1000, 9), apb_hz: 25_000_000 };

/// The AN386 image (Cortex-M4): QEMU models it with the AN385's devices, addresses and
/// interrupt lines.
pub const AN386: Mps2 = AN385;

/// The AN500 image (Cortex-M7): QEMU models its UARTs, timers and dual timer at the AN385's
/// addresses and interrupt lines (only its PSRAM and Ethernet move, which Mote does not use).
pub const AN500: Mps2 = AN385;

/// The AN505 image (Cortex-M33 with TrustZone), through the Secure aliases (the Non-secure address
/// with bit 28 set): the IoT Kit's UART0 and TIMER0/TIMER1, clocked at 20 MHz (MAINCLK).
pub const AN505: Mps2 =
    Mps2 { uart0: 0x5020_0000, timer0: (0x5000_0000, 3), timer1: (0x5000_1000, 4), apb_hz: 20_000_000 };

impl Mps2 {
    /// A handle to the console, CMSDK UART0.
    pub fn console(&self) -> CmsdkUart {
        // SAFETY: UART0's register block in this image's memory map (the constants above). The
        // kernel's console is its only user; the panic handler creates a second handle only once
        // the kernel has stopped for good.
        let regs = unsafe { Mmio::new(self.uart0, CmsdkUart::REGISTERS_LEN) };
        CmsdkUart::new(regs, 16)
    }

    /// The kernel's clock: TIMER0 counts, TIMER1 raises the alarms.
    fn clock(&self) -> CmsdkClock {
        let ((t0, irq0), (t1, irq1)) = (self.timer0, self.timer1);
        // SAFETY: TIMER0's and TIMER1's register blocks in this image's memory map, used only by
        // the clock, which is created once, here, at boot.
        let (t0, t1) = unsafe { (Mmio::new(t0, CmsdkTimer::REGISTERS_LEN), Mmio::new(t1, CmsdkTimer::REGISTERS_LEN)) };
        CmsdkClock::new(CmsdkTimer::new(t0, irq0), CmsdkTimer::new(t1, irq1), self.apb_hz)
    }

    /// Takes over the core and runs the kernel with `image` on the board called `name`; called
    /// once, from the board's entry point.
    pub fn run<const N: usize, const M: usize, const Q: usize>(
        &self,
        name: &'static str,
        image: &'static ImageDesc<N, M, Q>,
    ) -> ! {
        let Some(p) = cortex_m::Peripherals::take() else { panic!("core peripherals already taken") };
        let arch = CortexM::new(p.MPU, p.SCB);
        let board = SimpleBoard::new(name, self.console(), self.clock(), exit);
        Kernel::new(arch, board, image).run()
    }
}

/// Defines a board's kernel binary: the entry point, which runs the kernel on the device map
/// `$map` with the image that `cargo mote build` laid out (`layout.rs` in the package's
/// `OUT_DIR`), and the panic handler (a report on the console, then exit status 4).
/// `setup: path` names a function to call first, for what the board must do before the kernel
/// takes over.
#[macro_export]
macro_rules! kernel {
    ($map:expr, $name:literal $(, setup: $setup:path)?) => {
        /// The image's process table, generated by `cargo mote build`.
        mod layout {
            use $crate::mote_arch_cortex_m;
            include!(concat!(env!("OUT_DIR"), "/layout.rs"));
        }

        #[$crate::entry]
        fn main() -> ! {
            $($setup();)?
            $map.run($name, &layout::IMAGE)
        }

        $crate::mote_kernel::panic_handler!(console: $map.console(), exit: $crate::exit);
    };
}
