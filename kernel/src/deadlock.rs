//! Refusing waits that could never end.
//!
//! A blocked process waits for one other process to act: the receiver of its message, the server
//! that owes it a reply, the holder of the mutex it wants, or the process whose end it awaits.
//! These edges form the *wait-for* graph. A process about to block on another is refused with
//! `Deadlock` if following the edges from that other process comes back to it: the wait would
//! close a cycle, and no process in a cycle can ever act. Chains mix the kinds of waits freely (a
//! holder of a mutex that is sending to its waiter is found too).

use mote_hal::{Arch, Board};

use crate::kernel::Kernel;
use crate::process::State;
use crate::sync::{ObjectState, SyncWait};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// The process that blocked process `j` waits for, if it waits for one.
    pub(crate) fn waits_for(&self, j: usize) -> Option<usize> {
        match self.procs[j].state {
            State::Sending(m) => Some(m.to),
            State::AwaitingReply { server, .. } => Some(server),
            State::Waiting { task } => Some(task),
            State::Sync { object, wait: SyncWait::Lock } => match self.objects[object] {
                ObjectState::Mutex { owner, .. } => owner,
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether process `i` waiting for process `first` would close a cycle of waits.
    pub(crate) fn closes_cycle(&self, i: usize, first: usize) -> bool {
        let mut cur = first;
        // A chain without a cycle visits each process at most once.
        for _ in 0..=N {
            if cur == i {
                return true;
            }
            match self.waits_for(cur) {
                Some(next) => cur = next,
                None => return false,
            }
        }
        false
    }
}
