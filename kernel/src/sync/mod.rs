//! Synchronisation objects: mutexes (with priority inheritance), counting semaphores, event flags
//! and message queues.
//!
//! Objects are declared in the image's `mote.toml` with the processes that may use them, so they
//! are a fixed table: no allocation, no exhaustion at run time. A process looks one up by name
//! (`object`) and gets a handle, its index in the table. Every blocking operation takes a timeout;
//! misuse that would deadlock or corrupt state (unlocking a mutex one does not hold, locking a
//! mutex in a cycle of waiters) returns an error instead.
//!
//! Blocked processes wait in the process table (`State::Sync`); when an object can satisfy
//! someone, the most important waiter goes first (lowest task index among equals).

mod flags;
mod mutex;
mod queue;
mod semaphore;

use mote_abi::{SyscallError, Timeout, ARG_COUNT, MAX_NAME_LEN};
use mote_hal::{Arch, Board};

use crate::descriptor::{ObjectDesc, ObjectKind};
use crate::kernel::Kernel;
use crate::priority::Priority;
use crate::process::State;
use crate::syscall::{error, ok, Outcome, Results};
use crate::umem::{UserRead, UserWrite};

/// The run-time state of one object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ObjectState {
    /// A mutex: who holds it, and whether its last holder ended while holding it.
    Mutex {
        /// The holder's task index.
        owner: Option<usize>,
        /// Set when a holder ended without unlocking; reported to the next one to lock it.
        owner_died: bool,
    },
    /// A semaphore's available units.
    Semaphore {
        /// Units available.
        count: u32,
    },
    /// Event flags.
    Flags {
        /// The flags.
        value: u32,
    },
    /// A queue: where its oldest message is and how many it holds.
    Queue {
        /// Slot of the oldest message.
        head: u16,
        /// Messages held.
        len: u16,
    },
}

impl ObjectState {
    /// The state an object starts in.
    pub fn new(desc: &ObjectDesc) -> Self {
        match desc.kind {
            ObjectKind::Mutex => ObjectState::Mutex { owner: None, owner_died: false },
            ObjectKind::Semaphore { initial, .. } => ObjectState::Semaphore { count: initial },
            ObjectKind::EventFlags => ObjectState::Flags { value: 0 },
            ObjectKind::Queue { .. } => ObjectState::Queue { head: 0, len: 0 },
        }
    }
}

/// What a process blocked on an object waits for.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SyncWait {
    /// To lock the mutex.
    Lock,
    /// A unit of the semaphore.
    Unit,
    /// Flags: `mask`, all of them or any; clear those that satisfied the wait.
    Flags {
        /// The flags waited for.
        mask: u32,
        /// All of `mask` (else any).
        all: bool,
        /// Clear the satisfying flags when woken.
        clear: bool,
    },
    /// Room in the queue for `message`.
    QueueRoom {
        /// The message, in the sender's memory.
        message: UserRead,
    },
    /// A message from the queue, into `buffer`.
    QueueMessage {
        /// Where the message goes.
        buffer: UserWrite,
    },
}

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// The object named by `raw`, if it exists and process `i` may use it.
    pub(crate) fn object(&self, i: usize, raw: usize) -> Result<usize, SyscallError> {
        let o = self.image.objects.get(raw).ok_or(SyscallError::InvalidArgument)?;
        if !o.users.contains(i) {
            return Err(SyscallError::NotPermitted);
        }
        Ok(raw)
    }

    /// `object(name_ptr, name_len) -> handle`.
    pub(crate) fn sys_object(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        if args[1] == 0 || args[1] > MAX_NAME_LEN {
            return Err(SyscallError::InvalidArgument);
        }
        let range = UserRead::new(&self.image.processes[i], args[0], args[1])?;
        let mut name = [0u8; MAX_NAME_LEN];
        let n = range.read_into(&mut name);
        let k = self
            .image
            .objects
            .iter()
            .position(|o| o.name.as_bytes() == &name[..n])
            .ok_or(SyscallError::NoSuchTask)?;
        self.object(i, k)?;
        Ok(ok(k, 0, 0))
    }

    /// The most important process blocked on object `o` whose wait satisfies `pred`.
    pub(crate) fn best_waiter(&self, o: usize, pred: impl Fn(&SyncWait) -> bool) -> Option<usize> {
        let mut best: Option<(usize, Priority)> = None;
        let mut waiting = self.on_objects;
        while waiting != 0 {
            let j = waiting.trailing_zeros() as usize;
            waiting &= waiting - 1;
            if let State::Sync { object, wait } = &self.procs[j].state {
                let prio = self.effective_priority(j);
                if *object == o && pred(wait) && best.is_none_or(|(_, b)| prio.is_more_important_than(b)) {
                    best = Some((j, prio));
                }
            }
        }
        best.map(|(j, _)| j)
    }

    /// Blocks process `i` on object `o` (or fails at once with `TimedOut` for `Timeout::POLL`).
    pub(crate) fn block_on(&mut self, i: usize, o: usize, wait: SyncWait, timeout: usize) -> Outcome {
        let timeout = Timeout(timeout as u32);
        if timeout == Timeout::POLL {
            return Outcome::Done(error(SyscallError::TimedOut));
        }
        self.set_state(i, State::Sync { object: o, wait });
        let deadline = self.deadline_after(timeout);
        self.set_deadline(i, deadline);
        if wait == SyncWait::Lock {
            self.update_inheritance(o);
        }
        Outcome::Pending
    }

    /// Process `i`, blocked on object `o`, stopped waiting (timeout, or it ended).
    pub(crate) fn left_object(&mut self, o: usize) {
        if cfg!(feature = "mutex") && matches!(self.objects[o], ObjectState::Mutex { .. }) {
            self.update_inheritance(o);
        }
    }

    /// Everything process `i` holds is released as it ends: its mutexes go to their next waiter
    /// (who learns that the owner died), and it stops waiting on any object.
    pub(crate) fn release_objects(&mut self, i: usize, was: State) {
        let objects_to_check = if cfg!(feature = "mutex") { M } else { 0 }; // Only mutexes are held.
        for o in 0..objects_to_check {
            if let ObjectState::Mutex { owner: Some(holder), .. } = self.objects[o] {
                if holder == i {
                    self.objects[o] = ObjectState::Mutex { owner: None, owner_died: true };
                    self.hand_over_mutex(o);
                }
            }
        }
        if let State::Sync { object, .. } = was {
            self.left_object(object);
        }
    }

    /// Dispatches the object syscalls.
    pub(crate) fn sys_sync(&mut self, i: usize, sysno: mote_abi::Sysno, args: [usize; ARG_COUNT]) -> Outcome {
        use mote_abi::Sysno::*;
        let o = match self.object(i, args[0]) {
            Ok(o) => o,
            Err(e) => return Outcome::Done(error(e)),
        };
        // A kernel holds the calls of the kinds of objects its image has (Cargo.toml's features):
        // on an object of another kind, each call fails as the kind check below would.
        let built_in = match sysno {
            MutexLock | MutexUnlock => cfg!(feature = "mutex"),
            SemWait | SemPost => cfg!(feature = "semaphore"),
            FlagsWait | FlagsSet | FlagsClear => cfg!(feature = "flags"),
            QueueSend | QueueReceive => cfg!(feature = "queue"),
            _ => true,
        };
        if !built_in {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        }
        match sysno {
            MutexLock => self.mutex_lock(i, o, args[1]),
            MutexUnlock => self.mutex_unlock(i, o).into(),
            SemWait => self.sem_wait(i, o, args[1]),
            SemPost => self.sem_post(o).into(),
            FlagsWait => self.flags_wait(i, o, args[1] as u32, args[2], args[3]),
            FlagsSet => self.flags_set(o, args[1] as u32).into(),
            FlagsClear => self.flags_clear(o, args[1] as u32).into(),
            QueueSend => self.queue_send(i, o, args[1], args[2], args[3]),
            QueueReceive => self.queue_receive(i, o, args[1], args[2], args[3]),
            _ => Outcome::Done(error(SyscallError::UnknownSyscall)),
        }
    }
}

/// Fails with `InvalidArgument` unless `state` is of the wanted kind.
pub(crate) fn wrong_kind() -> Result<Results, SyscallError> {
    Err(SyscallError::InvalidArgument)
}
