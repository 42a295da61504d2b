/* Reset, exception vectors, entering a process and getting back (lx106: XEA2, call0 ABI, no
 * privilege rings).
 *
 * The kernel runs with PS.UM = 0 and PS.INTLEVEL = 1: its own exceptions go to the kernel vector
 * and level-1 interrupts stay pending without interrupting it. A process runs with PS.UM = 1 and
 * PS.INTLEVEL = 0: any exception it takes (a `syscall`, a fault, a level-1 interrupt) goes to the
 * user vector, which saves its registers into its context and returns to the kernel from
 * `mote_xtensa_enter`. EXCSAVE1 holds the context's address while the process runs.
 *
 *   kernel                                    process
 *   mote_xtensa_enter ── rfe ─────────────▶  ... runs ...
 *        ◀──── user vector, user_trap ◀────  syscall / fault / interrupt
 */
#include "offsets.h"

/* Stores a1..a15 into the context at a0. */
.macro save_a1_a15
    s32i    a1, a0, 4
    s32i    a2, a0, 8
    s32i    a3, a0, 12
    s32i    a4, a0, 16
    s32i    a5, a0, 20
    s32i    a6, a0, 24
    s32i    a7, a0, 28
    s32i    a8, a0, 32
    s32i    a9, a0, 36
    s32i    a10, a0, 40
    s32i    a11, a0, 44
    s32i    a12, a0, 48
    s32i    a13, a0, 52
    s32i    a14, a0, 56
    s32i    a15, a0, 60
.endm

/* The reset vector is the first word of flash: it may not use literals (they come after it). */
    .section .text.mote_reset, "ax"
    .global _start
    .type   _start, @function
_start:
    j       mote_xtensa_start

/* The vector table, at VECBASE (1 KiB aligned; the linker script places it). Offsets are those
 * of the lx106 configuration. */
    .section .text.mote_vectors, "ax"
    .balign 1024
    .global mote_xtensa_vectors
mote_xtensa_vectors:
    .org    0x10                        /* debug (level 2): `break` */
    wsr.excsave2 a0
    j       debug_exception
    .org    0x20                        /* NMI (level 3): not used; return at once */
    rfi     3
    .org    0x30                        /* kernel vector: the kernel's own exceptions */
    wsr.excsave1 a0
    j       kernel_exception
    .org    0x50                        /* user vector: a process trapped */
    xsr.excsave1 a0                     /* a0 = context, EXCSAVE1 = the process's a0 */
    j       user_trap
    .org    0x70                        /* double exception: an exception in a vector */
    rsr.exccause a2
    rsr.depc a3
    rsr.excvaddr a4
    j       kernel_fault

    .section .text.mote_trap, "ax"
    .balign 4

/* After reset: kernel PS, vectors, stack, .bss and .data, then the board's kernel entry. */
mote_xtensa_start:
    movi    a0, 0
    movi    a2, PS_KERNEL
    wsr.ps  a2
    wsr.intenable a0
    movi    a2, mote_xtensa_vectors
    wsr.vecbase a2
    rsync
    movi    a1, __mote_kernel_stack_top
    movi    a2, __mote_kernel_bss_start
    movi    a3, __mote_kernel_bss_end
1:  bgeu    a2, a3, 2f
    s32i    a0, a2, 0
    addi    a2, a2, 4
    j       1b
2:  movi    a2, __mote_kernel_data_start
    movi    a3, __mote_kernel_data_end
    movi    a4, __mote_kernel_data_load
3:  bgeu    a2, a3, 4f
    l32i    a5, a4, 0
    s32i    a5, a2, 0
    addi    a2, a2, 4
    addi    a4, a4, 4
    j       3b
4:  movi    a0, __mote_kernel_main
    callx0  a0
5:  j       5b

/* u32 mote_xtensa_enter(XtensaContext *ctx): runs the process until it traps; returns the cause
 * (EXCCAUSE, or MOTE_CAUSE_BREAK). Kernel frame: a0, a12..a15 (call0 callee-saved). */
    .global mote_xtensa_enter
    .type   mote_xtensa_enter, @function
mote_xtensa_enter:
    addi    a1, a1, -32
    s32i    a0, a1, 0
    s32i    a12, a1, 4
    s32i    a13, a1, 8
    s32i    a14, a1, 12
    s32i    a15, a1, 16
    movi    a3, mote_xtensa_kernel_sp
    s32i    a1, a3, 0
    wsr.excsave1 a2
    l32i    a3, a2, CTX_PC
    wsr.epc1 a3
    l32i    a3, a2, CTX_SAR
    wsr.sar a3
    movi    a3, PS_PROCESS_ENTRY
    wsr.ps  a3
    rsync
    l32i    a0, a2, 0
    l32i    a1, a2, 4
    l32i    a3, a2, 12
    l32i    a4, a2, 16
    l32i    a5, a2, 20
    l32i    a6, a2, 24
    l32i    a7, a2, 28
    l32i    a8, a2, 32
    l32i    a9, a2, 36
    l32i    a10, a2, 40
    l32i    a11, a2, 44
    l32i    a12, a2, 48
    l32i    a13, a2, 52
    l32i    a14, a2, 56
    l32i    a15, a2, 60
    l32i    a2, a2, 8
    rfe

/* From the user vector: a0 = context, EXCSAVE1 = the process's a0. */
user_trap:
    save_a1_a15
    rsr.exccause a2
    rsr.epc1 a3
/* a2 = cause, a3 = pc of the process: finish saving, return to the kernel. */
save_rest:
    s32i    a2, a0, CTX_CAUSE
    s32i    a3, a0, CTX_PC
    rsr.excsave1 a3
    s32i    a3, a0, 0
    rsr.sar a3
    s32i    a3, a0, CTX_SAR
    rsr.excvaddr a3
    s32i    a3, a0, CTX_VADDR
    movi    a3, mote_xtensa_kernel_sp
    l32i    a1, a3, 0
    movi    a3, PS_KERNEL
    wsr.ps  a3
    rsync
    l32i    a0, a1, 0
    l32i    a12, a1, 4
    l32i    a13, a1, 8
    l32i    a14, a1, 12
    l32i    a15, a1, 16
    addi    a1, a1, 32
    ret

/* A debug exception (a `break` instruction). From a process: saved and reported like any other
 * exception, with cause MOTE_CAUSE_BREAK. From the kernel: a kernel fault. */
debug_exception:
    rsr.eps2 a0
    bbci    a0, PS_UM_BIT, 1f
    rsr.excsave2 a0
    xsr.excsave1 a0
    save_a1_a15
    movi    a2, MOTE_CAUSE_BREAK
    rsr.epc2 a3
    j       save_rest
1:  movi    a2, MOTE_CAUSE_BREAK
    rsr.epc2 a3
    rsr.excvaddr a4
    j       kernel_fault

/* An exception of the kernel. A level-1 interrupt can only arrive in `waiti` (mote_xtensa_wait):
 * return after it with interrupts masked again, leaving the interrupt pending for the kernel to
 * see. Anything else is a kernel bug. */
kernel_exception:
    rsr.exccause a0
    bnei    a0, EXCCAUSE_LEVEL1_INTERRUPT, 1f
    movi    a0, PS_KERNEL_EXCM
    wsr.ps  a0
    rsync
    rsr.excsave1 a0
    rfe
1:  rsr.exccause a2
    rsr.epc1 a3
    rsr.excvaddr a4
/* a2 = cause, a3 = pc, a4 = address: report through the Rust panic handler. */
kernel_fault:
    movi    a0, PS_KERNEL
    wsr.ps  a0
    rsync
    movi    a0, mote_xtensa_kernel_fault
    callx0  a0
1:  j       1b

    .section .bss.mote_xtensa_kernel_sp, "aw", @nobits
    .balign 4
/* The kernel's stack pointer while a process runs. */
mote_xtensa_kernel_sp:
    .space  4
