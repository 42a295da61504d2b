//! Where this process lives: its flash and RAM regions, as the build placed them.
//!
//! A process may access exactly these two regions (when the board isolates processes): flash to
//! read and execute, RAM to read and write. Everything else faults.

use core::ops::Range;

extern "C" {
    static __mote_flash_start: u8;
    static __mote_flash_end: u8;
    static __mote_ram_start: u8;
    static __mote_ram_end: u8;
}

/// This process's flash region (code, constants, the initial image of `.data`).
pub fn flash() -> Range<usize> {
    (&raw const __mote_flash_start) as usize..(&raw const __mote_flash_end) as usize
}

/// This process's RAM region (stack at the bottom, then `.data`, `.bss` and the heap).
pub fn ram() -> Range<usize> {
    (&raw const __mote_ram_start) as usize..(&raw const __mote_ram_end) as usize
}
