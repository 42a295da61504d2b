//! Reset: set up the stack and trap vector, initialise `.data` and `.bss`, call the board's
//! kernel entry (named with [`crate::entry!`]).

use core::arch::global_asm;

global_asm!(
    ".section .text.start, \"ax\"",
    ".global _start",
    "_start:",
    // Only hart 0 runs Mote; park the others.
    "csrr t0, mhartid",
    "bnez t0, 3f",
    "csrw mie, zero",
    "csrw mscratch, zero",
    "la t0, trap_entry",
    "csrw mtvec, t0",
    "la sp, __mote_kernel_stack_top",
    // Zero .bss.
    "la t0, __mote_kernel_bss_start",
    "la t1, __mote_kernel_bss_end",
    "1: bgeu t0, t1, 2f",
    "sw zero, 0(t0)",
    "addi t0, t0, 4",
    "j 1b",
    "2:",
    // Copy .data from its load address.
    "la t0, __mote_kernel_data_start",
    "la t1, __mote_kernel_data_end",
    "la t2, __mote_kernel_data_load",
    "4: bgeu t0, t1, 5f",
    "lw t3, 0(t2)",
    "sw t3, 0(t0)",
    "addi t0, t0, 4",
    "addi t2, t2, 4",
    "j 4b",
    "5:",
    "call __mote_kernel_main",
    "3: wfi",
    "j 3b",
);

/// Names the board's kernel entry function, `fn() -> !`: `mote_arch_riscv::entry!(main);`.
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
