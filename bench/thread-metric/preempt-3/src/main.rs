//! Thread-Metric's preemptive thread 3 (priority 7).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::thread();
}
