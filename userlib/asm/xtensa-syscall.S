/* The system call of a Mote process on Xtensa (call0 ABI). Rust has no Xtensa inline assembly,
 * so `raw_syscall` (src/arch.rs) calls this with a block of eight words:
 *
 *   in:  block[0..7] = arguments 0..6, block[7] = syscall number
 *   out: block[0..4] = results 0..3
 *
 * The kernel reads the arguments from a2..a8 and the number from a9, writes the results to
 * a2..a5 and preserves every other register (mote_abi). */
    .section .text.mote_syscall, "ax"
    .global mote_syscall
    .type   mote_syscall, @function
    .balign 4
mote_syscall:
    mov     a10, a2
    l32i    a2, a10, 0
    l32i    a3, a10, 4
    l32i    a4, a10, 8
    l32i    a5, a10, 12
    l32i    a6, a10, 16
    l32i    a7, a10, 20
    l32i    a8, a10, 24
    l32i    a9, a10, 28
    syscall
    s32i    a2, a10, 0
    s32i    a3, a10, 4
    s32i    a4, a10, 8
    s32i    a5, a10, 12
    ret

/* LLVM's Xtensa backend lowers a trap (`core::intrinsics::abort`, `unreachable!` paths it
 * cannot remove) to a call of `abort`: an illegal instruction, which the kernel reports as a
 * fault of this process. */
    .section .text.abort, "ax"
    .global abort
    .type   abort, @function
    .balign 4
abort:
    ill
