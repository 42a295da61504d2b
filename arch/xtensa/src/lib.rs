//! Xtensa support for Mote, for the lx106 core (ESP8266 class: call0 ABI, no register windows).
//!
//! # Execution model, and what it does not protect
//!
//! The lx106 has no MPU and no privilege rings (its configuration has one ring): a process runs
//! with the same rights as the kernel. It could read or write any memory, rewrite the vectors or
//! mask interrupts; nothing stops it. Mote reports this honestly (`isolates: false`, "isolation
//! unavailable" in the banner) and keeps everything it can: every pointer a process passes to a
//! syscall is still checked against the process's own regions, faults the core does detect
//! (illegal instruction, unaligned access, bus errors, `break`) stop only the process that took
//! them, and a process still reaches the kernel only through `syscall`.
//!
//! The kernel runs with `PS.UM = 0` and `PS.INTLEVEL = 1`: level-1 interrupts (the timer) stay
//! pending without interrupting it, and its own exceptions go to the kernel vector. A process
//! runs with `PS.UM = 1` (user vector mode) and `PS.INTLEVEL = 0`. [`XtensaArch::run`] enters it
//! with `rfe`; any exception it takes (a `syscall`, a fault, an interrupt) enters the user vector,
//! which saves all of its registers into its context and returns to the kernel. The code is in
//! `asm/vectors.S`: upstream Rust has no Xtensa inline assembly.
//!
//! ```text
//!   kernel (UM = 0, INTLEVEL 1)               process (UM = 1, INTLEVEL 0)
//!   mote_xtensa_enter ── rfe ─────────────▶  ... runs ...
//!        ◀──── user vector, user_trap ◀────  syscall / fault / interrupt
//! ```

#![no_std]

mod clock;
mod context;
pub mod semihosting;
mod sregs;
mod trap;

use mote_hal::{Access, Arch, InterruptController, MemoryProtection, ProtectionInfo, Region, RegionError, Trap};

pub use clock::{CcountClock, TIMER_INTERRUPT};
pub use context::XtensaContext;
pub use trap::{classify, CAUSE_BREAK};

extern "C" {
    fn mote_xtensa_enter(context: *mut XtensaContext) -> u32;
}

/// The size of the `syscall` instruction, which a process resumes after.
const SYSCALL_LEN: u32 = 3;

/// An lx106 core running the Mote kernel.
pub struct XtensaArch {
    _private: (),
}

impl XtensaArch {
    /// Takes over the core (the reset code has set up the vectors and the kernel's PS).
    pub fn new() -> Self {
        Self { _private: () }
    }
}

impl Default for XtensaArch {
    fn default() -> Self {
        Self::new()
    }
}

impl Arch for XtensaArch {
    type Context = XtensaContext;

    fn cpu_name(&self) -> &'static str {
        "Xtensa lx106"
    }

    fn run(&mut self, context: &mut XtensaContext) -> Trap {
        // SAFETY: `context` is a valid, exclusive context with the `repr(C)` layout the assembly
        // uses (`asm/offsets.h`). `mote_xtensa_enter` preserves a0, a1 and a12..a15 as the call0
        // ABI requires and returns through the user vector on the process's next exception.
        let cause = unsafe { mote_xtensa_enter(context) };
        match cause {
            trap::SYSCALL => {
                context.pc = context.pc.wrapping_add(SYSCALL_LEN);
                Trap::Syscall
            }
            trap::LEVEL1_INTERRUPT => Trap::Interrupt,
            _ => Trap::Fault(classify(cause, context.pc, context.excvaddr)),
        }
    }

    fn provoke_kernel_fault(&mut self) {
        sregs::illegal_instruction();
    }
}

impl InterruptController for XtensaArch {
    fn wait_for_interrupt(&mut self) {
        if !self.interrupt_pending() {
            sregs::wait();
        }
    }

    fn take_interrupt(&mut self) -> Option<u32> {
        // The only interrupt is the core's timer, which is not a line the kernel takes: it checks
        // its deadlines after every interrupt.
        None
    }

    fn enable_interrupt(&mut self, _irq: u32) {}

    fn disable_interrupt(&mut self, _irq: u32) {}

    // No process owns an interrupt line here (the only interrupt is the timer), so the kernel
    // never has a line to pend.
    fn pend_interrupt(&mut self, _irq: u32) {}

    fn set_interrupt_priority(&mut self, _irq: u32, _priority: u8) {}

    fn interrupt_pending(&self) -> bool {
        sregs::interrupt() & sregs::intenable() != 0
    }
}

impl MemoryProtection for XtensaArch {
    fn protection_info(&self) -> ProtectionInfo {
        ProtectionInfo { name: "no MPU, no privilege rings", isolates: false, regions: 0 }
    }

    fn check_region(&self, region: Region) -> Result<(), RegionError> {
        // Nothing to program: any region that does not wrap will do.
        Region::new(region.base, region.size).map(|_| ())
    }

    type Plan = ();

    fn plan(&self, _regions: &[(Region, Access)]) {}

    fn load(&mut self, _plan: &()) {}
}

/// Stops the core for good, sleeping between interrupts: the exit of a real board, where nothing
/// takes an exit status (the kernel has logged it).
pub fn halt(_status: mote_hal::ExitStatus) -> ! {
    loop {
        sregs::wait();
    }
}

/// Names the board's kernel entry function, `fn() -> !`: `mote_arch_xtensa::entry!(main);`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub extern "C" fn __mote_kernel_main() -> ! {
            let main: fn() -> ! = $main;
            main()
        }
    };
}
