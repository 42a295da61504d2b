/* Small leaf functions (call0 ABI: arguments and result in a2..) for what Rust cannot express on
 * Xtensa without inline assembly: special registers, `waiti`, `simcall`, `ill`. */

.macro leaf name
    .section .text.\name, "ax"
    .global \name
    .type   \name, @function
    .balign 4
\name:
.endm

/* u32 mote_xtensa_ccount(void) */
leaf mote_xtensa_ccount
    rsr.ccount a2
    ret

/* void mote_xtensa_set_ccompare0(u32): also clears the timer interrupt. */
leaf mote_xtensa_set_ccompare0
    wsr.ccompare0 a2
    rsync
    ret

/* u32 mote_xtensa_interrupt(void): pending interrupts. */
leaf mote_xtensa_interrupt
    rsr.interrupt a2
    ret

/* u32 mote_xtensa_intenable(void) */
leaf mote_xtensa_intenable
    rsr.intenable a2
    ret

/* void mote_xtensa_set_intenable(u32) */
leaf mote_xtensa_set_intenable
    wsr.intenable a2
    rsync
    ret

/* void mote_xtensa_wait(void): sleeps until an enabled interrupt is pending. The interrupt is
 * taken through the kernel vector, which returns here with interrupts masked again. */
leaf mote_xtensa_wait
    waiti   0
    ret

/* u32 mote_xtensa_simcall(u32 call, u32 a, u32 b, u32 c): a simulator call (QEMU semihosting). */
leaf mote_xtensa_simcall
    simcall
    ret

/* void mote_xtensa_ill(void): an illegal instruction, for the kernel-fault test. */
leaf mote_xtensa_ill
    ill
    ret

/* void abort(void): LLVM's Xtensa backend lowers a trap to a call of `abort`. In the kernel it
 * is an illegal instruction, reported as a kernel fault. */
leaf abort
    ill
