//! The saved registers of a RISC-V process.

use mote_hal::UserContext;

/// Every integer register of a process that is not running, and its program counter.
///
/// `regs[i]` holds `x(i+1)` (`x0` is always zero); the layout is known to the assembly in
/// `switch.rs`:
///
/// ```text
///   offset 0   x1 ra     offset 36  x10 a0     offset 120  x31 t6
///   offset 4   x2 sp     ...                    offset 124  pc
/// ```
#[derive(Default, Debug, Clone)]
#[repr(C)]
pub struct RiscvContext {
    /// `x1`..`x31`.
    pub regs: [u32; 31],
    /// Where the process resumes.
    pub pc: u32,
}

/// Index in `regs` of register `xN`.
const fn x(n: usize) -> usize {
    n - 1
}

const SP: usize = x(2);
const A0: usize = x(10);
const A7: usize = x(17);

impl UserContext for RiscvContext {
    const STACKED_WORDS: usize = 0;

    fn start(&mut self, entry: usize, stack_top: usize, _stacked: &mut [usize]) {
        self.regs = [0; 31];
        self.regs[SP] = stack_top as u32;
        self.pc = entry as u32;
    }

    fn stack_pointer(&self) -> usize {
        self.regs[SP] as usize
    }

    fn syscall(&self, _stacked: &[usize]) -> (usize, [usize; mote_abi::ARG_COUNT]) {
        let mut args = [0usize; mote_abi::ARG_COUNT];
        for (k, a) in args.iter_mut().enumerate() {
            *a = self.regs[A0 + k] as usize;
        }
        (self.regs[A7] as usize, args)
    }

    fn set_results(&mut self, _stacked: &mut [usize], results: [usize; mote_abi::RESULT_COUNT]) {
        for (k, r) in results.iter().enumerate() {
            self.regs[A0 + k] = *r as u32;
        }
    }

    fn program_counter(&self, _stacked: &[usize]) -> usize {
        self.pc as usize
    }

    fn registers(&self, _stacked: &[usize], f: &mut dyn FnMut(&'static str, usize)) {
        const NAMES: [&str; 31] = [
            "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2",
            "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
        ];
        f("pc", self.pc as usize);
        for (name, value) in NAMES.iter().zip(&self.regs) {
            f(name, *value as usize);
        }
    }
}
