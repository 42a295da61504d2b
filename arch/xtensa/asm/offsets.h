/* Shared by the assembly of arch/xtensa: the layout of `XtensaContext` (src/context.rs) and the
 * PS values the kernel and processes run with.
 *
 *   offset 0..60  a0..a15    64 pc    68 sar    72 exccause    76 excvaddr
 */
#define CTX_PC          64
#define CTX_SAR         68
#define CTX_CAUSE       72
#define CTX_VADDR       76

/* PS fields (XEA2): INTLEVEL bits 0..3, EXCM bit 4, UM bit 5. */
#define PS_UM_BIT       5
/* The kernel: level-1 interrupts masked, kernel vector mode (exceptions go to the kernel vector). */
#define PS_KERNEL       0x01
/* The same with EXCM set: returning from an exception with `rfe` keeps interrupts masked. */
#define PS_KERNEL_EXCM  0x11
/* Entering a process: user vector mode, EXCM set until `rfe` clears it, interrupt level 0. */
#define PS_PROCESS_ENTRY 0x30

/* EXCCAUSE of a level-1 interrupt, and the cause Mote reports for a debug exception (`break`). */
#define EXCCAUSE_LEVEL1_INTERRUPT 4
#define MOTE_CAUSE_BREAK 64
