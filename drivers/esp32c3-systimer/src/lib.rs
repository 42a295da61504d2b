//! A [`Clock`] on the ESP32-C3's system timer (SYSTIMER, ESP32-C3 TRM chapter "System Timer"):
//! counter unit 0, 52 bits at a fixed 16 MHz (from the 40 MHz crystal), and comparator 0 as the
//! one-shot alarm. The comparator's interrupt is peripheral source 37 (`SYSTIMER_TARGET0`), which
//! reaches the CPU through the interrupt matrix (see `mote_arch_riscv::intmatrix`).
//!
//! 52 bits at 16 MHz wrap after 8.9 years: the clock does not extend them.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Clock, Mmio};

const CONF: usize = 0x00;
const UNIT0_OP: usize = 0x04;
const TARGET0_HI: usize = 0x1c;
const TARGET0_LO: usize = 0x20;
const TARGET0_CONF: usize = 0x34;
const UNIT0_VALUE_HI: usize = 0x40;
const UNIT0_VALUE_LO: usize = 0x44;
const COMP0_LOAD: usize = 0x50;
const INT_ENA: usize = 0x64;
const INT_RAW: usize = 0x68;
const INT_CLR: usize = 0x6c;

/// `CONF`: register clock on, counter unit 0 counting, comparator 0 enabled.
const CONF_CLK_EN: u32 = 1 << 31;
const CONF_UNIT0_WORK_EN: u32 = 1 << 30;
const CONF_TARGET0_WORK_EN: u32 = 1 << 24;
/// `UNIT0_OP`: latch the counter; the latched value is valid.
const OP_UPDATE: u32 = 1 << 30;
const OP_VALUE_VALID: u32 = 1 << 29;
/// Comparator 0's interrupt bit (in `INT_ENA`, `INT_RAW`, `INT_CLR`).
const TARGET0_INT: u32 = 1 << 0;
/// The counter's width.
const COUNTER_MASK: u64 = (1 << 52) - 1;
/// Least lead of an alarm over the counter when it is set, in ticks (1 µs).
const MIN_LEAD: u64 = 16;

/// The interrupt source of comparator 0.
pub const TARGET0_SOURCE: u32 = 37;
/// The counter's frequency.
pub const FREQUENCY_HZ: u32 = 16_000_000;

/// SYSTIMER counter unit 0 and comparator 0.
pub struct SystemTimer {
    regs: Mmio,
}

impl SystemTimer {
    /// Size of the register block (`0x6002_3000`).
    pub const REGISTERS_LEN: usize = 0x100;

    /// Takes the system timer: counter unit 0 running (it runs from reset), comparator 0 in
    /// one-shot mode on unit 0, its interrupt enabled at the timer, no alarm set.
    pub fn new(mut regs: Mmio) -> Self {
        let conf = regs.read32(CONF);
        regs.write32(CONF, (conf | CONF_CLK_EN | CONF_UNIT0_WORK_EN) & !CONF_TARGET0_WORK_EN);
        // One-shot (period mode off), compared with unit 0.
        regs.write32(TARGET0_CONF, 0);
        regs.write32(INT_CLR, TARGET0_INT);
        let ena = regs.read32(INT_ENA);
        regs.write32(INT_ENA, ena | TARGET0_INT);
        Self { regs }
    }

    fn comparator(&mut self, on: bool) {
        let conf = self.regs.read32(CONF);
        let conf = if on { conf | CONF_TARGET0_WORK_EN } else { conf & !CONF_TARGET0_WORK_EN };
        self.regs.write32(CONF, conf);
    }

    fn fired(&self) -> bool {
        self.regs.read32(INT_RAW) & TARGET0_INT != 0
    }
}

impl Clock for SystemTimer {
    fn frequency(&self) -> u32 {
        FREQUENCY_HZ
    }

    fn now(&mut self) -> u64 {
        self.regs.write32(UNIT0_OP, OP_UPDATE);
        while self.regs.read32(UNIT0_OP) & OP_VALUE_VALID == 0 {}
        let hi = u64::from(self.regs.read32(UNIT0_VALUE_HI));
        let lo = u64::from(self.regs.read32(UNIT0_VALUE_LO));
        (hi << 32 | lo) & COUNTER_MASK
    }

    fn set_alarm(&mut self, at: Option<u64>) {
        self.comparator(false);
        self.regs.write32(INT_CLR, TARGET0_INT);
        let Some(at) = at else { return };
        let mut lead = MIN_LEAD;
        let mut target = at.min(COUNTER_MASK);
        loop {
            target = target.max(self.now() + lead);
            self.regs.write32(TARGET0_HI, (target >> 32) as u32);
            self.regs.write32(TARGET0_LO, target as u32);
            self.regs.write32(COMP0_LOAD, 1);
            self.comparator(true);
            // The comparator may have missed a target the counter passed while it was loaded:
            // then move it further ahead, as ESP-IDF's systimer HAL does.
            if self.now() < target || self.fired() {
                return;
            }
            self.comparator(false);
            lead *= 2;
        }
    }

    fn interrupts(&self) -> &[u32] {
        &[TARGET0_SOURCE]
    }

    fn on_interrupt(&mut self) {
        // The alarm was one-shot: stop the comparator and clear its (level) interrupt.
        self.comparator(false);
        self.regs.write32(INT_CLR, TARGET0_INT);
    }
}
