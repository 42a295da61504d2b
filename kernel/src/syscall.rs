//! System-call dispatch and the simple calls.
//!
//! The numbers, registers and error codes are defined in `mote-abi` and described in
//! `docs/syscalls.md`. A call either completes at once (its results go back to the caller) or
//! blocks the caller; bad arguments always complete with an error code, never a panic and never a
//! fault of the caller, except when the caller's own stack pointer is unusable.

use mote_abi::{LogLevel, Sysno, SyscallError, ARG_COUNT, MAX_LOG_LEN, MAX_NAME_LEN, RESULT_COUNT};
use mote_hal::{Arch, Board, Fault, FaultKind, UserContext};

use crate::kernel::Kernel;
use crate::log;
use crate::process::State;
use crate::umem::{StackedWords, UserRead};

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
    /// The caller is blocked (or has ended); its results, if any, come later.
    Pending,
}

impl From<Result<Results, SyscallError>> for Outcome {
    fn from(r: Result<Results, SyscallError>) -> Self {
        Outcome::Done(r.unwrap_or_else(error))
    }
}

impl<A: Arch, B: Board, const N: usize> Kernel<A, B, N> {
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
            self.complete(i, results);
        }
    }

    fn dispatch(&mut self, i: usize, number: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let Some(sysno) = u32::try_from(number).ok().and_then(Sysno::from_u32) else {
            return Outcome::Done(error(SyscallError::UnknownSyscall));
        };
        match sysno {
            Sysno::Log => self.sys_log(i, args).into(),
            Sysno::Exit => {
                self.sys_exit(i, args[0] as u32);
                Outcome::Pending
            }
            Sysno::Yield => Outcome::Done(ok(0, 0, 0)),
            Sysno::Find => self.sys_find(i, args).into(),
            Sysno::Send => self.sys_send(i, args),
            Sysno::Receive => self.sys_receive(i, args),
            Sysno::Reply => self.sys_reply(i, args).into(),
            Sysno::Panic => {
                self.sys_panic(i, args);
                Outcome::Pending
            }
        }
    }

    /// `log(level, ptr, len)`.
    fn sys_log(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let level = u32::try_from(args[0]).ok().and_then(LogLevel::from_u32).ok_or(SyscallError::InvalidArgument)?;
        if args[2] > MAX_LOG_LEN {
            return Err(SyscallError::TooLarge);
        }
        let text = UserRead::new(&self.image.processes[i], args[1], args[2])?;
        let mut buf = [0u8; MAX_LOG_LEN];
        let n = text.read_into(&mut buf);
        log::process_record(self.board.console(), level, self.image.processes[i].name, &buf[..n]);
        Ok(ok(0, 0, 0))
    }

    /// `exit(code)`.
    fn sys_exit(&mut self, i: usize, code: u32) {
        let name = self.image.processes[i].name;
        let level = if code == 0 { LogLevel::Info } else { LogLevel::Warn };
        self.log(level, format_args!("process '{name}' exited with status {code}"));
        self.stop(i, State::Exited(code));
    }

    /// `panic(ptr, len)`: the process reports its own panic message, then is stopped as faulted.
    fn sys_panic(&mut self, i: usize, args: [usize; ARG_COUNT]) {
        let desc = &self.image.processes[i];
        let mut buf = [0u8; MAX_LOG_LEN];
        let n = match UserRead::new(desc, args[0], args[1].min(MAX_LOG_LEN)) {
            Ok(text) => text.read_into(&mut buf),
            Err(_) => 0,
        };
        log::process_record(self.board.console(), LogLevel::Error, desc.name, &buf[..n]);
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
}
