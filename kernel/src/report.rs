//! Crash reports: what a faulted process's registers and stack held.

use mote_abi::LogLevel;
use mote_hal::{Arch, Board, UserContext};

use crate::kernel::Kernel;
use crate::umem::{StackedWords, UserRead};

/// Stack words shown in a crash report.
const STACK_WORDS: usize = 8;
/// Registers per line.
const PER_LINE: usize = 4;

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Logs the registers of faulted process `i` and the words at its stack pointer (read through
    /// the checked path: nothing is shown from memory the process does not own).
    pub(crate) fn crash_report(&mut self, i: usize, frame: Option<&StackedWords>) {
        let stacked = frame.map(|f| f.words()).unwrap_or(&[]);
        // One line of registers at a time, asking the context for them again for each line:
        // holding them all (32 on RISC-V) would cost the kernel stack more than the calls cost.
        let mut first = 0;
        loop {
            let mut line: [(&'static str, usize); PER_LINE] = [("", 0); PER_LINE];
            let (mut seen, mut count) = (0, 0);
            self.procs[i].context.registers(stacked, &mut |name, value| {
                if seen >= first && seen < first + PER_LINE {
                    line[seen - first] = (name, value);
                    count += 1;
                }
                seen += 1;
            });
            if count == 0 {
                break;
            }
            let mut text = Line::new();
            for (name, value) in &line[..count] {
                let _ = core::fmt::write(&mut text, format_args!("{name:>4} {value:08x}  "));
            }
            self.log(LogLevel::Error, format_args!("  {}", text.as_str().trim_end()));
            first += PER_LINE;
        }
        let desc = &self.image.processes[i];
        let sp = self.procs[i].context.stack_pointer();
        let word = core::mem::size_of::<usize>();
        let available = desc.ram.end().saturating_sub(sp).min(STACK_WORDS * word);
        if let Ok(range) = UserRead::new(desc, sp, available - available % word) {
            let mut bytes = [0u8; STACK_WORDS * 8];
            let n = range.read_into(&mut bytes);
            let mut text = Line::new();
            for chunk in bytes[..n].chunks_exact(word) {
                let mut v = 0usize;
                for (k, b) in chunk.iter().enumerate() {
                    v |= (*b as usize) << (8 * k);
                }
                let _ = core::fmt::write(&mut text, format_args!(" {v:08x}"));
            }
            if n > 0 {
                self.log(LogLevel::Error, format_args!("  stack at {sp:#010x}:{}", text.as_str()));
            }
        }
    }
}

/// A line of text built on the stack.
struct Line {
    buf: [u8; 96],
    len: usize,
}

impl Line {
    fn new() -> Self {
        Self { buf: [0; 96], len: 0 }
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

