//! Wakes 2 ms in and computes until 30 ms: without priority inheritance it would keep `pi-low`,
//! and so `pi-high`, waiting.

#![no_std]
#![no_main]

use mote::Duration;

mote::entry!(main);

fn main() {
    mote::sleep_until(Duration::from_millis(2));
    while mote::now() < Duration::from_millis(30) {}
    mote::info!("done computing at {} us", mote::now().as_micros());
}
