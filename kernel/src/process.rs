//! The run-time state of a process.

use mote_abi::ProcessState;
use mote_hal::Fault;

use crate::umem::{UserRead, UserWrite};

/// A message waiting to be received: what a sender blocked in `send` offers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Task index of the receiver.
    pub to: usize,
    /// Operation code chosen by the sender.
    pub op: u32,
    /// The message, in the sender's memory.
    pub message: UserRead,
    /// Where the reply goes, in the sender's memory.
    pub reply: UserWrite,
    /// The buffers it lends the receiver until the reply.
    pub leases: LeaseTable,
}

/// Where a sender's lease table is, in its own memory, and how many leases it holds (checked
/// when sent; read again at each borrow, so the kernel keeps no copy).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LeaseTable {
    /// The table's bytes: `count` [`mote_abi::LeaseDesc`]s.
    pub table: UserRead,
    /// How many leases.
    pub count: usize,
}

impl LeaseTable {
    /// No leases.
    pub const NONE: LeaseTable = LeaseTable { table: UserRead::EMPTY, count: 0 };
}

/// What a process is doing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// In the image, never started.
    NotStarted,
    /// Runnable.
    Ready,
    /// Blocked in `send` until the receiver takes the message.
    Sending(OutgoingMessage),
    /// Blocked in `send` after delivery, until `server` replies into `reply`.
    AwaitingReply {
        /// Task index of the process that received the message.
        server: usize,
        /// Where the reply goes, in this process's memory.
        reply: UserWrite,
        /// The buffers it lends `server` until the reply.
        leases: LeaseTable,
    },
    /// Blocked in `receive` until a message arrives in `buffer`.
    Receiving {
        /// Where the message goes, in this process's memory.
        buffer: UserWrite,
    },
    /// Blocked in `sleep_until` until its deadline.
    Sleeping,
    /// A periodic process between jobs (in `next_period`), until its next release.
    AwaitingRelease,
    /// Blocked in `notify_wait` until a notification bit in `mask` is set.
    WaitingNotification {
        /// The bits it waits for.
        mask: u32,
    },
    /// Blocked on synchronisation object `object`.
    Sync {
        /// The object's handle.
        object: usize,
        /// What it waits for.
        wait: crate::sync::SyncWait,
    },
    /// Blocked in `wait` until process `task` ends.
    Waiting {
        /// Task index of the awaited process.
        task: usize,
    },
    /// Ended by `exit` with this status.
    Exited(u32),
    /// Stopped by a fault (a restart may be scheduled: see [`Process::deadline`]).
    Faulted(Fault),
    /// Stopped by process `by` with `kill`.
    Killed {
        /// Task index of the killer.
        by: usize,
    },
}

impl State {
    /// Whether the process is not running and will not run unless started again.
    pub const fn is_dead(&self) -> bool {
        matches!(self, State::NotStarted | State::Exited(_) | State::Faulted(_) | State::Killed { .. })
    }

    /// The state as `ps` reports it (`Running` is decided by the caller).
    pub const fn public(&self) -> ProcessState {
        match self {
            State::NotStarted => ProcessState::NotStarted,
            State::Ready => ProcessState::Ready,
            State::Sending(_)
            | State::AwaitingReply { .. }
            | State::Receiving { .. }
            | State::Waiting { .. }
            | State::WaitingNotification { .. }
            | State::Sync { .. } => ProcessState::Blocked,
            State::Sleeping | State::AwaitingRelease => ProcessState::Sleeping,
            State::Faulted(_) => ProcessState::Faulted,
            State::Exited(_) | State::Killed { .. } => ProcessState::Stopped,
        }
    }
}

/// A process: its state, saved registers, incarnation and bookkeeping.
#[derive(Debug)]
pub struct Process<C> {
    /// What the process is doing.
    pub state: State,
    /// Its registers while it is not running.
    pub context: C,
    /// Incremented every time it is started again; part of its [`mote_abi::TaskId`].
    pub generation: u16,
    /// When, in clock ticks, its blocking call times out, its sleep ends or (faulted) its
    /// restart is due.
    pub deadline: Option<u64>,
    /// One past the end of its heap so far.
    pub heap_end: usize,
    /// Faults since boot.
    pub faults: u32,
    /// Restarts since boot.
    pub restarts: u32,
    /// Start of the current fault-counting window (clock ticks), and faults in it.
    pub window_start: u64,
    /// Faults in the current window.
    pub window_faults: u32,
    /// The most important priority among processes waiting for mutexes it holds.
    pub inherited: Option<crate::priority::Priority>,
    /// The absolute deadline (clock ticks) of its current job, for periodic (EDF) processes.
    pub job_deadline: Option<u64>,
    /// Its timing and job bookkeeping, if it is periodic.
    pub periodic: Option<Periodic>,
    /// Notification bits set and not yet collected.
    pub notifications: u32,
}

impl<C: Default> Default for Process<C> {
    fn default() -> Self {
        Self {
            state: State::NotStarted,
            context: C::default(),
            generation: 0,
            deadline: None,
            heap_end: 0,
            faults: 0,
            restarts: 0,
            window_start: 0,
            window_faults: 0,
            inherited: None,
            job_deadline: None,
            periodic: None,
            notifications: 0,
        }
    }
}

/// The timing of a periodic (deadline-class) process, in clock ticks, and its job bookkeeping.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Periodic {
    /// Time between releases.
    pub period: u64,
    /// Each job's deadline, relative to its release.
    pub deadline: u64,
    /// Its share of the CPU in millionths, as admitted.
    pub density_ppm: u64,
    /// When the current (or, between jobs, the next) job is released.
    pub release: u64,
    /// Deadlines missed in this incarnation, skipped releases included.
    pub misses: u32,
    /// Whether the current job's miss has been counted already.
    pub reported: bool,
}
