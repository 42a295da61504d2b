//! A [`Clock`] on the RISC-V core-local interruptor (CLINT, also called ACLINT MTIMER): the
//! 64-bit `mtime` counter and hart 0's `mtimecmp`. The machine timer interrupt goes straight to the
//! hart (`mie.MTIE`, enabled by the arch crate), not through an interrupt controller.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Clock, Mmio};

const MTIMECMP0: usize = 0x4000;
const MTIME: usize = 0xbff8;

/// The CLINT machine timer.
pub struct ClintClock {
    regs: Mmio,
    frequency: u32,
}

impl ClintClock {
    /// Size of the CLINT register block.
    pub const REGISTERS_LEN: usize = 0x1_0000;

    /// Takes the CLINT at `regs`, whose `mtime` counts at `frequency` Hz; no alarm is set.
    pub fn new(regs: Mmio, frequency: u32) -> Self {
        let mut clock = Self { regs, frequency };
        clock.set_alarm(None);
        clock
    }

    fn write_compare(&mut self, value: u64) {
        // Raise the high half first so no intermediate value triggers a spurious interrupt.
        self.regs.write32(MTIMECMP0 + 4, u32::MAX);
        self.regs.write32(MTIMECMP0, value as u32);
        self.regs.write32(MTIMECMP0 + 4, (value >> 32) as u32);
    }
}

impl Clock for ClintClock {
    fn frequency(&self) -> u32 {
        self.frequency
    }

    fn now(&mut self) -> u64 {
        // The two halves are read separately on RV32: retry if the high half changed.
        loop {
            let hi = self.regs.read32(MTIME + 4);
            let lo = self.regs.read32(MTIME);
            if self.regs.read32(MTIME + 4) == hi {
                return (u64::from(hi) << 32) | u64::from(lo);
            }
        }
    }

    fn set_alarm(&mut self, at: Option<u64>) {
        // The interrupt is pending while mtime >= mtimecmp: moving the compare value clears it.
        self.write_compare(at.unwrap_or(u64::MAX));
    }

    fn interrupts(&self) -> &[u32] {
        &[]
    }

    fn on_interrupt(&mut self) {}
}
