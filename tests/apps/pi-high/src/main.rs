//! Needs the `bus` 1 ms in, while `pi-low` holds it: with priority inheritance it gets it as soon
//! as `pi-low` is done (about 5 ms), not after `pi-mid`'s 30 ms of work.

#![no_std]
#![no_main]

use mote::sync::Mutex;
use mote::Duration;

mote::entry!(main);

fn main() {
    let Ok(bus) = Mutex::find("bus") else { mote::exit(1) };
    mote::sleep_until(Duration::from_millis(1));
    let asked = mote::now();
    let Ok(_guard) = bus.lock(Some(Duration::from_secs(1))) else { mote::exit(2) };
    let waited = mote::now() - asked;
    let ok = waited < Duration::from_millis(8);
    mote::info!("waited {} us for the bus ({})", waited.as_micros(), if ok { "no inversion" } else { "INVERTED" });
    mote::exit(u32::from(!ok))
}
