//! Asks a kernel built with the test-only `fault-injection` feature to fault itself, to check
//! that a kernel fault is reported with its details before the system stops.

#![no_std]
#![no_main]

mote::entry!(main);

/// The test-only syscall of `mote-kernel`'s `fault-injection` feature.
const FAULT_INJECTION: usize = 0x7f00;

fn main() {
    mote::info!("asking the kernel to fault");
    mote::raw_syscall(FAULT_INJECTION, [0; 7]);
    mote::error!("the kernel did not fault");
}
