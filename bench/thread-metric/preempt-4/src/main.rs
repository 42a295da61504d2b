//! Thread-Metric's preemptive thread 4 (priority 6).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::thread();
}
