//! Thread-Metric's preemptive thread 1 (priority 9).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::thread();
}
