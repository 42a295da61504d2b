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

/// The IoT Kit's secure privilege control block, and its APB PPC0 register that lets
/// unprivileged Secure code reach a port (bit 2: the dual timer, `spare-timer` in board.toml).
const SECURE_PRIVILEGE_CONTROL: usize = 0x5008_0000;
const APBSPPPC0: usize = 0xb0;
const DUALTIMER_PORT: u32 = 1 << 2;

/// The peripheral protection controller lets only privileged code reach its devices at reset.
/// Opens the dual timer to unprivileged code: the MPU still decides which process reaches it (the
/// one that owns it).
fn open_dual_timer() {
    // SAFETY: the secure privilege control block in the AN505 memory map, used only here, once,
    // before the kernel starts.
    let mut secctl = unsafe { Mmio::new(SECURE_PRIVILEGE_CONTROL, 0x1000) };
    secctl.write32(APBSPPPC0, DUALTIMER_PORT);
}

mote_bsp_mps2::kernel!(mote_bsp_mps2::AN505, "qemu-mps2-an505", setup: open_dual_timer);
