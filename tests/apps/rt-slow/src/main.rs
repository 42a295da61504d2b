//! A periodic process with long jobs (7 ms every 20 ms) at rt-fast's priority: its jobs are
//! preempted by rt-fast's, whose deadlines are earlier, and still meet their own.

#![no_std]
#![no_main]

use mote::Duration;

mote::entry!(main);

const JOBS: u32 = 10;

fn busy(d: Duration) {
    let end = mote::now() + d;
    while mote::now() < end {}
}

fn main() {
    let mut misses = 0;
    for _ in 0..JOBS {
        busy(Duration::from_millis(7));
        misses = mote::next_period().expect("periodic from its manifest");
    }
    mote::info!("{JOBS} jobs, {misses} deadlines missed ({})", if misses == 0 { "ok" } else { "WRONG" });
    mote::exit(misses)
}
