//! Checks time: a sleep lasts what was asked, periodic wake-ups on absolute deadlines do not
//! drift, and a receive with a timeout gives up on time.

#![no_std]
#![no_main]

use mote::{Duration, SyscallError};

mote::entry!(main);

fn main() {
    let mut failed = 0;
    let t0 = mote::now();
    mote::sleep(Duration::from_millis(100));
    let slept = mote::now() - t0;
    let ok = slept >= Duration::from_millis(100) && slept < Duration::from_millis(101);
    mote::info!("slept 100 ms: took {} us ({})", slept.as_micros(), if ok { "ok" } else { "WRONG" });
    failed += u32::from(!ok);

    let start = mote::now();
    let mut next = start;
    for _ in 0..10 {
        next += Duration::from_millis(10);
        mote::sleep_until(next);
    }
    let late = mote::now() - (start + Duration::from_millis(100));
    let ok = late < Duration::from_millis(1);
    mote::info!("10 periods of 10 ms: {} us late ({})", late.as_micros(), if ok { "ok" } else { "WRONG" });
    failed += u32::from(!ok);

    let t1 = mote::now();
    let r = mote::receive_timeout(&mut [0u8; 4], Some(Duration::from_millis(20)));
    let waited = mote::now() - t1;
    let ok = r == Err(SyscallError::TimedOut) && waited >= Duration::from_millis(20) && waited < Duration::from_millis(21);
    mote::info!("receive with a 20 ms timeout: {} after {} us ({})", r.err().map(|e| e.as_str()).unwrap_or("a message?"), waited.as_micros(), if ok { "ok" } else { "WRONG" });
    failed += u32::from(!ok);
    mote::exit(failed)
}
