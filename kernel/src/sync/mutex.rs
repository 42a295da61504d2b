//! Mutexes with priority inheritance.
//!
//! While a process waits for a mutex, its holder runs at least at the waiter's priority, and so
//! on along a chain of holders that wait for other mutexes: a middle-priority process cannot keep
//! a low-priority holder from releasing what a high-priority process needs (priority inversion).
//! Locking a mutex one holds, or one whose chain of holders leads back to the caller, would
//! deadlock: it fails with `Deadlock`. Unlocking a mutex one does not hold fails with `NotOwner`.

use mote_abi::SyscallError;
use mote_hal::{Arch, Board};

use super::{ObjectState, SyncWait};
use crate::kernel::Kernel;
use crate::priority::Priority;
use crate::process::State;
use crate::syscall::{error, ok, Outcome, Results};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// `mutex_lock(handle, timeout) -> owner_died`.
    pub(crate) fn mutex_lock(&mut self, i: usize, o: usize, timeout: usize) -> Outcome {
        let ObjectState::Mutex { owner, owner_died } = self.objects[o] else {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        };
        let Some(holder) = owner else {
            self.objects[o] = ObjectState::Mutex { owner: Some(i), owner_died: false };
            return Outcome::Done(ok(usize::from(owner_died), 0, 0));
        };
        // If the holder (through others) waits for the caller, waiting would deadlock.
        if self.closes_cycle(i, holder) {
            return Outcome::Done(error(SyscallError::Deadlock));
        }
        self.block_on(i, o, SyncWait::Lock, timeout)
    }

    /// `mutex_unlock(handle)`.
    pub(crate) fn mutex_unlock(&mut self, i: usize, o: usize) -> Result<Results, SyscallError> {
        let ObjectState::Mutex { owner, .. } = self.objects[o] else { return super::wrong_kind() };
        if owner != Some(i) {
            return Err(SyscallError::NotOwner);
        }
        self.objects[o] = ObjectState::Mutex { owner: None, owner_died: false };
        self.hand_over_mutex(o);
        self.recompute_inherited(i);
        Ok(ok(0, 0, 0))
    }

    /// Gives a free mutex to its most important waiter, if any.
    pub(crate) fn hand_over_mutex(&mut self, o: usize) {
        let ObjectState::Mutex { owner: None, owner_died } = self.objects[o] else { return };
        if let Some(w) = self.best_waiter(o, |w| *w == SyncWait::Lock) {
            self.objects[o] = ObjectState::Mutex { owner: Some(w), owner_died: false };
            self.complete(w, ok(usize::from(owner_died), 0, 0));
            self.recompute_inherited(w);
        }
    }

    /// The waiters of mutex `o` changed: recompute what its holder inherits, and so on up the
    /// chain of holders.
    pub(crate) fn update_inheritance(&mut self, o: usize) {
        let mut object = o;
        for _ in 0..=N {
            let ObjectState::Mutex { owner: Some(holder), .. } = self.objects[object] else { return };
            self.recompute_inherited(holder);
            match self.procs[holder].state {
                State::Sync { object: next, wait: SyncWait::Lock } => object = next,
                _ => return,
            }
        }
    }

    /// Process `p` inherits the most important effective priority among the waiters of the
    /// mutexes it holds.
    pub(crate) fn recompute_inherited(&mut self, p: usize) {
        let mut best: Option<Priority> = None;
        for o in 0..M {
            if !matches!(self.objects[o], ObjectState::Mutex { owner: Some(h), .. } if h == p) {
                continue;
            }
            for j in 0..N {
                if self.procs[j].state == (State::Sync { object: o, wait: SyncWait::Lock }) {
                    let prio = self.effective_priority(j);
                    if best.is_none_or(|b| prio.is_more_important_than(b)) {
                        best = Some(prio);
                    }
                }
            }
        }
        self.procs[p].inherited = best;
        self.refile(p);
    }
}
