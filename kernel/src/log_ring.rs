//! The kernel log ring: the most recent log output, kept in kernel RAM.
//!
//! Everything the kernel writes to the console also goes into a fixed ring of bytes, so that a
//! process with the `log_read` capability (a log service, a crash uploader) can read what was
//! logged recently without a console attached. Every byte has a sequence number counted from
//! boot; a reader asks for the bytes from a sequence number on and learns where to continue.
//! When the ring has wrapped, the oldest bytes are gone and the reader starts at the oldest kept.

use mote_hal::embedded_io;

/// Bytes the kernel keeps.
pub const LOG_RING_SIZE: usize = 512;

/// A ring of the last `N` bytes of log output.
#[derive(Debug)]
pub struct LogRing<const N: usize> {
    bytes: [u8; N],
    /// Bytes written since boot (the sequence number of the next byte).
    written: u64,
}

impl<const N: usize> Default for LogRing<N> {
    fn default() -> Self {
        Self { bytes: [0; N], written: 0 }
    }
}

impl<const N: usize> LogRing<N> {
    /// Appends `data`, overwriting the oldest bytes when full.
    pub fn push(&mut self, data: &[u8]) {
        for &b in data {
            self.bytes[(self.written % N as u64) as usize] = b;
            self.written += 1;
        }
    }

    /// The sequence number of the oldest byte still kept.
    pub fn oldest(&self) -> u64 {
        self.written.saturating_sub(N as u64)
    }

    /// The sequence number of the next byte to be written.
    pub fn next(&self) -> u64 {
        self.written
    }

    /// Copies the bytes from sequence number `from` on (or from the oldest kept, if `from` is
    /// older) into `out`; returns the sequence number of the first byte copied and the count.
    pub fn read(&self, from: u64, out: &mut [u8]) -> (u64, usize) {
        let start = from.clamp(self.oldest(), self.written);
        let n = ((self.written - start) as usize).min(out.len());
        for (k, slot) in out[..n].iter_mut().enumerate() {
            *slot = self.bytes[((start + k as u64) % N as u64) as usize];
        }
        (start, n)
    }
}

/// Writes to the console and, at the same time, into the log ring.
pub struct Tee<'a, W, const N: usize> {
    /// The console.
    pub console: &'a mut W,
    /// The ring.
    pub ring: &'a mut LogRing<N>,
}

impl<W: embedded_io::Write, const N: usize> embedded_io::ErrorType for Tee<'_, W, N> {
    type Error = W::Error;
}

impl<W: embedded_io::Write, const N: usize> embedded_io::Write for Tee<'_, W, N> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        let n = self.console.write(buf)?;
        self.ring.push(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.console.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_bytes_and_numbers_them() {
        let mut r = LogRing::<8>::default();
        r.push(b"abcdef");
        let mut out = [0u8; 16];
        assert_eq!(r.read(0, &mut out), (0, 6));
        assert_eq!(&out[..6], b"abcdef");
        r.push(b"ghijk");
        assert_eq!((r.oldest(), r.next()), (3, 11));
        assert_eq!(r.read(0, &mut out), (3, 8), "wrapped: starts at the oldest kept");
        assert_eq!(&out[..8], b"defghijk");
        assert_eq!(r.read(9, &mut out), (9, 2));
        assert_eq!(&out[..2], b"jk");
        assert_eq!(r.read(99, &mut out), (11, 0), "nothing beyond the end");
    }

    #[test]
    fn reads_at_most_what_fits() {
        let mut r = LogRing::<8>::default();
        r.push(b"abcdef");
        let mut out = [0u8; 4];
        assert_eq!(r.read(1, &mut out), (1, 4));
        assert_eq!(&out, b"bcde");
    }
}
