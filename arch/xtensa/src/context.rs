//! The saved registers of an Xtensa process.

use mote_hal::UserContext;

/// The registers of a process that is not running, as the trap path in `asm/vectors.S` saves
/// them (`asm/offsets.h` has the same offsets):
///
/// ```text
///   offset 0   a0 (return address)   offset 64  pc
///   offset 4   a1 (stack pointer)    offset 68  sar (shift amount)
///   ...                              offset 72  exccause of the last trap
///   offset 60  a15                   offset 76  excvaddr of the last trap
/// ```
#[derive(Default, Debug, Clone)]
#[repr(C)]
pub struct XtensaContext {
    /// `a0`..`a15`.
    pub a: [u32; 16],
    /// Where the process resumes.
    pub pc: u32,
    /// The shift-amount register.
    pub sar: u32,
    /// Why the process last trapped (`EXCCAUSE`, or [`crate::CAUSE_BREAK`]).
    pub exccause: u32,
    /// The faulting address of the last trap, where the cause has one.
    pub excvaddr: u32,
}

const SP: usize = 1;
/// Syscall arguments 0..6 are in `a2`..`a8`, the number in `a9`; results go to `a2`..`a5`.
const ARG0: usize = 2;
const NUMBER: usize = 9;

impl UserContext for XtensaContext {
    const STACKED_WORDS: usize = 0;

    fn start(&mut self, entry: usize, stack_top: usize, _stacked: &mut [usize]) {
        *self = Self::default();
        self.a[SP] = stack_top as u32;
        self.pc = entry as u32;
    }

    fn stack_pointer(&self) -> usize {
        self.a[SP] as usize
    }

    fn syscall(&self, _stacked: &[usize]) -> (usize, [usize; mote_abi::ARG_COUNT]) {
        let mut args = [0usize; mote_abi::ARG_COUNT];
        for (k, a) in args.iter_mut().enumerate() {
            *a = self.a[ARG0 + k] as usize;
        }
        (self.a[NUMBER] as usize, args)
    }

    fn set_results(&mut self, _stacked: &mut [usize], results: [usize; mote_abi::RESULT_COUNT]) {
        for (k, r) in results.iter().enumerate() {
            self.a[ARG0 + k] = *r as u32;
        }
    }

    fn program_counter(&self, _stacked: &[usize]) -> usize {
        self.pc as usize
    }

    fn registers(&self, _stacked: &[usize], f: &mut dyn FnMut(&'static str, usize)) {
        const NAMES: [&str; 16] =
            ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12", "a13", "a14", "a15"];
        f("pc", self.pc as usize);
        for (name, value) in NAMES.iter().zip(&self.a) {
            f(name, *value as usize);
        }
        f("sar", self.sar as usize);
    }
}
