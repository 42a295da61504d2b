//! Thread-Metric's cooperative thread 1 (priority 3).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::thread();
}
