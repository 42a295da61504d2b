//! A spinner of the time-slice test (see `spin.rs` in spinner-a).

#![no_std]
#![no_main]

#[path = "../../spinner-a/src/spin.rs"]
mod spin;

mote::entry!(spin::run);
