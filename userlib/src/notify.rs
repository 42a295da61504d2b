//! Notifications and the interrupts of owned devices.

use core::time::Duration;

use mote_abi::{Sysno, SyscallError};

use crate::arch::syscall;
use crate::ipc::TaskId;
use crate::{status, timeout};

/// Sets notification `bits` of process `to` (needs `to` in the `send` list of this process's
/// capabilities).
pub fn notify(to: TaskId, bits: u32) -> Result<(), SyscallError> {
    status(syscall(Sysno::Notify, [to.0.to_raw() as usize, bits as usize, 0, 0, 0, 0, 0])[0])
}

/// Waits until one of the notification bits in `mask` is set; returns (and clears) those that
/// are. `limit`: `None` waits forever.
pub fn notify_wait(mask: u32, limit: Option<Duration>) -> Result<u32, SyscallError> {
    let r = syscall(Sysno::NotifyWait, [mask as usize, timeout(limit), 0, 0, 0, 0, 0]);
    status(r[0])?;
    Ok(r[1] as u32)
}

/// Says the interrupts whose notification bits are in `bits` (of this process's devices) have
/// been handled: they may interrupt again.
pub fn irq_ack(bits: u32) -> Result<(), SyscallError> {
    status(syscall(Sysno::IrqAck, [bits as usize, 0, 0, 0, 0, 0, 0])[0])
}

/// Raises, from software, the interrupts of `to`'s devices whose notification bits are in
/// `bits` (needs `to` in the `send` list of this process's capabilities): each reaches `to` as
/// if its device had interrupted.
pub fn irq_raise(to: TaskId, bits: u32) -> Result<(), SyscallError> {
    status(syscall(Sysno::IrqRaise, [to.0.to_raw() as usize, bits as usize, 0, 0, 0, 0, 0])[0])
}

/// One of this process's devices (`[[device]]` in process.toml): where its registers are (mapped
/// for this process), their size, and the notification bit of its interrupt (32 if none).
pub fn device(name: &str) -> Result<(usize, usize, u32), SyscallError> {
    let r = syscall(Sysno::Device, [name.as_ptr() as usize, name.len(), 0, 0, 0, 0, 0]);
    status(r[0])?;
    Ok((r[1], r[2], r[3] as u32))
}
