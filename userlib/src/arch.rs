//! The system-call instruction, per architecture (registers as in `mote_abi`).
//!
//! The only `unsafe` code of the user library. A syscall cannot harm this process beyond what its
//! arguments say: the kernel validates every pointer, and writes only to buffers the caller passed.

use mote_abi::{Sysno, ARG_COUNT, RESULT_COUNT};

/// Makes system call `n` with `args`; returns the result registers.
#[inline(always)]
pub fn syscall(n: Sysno, args: [usize; ARG_COUNT]) -> [usize; RESULT_COUNT] {
    raw_syscall(n as usize, args)
}

/// Makes system call number `n` with `args`; returns the result registers.
#[cfg(target_arch = "arm")]
#[inline(always)]
pub fn raw_syscall(n: usize, args: [usize; ARG_COUNT]) -> [usize; RESULT_COUNT] {
    let (r0, r1, r2, r3);
    // SAFETY: `svc 0` traps to the kernel, which reads r0..r5, r8 and r12, writes r0..r3 and
    // preserves every other register; memory the kernel writes is only what `args` designate,
    // which the callers pass as `&mut` buffers.
    unsafe {
        core::arch::asm!(
            "svc #0",
            inout("r0") args[0] => r0,
            inout("r1") args[1] => r1,
            inout("r2") args[2] => r2,
            inout("r3") args[3] => r3,
            in("r4") args[4],
            in("r5") args[5],
            in("r8") args[6],
            in("r12") n,
            options(nostack)
        )
    };
    [r0, r1, r2, r3]
}

/// Makes system call number `n` with `args`; returns the result registers.
#[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
#[inline(always)]
pub fn raw_syscall(n: usize, args: [usize; ARG_COUNT]) -> [usize; RESULT_COUNT] {
    let (a0, a1, a2, a3);
    // SAFETY: `ecall` traps to the kernel, which reads a0..a7, writes a0..a3 and preserves
    // every other register; memory the kernel writes is only what `args` designate.
    unsafe {
        core::arch::asm!(
            "ecall",
            inout("a0") args[0] => a0,
            inout("a1") args[1] => a1,
            inout("a2") args[2] => a2,
            inout("a3") args[3] => a3,
            in("a4") args[4],
            in("a5") args[5],
            in("a6") args[6],
            in("a7") n,
            options(nostack)
        )
    };
    [a0, a1, a2, a3]
}
