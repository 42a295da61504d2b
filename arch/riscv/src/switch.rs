//! Entering a process and getting back: `switch_to_user` and `trap_entry`.
//!
//! Kernel stack frame of `switch_to_user` (16 words, keeps 16-byte alignment):
//!
//! ```text
//!   sp+0  ra   sp+4  s0 ... sp+48 s11   sp+52 ctx   sp+56 scratch (user t0)
//! ```

use core::arch::naked_asm;

use crate::context::RiscvContext;

/// Runs the process whose registers are in `ctx` until it traps; returns `mcause`.
pub fn enter(ctx: &mut RiscvContext) -> usize {
    // SAFETY: `ctx` is a valid, exclusive context with the `repr(C)` layout the assembly uses.
    // The kernel programmed the PMP for this process before calling `run`, so it runs confined
    // to its regions in U-mode. `switch_to_user` preserves the callee-saved registers and `sp`
    // as the C ABI requires, and returns through `trap_entry` on the next trap.
    unsafe { switch_to_user(ctx) }
}

#[unsafe(naked)]
unsafe extern "C" fn switch_to_user(ctx: *mut RiscvContext) -> usize {
    naked_asm!(
        "addi sp, sp, -64",
        "sw ra, 0(sp)",
        "sw s0, 4(sp)",
        "sw s1, 8(sp)",
        "sw s2, 12(sp)",
        "sw s3, 16(sp)",
        "sw s4, 20(sp)",
        "sw s5, 24(sp)",
        "sw s6, 28(sp)",
        "sw s7, 32(sp)",
        "sw s8, 36(sp)",
        "sw s9, 40(sp)",
        "sw s10, 44(sp)",
        "sw s11, 48(sp)",
        "sw a0, 52(sp)",
        // A non-zero mscratch tells trap_entry that the trap comes from a process.
        "csrw mscratch, sp",
        "lw t0, 124(a0)",
        "csrw mepc, t0",
        // mret to U-mode (MPP = 0) with interrupts enabled there (MPIE = 1).
        "li t0, 0x1800",
        "csrc mstatus, t0",
        "li t0, 0x80",
        "csrs mstatus, t0",
        "lw x1, 0(a0)",
        "lw x2, 4(a0)",
        "lw x3, 8(a0)",
        "lw x4, 12(a0)",
        "lw x5, 16(a0)",
        "lw x6, 20(a0)",
        "lw x7, 24(a0)",
        "lw x8, 28(a0)",
        "lw x9, 32(a0)",
        "lw x11, 40(a0)",
        "lw x12, 44(a0)",
        "lw x13, 48(a0)",
        "lw x14, 52(a0)",
        "lw x15, 56(a0)",
        "lw x16, 60(a0)",
        "lw x17, 64(a0)",
        "lw x18, 68(a0)",
        "lw x19, 72(a0)",
        "lw x20, 76(a0)",
        "lw x21, 80(a0)",
        "lw x22, 84(a0)",
        "lw x23, 88(a0)",
        "lw x24, 92(a0)",
        "lw x25, 96(a0)",
        "lw x26, 100(a0)",
        "lw x27, 104(a0)",
        "lw x28, 108(a0)",
        "lw x29, 112(a0)",
        "lw x30, 116(a0)",
        "lw x31, 120(a0)",
        "lw x10, 36(a0)",
        "mret",
    )
}

// The machine-mode trap vector (`mtvec`, direct mode: must be 4-byte aligned, hence assembly
// rather than a naked function, whose alignment Rust does not let us choose).
core::arch::global_asm!(
        ".section .text.trap_entry, \"ax\"",
        ".align 2",
        ".global trap_entry",
        "trap_entry:",
        "csrrw sp, mscratch, sp",
        "beqz sp, 1f",
        // From a process: sp is the kernel's switch_to_user frame.
        "sw t0, 56(sp)",
        "lw t0, 52(sp)",
        "sw x1, 0(t0)",
        "sw x3, 8(t0)",
        "sw x4, 12(t0)",
        "sw x6, 20(t0)",
        "sw x7, 24(t0)",
        "sw x8, 28(t0)",
        "sw x9, 32(t0)",
        "sw x10, 36(t0)",
        "sw x11, 40(t0)",
        "sw x12, 44(t0)",
        "sw x13, 48(t0)",
        "sw x14, 52(t0)",
        "sw x15, 56(t0)",
        "sw x16, 60(t0)",
        "sw x17, 64(t0)",
        "sw x18, 68(t0)",
        "sw x19, 72(t0)",
        "sw x20, 76(t0)",
        "sw x21, 80(t0)",
        "sw x22, 84(t0)",
        "sw x23, 88(t0)",
        "sw x24, 92(t0)",
        "sw x25, 96(t0)",
        "sw x26, 100(t0)",
        "sw x27, 104(t0)",
        "sw x28, 108(t0)",
        "sw x29, 112(t0)",
        "sw x30, 116(t0)",
        "sw x31, 120(t0)",
        "lw t1, 56(sp)",
        "sw t1, 16(t0)",
        "csrr t1, mscratch",
        "sw t1, 4(t0)",
        "csrr t1, mepc",
        "sw t1, 124(t0)",
        "csrw mscratch, zero",
        "csrr a0, mcause",
        "lw ra, 0(sp)",
        "lw s0, 4(sp)",
        "lw s1, 8(sp)",
        "lw s2, 12(sp)",
        "lw s3, 16(sp)",
        "lw s4, 20(sp)",
        "lw s5, 24(sp)",
        "lw s6, 28(sp)",
        "lw s7, 32(sp)",
        "lw s8, 36(sp)",
        "lw s9, 40(sp)",
        "lw s10, 44(sp)",
        "lw s11, 48(sp)",
        "addi sp, sp, 64",
        "ret",
        // From the kernel itself: restore sp (mscratch back to 0) and report.
        "1:",
        "csrrw sp, mscratch, sp",
        "csrr a0, mcause",
        "csrr a1, mepc",
        "csrr a2, mtval",
        "j {kernel_trap}",
        kernel_trap = sym kernel_trap,
);

/// A trap taken while the kernel ran: a kernel bug. Report everything known and stop.
extern "C" fn kernel_trap(mcause: usize, mepc: usize, mtval: usize) -> ! {
    let fault = crate::classify(mcause, mepc, mtval);
    panic!("kernel fault: {} (mcause {mcause:#x}, mepc {mepc:#010x}, mtval {mtval:#010x})", fault.kind);
}
