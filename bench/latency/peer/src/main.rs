//! The other side of the context-switch test: once `lat-probe` notifies it (bit 0), it yields
//! back as many times as the probe yields to it, then ends.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

/// The probe's yields in the switch test: warm-up and samples (`lat-probe`'s `WARM_UP + SAMPLES`).
const YIELDS: u32 = 8 + 200;

fn main() {
    // With a deadline: a kernel with no deadline and every process blocked ends the image, and
    // `lat-probe` waits for its interrupt without one.
    mote::notify_wait(1, Some(mote::Duration::from_secs(3600))).expect("wait for the switch test");
    for _ in 0..YIELDS {
        mote::yield_now();
    }
}
