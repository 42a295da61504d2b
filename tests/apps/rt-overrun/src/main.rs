//! A periodic process that underestimated its work: its second job takes 25 ms against a 20 ms
//! deadline. The kernel notices the miss at the deadline (and tells rt-monitor, its supervisor);
//! `next_period` tells this process.

#![no_std]
#![no_main]

use mote::Duration;

mote::entry!(main);

fn busy(d: Duration) {
    let end = mote::now() + d;
    while mote::now() < end {}
}

fn main() {
    let mut seen = [0u32; 3];
    for (job, work_ms) in [1u64, 25, 1].into_iter().enumerate() {
        busy(Duration::from_millis(work_ms));
        seen[job] = mote::next_period().expect("periodic from its manifest");
    }
    let ok = seen == [0, 1, 1];
    mote::info!("misses after each job: {seen:?} ({})", if ok { "ok" } else { "WRONG" });
    mote::exit(u32::from(!ok))
}
