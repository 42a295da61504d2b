//! Sends ten numbered samples through the `samples` queue (four deep: it blocks when full), then
//! posts `ready` three times (the consumer waiting takes the first, the count of at most one the
//! second, the third overflows) and sets the `done` flag.

#![no_std]
#![no_main]

use mote::sync::{EventFlags, Queue, Semaphore};
use mote::SyscallError;

mote::entry!(main);

fn main() {
    let (Ok(samples), Ok(ready), Ok(done)) = (Queue::find("samples"), Semaphore::find("ready"), EventFlags::find("events")) else {
        mote::exit(1);
    };
    for k in 0..10u32 {
        if samples.send(&k.to_le_bytes(), None).is_err() {
            mote::exit(2);
        }
    }
    let first = ready.post();
    let _ = ready.post();
    let third = ready.post();
    mote::info!("posted ready: {:?}, and a third time: {:?}", first.map_err(|e| e.as_str()), third.map_err(|e| e.as_str()));
    let _ = done.set(0b10);
    mote::exit(u32::from(!(first.is_ok() && third == Err(SyscallError::Overflow))))
}
