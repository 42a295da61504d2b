//! The idle benchmark's only process: it sleeps 10 s of virtual time, during which every process
//! is blocked, then ends (and with it the image). `cargo mote bench idle` counts, in QEMU's
//! execution log, the instructions and wake-ups of the kernel meanwhile.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

fn main() {
    mote::info!("idle: sleeping 10 s");
    mote::sleep(mote::Duration::from_secs(10));
    mote::info!("idle: awake");
}
