//! Thread-Metric's interrupt handler: the interrupt of its device arrives as notification bit 3.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::thread();
}
