//! Event flags: 32 bits that processes set, clear and wait for (all of a mask, or any).

use mote_abi::SyscallError;
use mote_hal::{Arch, Board};

use super::{ObjectState, SyncWait};
use crate::kernel::Kernel;
use crate::process::State;
use crate::syscall::{error, ok, Outcome, Results};

/// `flags_wait` mode bit: wait for all of the mask (else any).
const ALL: usize = 1 << 0;
/// `flags_wait` mode bit: clear the flags that satisfied the wait.
const CLEAR: usize = 1 << 1;

/// The flags of `value` that satisfy a wait for `mask`, or `None`.
fn satisfied(value: u32, mask: u32, all: bool) -> Option<u32> {
    let hit = value & mask;
    let ok = if all { hit == mask } else { hit != 0 };
    ok.then_some(hit)
}

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// `flags_wait(handle, mask, mode, timeout) -> flags`.
    pub(crate) fn flags_wait(&mut self, i: usize, o: usize, mask: u32, mode: usize, timeout: usize) -> Outcome {
        let ObjectState::Flags { value } = self.objects[o] else {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        };
        if mask == 0 || mode & !(ALL | CLEAR) != 0 {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        }
        let (all, clear) = (mode & ALL != 0, mode & CLEAR != 0);
        if let Some(hit) = satisfied(value, mask, all) {
            if clear {
                self.objects[o] = ObjectState::Flags { value: value & !hit };
            }
            return Outcome::Done(ok(value as usize, 0, 0));
        }
        self.block_on(i, o, SyncWait::Flags { mask, all, clear }, timeout)
    }

    /// `flags_set(handle, bits)`: wakes every waiter the flags now satisfy, most important
    /// first (a waiter that clears flags may leave the next one unsatisfied).
    pub(crate) fn flags_set(&mut self, o: usize, bits: u32) -> Result<Results, SyscallError> {
        let ObjectState::Flags { value } = self.objects[o] else { return super::wrong_kind() };
        let mut value = value | bits;
        for _ in 0..N {
            let pick = self.best_waiter(o, |w| matches!(*w, SyncWait::Flags { mask, all, .. } if satisfied(value, mask, all).is_some()));
            let Some(w) = pick else { break };
            let State::Sync { wait: SyncWait::Flags { mask, all, clear }, .. } = self.procs[w].state else { break };
            let hit = satisfied(value, mask, all).unwrap_or(0);
            self.complete(w, ok(value as usize, 0, 0));
            if clear {
                value &= !hit;
            }
        }
        self.objects[o] = ObjectState::Flags { value };
        Ok(ok(0, 0, 0))
    }

    /// `flags_clear(handle, bits)`.
    pub(crate) fn flags_clear(&mut self, o: usize, bits: u32) -> Result<Results, SyscallError> {
        let ObjectState::Flags { value } = self.objects[o] else { return super::wrong_kind() };
        self.objects[o] = ObjectState::Flags { value: value & !bits };
        Ok(ok(0, 0, 0))
    }
}
