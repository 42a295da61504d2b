//! Stack limit test: recurses until the stack runs out. The stack is at the bottom of the
//! process's RAM region, so the overflow would run into memory the process does not own. On
//! ARMv8-M Mainline the process stack limit register (PSPLIM) stops it at the stack's lowest
//! address: a precise stack-overflow fault, with nothing written below the stack.

#![no_std]
#![no_main]

mote::entry!(main);

extern "C" {
    /// The lowest address of this process's stack (from `process.x`).
    static __mote_stack_start: u8;
}

/// Recurses `depth` times with a 64-byte buffer in every frame; the addition after the call
/// keeps it from becoming a loop.
#[inline(never)]
fn recurse(depth: u32) -> u32 {
    let mut buffer = [0u8; 64];
    buffer[(depth % 64) as usize] = depth as u8;
    let buffer = core::hint::black_box(buffer);
    if depth == 0 {
        return u32::from(buffer[0]);
    }
    recurse(depth - 1).wrapping_add(u32::from(buffer[(depth % 7) as usize]))
}

fn main() {
    let base = (&raw const __mote_stack_start) as usize;
    mote::info!("recursing; the stack starts at {base:08x}");
    // 1000 frames of more than 64 bytes: far more than the 1 KiB stack.
    let r = recurse(core::hint::black_box(1000));
    mote::error!("recursion returned {r}: the stack did not overflow");
}
