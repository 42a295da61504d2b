//! System-call dispatch and the simple calls.
//!
//! The numbers, registers and error codes are defined in `mote-abi` and described in
//! `docs/syscalls.md`. A call either completes at once (its results go back to the caller) or
//! blocks the caller; bad arguments always complete with an error code, never a panic and never a
//! fault of the caller, except when the caller's own stack pointer is unusable.

use mote_abi::{
    LogLevel, ProcessRecord, Sysno, SyscallError, ARG_COUNT, MAX_LOG_LEN, MAX_NAME_LEN, RESULT_COUNT,
};
use mote_hal::{Arch, Board, Fault, FaultKind, UserContext};

use crate::kernel::Kernel;
use crate::log;
use crate::process::State;
use crate::umem::{StackedWords, UserRead, UserWrite};

/// Test-only syscall number (feature `fault-injection`): makes the kernel itself fault.
#[cfg(feature = "fault-injection")]
pub const FAULT_INJECTION_SYSCALL: usize = 0x7f00;

/// The result registers of a call: status first.
pub type Results = [usize; RESULT_COUNT];

/// Success with the given values in result registers 1..3.
pub const fn ok(a: usize, b: usize, c: usize) -> Results {
    [0, a, b, c]
}

/// Failure with `e` in the status register.
pub const fn error(e: SyscallError) -> Results {
    [e as usize, 0, 0, 0]
}

/// What became of a call.
pub(crate) enum Outcome {
    /// Completed now with these results.
    Done(Results),
    /// The caller is blocked, has ended or was restarted; its results, if any, come later.
    Pending,
}

impl From<Result<Results, SyscallError>> for Outcome {
    fn from(r: Result<Results, SyscallError>) -> Self {
        Outcome::Done(r.unwrap_or_else(error))
    }
}

/// Puts `results` where the process of `context` finds them: its registers, or `frame` (the words
/// the hardware stacked, read from its stack), of which only the result words are written back,
/// since a call may have written the caller's memory after the frame was read.
fn give_results<C: UserContext>(context: &mut C, mut frame: StackedWords, results: Results) {
    context.set_results(frame.words_mut(), results);
    frame.write_back_first(C::RESULT_WORDS);
}

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Handles the syscall process `i` just made.
    pub(crate) fn syscall(&mut self, i: usize) {
        let desc = &self.image.processes[i];
        let sp = self.procs[i].context.stack_pointer();
        let frame = match StackedWords::read(desc, sp, <A::Context as UserContext>::STACKED_WORDS) {
            Ok(frame) => frame,
            Err(_) => {
                let fault = Fault { kind: FaultKind::BadStackPointer, pc: None, address: Some(sp) };
                return self.fault(i, fault);
            }
        };
        let (number, args) = self.procs[i].context.syscall(frame.words());
        if let Outcome::Done(results) = self.dispatch(i, number, args) {
            let proc = &mut self.procs[i];
            if matches!(proc.state, State::Ready) && proc.deadline.is_none() && proc.context.stack_pointer() == sp {
                // The caller goes on (the usual case): its results go into the frame just read.
                give_results(&mut proc.context, frame, results);
            } else {
                self.complete(i, results);
            }
        }
    }

    /// Gives a blocked or trapped process its syscall results and makes it ready.
    pub(crate) fn complete(&mut self, i: usize, results: Results) {
        let desc = &self.image.processes[i];
        let proc = &mut self.procs[i];
        let sp = proc.context.stack_pointer();
        if proc.deadline.take().is_some() {
            self.arm();
        }
        let proc = &mut self.procs[i];
        match StackedWords::read(desc, sp, <A::Context as UserContext>::STACKED_WORDS) {
            Ok(frame) => {
                give_results(&mut proc.context, frame, results);
                self.set_state(i, State::Ready);
            }
            Err(_) => {
                let fault = Fault { kind: FaultKind::BadStackPointer, pc: None, address: Some(sp) };
                self.fault(i, fault);
            }
        }
    }

    pub(crate) fn dispatch(&mut self, i: usize, number: usize, args: [usize; ARG_COUNT]) -> Outcome {
        #[cfg(feature = "fault-injection")]
        if number == FAULT_INJECTION_SYSCALL {
            self.arch.provoke_kernel_fault();
        }
        let Some(sysno) = u32::try_from(number).ok().and_then(Sysno::from_u32) else {
            return Outcome::Done(error(SyscallError::UnknownSyscall));
        };
        match sysno {
            Sysno::Log => self.sys_log(i, args).into(),
            Sysno::Exit => {
                self.sys_exit(i, args[0] as u32);
                Outcome::Pending
            }
            Sysno::Yield => {
                self.rotate = true;
                Outcome::Done(ok(0, 0, 0))
            }
            Sysno::Find => self.sys_find(i, args).into(),
            #[cfg(feature = "ipc")]
            Sysno::Send => self.sys_send(i, args),
            Sysno::Receive => self.sys_receive(i, args),
            Sysno::Reply => self.sys_reply(i, args).into(),
            Sysno::Panic => {
                self.sys_panic(i, args);
                Outcome::Pending
            }
            Sysno::Now => self.sys_now(),
            Sysno::SleepUntil => self.sys_sleep_until(i, args),
            #[cfg(feature = "process-control")]
            Sysno::Spawn => self.sys_spawn(i, args).into(),
            #[cfg(feature = "process-control")]
            Sysno::Kill => self.sys_kill(i, args).into(),
            Sysno::Wait => self.sys_wait(i, args),
            Sysno::Restart => self.sys_restart(i, args),
            Sysno::Ps => self.sys_ps(i, args).into(),
            Sysno::HeapGrow => self.sys_heap_grow(i, args).into(),
            #[cfg(feature = "log-read")]
            Sysno::LogRead => self.sys_log_read(i, args).into(),
            Sysno::Notify => self.sys_notify(i, args).into(),
            Sysno::NotifyWait => self.sys_notify_wait(i, args),
            #[cfg(feature = "devices")]
            Sysno::IrqAck => self.sys_irq_ack(i, args).into(),
            #[cfg(feature = "devices")]
            Sysno::Device => self.sys_device(i, args).into(),
            Sysno::IrqRaise => self.sys_irq_raise(i, args).into(),
            Sysno::Inspect => self.sys_inspect(i, args).into(),
            Sysno::Object => self.sys_object(i, args).into(),
            #[cfg(feature = "realtime")]
            Sysno::SetPeriodic => self.sys_set_periodic(i, args).into(),
            #[cfg(feature = "realtime")]
            Sysno::NextPeriod => self.sys_next_period(i),
            #[cfg(feature = "ipc")]
            Sysno::SendLeased => self.sys_send_leased(i, args),
            #[cfg(feature = "ipc")]
            Sysno::LeaseInfo => self.sys_lease_info(i, args).into(),
            #[cfg(feature = "ipc")]
            Sysno::BorrowRead => self.sys_borrow_read(i, args).into(),
            #[cfg(feature = "ipc")]
            Sysno::BorrowWrite => self.sys_borrow_write(i, args).into(),
            Sysno::MutexLock
            | Sysno::MutexUnlock
            | Sysno::SemWait
            | Sysno::SemPost
            | Sysno::FlagsWait
            | Sysno::FlagsSet
            | Sysno::FlagsClear
            | Sysno::QueueSend
            | Sysno::QueueReceive => self.sys_sync(i, sysno, args),
            // The calls of services this kernel was built without (see Cargo.toml's features).
            #[allow(unreachable_patterns)]
            _ => self.left_out(i, sysno, args),
        }
    }

    /// `log(level, ptr, len)`: records less severe than the process's level are dropped.
    fn sys_log(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let level = u32::try_from(args[0]).ok().and_then(LogLevel::from_u32).ok_or(SyscallError::InvalidArgument)?;
        if args[2] > MAX_LOG_LEN {
            return Err(SyscallError::TooLarge);
        }
        let desc = &self.image.processes[i];
        let text = UserRead::new(desc, args[1], args[2])?;
        if level <= desc.log_level {
            let mut buf = [0u8; MAX_LOG_LEN];
            let n = text.read_into(&mut buf);
            log::process_record(&mut self.log_output(), level, desc.name, &buf[..n]);
        }
        Ok(ok(0, 0, 0))
    }

    /// `panic(ptr, len)`: the process reports its own panic message, then is stopped as faulted.
    fn sys_panic(&mut self, i: usize, args: [usize; ARG_COUNT]) {
        let desc = &self.image.processes[i];
        let mut buf = [0u8; MAX_LOG_LEN];
        let n = match UserRead::new(desc, args[0], args[1].min(MAX_LOG_LEN)) {
            Ok(text) => text.read_into(&mut buf),
            Err(_) => 0,
        };
        log::process_record(&mut self.log_output(), LogLevel::Error, desc.name, &buf[..n]);
        let fault = Fault { kind: FaultKind::Panic, pc: None, address: None };
        self.fault(i, fault);
    }

    /// `find(name_ptr, name_len) -> task`.
    fn sys_find(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        if args[1] == 0 || args[1] > MAX_NAME_LEN {
            return Err(SyscallError::InvalidArgument);
        }
        let range = UserRead::new(&self.image.processes[i], args[0], args[1])?;
        let mut name = [0u8; MAX_NAME_LEN];
        let n = range.read_into(&mut name);
        let k = self
            .image
            .processes
            .iter()
            .position(|p| p.name.as_bytes() == &name[..n])
            .ok_or(SyscallError::NoSuchTask)?;
        Ok(ok(self.task_id(k).to_raw() as usize, 0, 0))
    }

    /// `ps(buf_ptr, buf_cap, first) -> count`.
    fn sys_ps(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let out = UserWrite::new(&self.image.processes[i], args[0], args[1])?;
        let fits = out.len() / ProcessRecord::SIZE;
        let first = args[2].min(N);
        for (slot, k) in (first..N).take(fits).enumerate() {
            let p = &self.procs[k];
            let desc = &self.image.processes[k];
            let mut name = [0u8; MAX_NAME_LEN];
            name[..desc.name.len()].copy_from_slice(desc.name.as_bytes());
            let state = if k == i { mote_abi::ProcessState::Running } else { p.state.public() };
            let record = ProcessRecord {
                index: k as u16,
                generation: p.generation,
                state,
                priority: desc.priority.0,
                faults: p.faults,
                restarts: p.restarts,
                name,
            };
            out.write_at(slot * ProcessRecord::SIZE, &record.to_bytes());
        }
        Ok(ok(N, 0, 0))
    }

    /// `log_read(buf_ptr, buf_cap, from_lo, from_hi) -> (start_lo, start_hi, len)`.
    #[cfg(feature = "log-read")]
    fn sys_log_read(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let desc = &self.image.processes[i];
        if !desc.capabilities.log_read {
            return Err(SyscallError::NotPermitted);
        }
        let out = UserWrite::new(desc, args[0], args[1])?;
        let from = (args[2] as u32 as u64) | ((args[3] as u32 as u64) << 32);
        let mut chunk = [0u8; 64];
        let start = from.clamp(self.log_ring.oldest(), self.log_ring.next());
        let mut copied = 0;
        while copied < out.len() {
            let (_, n) = self.log_ring.read(start + copied as u64, &mut chunk[..(out.len() - copied).min(64)]);
            if n == 0 {
                break;
            }
            out.write_at(copied, &chunk[..n]);
            copied += n;
        }
        Ok(ok(start as u32 as usize, (start >> 32) as u32 as usize, copied))
    }

    /// `heap_grow(bytes) -> old_end`.
    fn sys_heap_grow(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let heap = self.image.processes[i].heap;
        let proc = &mut self.procs[i];
        let old = proc.heap_end;
        let new = old.checked_add(args[0]).ok_or(SyscallError::OutOfMemory)?;
        if new > heap.end() {
            return Err(SyscallError::OutOfMemory);
        }
        proc.heap_end = new;
        Ok(ok(old, 0, 0))
    }
}
