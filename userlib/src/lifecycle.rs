//! Managing other processes: spawn, kill, restart, wait, and the process list.
//!
//! `spawn`, `kill` and `restart` need the target in this process's `[capabilities]` (`spawn`,
//! `kill`, both for `restart`); `wait` and `ps` need nothing.

use core::time::Duration;

use mote_abi::{ProcessRecord, Sysno, SyscallError};

pub use mote_abi::Ending;

use crate::arch::syscall;
use crate::ipc::TaskId;
use crate::{status, timeout};

fn task(r1: usize) -> TaskId {
    TaskId(mote_abi::TaskId::from_raw(r1 as u32))
}

/// Starts process `t` (not running: never started, exited, faulted or killed). Returns the
/// identifier of its new incarnation.
pub fn spawn(t: TaskId) -> Result<TaskId, SyscallError> {
    let r = syscall(Sysno::Spawn, [t.0.to_raw() as usize, 0, 0, 0, 0, 0, 0]);
    status(r[0])?;
    Ok(task(r[1]))
}

/// Stops process `t`; processes blocked on it are released with `PeerGone`.
pub fn kill(t: TaskId) -> Result<(), SyscallError> {
    status(syscall(Sysno::Kill, [t.0.to_raw() as usize, 0, 0, 0, 0, 0, 0])[0])
}

/// Stops (if running) and starts process `t` afresh: its memory re-initialised, a new
/// generation. Restarting oneself does not return.
pub fn restart(t: TaskId) -> Result<TaskId, SyscallError> {
    let r = syscall(Sysno::Restart, [t.0.to_raw() as usize, 0, 0, 0, 0, 0, 0]);
    status(r[0])?;
    Ok(task(r[1]))
}

/// Waits until process `t` ends; returns how, with the detail (exit status, or killer's index).
pub fn wait(t: TaskId) -> Result<(Ending, u32), SyscallError> {
    wait_timeout(t, None)
}

/// [`wait`] with a time limit.
pub fn wait_timeout(t: TaskId, limit: Option<Duration>) -> Result<(Ending, u32), SyscallError> {
    let r = syscall(Sysno::Wait, [t.0.to_raw() as usize, timeout(limit), 0, 0, 0, 0, 0]);
    status(r[0])?;
    let ending = Ending::from_u32(r[1] as u32).ok_or(SyscallError::InvalidArgument)?;
    Ok((ending, r[2] as u32))
}

/// Fills `out` with one record per process (as many as fit); returns how many processes the
/// image has.
pub fn ps(out: &mut [ProcessRecord]) -> Result<usize, SyscallError> {
    const MAX: usize = mote_abi::MAX_PROCESSES;
    let mut raw = [0u8; MAX * ProcessRecord::SIZE];
    let want = out.len().min(MAX) * ProcessRecord::SIZE;
    let r = syscall(Sysno::Ps, [raw.as_mut_ptr() as usize, want, 0, 0, 0, 0, 0]);
    status(r[0])?;
    let count = r[1];
    for (k, slot) in out.iter_mut().take(count.min(MAX)).enumerate() {
        let bytes: &[u8; ProcessRecord::SIZE] =
            raw[k * ProcessRecord::SIZE..(k + 1) * ProcessRecord::SIZE].try_into().map_err(|_| SyscallError::InvalidArgument)?;
        *slot = ProcessRecord::from_bytes(bytes).ok_or(SyscallError::InvalidArgument)?;
    }
    Ok(count)
}
