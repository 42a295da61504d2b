//! Takes the ten samples in order, waits for `ready` (first with a timeout that must expire),
//! waits for the `done` flag, and checks that unlocking a mutex it does not hold is refused.

#![no_std]
#![no_main]

use mote::sync::{EventFlags, FlagsMode, Mutex, Queue, Semaphore};
use mote::{Duration, SyscallError};

mote::entry!(main);

fn main() {
    let (Ok(samples), Ok(ready), Ok(events), Ok(lock)) =
        (Queue::find("samples"), Semaphore::find("ready"), EventFlags::find("events"), Mutex::find("lock"))
    else {
        mote::exit(1);
    };
    let mut failed = 0;
    let early = ready.wait(Some(Duration::from_millis(5)));
    failed += u32::from(early != Err(SyscallError::TimedOut));
    let mut buf = [0u8; 4];
    let mut in_order = true;
    for k in 0..10u32 {
        match samples.receive(&mut buf, Some(Duration::from_secs(1))) {
            Ok(4) if u32::from_le_bytes(buf) == k => {}
            _ => in_order = false,
        }
    }
    failed += u32::from(!in_order);
    let later = ready.wait(Some(Duration::from_secs(1)));
    let flags = events.wait(0b10, FlagsMode { all: true, clear: true }, Some(Duration::from_secs(1)));
    let guard = lock.lock(None).ok();
    drop(guard);
    // Unlocking again, without holding it, through the raw call the guard would make.
    let stray = mote::raw_syscall(24, [lock_handle(), 0, 0, 0, 0, 0, 0])[0];
    failed += u32::from(later.is_err() || flags != Ok(0b10) || stray != SyscallError::NotOwner as usize);
    mote::info!(
        "early wait: {}; samples in order: {in_order}; ready: {:?}; flags: {:?}; stray unlock: {}",
        early.err().map(|e| e.as_str()).unwrap_or("got a unit"),
        later.map_err(|e| e.as_str()),
        flags.map_err(|e| e.as_str()),
        SyscallError::from_u32(stray as u32).map(|e| e.as_str()).unwrap_or("allowed")
    );
    mote::exit(failed)
}

/// The handle of `lock` (objects are numbered mutexes first, in mote.toml order).
fn lock_handle() -> usize {
    0
}
