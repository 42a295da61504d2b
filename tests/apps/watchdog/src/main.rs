//! Keeps a heartbeat (one every 5 ms of waiting) while the fuzzer attacks the kernel, answers any
//! message, and reports its heartbeats when the fuzzer says it is done.

#![no_std]
#![no_main]

use mote::{Duration, SyscallError};

mote::entry!(main);

/// Operation code that ends the watchdog.
const DONE: u32 = 0xd0;

fn main() {
    let mut beats = 0u32;
    let mut buf = [0u8; 64];
    loop {
        match mote::receive_timeout(&mut buf, Some(Duration::from_millis(5))) {
            Err(SyscallError::TimedOut) => beats += 1,
            Ok(m) if m.op == DONE => {
                let _ = mote::reply(m.sender, beats, &[]);
                mote::info!("{beats} heartbeats; done");
                return;
            }
            Ok(m) => {
                let _ = mote::reply(m.sender, 0, &[]);
            }
            Err(e) => {
                mote::error!("receive: {}", e.as_str());
                mote::exit(1);
            }
        }
    }
}
