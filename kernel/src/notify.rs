//! Notifications, and interrupts delivered to the processes that own them.
//!
//! Each process has 32 notification bits. `notify` sets some of another process's bits (with the
//! `send` capability for it); `notify_wait` blocks until one of the bits in a mask is set, then
//! returns and clears those bits. A bit set while nobody waits stays set until it is collected.
//!
//! A device's interrupt belongs to the process that owns the device (its `process.toml`). When it
//! fires, the kernel masks the line, sets the owner's notification bit for it and leaves the line
//! masked until the owner says, with `irq_ack`, that it has dealt with the device. So a device
//! that keeps interrupting costs the system one kernel entry per handled interrupt, at its
//! owner's priority: it cannot starve more important processes. No other process can enable,
//! acknowledge or even see the interrupt.

// Without the feature, the calls are left out (see `syscall::dispatch`) and so is what only they use.
#![cfg_attr(not(feature = "devices"), allow(dead_code, unused_imports))]

use mote_abi::{LogLevel, SyscallError, Timeout, ARG_COUNT, MAX_NAME_LEN};
use mote_hal::{Arch, Board};

use crate::descriptor::DeviceDesc;
use crate::kernel::Kernel;
use crate::process::State;
use crate::syscall::{error, ok, Outcome, Results};
use crate::umem::UserRead;

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Sets notification `bits` of process `i` and wakes it if it waits for any of them.
    pub(crate) fn post(&mut self, i: usize, bits: u32) {
        self.procs[i].notifications |= bits;
        if let State::WaitingNotification { mask } = self.procs[i].state {
            let got = self.procs[i].notifications & mask;
            if got != 0 {
                self.procs[i].notifications &= !got;
                self.complete(i, ok(got as usize, 0, 0));
            }
        }
    }

    /// An interrupt fired: hand it to the process that owns it (the line stays masked until that
    /// process acknowledges it). Returns whether anyone owns it.
    pub(crate) fn deliver_interrupt(&mut self, irq: u32) -> bool {
        if !cfg!(feature = "devices") {
            return false; // No process owns a device (the boot check makes sure).
        }
        let mut owners = self.irq_owners;
        while owners != 0 {
            let i = owners.trailing_zeros() as usize;
            owners &= owners - 1;
            let bit = self.image.processes[i].devices.iter().find(|d| d.irq == Some(irq)).map(|d| d.notify_bit);
            if let Some(bit) = bit {
                if self.procs[i].state.is_dead() {
                    // Its owner is not running: leave the line masked; `start` unmasks it.
                    return true;
                }
                self.post(i, 1 << bit);
                return true;
            }
        }
        false
    }

    /// Sets up the interrupts of process `i`'s devices as it starts: urgency set, unmasked.
    pub(crate) fn enable_device_interrupts(&mut self, i: usize) {
        if !cfg!(feature = "devices") {
            return;
        }
        for d in self.image.processes[i].devices {
            if let Some(irq) = d.irq {
                self.arch.set_interrupt_priority(irq, d.irq_priority);
                self.arch.enable_interrupt(irq);
            }
        }
    }

    /// Masks the interrupts of process `i`'s devices as it ends.
    pub(crate) fn disable_device_interrupts(&mut self, i: usize) {
        if !cfg!(feature = "devices") {
            return;
        }
        for d in self.image.processes[i].devices {
            if let Some(irq) = d.irq {
                self.arch.disable_interrupt(irq);
            }
        }
    }

    /// `notify(task, bits)`.
    pub(crate) fn sys_notify(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let to = self.resolve(args[0])?;
        if !self.image.processes[i].capabilities.send.contains(to) {
            return Err(SyscallError::NotPermitted);
        }
        self.post(to, args[1] as u32);
        Ok(ok(0, 0, 0))
    }

    /// `notify_wait(mask, timeout) -> bits`.
    pub(crate) fn sys_notify_wait(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let mask = args[0] as u32;
        let got = self.procs[i].notifications & mask;
        if got != 0 {
            self.procs[i].notifications &= !got;
            return Outcome::Done(ok(got as usize, 0, 0));
        }
        let timeout = Timeout(args[1] as u32);
        if mask == 0 || timeout == Timeout::POLL {
            return Outcome::Done(error(if mask == 0 { SyscallError::InvalidArgument } else { SyscallError::TimedOut }));
        }
        self.set_state(i, State::WaitingNotification { mask });
        let deadline = self.deadline_after(timeout);
        self.set_deadline(i, deadline);
        Outcome::Pending
    }

    /// `irq_ack(bits)`.
    #[cfg(feature = "devices")]
    pub(crate) fn sys_irq_ack(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let lines = interrupt_lines(self.image.processes[i].devices, args[0] as u32).ok_or(SyscallError::NotPermitted)?;
        for irq in lines {
            self.arch.enable_interrupt(irq);
        }
        Ok(ok(0, 0, 0))
    }

    /// `irq_raise(task, bits)`: pends the interrupt lines of `task`'s devices named by their
    /// notification bits. Each then takes the path of a device interrupt (recorded, masked,
    /// delivered to its owner), or waits for its line to be unmasked by the owner's `irq_ack`.
    pub(crate) fn sys_irq_raise(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let to = self.resolve(args[0])?;
        if !self.image.processes[i].capabilities.send.contains(to) {
            return Err(SyscallError::NotPermitted);
        }
        let lines = interrupt_lines(self.image.processes[to].devices, args[1] as u32).ok_or(SyscallError::InvalidArgument)?;
        for irq in lines {
            self.arch.pend_interrupt(irq);
        }
        Ok(ok(0, 0, 0))
    }

    /// `device(name_ptr, name_len) -> (base, size, bit)`.
    #[cfg(feature = "devices")]
    pub(crate) fn sys_device(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        if args[1] == 0 || args[1] > MAX_NAME_LEN {
            return Err(SyscallError::InvalidArgument);
        }
        let desc = &self.image.processes[i];
        let range = UserRead::new(desc, args[0], args[1])?;
        let mut name = [0u8; MAX_NAME_LEN];
        let n = range.read_into(&mut name);
        let d = desc.devices.iter().find(|d| d.name.as_bytes() == &name[..n]).ok_or(SyscallError::NoSuchTask)?;
        let bit = if d.irq.is_some() { usize::from(d.notify_bit) } else { 32 };
        Ok(ok(d.region.base, d.region.size, bit))
    }

    /// Logs an interrupt nobody owns (it stays masked).
    pub(crate) fn unowned_interrupt(&mut self, irq: u32) {
        self.log(LogLevel::Warn).str("interrupt ").dec(irq).str(" has no owner; left masked");
    }
}

/// The interrupt lines of `devices` whose notification bits are in `bits`; `None` if `bits` is 0
/// or names a bit that is no interrupt of these devices.
fn interrupt_lines(devices: &'static [DeviceDesc], bits: u32) -> Option<impl Iterator<Item = u32>> {
    let owned = devices.iter().filter(|d| d.irq.is_some()).fold(0u32, |m, d| m | 1 << d.notify_bit);
    if bits == 0 || bits & !owned != 0 {
        return None;
    }
    Some(devices.iter().filter(move |d| bits & (1 << d.notify_bit) != 0).filter_map(|d| d.irq))
}
