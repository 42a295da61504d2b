//! Message queues: a ring of fixed-size slots in the kernel's queue arena.
//!
//! Slot layout: a 2-byte little-endian length, then up to `message_size` bytes. A message for a
//! waiting receiver is copied straight into its buffer; a receiver's buffer must hold the
//! queue's largest message, so that a message never has to be cut.

use mote_abi::SyscallError;
use mote_hal::{Arch, Board};

use super::{ObjectState, SyncWait};
use crate::descriptor::{ObjectDesc, ObjectKind};
use crate::kernel::Kernel;
use crate::process::State;
use crate::syscall::{error, ok, Outcome};
use crate::umem::{UserRead, UserWrite};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    fn queue_shape(&self, o: usize) -> Option<(usize, usize, usize)> {
        match self.image.objects[o].kind {
            ObjectKind::Queue { message_size, depth, offset } => {
                Some((usize::from(message_size), usize::from(depth), offset as usize))
            }
            _ => None,
        }
    }

    /// The arena range of slot `k` of queue `o`.
    fn slot(&self, o: usize, k: usize) -> core::ops::Range<usize> {
        let (size, _, offset) = self.queue_shape(o).unwrap_or((0, 0, 0));
        let start = offset + k * ObjectDesc::slot_size(size as u16);
        start..start + ObjectDesc::slot_size(size as u16)
    }

    /// Stores `message` at the tail of queue `o` (which has room).
    fn push(&mut self, o: usize, message: &UserRead) {
        let (_, depth, _) = self.queue_shape(o).unwrap_or((0, 1, 0));
        let ObjectState::Queue { head, len } = self.objects[o] else { return };
        let slot = self.slot(o, (usize::from(head) + usize::from(len)) % depth);
        let n = message.read_into(&mut self.queue_arena[slot.start + 2..slot.end]);
        self.queue_arena[slot.start..slot.start + 2].copy_from_slice(&(n as u16).to_le_bytes());
        self.objects[o] = ObjectState::Queue { head, len: len + 1 };
    }

    /// `queue_send(handle, msg_ptr, msg_len, timeout)`.
    pub(crate) fn queue_send(&mut self, i: usize, o: usize, ptr: usize, len: usize, timeout: usize) -> Outcome {
        let Some((size, depth, _)) = self.queue_shape(o) else {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        };
        if len > size {
            return Outcome::Done(error(SyscallError::TooLarge));
        }
        let message = match UserRead::new(&self.image.processes[i], ptr, len) {
            Ok(m) => m,
            Err(e) => return Outcome::Done(error(e)),
        };
        if let Some(r) = self.best_waiter(o, |w| matches!(w, SyncWait::QueueMessage { .. })) {
            if let State::Sync { wait: SyncWait::QueueMessage { buffer }, .. } = self.procs[r].state {
                let n = message.copy_to(&buffer);
                self.complete(r, ok(n, 0, 0));
                return Outcome::Done(ok(0, 0, 0));
            }
        }
        let ObjectState::Queue { len: held, .. } = self.objects[o] else {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        };
        if usize::from(held) < depth {
            self.push(o, &message);
            return Outcome::Done(ok(0, 0, 0));
        }
        self.block_on(i, o, SyncWait::QueueRoom { message }, timeout)
    }

    /// `queue_receive(handle, buf_ptr, buf_cap, timeout) -> len`.
    pub(crate) fn queue_receive(&mut self, i: usize, o: usize, ptr: usize, cap: usize, timeout: usize) -> Outcome {
        let Some((size, depth, _)) = self.queue_shape(o) else {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        };
        if cap < size {
            return Outcome::Done(error(SyscallError::TooLarge));
        }
        let buffer = match UserWrite::new(&self.image.processes[i], ptr, cap) {
            Ok(b) => b,
            Err(e) => return Outcome::Done(error(e)),
        };
        let ObjectState::Queue { head, len } = self.objects[o] else {
            return Outcome::Done(error(SyscallError::InvalidArgument));
        };
        if len == 0 {
            return self.block_on(i, o, SyncWait::QueueMessage { buffer }, timeout);
        }
        let slot = self.slot(o, usize::from(head));
        let n = usize::from(u16::from_le_bytes([self.queue_arena[slot.start], self.queue_arena[slot.start + 1]]));
        buffer.write_from(&self.queue_arena[slot.start + 2..slot.start + 2 + n]);
        self.objects[o] = ObjectState::Queue { head: ((usize::from(head) + 1) % depth) as u16, len: len - 1 };
        // A sender waiting for room gets it now.
        if let Some(s) = self.best_waiter(o, |w| matches!(w, SyncWait::QueueRoom { .. })) {
            if let State::Sync { wait: SyncWait::QueueRoom { message }, .. } = self.procs[s].state {
                self.push(o, &message);
                self.complete(s, ok(0, 0, 0));
            }
        }
        Outcome::Done(ok(n, 0, 0))
    }
}
