//! Holds the `bus` mutex for 5 ms of work while more important processes come and go.

#![no_std]
#![no_main]

use mote::sync::Mutex;
use mote::Duration;

mote::entry!(main);

fn main() {
    let Ok(bus) = Mutex::find("bus") else { mote::exit(1) };
    let Ok(guard) = bus.lock(None) else { mote::exit(2) };
    let until = Duration::from_millis(5);
    while mote::now() < until {}
    let released = mote::now();
    // Releasing gives back the inherited priority: pi-mid runs before this line is printed.
    drop(guard);
    mote::info!("released the bus at {} us", released.as_micros());
}
