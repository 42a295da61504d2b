//! Owns no device: it cannot acknowledge the spare timer's interrupt, does not see its device, and
//! receives none of its notifications.

#![no_std]
#![no_main]

use mote::{Duration, SyscallError};

mote::entry!(main);

fn main() {
    let ack = mote::irq_ack(1 << 3);
    let dev = mote::device("spare-timer");
    let seen = mote::notify_wait(u32::MAX, Some(Duration::from_millis(60)));
    let ok = ack == Err(SyscallError::NotPermitted) && dev.is_err() && seen == Err(SyscallError::TimedOut);
    mote::info!(
        "ack: {}, device: {}, notifications in 60 ms: {} ({})",
        ack.err().map(|e| e.as_str()).unwrap_or("allowed"),
        dev.err().map(|e| e.as_str()).unwrap_or("visible"),
        seen.err().map(|e| e.as_str()).unwrap_or("some"),
        if ok { "ok" } else { "WRONG" }
    );
    mote::exit(u32::from(!ok))
}
