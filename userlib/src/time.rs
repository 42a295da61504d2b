//! Time since boot, and sleeping.

use core::time::Duration;

use mote_abi::{Sysno, SyscallError};

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

/// Makes this process periodic: from now on it runs one job per `period`, each due `deadline`
/// after its release, and is scheduled earliest-deadline-first among processes of its priority.
/// `budget` is the most time one job needs; the kernel admits the process only if the periodic
/// processes' budgets fit the CPU (`SyscallError::Unschedulable` otherwise). The first job starts
/// now; end each job with [`next_period`]. A `period` of zero makes the process ordinary again.
///
/// A process can also be periodic from its start, with `[realtime]` in its `process.toml`.
pub fn set_periodic(period: Duration, deadline: Duration, budget: Duration) -> Result<(), SyscallError> {
    let us = |d: Duration| usize::try_from(d.as_micros()).unwrap_or(usize::MAX);
    crate::status(syscall(Sysno::SetPeriodic, [us(period), us(deadline), us(budget), 0, 0, 0, 0])[0])
}

/// Ends the current job and sleeps until the next release (returning at once if that has
/// passed). Returns how many deadlines this process has missed so far: a job still running at
/// its deadline counts, and so does every release skipped because a job overran whole periods.
/// Fails with `InvalidArgument` if the process is not periodic.
pub fn next_period() -> Result<u32, SyscallError> {
    let r = syscall(Sysno::NextPeriod, [0; 7]);
    crate::status(r[0])?;
    Ok(r[1] as u32)
}
