//! The saved registers of a Cortex-M process.

use mote_hal::UserContext;

/// Registers of a process that is not running.
///
/// `r4`..`r11` and the process stack pointer are saved here by `switch_to_user`; `r0`..`r3`,
/// `r12`, `lr`, `pc` and `xPSR` are pushed by the hardware on the process's own stack, the
/// *stacked frame*, which the kernel reads and writes only after checking it (see
/// [`mote_hal::UserContext`]).
///
/// ```text
///   psp ──▶ +0  r0      +16 r12
///           +4  r1      +20 lr
///           +8  r2      +24 pc
///           +12 r3      +28 xPSR
/// ```
#[derive(Default, Debug, Clone)]
#[repr(C)]
pub struct CortexMContext {
    /// `r4`..`r11`, in order. The layout is known to `switch_to_user`.
    pub callee_saved: [u32; 8],
    /// The process stack pointer (PSP), at offset 32.
    pub psp: u32,
}

/// Index of each register in the stacked frame.
mod frame {
    pub const R0: usize = 0;
    pub const R12: usize = 4;
    pub const LR: usize = 5;
    pub const PC: usize = 6;
    pub const XPSR: usize = 7;
}

impl UserContext for CortexMContext {
    const STACKED_WORDS: usize = 8;
    /// `r0`..`r3`.
    const RESULT_WORDS: usize = 4;

    fn start(&mut self, entry: usize, stack_top: usize, stacked: &mut [usize]) {
        stacked.fill(0);
        // Thumb code: the entry address has bit 0 set in the ELF; the PC must not.
        stacked[frame::PC] = entry & !1;
        // xPSR with only the Thumb bit: the process starts in Thumb state.
        stacked[frame::XPSR] = 1 << 24;
        // Returning from the entry function is a bug in the user library; make it fault cleanly.
        stacked[frame::LR] = 0xffff_ffff;
        self.callee_saved = [0; 8];
        self.psp = (stack_top - Self::STACKED_WORDS * 4) as u32;
    }

    fn stack_pointer(&self) -> usize {
        self.psp as usize
    }

    fn syscall(&self, stacked: &[usize]) -> (usize, [usize; mote_abi::ARG_COUNT]) {
        // Arguments 4, 5 and 6 are in r4, r5 and r8.
        let args = [
            stacked[frame::R0],
            stacked[frame::R0 + 1],
            stacked[frame::R0 + 2],
            stacked[frame::R0 + 3],
            self.callee_saved[0] as usize,
            self.callee_saved[1] as usize,
            self.callee_saved[4] as usize,
        ];
        (stacked[frame::R12], args)
    }

    fn set_results(&mut self, stacked: &mut [usize], results: [usize; mote_abi::RESULT_COUNT]) {
        stacked[frame::R0..frame::R0 + 4].copy_from_slice(&results);
    }

    fn program_counter(&self, stacked: &[usize]) -> usize {
        stacked[frame::PC]
    }

    fn registers(&self, stacked: &[usize], f: &mut dyn FnMut(&'static str, usize)) {
        const STACKED: [&str; 8] = ["r0", "r1", "r2", "r3", "r12", "lr", "pc", "xpsr"];
        const SAVED: [&str; 8] = ["r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11"];
        for (name, value) in STACKED.iter().zip(stacked) {
            f(name, *value);
        }
        for (name, value) in SAVED.iter().zip(&self.callee_saved) {
            f(name, *value as usize);
        }
        f("sp", self.psp as usize);
    }
}
