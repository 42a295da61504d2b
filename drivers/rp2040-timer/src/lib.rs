//! A [`Clock`] on the TIMER of the Raspberry Pi RP2040 (RP2040 datasheet, section 4.6): a 64-bit
//! counter of microseconds, so no wrap to track, and four alarms, of which ALARM0 is used.
//!
//! **Counter.** Read through `TIMERAWH`/`TIMERAWL`, which have no side effects (unlike the latched
//! `TIMEHR`/`TIMELR` pair, which a second reader could disturb): high, low, high again, until both
//! highs agree, so a carry between the two halves cannot tear the reading.
//!
//! **Ticks.** The counter advances once per tick of the watchdog's tick generator, which the board
//! sets to divide its reference clock down to 1 MHz (`WATCHDOG.TICK`); that is the board's job.
//!
//! **Alarm.** Writing `ALARM0` arms it; it fires, disarms itself and raises `INTR` bit 0 when the
//! *low 32 bits* of the counter equal it. A target the counter has already passed would therefore
//! fire only after a 72-minute wrap: after arming, the driver reads the counter again and, if it
//! went past the target while the alarm is still armed, aims further ahead. Deadlines more than
//! 2^30 µs away are reached in several steps.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Clock, Mmio};

const ALARM0: usize = 0x10;
const ARMED: usize = 0x20;
const TIMERAWH: usize = 0x24;
const TIMERAWL: usize = 0x28;
const INTR: usize = 0x34;
const INTE: usize = 0x38;
/// `ARMED`, `INTR` and `INTE` bit of ALARM0.
const ALARM0_BIT: u32 = 1 << 0;
/// The counter's rate, given a 1 MHz tick.
const FREQUENCY: u32 = 1_000_000;
/// Ticks ahead of the counter the alarm is first set at least, when its deadline is (nearly)
/// reached. Doubled on each miss.
const MIN_AHEAD: u64 = 2;
/// Farthest an alarm is set ahead in one step: a quarter of the low half's range.
const MAX_STEP: u64 = 1 << 30;

/// The kernel clock on the RP2040 TIMER.
pub struct Rp2040Clock {
    regs: Mmio,
    /// ALARM0's interrupt line (`TIMER_IRQ_0`).
    irqs: [u32; 1],
    /// The deadline the alarm works toward.
    deadline: Option<u64>,
}

impl Rp2040Clock {
    /// Size of the TIMER's register block.
    pub const REGISTERS_LEN: usize = 0x1000;
    /// `TIMER_IRQ_0`, ALARM0's interrupt line.
    pub const IRQ_ALARM0: u32 = 0;

    /// Takes the TIMER (out of reset, its tick running at 1 MHz). It counts from wherever it is;
    /// no alarm is set.
    pub fn new(regs: Mmio) -> Self {
        let mut clock = Self { regs, irqs: [Self::IRQ_ALARM0], deadline: None };
        clock.disarm();
        clock
    }

    fn disarm(&mut self) {
        self.regs.write32(INTE, self.regs.read32(INTE) & !ALARM0_BIT);
        self.regs.write32(ARMED, ALARM0_BIT);
        self.regs.write32(INTR, ALARM0_BIT);
    }

    /// Arms ALARM0 toward the deadline, if any, and enables its interrupt.
    fn program_alarm(&mut self) {
        let Some(at) = self.deadline else {
            self.disarm();
            return;
        };
        let mut ahead = MIN_AHEAD;
        loop {
            let now = self.now();
            let delta = at.saturating_sub(now).clamp(ahead, MAX_STEP);
            let target = (now as u32).wrapping_add(delta as u32);
            self.regs.write32(INTR, ALARM0_BIT);
            self.regs.write32(ALARM0, target);
            // Still ahead of the counter, or already fired: done. Otherwise the counter passed
            // the target before the write landed: aim further.
            let left = target.wrapping_sub(self.regs.read32(TIMERAWL)) as i32;
            let armed = self.regs.read32(ARMED) & ALARM0_BIT != 0;
            if left > 0 || !armed {
                break;
            }
            ahead = (ahead * 2).min(MAX_STEP);
        }
        self.regs.write32(INTE, self.regs.read32(INTE) | ALARM0_BIT);
    }
}

impl Clock for Rp2040Clock {
    fn frequency(&self) -> u32 {
        FREQUENCY
    }

    fn now(&mut self) -> u64 {
        loop {
            let high = self.regs.read32(TIMERAWH);
            let low = self.regs.read32(TIMERAWL);
            if self.regs.read32(TIMERAWH) == high {
                return (u64::from(high) << 32) | u64::from(low);
            }
        }
    }

    fn set_alarm(&mut self, at: Option<u64>) {
        self.deadline = at;
        self.program_alarm();
    }

    fn interrupts(&self) -> &[u32] {
        &self.irqs
    }

    fn on_interrupt(&mut self) {
        // The alarm fired (and disarmed itself). If the deadline is still ahead (it was more
        // than 2^30 µs away), take the next step; otherwise leave it off: the kernel re-arms it
        // after checking its deadlines.
        self.regs.write32(INTR, ALARM0_BIT);
        let now = self.now();
        if self.deadline.is_some_and(|at| at > now) {
            self.program_alarm();
        } else {
            self.disarm();
        }
    }
}
