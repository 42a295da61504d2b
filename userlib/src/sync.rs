//! Synchronisation objects of the image (`[[mutex]]`, `[[semaphore]]`, `[[flags]]` and `[[queue]]`
//! in `mote.toml`), found by name. Only the processes listed as their `users` may use them.
//!
//! Every blocking call takes a time limit: `None` waits forever, `Some(Duration::ZERO)` does not
//! wait at all.

use core::time::Duration;

use mote_abi::{Sysno, SyscallError};

use crate::arch::syscall;
use crate::{status, timeout};

fn find(name: &str) -> Result<usize, SyscallError> {
    let r = syscall(Sysno::Object, [name.as_ptr() as usize, name.len(), 0, 0, 0, 0, 0]);
    status(r[0])?;
    Ok(r[1])
}

fn call(n: Sysno, args: [usize; 4]) -> Result<[usize; 4], SyscallError> {
    let r = syscall(n, [args[0], args[1], args[2], args[3], 0, 0, 0]);
    status(r[0])?;
    Ok(r)
}

/// A mutex with priority inheritance: while a more important process waits for it, its holder
/// runs at that process's priority.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Mutex(usize);

/// A locked [`Mutex`]; unlocks when dropped.
#[derive(Debug)]
pub struct MutexGuard {
    handle: usize,
    owner_died: bool,
}

impl Mutex {
    /// The mutex called `name`.
    pub fn find(name: &str) -> Result<Self, SyscallError> {
        find(name).map(Mutex)
    }

    /// Locks it. Fails with `Deadlock` if waiting would close a cycle (this process holds it
    /// already, or holds what its holder waits for).
    pub fn lock(&self, limit: Option<Duration>) -> Result<MutexGuard, SyscallError> {
        let r = call(Sysno::MutexLock, [self.0, timeout(limit), 0, 0])?;
        Ok(MutexGuard { handle: self.0, owner_died: r[1] != 0 })
    }
}

impl MutexGuard {
    /// Whether the previous holder ended while holding the mutex (what it protects may be
    /// half-updated).
    pub fn owner_died(&self) -> bool {
        self.owner_died
    }
}

impl Drop for MutexGuard {
    fn drop(&mut self) {
        let _ = call(Sysno::MutexUnlock, [self.handle, 0, 0, 0]);
    }
}

/// A counting semaphore.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Semaphore(usize);

impl Semaphore {
    /// The semaphore called `name`.
    pub fn find(name: &str) -> Result<Self, SyscallError> {
        find(name).map(Semaphore)
    }

    /// Takes one unit, waiting for one if none is left.
    pub fn wait(&self, limit: Option<Duration>) -> Result<(), SyscallError> {
        call(Sysno::SemWait, [self.0, timeout(limit), 0, 0]).map(|_| ())
    }

    /// Gives one unit back (`Overflow` beyond the semaphore's maximum).
    pub fn post(&self) -> Result<(), SyscallError> {
        call(Sysno::SemPost, [self.0, 0, 0, 0]).map(|_| ())
    }
}

/// How [`EventFlags::wait`] decides it is satisfied.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FlagsMode {
    /// All of the mask (else any of it).
    pub all: bool,
    /// Clear the flags that satisfied the wait.
    pub clear: bool,
}

/// 32 event flags.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct EventFlags(usize);

impl EventFlags {
    /// The event flags called `name`.
    pub fn find(name: &str) -> Result<Self, SyscallError> {
        find(name).map(EventFlags)
    }

    /// Waits until the flags satisfy `mask` and `mode`; returns all the flags as they were then.
    pub fn wait(&self, mask: u32, mode: FlagsMode, limit: Option<Duration>) -> Result<u32, SyscallError> {
        let mode_bits = usize::from(mode.all) | usize::from(mode.clear) << 1;
        let r = call(Sysno::FlagsWait, [self.0, mask as usize, mode_bits, timeout(limit)])?;
        Ok(r[1] as u32)
    }

    /// Sets flags, waking the waiters they satisfy.
    pub fn set(&self, bits: u32) -> Result<(), SyscallError> {
        call(Sysno::FlagsSet, [self.0, bits as usize, 0, 0]).map(|_| ())
    }

    /// Clears flags.
    pub fn clear(&self, bits: u32) -> Result<(), SyscallError> {
        call(Sysno::FlagsClear, [self.0, bits as usize, 0, 0]).map(|_| ())
    }
}

/// A queue of messages of at most its `message_size` bytes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Queue(usize);

impl Queue {
    /// The queue called `name`.
    pub fn find(name: &str) -> Result<Self, SyscallError> {
        find(name).map(Queue)
    }

    /// Appends `message`, waiting for room if the queue is full.
    pub fn send(&self, message: &[u8], limit: Option<Duration>) -> Result<(), SyscallError> {
        call(Sysno::QueueSend, [self.0, message.as_ptr() as usize, message.len(), timeout(limit)]).map(|_| ())
    }

    /// Takes the oldest message into `buffer` (which must hold the queue's largest message),
    /// waiting for one if the queue is empty; returns its length.
    pub fn receive(&self, buffer: &mut [u8], limit: Option<Duration>) -> Result<usize, SyscallError> {
        let r = call(Sysno::QueueReceive, [self.0, buffer.as_mut_ptr() as usize, buffer.len(), timeout(limit)])?;
        Ok(r[1])
    }
}
