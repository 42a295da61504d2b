//! Panics as soon as it starts, in every incarnation; its policy restarts it, then backs off.

#![no_std]
#![no_main]

mote::entry!(main);

fn main() {
    let generation = mote::find("crashloop").map(|t| t.0.generation).unwrap_or(u16::MAX);
    mote::info!("incarnation {generation} at {} ms", mote::now().as_millis());
    panic!("crash {generation}");
}
