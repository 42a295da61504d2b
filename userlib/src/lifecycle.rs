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

/// Copies `buf.len()` bytes (at most 256) of process `t`'s memory at `addr` into `buf`, as a
/// monitor or debugger reads a process it watches (needs `t` in this process's `inspect`
/// capability). Returns how many bytes were copied.
pub fn inspect(t: TaskId, addr: usize, buf: &mut [u8]) -> Result<usize, SyscallError> {
    let r = syscall(Sysno::Inspect, [t.0.to_raw() as usize, addr, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0]);
    status(r[0])?;
    Ok(r[1])
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
/// image has. Reads a few records per call, so it needs little stack.
pub fn ps(out: &mut [ProcessRecord]) -> Result<usize, SyscallError> {
    const CHUNK: usize = 4;
    let mut raw = [0u8; CHUNK * ProcessRecord::SIZE];
    let mut count = out.len();
    let mut first = 0;
    while first < out.len().min(count) {
        let r = syscall(Sysno::Ps, [raw.as_mut_ptr() as usize, raw.len(), first, 0, 0, 0, 0]);
        status(r[0])?;
        count = r[1];
        let got = CHUNK.min(count.saturating_sub(first)).min(out.len() - first);
        for k in 0..got {
            let bytes: &[u8; ProcessRecord::SIZE] = raw[k * ProcessRecord::SIZE..(k + 1) * ProcessRecord::SIZE]
                .try_into()
                .map_err(|_| SyscallError::InvalidArgument)?;
            out[first + k] = ProcessRecord::from_bytes(bytes).ok_or(SyscallError::InvalidArgument)?;
        }
        first += got.max(1);
    }
    if out.is_empty() {
        let r = syscall(Sysno::Ps, [raw.as_mut_ptr() as usize, 0, 0, 0, 0, 0, 0]);
        status(r[0])?;
        count = r[1];
    }
    Ok(count)
}
