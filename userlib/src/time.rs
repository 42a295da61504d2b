//! Time since boot, and sleeping.

use core::time::Duration;

use mote_abi::Sysno;

use crate::arch::syscall;

/// Time since boot (microsecond resolution).
pub fn now() -> Duration {
    let r = syscall(Sysno::Now, [0; 7]);
    Duration::from_micros(r[1] as u32 as u64 | (r[2] as u32 as u64) << 32)
}

/// Sleeps until `at` (time since boot). Returns at once if that is past. Sleeping on absolute
/// times keeps periodic work from drifting: `next += period; sleep_until(next)`.
pub fn sleep_until(at: Duration) {
    let us = at.as_micros().min(u128::from(u64::MAX)) as u64;
    syscall(Sysno::SleepUntil, [us as u32 as usize, (us >> 32) as u32 as usize, 0, 0, 0, 0, 0]);
}

/// Sleeps for `d`.
pub fn sleep(d: Duration) {
    sleep_until(now().saturating_add(d));
}
