//! Thread-Metric's reporter with 20 ms periods: a quick check that the benchmark runs.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::reporter(mote::Duration::from_millis(20));
}
