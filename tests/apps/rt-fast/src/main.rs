//! A periodic process with a short deadline (2 ms in a 5 ms period) sharing its priority with
//! rt-slow, whose jobs take 7 ms: only earliest-deadline-first ordering lets every one of its
//! jobs finish in time. Reports its misses and its worst response time (release to done).

#![no_std]
#![no_main]

use mote::Duration;

mote::entry!(main);

const JOBS: u32 = 40;
const PERIOD: Duration = Duration::from_millis(5);
const DEADLINE: Duration = Duration::from_millis(2);

fn busy(d: Duration) {
    let end = mote::now() + d;
    while mote::now() < end {}
}

fn main() {
    let first = mote::now();
    let mut worst = Duration::ZERO;
    let mut misses = 0;
    for job in 0..JOBS {
        busy(Duration::from_micros(700));
        worst = worst.max(mote::now() - (first + PERIOD * job));
        misses = mote::next_period().expect("periodic from its manifest");
    }
    let ok = misses == 0 && worst < DEADLINE;
    mote::info!("{JOBS} jobs, {misses} deadlines missed, worst response {} us ({})", worst.as_micros(), if ok { "ok" } else { "WRONG" });
    mote::exit(u32::from(!ok))
}
