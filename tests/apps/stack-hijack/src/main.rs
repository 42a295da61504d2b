//! Isolation test: points the stack pointer just past this process's RAM (memory of another
//! process, or of nobody) and makes a system call. On Cortex-M the hardware pushes registers on
//! the process stack when it traps; that push must be refused by the MPU (a stacking fault), not
//! land in someone else's memory. On RISC-V nothing is pushed: the kernel never uses the process's
//! stack pointer, and the process faults on its own next stack access.

#![no_std]
#![no_main]

mote::entry!(main);

fn main() {
    let target = mote::memory::ram().end + 64;
    mote::info!("trapping with sp = {target:#010x}");
    // SAFETY: none; this is the attack under test.
    unsafe { hijack(target) };
    mote::error!("survived a foreign stack pointer: isolation broken");
}

/// Traps with the stack pointer at `sp`.
///
/// # Safety
///
/// None: this is the attack under test.
#[cfg(target_arch = "arm")]
unsafe fn hijack(sp: usize) {
    // A `yield` syscall (number 3) with the stack pointer moved; sp is restored afterwards in case
    // the kernel lets us continue (it must not).
    core::arch::asm!(
        "mov r1, sp",
        "mov sp, r0",
        "movs r2, #3",
        "mov r12, r2",
        "svc #0",
        "mov sp, r1",
        in("r0") sp,
        out("r1") _,
        out("r2") _,
        out("r12") _,
    );
}

/// Traps with the stack pointer at `sp`, then pushes on it.
///
/// # Safety
///
/// None: this is the attack under test.
#[cfg(target_arch = "riscv32")]
unsafe fn hijack(sp: usize) {
    // A `yield` syscall, then a push on the hijacked stack, which must fault.
    core::arch::asm!(
        "mv t0, sp",
        "mv sp, a0",
        "li a7, 3",
        "ecall",
        "sw zero, -4(sp)",
        "mv sp, t0",
        in("a0") sp,
        out("t0") _,
        out("a7") _,
    );
}
