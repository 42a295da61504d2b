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
            // `  NAME VALUE  NAME VALUE ...`: names right-aligned in four characters.
            let mut text = self.log(LogLevel::Error);
            for (name, value) in &line[..count] {
                text.str("  ").right(name, 4).str(" ").hex(*value, 8);
            }
            first += PER_LINE;
        }
        let desc = &self.image.processes[i];
        let sp = self.procs[i].context.stack_pointer();
        let word = core::mem::size_of::<usize>();
        let available = desc.ram.end().saturating_sub(sp).min(STACK_WORDS * word);
        if let Ok(range) = UserRead::new(desc, sp, available - available % word) {
            let mut bytes = [0u8; STACK_WORDS * 8];
            let n = range.read_into(&mut bytes);
            if n > 0 {
                let mut text = self.log(LogLevel::Error);
                text.str("  stack at ").addr(sp).str(":");
                for chunk in bytes[..n].chunks_exact(word) {
                    let mut v = 0usize;
                    for (k, b) in chunk.iter().enumerate() {
                        v |= (*b as usize) << (8 * k);
                    }
                    text.str(" ").hex(v, 8);
                }
            }
        }
    }
}
