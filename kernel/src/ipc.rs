//! Synchronous message passing: `send`, `receive`, `reply`.
//!
//! A client `send`s a message to a server and blocks until the server `reply`s. The kernel copies
//! the message straight from the client's memory into the server's receive buffer, and the reply
//! straight back: there is no kernel buffer and no queue to exhaust. Blocked senders wait in the
//! process table itself (their [`State::Sending`]); a server's `receive` takes the most important
//! one.
//!
//! Errors instead of hangs:
//! * a message longer than the receiver's buffer fails the *send* with `TooLarge` (the receiver
//!   keeps waiting for one that fits);
//! * a reply longer than the client's reply buffer fails both the reply and the client's send with
//!   `TooLarge`;
//! * when a process ends, everyone sending to it or awaiting its reply gets `PeerGone`;
//! * a task identifier from an earlier incarnation of a process gets `PeerGone`;
//! * a send to a process that (through others) waits for the sender fails with `Deadlock`;
//! * `send` and `receive` take a timeout ([`Timeout`]); `send`'s covers the whole call, until the
//!   reply. With `Timeout::POLL`, `receive` never blocks and `send` fails at once unless the
//!   receiver is waiting (then it waits for the reply without a limit).
//!
//! `send_leased` is `send` with buffers lent to the receiver until it replies: see
//! [`crate::lease`].
//!
//! A process may `send` only to the processes its manifest lists (`NotPermitted` otherwise); it
//! may `reply` to whoever is awaiting its reply.

// Without the feature, the calls are left out (see `syscall::dispatch`) and so is what only they use.
#![cfg_attr(not(feature = "ipc"), allow(dead_code, unused_imports))]

use mote_abi::{SendCall, SyscallError, TaskId, Timeout, ARG_COUNT, MAX_MESSAGE_LEN};
use mote_hal::{Arch, Board};

use crate::kernel::Kernel;
use crate::lease;
use crate::priority::Priority;
use crate::process::{OutgoingMessage, State};
use crate::syscall::{error, ok, Outcome, Results};
use crate::umem::{UserRead, UserWrite};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Resolves a task identifier from a process to the index of a live process.
    pub(crate) fn resolve(&self, raw: usize) -> Result<usize, SyscallError> {
        let raw = u32::try_from(raw).map_err(|_| SyscallError::NoSuchTask)?;
        let id = TaskId::from_raw(raw);
        let i = usize::from(id.index);
        let proc = self.procs.get(i).ok_or(SyscallError::NoSuchTask)?;
        if proc.generation != id.generation || proc.state.is_dead() {
            return Err(SyscallError::PeerGone);
        }
        Ok(i)
    }

    /// `send(task, op, msg_ptr, msg_len, reply_ptr, reply_cap, timeout) -> (code, reply_len)`.
    #[cfg(feature = "ipc")]
    pub(crate) fn sys_send(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let call = SendCall { message: (args[2], args[3]), reply: (args[4], args[5]), leases: (0, 0) };
        match self.check_send(i, args[0], args[1] as u32, &call) {
            Ok(m) => self.send(i, m, Timeout(args[6] as u32)),
            Err(e) => Outcome::Done(error(e)),
        }
    }

    /// `send_leased(task, op, call_ptr, timeout) -> (code, reply_len)`.
    #[cfg(feature = "ipc")]
    pub(crate) fn sys_send_leased(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let checked = lease::read_call(&self.image.processes[i], args[2])
            .and_then(|call| self.check_send(i, args[0], args[1] as u32, &call));
        match checked {
            Ok(m) => self.send(i, m, Timeout(args[3] as u32)),
            Err(e) => Outcome::Done(error(e)),
        }
    }

    /// Blocks process `i` sending `message`, and hands it over at once if the receiver waits.
    fn send(&mut self, i: usize, message: OutgoingMessage, timeout: Timeout) -> Outcome {
        let receiving = matches!(self.procs[message.to].state, State::Receiving { .. });
        if timeout == Timeout::POLL && !receiving {
            return Outcome::Done(error(SyscallError::TimedOut));
        }
        self.set_state(i, State::Sending(message));
        // POLL means "only if the receiver is waiting": once delivered, the reply has no limit.
        let deadline = if timeout == Timeout::POLL { None } else { self.deadline_after(timeout) };
        self.set_deadline(i, deadline);
        if let State::Receiving { buffer } = self.procs[message.to].state {
            if let Some(results) = self.deliver(i, buffer) {
                self.complete(message.to, results);
            }
        }
        Outcome::Pending
    }

    fn check_send(&self, i: usize, to: usize, op: u32, call: &SendCall) -> Result<OutgoingMessage, SyscallError> {
        let to = self.resolve(to)?;
        if to == i {
            return Err(SyscallError::WrongState);
        }
        if !self.image.processes[i].capabilities.send.contains(to) {
            return Err(SyscallError::NotPermitted);
        }
        // If the receiver (through others) waits for the caller, it could never take the message.
        if self.closes_cycle(i, to) {
            return Err(SyscallError::Deadlock);
        }
        if call.message.1 > MAX_MESSAGE_LEN {
            return Err(SyscallError::TooLarge);
        }
        let desc = &self.image.processes[i];
        let message = UserRead::new(desc, call.message.0, call.message.1)?;
        let reply = UserWrite::new(desc, call.reply.0, call.reply.1)?;
        let leases = lease::check_table(desc, call.leases.0, call.leases.1)?;
        Ok(OutgoingMessage { to, op, message, reply, leases })
    }

    /// `receive(buf_ptr, buf_cap, timeout) -> (sender, op, len)`.
    pub(crate) fn sys_receive(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let buffer = match UserWrite::new(&self.image.processes[i], args[0], args[1]) {
            Ok(b) => b,
            Err(e) => return Outcome::Done(error(e)),
        };
        while let Some(sender) = self.most_important_sender_to(i) {
            if let Some(results) = self.deliver(sender, buffer) {
                return Outcome::Done(results);
            }
        }
        let timeout = Timeout(args[2] as u32);
        if timeout == Timeout::POLL {
            return Outcome::Done(error(SyscallError::TimedOut));
        }
        self.set_state(i, State::Receiving { buffer });
        let deadline = self.deadline_after(timeout);
        self.set_deadline(i, deadline);
        Outcome::Pending
    }

    /// The most important process blocked sending to `receiver` (by effective priority, as
    /// everywhere else; lowest index among equals).
    fn most_important_sender_to(&self, receiver: usize) -> Option<usize> {
        if !cfg!(feature = "ipc") {
            return None; // Only `send` and `send_leased` make a sender.
        }
        let mut best: Option<(usize, Priority)> = None;
        for (j, p) in self.procs.iter().enumerate() {
            if let State::Sending(m) = p.state {
                let prio = self.effective_priority(j);
                let better = best.is_none_or(|(_, b)| prio.is_more_important_than(b));
                if m.to == receiver && better {
                    best = Some((j, prio));
                }
            }
        }
        best.map(|(j, _)| j)
    }

    /// Moves the message of blocked `sender` into `buffer` of its receiver. Returns the
    /// receiver's results, or `None` if the message did not fit (the sender then got `TooLarge`).
    fn deliver(&mut self, sender: usize, buffer: UserWrite) -> Option<Results> {
        let State::Sending(m) = self.procs[sender].state else { return None };
        if m.message.len() > buffer.len() {
            self.complete(sender, error(SyscallError::TooLarge));
            return None;
        }
        let len = m.message.copy_to(&buffer);
        self.set_state(sender, State::AwaitingReply { server: m.to, reply: m.reply, leases: m.leases });
        Some(ok(self.task_id(sender).to_raw() as usize, m.op as usize, len))
    }

    /// `reply(task, code, msg_ptr, msg_len)`.
    pub(crate) fn sys_reply(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let client = self.resolve(args[0])?;
        if args[3] > MAX_MESSAGE_LEN {
            return Err(SyscallError::TooLarge);
        }
        let message = UserRead::new(&self.image.processes[i], args[2], args[3])?;
        let State::AwaitingReply { server, reply, .. } = self.procs[client].state else {
            return Err(SyscallError::WrongState);
        };
        if server != i {
            return Err(SyscallError::WrongState);
        }
        if message.len() > reply.len() {
            self.complete(client, error(SyscallError::TooLarge));
            return Err(SyscallError::TooLarge);
        }
        let len = message.copy_to(&reply);
        self.complete(client, ok(args[1], len, 0));
        Ok(ok(0, 0, 0))
    }
}
