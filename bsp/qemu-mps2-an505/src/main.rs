//! The Mote kernel for QEMU's MPS2 AN505 board (Cortex-M33, ARMv8-M Mainline with TrustZone):
//! console on CMSDK UART0, clock on the IoT Kit's CMSDK TIMER0 and TIMER1, exit through
//! semihosting (see `mote-bsp-mps2`).
//!
//! QEMU starts the core in Secure state and Mote runs entirely there, so memory and devices are
//! reached through their Secure aliases (the Non-secure address with bit 28 set), which the
//! board's protection controllers leave Secure at reset. Addresses, interrupt lines and the clock
//! are those of QEMU's model (hw/arm/mps2-tz.c and hw/arm/armsse.c), checked by running on it.

#![no_std]
#![no_main]

use mote_hal::Mmio;

/// The IoT Kit's secure privilege control block, and its registers that let unprivileged Secure
/// code reach a port of a peripheral protection controller (one bit per port).
const SECURE_PRIVILEGE_CONTROL: usize = 0x5008_0000;
/// APB PPC0, port 2: the dual timer (`spare-timer` in board.toml).
const APBSPPPC0: usize = 0xb0;
const DUALTIMER_PORT: u32 = 1 << 2;
/// APB PPC expansion 1, port 6: CMSDK UART1 (`uart1`; ports 0 to 4 are SPI, 5 is UART0).
const APBSPPPCEXP1: usize = 0xc4;
const UART1_PORT: u32 = 1 << 6;
/// APB PPC expansion 2, port 2: the FPGA I/O block (`leds`).
const APBSPPPCEXP2: usize = 0xc8;
const FPGAIO_PORT: u32 = 1 << 2;

/// The peripheral protection controllers let only privileged code reach their devices at reset.
/// Opens the devices of board.toml to unprivileged code: the MPU still decides which process
/// reaches each (the one that owns it). UART0, the kernel's console, stays privileged.
fn open_devices() {
    // SAFETY: the secure privilege control block in the AN505 memory map, used only here, once,
    // before the kernel starts.
    let mut secctl = unsafe { Mmio::new(SECURE_PRIVILEGE_CONTROL, 0x1000) };
    secctl.write32(APBSPPPC0, DUALTIMER_PORT);
    secctl.write32(APBSPPPCEXP1, UART1_PORT);
    secctl.write32(APBSPPPCEXP2, FPGAIO_PORT);
}

mote_bsp_mps2::kernel!(mote_bsp_mps2::AN505, "qemu-mps2-an505", setup: open_devices);
