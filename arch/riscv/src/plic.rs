//! The platform-level interrupt controller (PLIC), for hart 0 in machine mode.
//!
//! An interrupt the PLIC signals is *claimed* by the kernel (which gives its source number and
//! keeps the source from signalling again) and *completed* only when its owner has dealt with it:
//! so a source stays masked from its interrupt until the owning process acknowledges it.

use mote_hal::Mmio;

const PRIORITY: usize = 0x0;
const ENABLE: usize = 0x2000;
const THRESHOLD: usize = 0x20_0000;
const CLAIM_COMPLETE: usize = 0x20_0004;
/// Sources this driver handles (QEMU `virt` has 96; the register layout allows 1023).
pub const SOURCES: u32 = 128;

/// The PLIC, seen from hart 0's machine-mode context (context 0).
pub struct Plic {
    regs: Mmio,
}

impl Plic {
    /// Size of the register block Mote uses.
    pub const REGISTERS_LEN: usize = 0x40_0000;

    /// Takes the PLIC: every source disabled, threshold 0 (any priority above 0 interrupts).
    pub fn new(mut regs: Mmio) -> Self {
        for word in 0..SOURCES as usize / 32 {
            regs.write32(ENABLE + 4 * word, 0);
        }
        regs.write32(THRESHOLD, 0);
        Self { regs }
    }

    /// Claims the most urgent pending source, if any.
    pub fn claim(&mut self) -> Option<u32> {
        let source = self.regs.read32(CLAIM_COMPLETE);
        (source != 0).then_some(source)
    }

    /// Completes `source` (lets it signal again) and enables it.
    pub fn complete_and_enable(&mut self, source: u32) {
        if source == 0 || source >= SOURCES {
            return;
        }
        self.regs.write32(CLAIM_COMPLETE, source);
        self.enable(source);
    }

    /// Enables `source` without completing it (for a source that was never claimed).
    pub fn enable(&mut self, source: u32) {
        if source == 0 || source >= SOURCES {
            return;
        }
        let word = ENABLE + 4 * (source as usize / 32);
        let v = self.regs.read32(word);
        self.regs.write32(word, v | 1 << (source % 32));
    }

    /// Disables `source`.
    pub fn disable(&mut self, source: u32) {
        if source == 0 || source >= SOURCES {
            return;
        }
        let word = ENABLE + 4 * (source as usize / 32);
        let v = self.regs.read32(word);
        self.regs.write32(word, v & !(1 << (source % 32)));
    }

    /// Sets the urgency of `source`: level 0 is the most urgent (PLIC priority 7), levels above
    /// 6 are treated as 6 (priority 1; priority 0 would mean never).
    pub fn set_priority(&mut self, source: u32, level: u8) {
        if source == 0 || source >= SOURCES {
            return;
        }
        self.regs.write32(PRIORITY + 4 * source as usize, 7 - u32::from(level.min(6)));
    }
}
