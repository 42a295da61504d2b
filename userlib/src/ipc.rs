//! Synchronous IPC: find a process, send it a message, receive and reply.

use core::time::Duration;

use mote_abi::{Sysno, SyscallError};

use crate::arch::syscall;
use crate::{status, timeout};

/// Names one incarnation of a process (see [`mote_abi::TaskId`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TaskId(pub mote_abi::TaskId);

/// A message taken by [`receive`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who sent it; reply to this task.
    pub sender: TaskId,
    /// The sender's operation code.
    pub op: u32,
    /// Bytes placed at the start of the receive buffer.
    pub len: usize,
}

/// Looks up the process called `name` (its current incarnation).
pub fn find(name: &str) -> Result<TaskId, SyscallError> {
    let r = syscall(Sysno::Find, [name.as_ptr() as usize, name.len(), 0, 0, 0, 0, 0]);
    status(r[0])?;
    Ok(TaskId(mote_abi::TaskId::from_raw(r[1] as u32)))
}

/// Sends `message` with operation code `op` to `to` and waits for the reply, which is written
/// to the start of `reply`. Returns the reply's code and length. Needs `to` in the `send` list
/// of this process's capabilities.
pub fn send(to: TaskId, op: u32, message: &[u8], reply: &mut [u8]) -> Result<(u32, usize), SyscallError> {
    send_timeout(to, op, message, reply, None)
}

/// [`send`], giving up with `TimedOut` if no reply came within `limit` (`None`: wait forever;
/// zero: only if the receiver is waiting already).
pub fn send_timeout(
    to: TaskId,
    op: u32,
    message: &[u8],
    reply: &mut [u8],
    limit: Option<Duration>,
) -> Result<(u32, usize), SyscallError> {
    let r = syscall(
        Sysno::Send,
        [
            to.0.to_raw() as usize,
            op as usize,
            message.as_ptr() as usize,
            message.len(),
            reply.as_mut_ptr() as usize,
            reply.len(),
            timeout(limit),
        ],
    );
    status(r[0])?;
    Ok((r[1] as u32, r[2]))
}

/// Waits for a message, written to the start of `buffer`.
pub fn receive(buffer: &mut [u8]) -> Result<Message, SyscallError> {
    receive_timeout(buffer, None)
}

/// [`receive`], giving up with `TimedOut` after `limit` (`None`: wait forever).
pub fn receive_timeout(buffer: &mut [u8], limit: Option<Duration>) -> Result<Message, SyscallError> {
    let r = syscall(Sysno::Receive, [buffer.as_mut_ptr() as usize, buffer.len(), timeout(limit), 0, 0, 0, 0]);
    status(r[0])?;
    Ok(Message { sender: TaskId(mote_abi::TaskId::from_raw(r[1] as u32)), op: r[2] as u32, len: r[3] })
}

/// Answers the message from `to` with `code` and `message`.
pub fn reply(to: TaskId, code: u32, message: &[u8]) -> Result<(), SyscallError> {
    let r = syscall(
        Sysno::Reply,
        [to.0.to_raw() as usize, code as usize, message.as_ptr() as usize, message.len(), 0, 0, 0],
    );
    status(r[0])
}
