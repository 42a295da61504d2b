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
#[cfg(all(target_arch = "arm", not(thumb1)))]
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
///
/// ARMv6-M (Thumb-1): the same registers, but `r8` and `r12` can only be set from inside the
/// assembly, so every value is loaded there from one block in memory.
#[cfg(all(target_arch = "arm", thumb1))]
#[inline(always)]
pub fn raw_syscall(n: usize, args: [usize; ARG_COUNT]) -> [usize; RESULT_COUNT] {
    let block: [usize; ARG_COUNT + 1] = [args[0], args[1], args[2], args[3], args[4], args[5], args[6], n];
    let (r0, r1, r2, r3);
    // SAFETY: as above; the assembly also reads `block`, which lives until it returns.
    unsafe {
        core::arch::asm!(
            "ldr r1, [r0, #24]",
            "mov r8, r1",
            "ldr r1, [r0, #28]",
            "mov r12, r1",
            "ldr r5, [r0, #20]",
            "ldr r4, [r0, #16]",
            "ldr r3, [r0, #12]",
            "ldr r2, [r0, #8]",
            "ldr r1, [r0, #4]",
            "ldr r0, [r0, #0]",
            "svc #0",
            inout("r0") block.as_ptr() as usize => r0,
            out("r1") r1,
            out("r2") r2,
            out("r3") r3,
            out("r4") _,
            out("r5") _,
            out("r8") _,
            out("r12") _,
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

/// Makes system call number `n` with `args`; returns the result registers.
///
/// Xtensa: no inline assembly upstream, so the `syscall` instruction is in
/// `asm/xtensa-syscall.S`, which takes the arguments and number in one block and returns the
/// results in it.
#[cfg(target_arch = "xtensa")]
#[inline(always)]
pub fn raw_syscall(n: usize, args: [usize; ARG_COUNT]) -> [usize; RESULT_COUNT] {
    extern "C" {
        fn mote_syscall(block: *mut usize);
    }
    let mut block: [usize; ARG_COUNT + 1] = [args[0], args[1], args[2], args[3], args[4], args[5], args[6], n];
    // SAFETY: `mote_syscall` reads the eight words of `block`, makes the syscall (see above for
    // what the kernel may touch) and writes the four results back into `block`.
    unsafe { mote_syscall(block.as_mut_ptr()) };
    [block[0], block[1], block[2], block[3]]
}
