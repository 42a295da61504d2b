//! Thread-Metric's reporter: 2-second periods, as the peers were measured.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote_thread_metric::reporter(mote::Duration::from_secs(2));
}
