//! The run-time state of a process.

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
}

/// What a process is doing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum State {
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
    },
    /// Blocked in `receive` until a message arrives in `buffer`.
    Receiving {
        /// Where the message goes, in this process's memory.
        buffer: UserWrite,
    },
    /// Ended by `exit` with this status.
    Exited(u32),
    /// Stopped by a fault.
    Faulted(Fault),
}

impl State {
    /// Whether the process has ended (exited or faulted) and will not run again.
    pub const fn is_dead(&self) -> bool {
        matches!(self, State::Exited(_) | State::Faulted(_))
    }

    /// A short name for listings (`ready`, `blocked`, `exited`, `faulted`).
    pub const fn name(&self) -> &'static str {
        match self {
            State::Ready => "ready",
            State::Sending(_) | State::AwaitingReply { .. } | State::Receiving { .. } => "blocked",
            State::Exited(_) => "exited",
            State::Faulted(_) => "faulted",
        }
    }
}

/// A process: its state, its saved registers and its incarnation counter.
#[derive(Debug)]
pub struct Process<C> {
    /// What the process is doing.
    pub state: State,
    /// Its registers while it is not running.
    pub context: C,
    /// Incremented on every restart; part of its [`mote_abi::TaskId`].
    pub generation: u16,
}

impl<C: Default> Default for Process<C> {
    fn default() -> Self {
        Self { state: State::Exited(0), context: C::default(), generation: 0 }
    }
}
