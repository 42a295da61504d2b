//! The faults `faulter` can take, by operation code (shared with `fault-tester`).

/// Store just past the process's RAM.
pub const STORE_OUTSIDE: u32 = 1;
/// Load just past the process's RAM.
pub const LOAD_OUTSIDE: u32 = 2;
/// Store into the process's own code (read-only).
pub const WRITE_CODE: u32 = 3;
/// Jump into the process's own RAM (never executable).
pub const EXECUTE_RAM: u32 = 4;
/// An undefined instruction.
pub const UNDEFINED: u32 = 5;
/// A misaligned access the CPU refuses.
pub const UNALIGNED: u32 = 6;
/// A hardware integer division by zero.
pub const DIVIDE_BY_ZERO: u32 = 7;
/// Unbounded recursion.
pub const STACK_OVERFLOW: u32 = 8;
/// A breakpoint instruction.
pub const BREAKPOINT: u32 = 9;
/// `panic!`.
pub const PANIC: u32 = 10;
/// A Rust division by zero (checked by the compiler: a panic).
pub const RUST_DIVIDE_BY_ZERO: u32 = 11;

/// Every operation, in test order, with a name for the log.
pub const ALL: [(u32, &str); 11] = [
    (STORE_OUTSIDE, "store-outside"),
    (LOAD_OUTSIDE, "load-outside"),
    (WRITE_CODE, "write-code"),
    (EXECUTE_RAM, "execute-ram"),
    (UNDEFINED, "undefined-instruction"),
    (UNALIGNED, "unaligned"),
    (DIVIDE_BY_ZERO, "divide-by-zero"),
    (STACK_OVERFLOW, "stack-overflow"),
    (BREAKPOINT, "breakpoint"),
    (PANIC, "panic"),
    (RUST_DIVIDE_BY_ZERO, "rust-divide-by-zero"),
];

/// Reply code: the operation did not fault (the CPU does not trap it, or nothing isolates).
pub const SURVIVED: u32 = 1;
