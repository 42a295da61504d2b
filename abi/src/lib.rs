//! The Mote system-call ABI, shared by the kernel and the user library.
//!
//! This crate is the single definition of how a process talks to the kernel: the syscall numbers,
//! the registers they use, the error codes they return and the identifiers they take. Both sides
//! depend on it, so they cannot disagree. `docs/syscalls.md` describes the same ABI for readers.
//!
//! # Registers
//!
//! | role            | Cortex-M (`svc #0`) | RISC-V (`ecall`) |
//! |-----------------|---------------------|------------------|
//! | syscall number  | `r12`               | `a7`             |
//! | arguments 0..5  | `r0`..`r5`          | `a0`..`a5`       |
//! | results 0..3    | `r0`..`r3`          | `a0`..`a3`       |
//!
//! Result 0 is the status: `0` for success, otherwise a [`SyscallError`] code. Results 1..3 carry
//! values whose meaning depends on the call. Every other register is preserved.

#![no_std]
#![forbid(unsafe_code)]

/// Number of argument registers a syscall may use.
pub const ARG_COUNT: usize = 6;
/// Number of result registers a syscall writes.
pub const RESULT_COUNT: usize = 4;

/// Largest message (request or reply) that synchronous IPC copies, in bytes.
pub const MAX_MESSAGE_LEN: usize = 256;
/// Largest single log record a process may submit, in bytes.
pub const MAX_LOG_LEN: usize = 256;
/// Longest process name, in bytes.
pub const MAX_NAME_LEN: usize = 16;

/// System-call numbers, passed in `r12` / `a7`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Sysno {
    /// `log(level, ptr, len)`: write one log record tagged with the caller's name.
    Log = 1,
    /// `exit(code)`: end the calling process. Does not return.
    Exit = 2,
    /// `yield()`: let another process of the same priority run.
    Yield = 3,
    /// `find(name_ptr, name_len) -> task`: look up a process by name.
    Find = 4,
    /// `send(task, op, msg_ptr, msg_len, reply_ptr, reply_cap) -> (code, reply_len)`: send a
    /// message and block until the receiver replies.
    Send = 5,
    /// `receive(buf_ptr, buf_cap) -> (sender, op, len)`: block until a message arrives.
    Receive = 6,
    /// `reply(task, code, msg_ptr, msg_len)`: answer a sender blocked on this process.
    Reply = 7,
    /// `panic(msg_ptr, msg_len)`: report a panic; the kernel treats the process as faulted.
    Panic = 8,
}

impl Sysno {
    /// Decodes a syscall number, or `None` for an unknown one.
    pub const fn from_u32(n: u32) -> Option<Self> {
        Some(match n {
            1 => Self::Log,
            2 => Self::Exit,
            3 => Self::Yield,
            4 => Self::Find,
            5 => Self::Send,
            6 => Self::Receive,
            7 => Self::Reply,
            8 => Self::Panic,
            _ => return None,
        })
    }
}

/// Why a system call failed; returned in result register 0.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum SyscallError {
    /// The syscall number is not one the kernel knows.
    UnknownSyscall = 1,
    /// A pointer/length pair does not lie inside memory the caller may access that way.
    BadAddress = 2,
    /// The task identifier names no process.
    NoSuchTask = 3,
    /// A message is larger than the peer's buffer or than [`MAX_MESSAGE_LEN`].
    TooLarge = 4,
    /// An argument is out of range (an unknown log level, an empty name...).
    InvalidArgument = 5,
    /// The peer is not in a state that allows the operation (replying to a task that is not
    /// waiting for this process's reply, sending to oneself).
    WrongState = 6,
    /// The peer stopped or was restarted while the call was in progress; the task identifier
    /// is stale (its generation changed).
    PeerGone = 7,
}

impl SyscallError {
    /// Decodes an error code, or `None` if `code` is 0 (success) or unknown.
    pub const fn from_u32(code: u32) -> Option<Self> {
        Some(match code {
            1 => Self::UnknownSyscall,
            2 => Self::BadAddress,
            3 => Self::NoSuchTask,
            4 => Self::TooLarge,
            5 => Self::InvalidArgument,
            6 => Self::WrongState,
            7 => Self::PeerGone,
            _ => return None,
        })
    }

    /// A short human-readable description.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UnknownSyscall => "unknown syscall",
            Self::BadAddress => "bad address",
            Self::NoSuchTask => "no such task",
            Self::TooLarge => "too large",
            Self::InvalidArgument => "invalid argument",
            Self::WrongState => "wrong state",
            Self::PeerGone => "peer gone",
        }
    }
}

/// Names one incarnation of a process: its index in the image and a generation that changes each
/// time the process is restarted, so a stale identifier is detected instead of reaching the new
/// incarnation by mistake.
///
/// Encoded in one register as `generation << 16 | index`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TaskId {
    /// Position of the process in the image's process table.
    pub index: u16,
    /// Incarnation counter, incremented (wrapping) on every restart.
    pub generation: u16,
}

impl TaskId {
    /// Packs the identifier into one register.
    pub const fn to_raw(self) -> u32 {
        (self.generation as u32) << 16 | self.index as u32
    }

    /// Unpacks an identifier from one register.
    pub const fn from_raw(raw: u32) -> Self {
        Self { index: raw as u16, generation: (raw >> 16) as u16 }
    }
}

/// Severity of a log record, most severe first.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u32)]
pub enum LogLevel {
    /// Something failed.
    Error = 1,
    /// Something looks wrong but work goes on.
    Warn = 2,
    /// Normal, noteworthy events.
    Info = 3,
    /// Detail for developers.
    Debug = 4,
    /// Very fine detail.
    Trace = 5,
}

impl LogLevel {
    /// Decodes a level, or `None` if out of range.
    pub const fn from_u32(n: u32) -> Option<Self> {
        Some(match n {
            1 => Self::Error,
            2 => Self::Warn,
            3 => Self::Info,
            4 => Self::Debug,
            5 => Self::Trace,
            _ => return None,
        })
    }

    /// The fixed-width tag printed in log lines (`ERROR`, `WARN `, ...).
    pub const fn tag(self) -> &'static str {
        match self {
            Self::Error => "ERROR",
            Self::Warn => "WARN ",
            Self::Info => "INFO ",
            Self::Debug => "DEBUG",
            Self::Trace => "TRACE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysno_round_trips() {
        for n in 0..32 {
            if let Some(s) = Sysno::from_u32(n) {
                assert_eq!(s as u32, n);
            }
        }
        assert_eq!(Sysno::from_u32(0), None);
        assert_eq!(Sysno::from_u32(u32::MAX), None);
    }

    #[test]
    fn errors_round_trip_and_zero_is_success() {
        assert_eq!(SyscallError::from_u32(0), None);
        for n in 1..32 {
            if let Some(e) = SyscallError::from_u32(n) {
                assert_eq!(e as u32, n);
            }
        }
    }

    #[test]
    fn task_id_packs_both_halves() {
        let id = TaskId { index: 3, generation: 0xbeef };
        assert_eq!(TaskId::from_raw(id.to_raw()), id);
        assert_eq!(id.to_raw(), 0xbeef_0003);
    }

    #[test]
    fn log_levels_order_by_severity() {
        assert!(LogLevel::Error < LogLevel::Info);
        assert_eq!(LogLevel::from_u32(6), None);
        assert_eq!(LogLevel::from_u32(3), Some(LogLevel::Info));
    }
}
