//! Thread-Metric's priority-10 thread; `tm-reporter` gives its role in each test.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::thread();
}
