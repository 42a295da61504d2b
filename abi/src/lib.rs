//! The Mote system-call ABI, shared by the kernel and the user library.
//!
//! This crate is the single definition of how a process talks to the kernel: the syscall numbers,
//! the registers they use, the error codes they return and the identifiers they take. Both sides
//! depend on it, so they cannot disagree. `docs/syscalls.md` describes the same ABI for readers.
//!
//! # Registers
//!
//! | role            | Cortex-M (`svc #0`)   | RISC-V (`ecall`) | Xtensa (`syscall`) |
//! |-----------------|-----------------------|------------------|--------------------|
//! | syscall number  | `r12`                 | `a7`             | `a9`               |
//! | arguments 0..6  | `r0`..`r5`, `r8`      | `a0`..`a6`       | `a2`..`a8`         |
//! | results 0..3    | `r0`..`r3`            | `a0`..`a3`       | `a2`..`a5`         |
//!
//! Result 0 is the status: `0` for success, otherwise a [`SyscallError`] code. Results 1..3 carry
//! values whose meaning depends on the call. Every other register is preserved.

#![no_std]
#![forbid(unsafe_code)]

mod lease;

pub use lease::{LeaseDesc, SendCall, LEASE_READ, LEASE_WRITE, MAX_LEASES};

/// Number of argument registers a syscall may use.
pub const ARG_COUNT: usize = 7;
/// Number of result registers a syscall writes.
pub const RESULT_COUNT: usize = 4;

/// Largest message (request or reply) that synchronous IPC copies, in bytes.
pub const MAX_MESSAGE_LEN: usize = 256;
/// Largest single log record a process may submit, in bytes.
pub const MAX_LOG_LEN: usize = 256;
/// Longest process name, in bytes.
pub const MAX_NAME_LEN: usize = 16;
/// Most processes in one image (task sets are 32-bit masks).
pub const MAX_PROCESSES: usize = 32;

/// A relative timeout of a blocking call, in microseconds: [`Timeout::NEVER`] waits forever,
/// [`Timeout::POLL`] does not wait at all (the call fails with `TimedOut` if it would block).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Timeout(pub u32);

impl Timeout {
    /// Wait as long as it takes.
    pub const NEVER: Timeout = Timeout(u32::MAX);
    /// Do not wait.
    pub const POLL: Timeout = Timeout(0);

    /// A timeout of `ms` milliseconds (saturating at about 71 minutes; never [`Timeout::NEVER`]).
    pub const fn millis(ms: u32) -> Timeout {
        let us = ms as u64 * 1000;
        Timeout(if us >= u32::MAX as u64 { u32::MAX - 1 } else { us as u32 })
    }
}

/// System-call numbers, passed in `r12` / `a7` / `a9` (Xtensa).
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
    /// `send(task, op, msg_ptr, msg_len, reply_ptr, reply_cap, timeout) -> (code, reply_len)`:
    /// send a message and block until the receiver replies (or the timeout expires).
    Send = 5,
    /// `receive(buf_ptr, buf_cap, timeout) -> (sender, op, len)`: block until a message arrives
    /// (or the timeout expires).
    Receive = 6,
    /// `reply(task, code, msg_ptr, msg_len)`: answer a sender blocked on this process.
    Reply = 7,
    /// `panic(msg_ptr, msg_len)`: report a panic; the kernel treats the process as faulted.
    Panic = 8,
    /// `now() -> (micros_lo, micros_hi)`: microseconds since boot.
    Now = 9,
    /// `sleep_until(micros_lo, micros_hi)`: sleep until the given time since boot.
    SleepUntil = 10,
    /// `spawn(task) -> task`: start a process that is not running (needs the `spawn`
    /// capability for it). Returns its new identifier.
    Spawn = 11,
    /// `kill(task)`: stop a running process (needs the `kill` capability for it).
    Kill = 12,
    /// `wait(task, timeout) -> (ending, detail)`: block until the process ends; see [`Ending`].
    Wait = 13,
    /// `restart(task) -> task`: stop and start a process afresh (needs both `spawn` and `kill`
    /// for it, or is the caller itself). Returns its new identifier.
    Restart = 14,
    /// `ps(buf_ptr, buf_cap, first) -> count`: fill `buf` with [`ProcessRecord`]s of the
    /// processes from task index `first` on (as many as fit); returns the number of processes
    /// in the image.
    Ps = 15,
    /// `heap_grow(bytes) -> old_end`: extend the caller's heap within its quota.
    HeapGrow = 16,
    /// `log_read(buf_ptr, buf_cap, from_lo, from_hi) -> (start_lo, start_hi, len)`: copy the
    /// kernel log ring's bytes from sequence number `from` on (or from the oldest kept) into
    /// `buf`; returns the sequence number of the first byte copied and how many were (needs the
    /// `log_read` capability).
    LogRead = 17,
    /// `notify(task, bits)`: set notification bits of a process (needs the `send` capability
    /// for it); wakes it if it waits for any of them.
    Notify = 18,
    /// `notify_wait(mask, timeout) -> bits`: wait until one of the notification bits in `mask`
    /// is set; returns (and clears) those of them that are.
    NotifyWait = 19,
    /// `irq_ack(bits)`: the interrupts of the caller's devices whose notification bits are in
    /// `bits` have been handled: let them interrupt again.
    IrqAck = 20,
    /// `device(name_ptr, name_len) -> (base, size, bit)`: where one of the caller's devices is
    /// and which notification bit its interrupt sets (32 if it has none).
    Device = 21,
    /// `object(name_ptr, name_len) -> handle`: look up a synchronisation object of the image by
    /// name (the caller must be one of its users).
    Object = 22,
    /// `mutex_lock(handle, timeout) -> owner_died`: lock a mutex; 1 in result 1 if its previous
    /// owner ended while holding it.
    MutexLock = 23,
    /// `mutex_unlock(handle)`: unlock a mutex the caller holds.
    MutexUnlock = 24,
    /// `sem_wait(handle, timeout)`: take one unit of a counting semaphore.
    SemWait = 25,
    /// `sem_post(handle)`: give one unit back.
    SemPost = 26,
    /// `flags_wait(handle, mask, mode, timeout) -> flags`: wait for event flags; `mode` bit 0:
    /// all of `mask` (else any), bit 1: clear the flags that satisfied the wait.
    FlagsWait = 27,
    /// `flags_set(handle, bits)`: set event flags, waking waiters they satisfy.
    FlagsSet = 28,
    /// `flags_clear(handle, bits)`: clear event flags.
    FlagsClear = 29,
    /// `queue_send(handle, msg_ptr, msg_len, timeout)`: append a message to a queue.
    QueueSend = 30,
    /// `queue_receive(handle, buf_ptr, buf_cap, timeout) -> len`: take the oldest message.
    QueueReceive = 31,
    /// `set_periodic(period_us, deadline_us, budget_us)`: make the caller a periodic process,
    /// scheduled earliest-deadline-first among processes of its priority; its first job starts
    /// now. Fails with `Unschedulable` if the periodic processes would then need more than the
    /// whole CPU (the sum of budget / min(deadline, period) exceeds 1).
    SetPeriodic = 32,
    /// `next_period() -> misses`: the current job is done; sleep until the next release. Returns
    /// how many deadlines the process has missed so far.
    NextPeriod = 33,
    /// `send_leased(task, op, call_ptr, timeout) -> (code, reply_len)`: [`Sysno::Send`], with the
    /// message, the reply buffer and a table of leases described by a [`SendCall`] at `call_ptr`:
    /// buffers of the caller that the receiver may read or write until it replies.
    SendLeased = 34,
    /// `lease_info(sender, index) -> (count, len, access)`: how many leases the message of
    /// `sender` (awaiting this process's reply) carries, and the length and access of lease
    /// `index` (0 and 0 if it has no such lease).
    LeaseInfo = 35,
    /// `borrow_read(sender, index, offset, buf_ptr, len) -> copied`: copy from lease `index` of
    /// `sender`, from `offset` on, into the caller's buffer.
    BorrowRead = 36,
    /// `borrow_write(sender, index, offset, data_ptr, len) -> copied`: copy the caller's bytes
    /// into lease `index` of `sender` at `offset`.
    BorrowWrite = 37,
    /// `irq_raise(task, bits)`: raise, from software, the interrupts of `task`'s devices whose
    /// notification bits are in `bits` (needs `task` in the caller's `send` capability). Each
    /// arrives as if its device had interrupted.
    IrqRaise = 38,
    /// `inspect(task, addr, buf_ptr, len) -> copied`: copy `len` bytes of `task`'s memory at
    /// `addr` into the caller's buffer (needs `task` in the caller's `inspect` capability), as a
    /// debugger or monitor reads a process it watches.
    Inspect = 39,
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
            9 => Self::Now,
            10 => Self::SleepUntil,
            11 => Self::Spawn,
            12 => Self::Kill,
            13 => Self::Wait,
            14 => Self::Restart,
            15 => Self::Ps,
            16 => Self::HeapGrow,
            17 => Self::LogRead,
            18 => Self::Notify,
            19 => Self::NotifyWait,
            20 => Self::IrqAck,
            21 => Self::Device,
            22 => Self::Object,
            23 => Self::MutexLock,
            24 => Self::MutexUnlock,
            25 => Self::SemWait,
            26 => Self::SemPost,
            27 => Self::FlagsWait,
            28 => Self::FlagsSet,
            29 => Self::FlagsClear,
            30 => Self::QueueSend,
            31 => Self::QueueReceive,
            32 => Self::SetPeriodic,
            33 => Self::NextPeriod,
            34 => Self::SendLeased,
            35 => Self::LeaseInfo,
            36 => Self::BorrowRead,
            37 => Self::BorrowWrite,
            38 => Self::IrqRaise,
            39 => Self::Inspect,
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
    /// The timeout expired before the call could complete.
    TimedOut = 8,
    /// The caller's manifest does not grant the capability this needs.
    NotPermitted = 9,
    /// A quota or fixed pool is exhausted (heap quota, kernel table).
    OutOfMemory = 10,
    /// The call would deadlock: a cycle of processes each waiting for the next (sends, or
    /// mutexes).
    Deadlock = 11,
    /// The caller does not hold the mutex it unlocks.
    NotOwner = 12,
    /// A semaphore would exceed its maximum count.
    Overflow = 13,
    /// Admission control refused: the periodic processes could not all meet their deadlines.
    Unschedulable = 14,
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
            8 => Self::TimedOut,
            9 => Self::NotPermitted,
            10 => Self::OutOfMemory,
            11 => Self::Deadlock,
            12 => Self::NotOwner,
            13 => Self::Overflow,
            14 => Self::Unschedulable,
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
            Self::TimedOut => "timed out",
            Self::NotPermitted => "not permitted",
            Self::OutOfMemory => "out of memory",
            Self::Deadlock => "would deadlock",
            Self::NotOwner => "not the owner",
            Self::Overflow => "overflow",
            Self::Unschedulable => "unschedulable",
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

/// How a process ended, as `wait` reports it (result 1; result 2 is the detail).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Ending {
    /// It has not been started (detail 0).
    NotStarted = 0,
    /// It called `exit` (detail: its status).
    Exited = 1,
    /// It faulted or panicked (detail: 0).
    Faulted = 2,
    /// Another process killed it (detail: the killer's task index).
    Killed = 3,
}

impl Ending {
    /// Decodes an ending.
    pub const fn from_u32(n: u32) -> Option<Self> {
        Some(match n {
            0 => Self::NotStarted,
            1 => Self::Exited,
            2 => Self::Faulted,
            3 => Self::Killed,
            _ => return None,
        })
    }
}

/// What a process is doing, as `ps` reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ProcessState {
    /// In the image but never started.
    NotStarted = 0,
    /// Runnable.
    Ready = 1,
    /// Running now (the caller of `ps`).
    Running = 2,
    /// Blocked in IPC or `wait`.
    Blocked = 3,
    /// Sleeping until a time.
    Sleeping = 4,
    /// Stopped by a fault (possibly waiting for a restart).
    Faulted = 5,
    /// Ended by `exit` or `kill`.
    Stopped = 6,
}

impl ProcessState {
    /// Decodes a state.
    pub const fn from_u8(n: u8) -> Option<Self> {
        Some(match n {
            0 => Self::NotStarted,
            1 => Self::Ready,
            2 => Self::Running,
            3 => Self::Blocked,
            4 => Self::Sleeping,
            5 => Self::Faulted,
            6 => Self::Stopped,
            _ => return None,
        })
    }

    /// Lower-case name for listings.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::Ready => "ready",
            Self::Running => "running",
            Self::Blocked => "blocked",
            Self::Sleeping => "sleeping",
            Self::Faulted => "faulted",
            Self::Stopped => "stopped",
        }
    }
}

/// One process in a `ps` listing: a fixed 32-byte record, little-endian.
///
/// ```text
///  0: index u16   2: generation u16   4: state u8   5: priority u8   6: reserved u16
///  8: faults u32 (since boot)   12: restarts u32   16: name [u8; 16] (NUL-padded)
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ProcessRecord {
    /// Task index.
    pub index: u16,
    /// Current generation.
    pub generation: u16,
    /// State.
    pub state: ProcessState,
    /// Priority (0 most important).
    pub priority: u8,
    /// Faults since boot.
    pub faults: u32,
    /// Restarts since boot.
    pub restarts: u32,
    /// Name, NUL-padded.
    pub name: [u8; MAX_NAME_LEN],
}

impl ProcessRecord {
    /// Size of one record in bytes.
    pub const SIZE: usize = 32;

    /// Encodes the record.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut b = [0u8; Self::SIZE];
        b[0..2].copy_from_slice(&self.index.to_le_bytes());
        b[2..4].copy_from_slice(&self.generation.to_le_bytes());
        b[4] = self.state as u8;
        b[5] = self.priority;
        b[8..12].copy_from_slice(&self.faults.to_le_bytes());
        b[12..16].copy_from_slice(&self.restarts.to_le_bytes());
        b[16..32].copy_from_slice(&self.name);
        b
    }

    /// Decodes a record, or `None` if the state byte is invalid.
    pub fn from_bytes(b: &[u8; Self::SIZE]) -> Option<Self> {
        let mut name = [0u8; MAX_NAME_LEN];
        name.copy_from_slice(&b[16..32]);
        Some(Self {
            index: u16::from_le_bytes([b[0], b[1]]),
            generation: u16::from_le_bytes([b[2], b[3]]),
            state: ProcessState::from_u8(b[4])?,
            priority: b[5],
            faults: u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
            restarts: u32::from_le_bytes([b[12], b[13], b[14], b[15]]),
            name,
        })
    }

    /// The name as text (up to the first NUL).
    pub fn name_str(&self) -> &str {
        let end = self.name.iter().position(|&c| c == 0).unwrap_or(MAX_NAME_LEN);
        core::str::from_utf8(&self.name[..end]).unwrap_or("?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysno_round_trips() {
        for n in 0..64 {
            if let Some(s) = Sysno::from_u32(n) {
                assert_eq!(s as u32, n);
            }
        }
        assert!((1..=39).all(|n| Sysno::from_u32(n).is_some()), "every call from 1 to 39 is defined");
        assert_eq!(Sysno::from_u32(0), None);
        assert_eq!(Sysno::from_u32(40), None);
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
    fn process_records_round_trip() {
        let mut name = [0u8; MAX_NAME_LEN];
        name[..4].copy_from_slice(b"ping");
        let r = ProcessRecord { index: 3, generation: 9, state: ProcessState::Sleeping, priority: 2, faults: 5, restarts: 4, name };
        let back = ProcessRecord::from_bytes(&r.to_bytes()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.name_str(), "ping");
        let mut bad = r.to_bytes();
        bad[4] = 99;
        assert_eq!(ProcessRecord::from_bytes(&bad), None);
    }

    #[test]
    fn timeouts_in_milliseconds_never_mean_forever() {
        assert_eq!(Timeout::millis(5), Timeout(5000));
        assert_ne!(Timeout::millis(u32::MAX), Timeout::NEVER);
    }

    #[test]
    fn log_levels_order_by_severity() {
        assert!(LogLevel::Error < LogLevel::Info);
        assert_eq!(LogLevel::from_u32(6), None);
        assert_eq!(LogLevel::from_u32(3), Some(LogLevel::Info));
    }
}
