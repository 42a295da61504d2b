//! Counting semaphores.

use mote_abi::SyscallError;
use mote_hal::{Arch, Board};

use super::{ObjectState, SyncWait};
use crate::descriptor::ObjectKind;
use crate::kernel::Kernel;
use crate::syscall::{error, ok, Outcome, Results};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// `sem_wait(handle, timeout)`.
    pub(crate) fn sem_wait(&mut self, i: usize, o: usize, timeout: usize) -> Outcome {
        match self.objects[o] {
            ObjectState::Semaphore { count } if count > 0 => {
                self.objects[o] = ObjectState::Semaphore { count: count - 1 };
                Outcome::Done(ok(0, 0, 0))
            }
            ObjectState::Semaphore { .. } => self.block_on(i, o, SyncWait::Unit, timeout),
            _ => Outcome::Done(error(SyscallError::InvalidArgument)),
        }
    }

    /// `sem_post(handle)`: a waiter takes the unit at once; otherwise the count grows, up to the
    /// semaphore's maximum (`Overflow` beyond it).
    pub(crate) fn sem_post(&mut self, o: usize) -> Result<Results, SyscallError> {
        let (ObjectState::Semaphore { count }, ObjectKind::Semaphore { max, .. }) = (self.objects[o], self.image.objects[o].kind)
        else {
            return super::wrong_kind();
        };
        if let Some(w) = self.best_waiter(o, |w| *w == SyncWait::Unit) {
            self.complete(w, ok(0, 0, 0));
        } else if count >= max {
            return Err(SyscallError::Overflow);
        } else {
            self.objects[o] = ObjectState::Semaphore { count: count + 1 };
        }
        Ok(ok(0, 0, 0))
    }
}
