//! Entering a process and getting back: `switch_to_user` and the exception handlers.
//!
//! See the crate documentation for the model. Register use:
//! * `switch_to_user(ctx)` keeps `ctx` on the main stack across the process's run; on return,
//!   `r0` holds the trap reason, written by `trap_to_kernel` into the `r0` slot of the frame
//!   the hardware pushed on the main stack when the kernel executed `svc 0xff`.
//! * Handlers touch only `r0`..`r3` and `lr`, which the hardware saved, so the process's
//!   `r4`..`r11` are still live when `switch_to_user` resumes and saves them.
//! * There are two `switch_to_user`, chosen at compile time: ARMv7-M (Thumb-2) and ARMv6-M
//!   (Thumb-1, `cfg(armv6m)`, set by `build.rs`). The handlers use only ARMv6-M instructions and
//!   serve both.

use core::arch::naked_asm;

use crate::context::CortexMContext;

/// The process made a syscall.
pub const TRAP_SYSCALL: u32 = 1;
/// An interrupt arrived while the process ran.
pub const TRAP_INTERRUPT: u32 = 2;
/// The process faulted; the fault status registers say how.
pub const TRAP_FAULT: u32 = 3;

/// Runs the process whose registers are in `ctx` until it traps; returns the trap reason.
pub fn enter(ctx: &mut CortexMContext) -> u32 {
    // SAFETY: `ctx` is a valid, exclusive context whose layout `switch_to_user` knows
    // (`repr(C)`: r4..r11 then psp). The kernel programmed the MPU for this process before
    // calling `run`, so the process runs confined to its regions; everything it can corrupt is
    // its own. `switch_to_user` preserves the callee-saved registers as the C ABI requires.
    unsafe { switch_to_user(ctx) }
}

/// See the module documentation.
#[cfg(not(armv6m))]
#[unsafe(naked)]
unsafe extern "C" fn switch_to_user(ctx: *mut CortexMContext) -> u32 {
    naked_asm!(
        // Save the kernel's callee-saved registers and `ctx` (10 words: keeps 8-byte alignment).
        "push {{r0, r4-r11, lr}}",
        "ldr r1, [r0, #32]",
        "msr psp, r1",
        "ldmia r0, {{r4-r11}}",
        // To the SVCall handler, which drops privilege and returns into the process.
        "svc #0xff",
        // Back from a trap: r0 = reason. Save the process's registers into ctx.
        "ldr r1, [sp]",
        "stmia r1, {{r4-r11}}",
        "mrs r2, psp",
        "str r2, [r1, #32]",
        "pop {{r1, r4-r11, pc}}",
    )
}

/// See the module documentation. The ARMv6-M (Thumb-1) version: `push`, `pop`, `ldm` and `stm`
/// reach only `r0`..`r7` (and `lr`/`pc`), so `r8`..`r11` go through low registers. The main stack
/// holds the same 10 words as on ARMv7-M, `ctx` on top:
///
/// ```text
///   sp ──▶ ctx, r8, r9, r10, r11, r4, r5, r6, r7, lr
/// ```
#[cfg(armv6m)]
#[unsafe(naked)]
unsafe extern "C" fn switch_to_user(ctx: *mut CortexMContext) -> u32 {
    naked_asm!(
        // Save the kernel's callee-saved registers and `ctx` (10 words: keeps 8-byte alignment).
        "push {{r4-r7, lr}}",
        "mov r1, r8",
        "mov r2, r9",
        "mov r3, r10",
        "mov r4, r11",
        "push {{r0-r4}}",
        "ldr r1, [r0, #32]",
        "msr psp, r1",
        // The process's r8..r11 (ctx words 4..7), then its r4..r7 (words 0..3).
        "adds r0, #16",
        "ldmia r0!, {{r4-r7}}",
        "mov r8, r4",
        "mov r9, r5",
        "mov r10, r6",
        "mov r11, r7",
        "subs r0, #32",
        "ldmia r0!, {{r4-r7}}",
        // To the SVCall handler, which drops privilege and returns into the process.
        "svc #0xff",
        // Back from a trap: r0 = reason. Save the process's registers into ctx.
        "ldr r1, [sp]",
        "stmia r1!, {{r4-r7}}",
        "mov r4, r8",
        "mov r5, r9",
        "mov r6, r10",
        "mov r7, r11",
        "stmia r1!, {{r4-r7}}",
        "mrs r2, psp",
        "str r2, [r1]",
        // Restore the kernel's registers; r0 (the reason) is the return value.
        "pop {{r1-r5}}",
        "mov r8, r2",
        "mov r9, r3",
        "mov r10, r4",
        "mov r11, r5",
        "pop {{r4-r7, pc}}",
    )
}

/// Shared tail of every handler taken from a process: `r0` = reason. Writes the reason into the
/// kernel's stacked `r0`, restores privilege and returns to the kernel's Thread mode on MSP.
macro_rules! trap_to_kernel_asm {
    () => {
        concat!(
            "mrs r1, msp\n",
            "str r0, [r1]\n",
            "movs r0, #0\n",
            "msr CONTROL, r0\n",
            "isb\n",
            "ldr r0, =0xfffffff9\n",
            "bx r0\n",
        )
    };
}

pub(crate) use trap_to_kernel_asm;

/// Branches to the local label `1` if the exception was taken from a process (PSP), that is if
/// bit 2 of EXC_RETURN in `lr` is set. Uses only ARMv6-M instructions.
macro_rules! if_from_process {
    () => {
        concat!("mov r0, lr\n", "movs r1, #4\n", "tst r0, r1\n", "bne 1f\n")
    };
}

/// SVCall: from the kernel (`svc 0xff` in `switch_to_user`) enter the process; from a process,
/// report a syscall.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn SVCall() {
    naked_asm!(
        if_from_process!(),
        // From the kernel. An interrupt recorded since the kernel last looked (its line is now
        // masked) would wait until the process traps, perhaps never: go back to the kernel at
        // once instead, as if the process had been interrupted. Nothing can be recorded after
        // this check: SVCall has the clock's priority, the most urgent, so no interrupt preempts
        // it, and one that is pending is taken as soon as the process runs.
        "ldr r0, ={summary}",
        "ldr r0, [r0]",
        "cmp r0, #0",
        "bne 2f",
        // Unprivileged Thread mode, return on the process stack. (CONTROL.nPRIV is ignored by a
        // Cortex-M0, which has no unprivileged mode: processes run privileged.)
        "movs r0, #1",
        "msr CONTROL, r0",
        "isb",
        "ldr r0, =0xfffffffd",
        "bx r0",
        "2:",
        "movs r0, #{interrupt}",
        trap_to_kernel_asm!(),
        "1:",
        "movs r0, #{reason}",
        trap_to_kernel_asm!(),
        summary = sym crate::irq::SUMMARY,
        interrupt = const TRAP_INTERRUPT,
        reason = const TRAP_SYSCALL,
    )
}

/// Jumps to `kernel_fault` (the operand of that name) with `r0` intact. A Thumb-1 `b` reaches
/// only 2 KiB, so ARMv6-M goes through a register.
#[cfg(not(armv6m))]
macro_rules! jump_to_kernel_fault {
    () => {
        "b {kernel_fault}\n"
    };
}
#[cfg(armv6m)]
macro_rules! jump_to_kernel_fault {
    () => {
        concat!("ldr r1, ={kernel_fault}\n", "bx r1\n")
    };
}

/// A fault handler: from a process, report the fault to the kernel; from the kernel itself,
/// stop the system with a report (see [`crate::fault::kernel_fault`]).
macro_rules! fault_handler {
    ($name:ident) => {
        /// Fault handler; see `fault_handler!`.
        #[unsafe(naked)]
        #[unsafe(no_mangle)]
        unsafe extern "C" fn $name() {
            naked_asm!(
                if_from_process!(),
                "mrs r0, msp",
                jump_to_kernel_fault!(),
                "1:",
                "movs r0, #{reason}",
                trap_to_kernel_asm!(),
                reason = const TRAP_FAULT,
                kernel_fault = sym crate::fault::kernel_fault,
            )
        }
    };
}

// ARMv6-M has no configurable fault exceptions: every fault is a HardFault.
#[cfg(not(armv6m))]
fault_handler!(MemoryManagement);
#[cfg(not(armv6m))]
fault_handler!(BusFault);
#[cfg(not(armv6m))]
fault_handler!(UsageFault);
fault_handler!(HardFault);
