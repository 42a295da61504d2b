//! More important than the interrupt storm's owner: the same work must take the same time with
//! and without the storm (the storm's line stays masked while this process runs, because its owner
//! cannot run to acknowledge it).

#![no_std]
#![no_main]

use core::hint::black_box;

use mote::Duration;

mote::entry!(main);

/// A fixed amount of work; returns how long it took.
fn work() -> Duration {
    let start = mote::now();
    let mut x = 1u32;
    for k in 0..20_000u32 {
        x = black_box(x.wrapping_mul(31).wrapping_add(k));
    }
    black_box(x);
    mote::now() - start
}

/// The notification `irq-owner` sets when its storm has started.
const STORM_STARTED: u32 = 1;

fn main() {
    let alone = work();
    if mote::notify_wait(STORM_STARTED, Some(Duration::from_secs(1))).is_err() {
        mote::error!("the storm never started");
        mote::exit(1);
    }
    let stormy = work();
    let ok = stormy <= alone + Duration::from_micros(200);
    mote::info!(
        "work took {} us alone, {} us in the storm ({})",
        alone.as_micros(),
        stormy.as_micros(),
        if ok { "not starved" } else { "SLOWED" }
    );
    mote::exit(u32::from(!ok))
}
