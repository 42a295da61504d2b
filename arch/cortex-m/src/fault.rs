//! Reading and classifying the fault status registers.
//!
//! ARMv6-M has none: every fault is a HardFault and the core records nothing about its cause
//! (module `armv6m` below).

use core::panic::Location;

use mote_hal::KernelFault;

#[cfg(armv6m)]
pub use armv6m::{kernel_fault, take};
#[cfg(not(armv6m))]
pub use armv7m::{kernel_fault, take};

unsafe extern "Rust" {
    /// Reports a fault of the kernel itself and stops the system: defined by the board's
    /// `mote_kernel::panic_handler!`, next to its panic handler.
    fn mote_kernel_fault(fault: &KernelFault<'_>, at: &Location<'_>) -> !;
}

/// Hands a fault of the kernel itself to the board's report (a panic line with the registers,
/// written without `core::fmt`) and stops.
#[track_caller]
pub(crate) fn report(fault: KernelFault<'_>) -> ! {
    // SAFETY: every Cortex-M board package defines `mote_kernel_fault` through
    // `mote_kernel::panic_handler!`, with this signature; the call does not return.
    unsafe { mote_kernel_fault(&fault, Location::caller()) }
}

/// ARMv7-M: the Configurable Fault Status Register and its friends.
#[cfg(not(armv6m))]
mod armv7m {
    use cortex_m::peripheral::SCB;
    use mote_hal::{Fault, FaultKind, KernelFault};

    // Configurable Fault Status Register bits (ARMv7-M ARM, B3.2.15).
    const IACCVIOL: u32 = 1 << 0;
    const DACCVIOL: u32 = 1 << 1;
    const MUNSTKERR: u32 = 1 << 3;
    const MSTKERR: u32 = 1 << 4;
    const MMARVALID: u32 = 1 << 7;
    const IBUSERR: u32 = 1 << 8;
    const PRECISERR: u32 = 1 << 9;
    const UNSTKERR: u32 = 1 << 11;
    const STKERR: u32 = 1 << 12;
    const BFARVALID: u32 = 1 << 15;
    const UNDEFINSTR: u32 = 1 << 16;
    const INVSTATE: u32 = 1 << 17;
    const INVPC: u32 = 1 << 18;
    const NOCP: u32 = 1 << 19;
    /// ARMv8-M only (reserved, always 0, on ARMv7-M): a stack pointer went below its limit register.
    const STKOF: u32 = 1 << 20;
    const UNALIGNED: u32 = 1 << 24;
    const DIVBYZERO: u32 = 1 << 25;
    // HardFault Status Register.
    const HFSR_FORCED: u32 = 1 << 30;
    const HFSR_DEBUGEVT: u32 = 1 << 31;

    /// Classifies the fault just taken by a process and clears the status registers.
    pub fn take(scb: &SCB) -> Fault {
        let cfsr = scb.cfsr.read();
        let hfsr = scb.hfsr.read();
        let mmfar = scb.mmfar.read() as usize;
        let bfar = scb.bfar.read() as usize;
        // SAFETY: CFSR and HFSR bits are write-one-to-clear; writing back what we read clears exactly
        // the faults we are reporting, so the next fault starts from a clean state.
        unsafe {
            scb.cfsr.write(cfsr);
            scb.hfsr.write(hfsr);
        }
        classify(cfsr, hfsr, mmfar, bfar)
    }

    /// Maps status register values to a fault; `pc` is left for the kernel to read from the process
    /// stack (after checking it).
    pub fn classify(cfsr: u32, hfsr: u32, mmfar: usize, bfar: usize) -> Fault {
        let mm_addr = (cfsr & MMARVALID != 0).then_some(mmfar);
        let bus_addr = (cfsr & BFARVALID != 0).then_some(bfar);
        let (kind, address) = if cfsr & (MSTKERR | STKERR | STKOF) != 0 {
            (FaultKind::StackOverflow, None)
        } else if cfsr & IACCVIOL != 0 {
            (FaultKind::InstructionAccess, None)
        } else if cfsr & (DACCVIOL | MUNSTKERR) != 0 {
            (FaultKind::DataAccess, mm_addr)
        } else if cfsr & (IBUSERR | PRECISERR | UNSTKERR) != 0 || cfsr & 0xff00 != 0 {
            (FaultKind::BusError, bus_addr)
        } else if cfsr & DIVBYZERO != 0 {
            (FaultKind::DivideByZero, None)
        } else if cfsr & UNALIGNED != 0 {
            (FaultKind::Unaligned, None)
        } else if cfsr & (UNDEFINSTR | INVSTATE | INVPC | NOCP) != 0 {
            (FaultKind::IllegalInstruction, None)
        } else if hfsr & HFSR_DEBUGEVT != 0 {
            (FaultKind::Breakpoint, None)
        } else if hfsr & HFSR_FORCED != 0 {
            (FaultKind::HardFault, None)
        } else {
            (FaultKind::Other(hfsr), None)
        };
        Fault { kind, pc: None, address }
    }

    /// A fault taken while the kernel itself was running: report everything known and stop.
    /// `frame` is the main stack pointer at the fault, where the hardware saved the kernel's registers.
    pub extern "C" fn kernel_fault(frame: *const u32) -> ! {
        // SAFETY: SCB registers are always readable; this is a terminal path.
        let scb = unsafe { &*SCB::PTR };
        let (cfsr, hfsr) = (scb.cfsr.read(), scb.hfsr.read());
        let fault = classify(cfsr, hfsr, scb.mmfar.read() as usize, scb.bfar.read() as usize);
        // SAFETY: the hardware pushed an 8-word frame at `frame` on the main stack on exception
        // entry (unless the fault was in that very push, when the words are stale but readable).
        let (pc, lr) = unsafe { (frame.add(6).read_volatile(), frame.add(5).read_volatile()) };
        let registers = [("pc", pc as usize), ("lr", lr as usize), ("cfsr", cfsr as usize), ("hfsr", hfsr as usize)];
        super::report(KernelFault { kind: fault.kind, address: fault.address, registers: &registers })
    }
}

/// ARMv6-M: HardFault only, no status registers.
#[cfg(armv6m)]
mod armv6m {
    use cortex_m::peripheral::SCB;
    use mote_hal::{Fault, FaultKind, KernelFault};

    /// The fault just taken by a process. ARMv6-M has no fault status registers, so all it can
    /// say is [`FaultKind::HardFault`]. The kernel adds the faulting `pc` from the process stack.
    pub fn take(_scb: &SCB) -> Fault {
        Fault { kind: FaultKind::HardFault, pc: None, address: None }
    }

    /// A fault taken while the kernel itself was running: report where and stop.
    /// `frame` is the main stack pointer at the fault, where the hardware saved the kernel's registers.
    pub extern "C" fn kernel_fault(frame: *const u32) -> ! {
        // SAFETY: the hardware pushed an 8-word frame at `frame` on the main stack on exception
        // entry (unless the fault was in that very push, when the words are stale but readable).
        let (pc, lr) = unsafe { (frame.add(6).read_volatile(), frame.add(5).read_volatile()) };
        let registers = [("pc", pc as usize), ("lr", lr as usize)];
        super::report(KernelFault { kind: FaultKind::HardFault, address: None, registers: &registers })
    }
}
