//! Logging through the kernel: records tagged with the process's name.

use core::fmt;

use mote_abi::{LogLevel, Sysno, MAX_LOG_LEN};

/// A fixed-size text buffer; output past its end is dropped and marked with `...`.
pub(crate) struct Buffer<const N: usize> {
    bytes: [u8; N],
    len: usize,
    truncated: bool,
}

impl<const N: usize> Buffer<N> {
    pub(crate) const fn new() -> Self {
        Self { bytes: [0; N], len: 0, truncated: false }
    }

    pub(crate) fn as_bytes(&mut self) -> &[u8] {
        if self.truncated && N >= 3 {
            self.bytes[N - 3..].copy_from_slice(b"...");
        }
        &self.bytes[..self.len]
    }
}

impl<const N: usize> fmt::Write for Buffer<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N - self.len;
        let n = s.len().min(room);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        if n < s.len() {
            self.truncated = true;
        }
        Ok(())
    }
}

/// Writes one log record (at most [`MAX_LOG_LEN`] bytes; longer text is cut).
pub fn log(level: LogLevel, text: &str) {
    let n = text.len().min(MAX_LOG_LEN);
    crate::arch::syscall(Sysno::Log, [level as usize, text.as_ptr() as usize, n, 0, 0, 0, 0]);
}

/// Formats and writes one log record; used by the logging macros.
pub fn log_fmt(level: LogLevel, args: fmt::Arguments<'_>) {
    let mut buf = Buffer::<MAX_LOG_LEN>::new();
    let _ = fmt::write(&mut buf, args);
    let text = buf.as_bytes();
    crate::arch::syscall(Sysno::Log, [level as usize, text.as_ptr() as usize, text.len(), 0, 0, 0, 0]);
}

/// Reads the kernel log ring from sequence number `from` on (or from the oldest byte kept) into
/// `out`; returns the sequence number of the first byte copied and how many bytes were. Continue
/// with `start + len`. Needs `log_read = true` in `[capabilities]`.
pub fn log_read(from: u64, out: &mut [u8]) -> Result<(u64, usize), mote_abi::SyscallError> {
    let r = crate::arch::syscall(
        Sysno::LogRead,
        [out.as_mut_ptr() as usize, out.len(), from as u32 as usize, (from >> 32) as u32 as usize, 0, 0, 0],
    );
    crate::status(r[0])?;
    Ok((r[1] as u32 as u64 | (r[2] as u32 as u64) << 32, r[3]))
}

/// Logs at error level: `mote::error!("disk full: {}", path)`.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log_fmt($crate::LogLevel::Error, format_args!($($arg)*)) };
}

/// Logs at warning level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log_fmt($crate::LogLevel::Warn, format_args!($($arg)*)) };
}

/// Logs at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log_fmt($crate::LogLevel::Info, format_args!($($arg)*)) };
}

/// Logs at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log_fmt($crate::LogLevel::Debug, format_args!($($arg)*)) };
}

/// Logs at trace level.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => { $crate::log_fmt($crate::LogLevel::Trace, format_args!($($arg)*)) };
}
