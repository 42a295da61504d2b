//! A [`Clock`] on one TIMER of the Nordic nRF51 series (nRF51 Reference Manual v3.0, chapter 18),
//! as on the BBC micro:bit and in QEMU's model of it (`-M microbit`).
//!
//! The timer counts up at 16 MHz / 2^`PRESCALER` in 32-bit mode (`BITMODE` 3; on the nRF51 only
//! TIMER0 has 32 bits, TIMER1 and TIMER2 have 16). Three of its four capture/compare registers
//! are used:
//!
//! | register | role |
//! |----------|------|
//! | `CC[0]` | the *guard*: set half a wrap (2^31 ticks) after the last reading, with an interrupt, so the counter is read at least that often |
//! | `CC[1]` | the alarm: the low 32 bits of the next step toward the deadline, with an interrupt |
//! | `CC[2]` | `TASKS_CAPTURE[2]` copies the counter here: that is how the counter is read |
//!
//! **Wraps.** The 64-bit time is the 32-bit counter plus 2^32 for each wrap. A reading lower than
//! the one before means the counter wrapped in between; the guard makes sure no two readings are a
//! full wrap apart. (A compare at 0 counting wraps does not work on QEMU 7.2: its model raises the
//! event of a `CC` equal to the counter whenever the timer is touched, so a capture in the first
//! tick after a wrap, or after start, counted a wrap that did not happen. The same quirk is why the
//! driver writes a compare register before clearing its event, never after.)
//!
//! **Alarms.** A compare event happens when the counter *becomes* equal to `CC[n]`; a value the
//! counter has already passed matches only after a full wrap. So after writing `CC[1]`, the
//! driver reads the counter again and, if it went past the target without the event, tries again
//! further ahead. Deadlines more than 2^30 ticks away are reached in several steps.
//!
//! QEMU 7.2 models TIMER0..2 with these registers and interrupts (not the RTC, which would be the
//! low-power choice on real hardware).

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Clock, Mmio};

const TASKS_START: usize = 0x000;
const TASKS_STOP: usize = 0x004;
const TASKS_CLEAR: usize = 0x00c;
const TASKS_CAPTURE: usize = 0x040;
const EVENTS_COMPARE: usize = 0x140;
const INTENSET: usize = 0x304;
const INTENCLR: usize = 0x308;
const MODE: usize = 0x504;
const BITMODE: usize = 0x508;
const PRESCALER: usize = 0x510;
const CC: usize = 0x540;

/// Value that triggers a task.
const TRIGGER: u32 = 1;
/// `MODE`: timer (count the clock), not counter.
const MODE_TIMER: u32 = 0;
/// `BITMODE`: 32 bits.
const BITMODE_32: u32 = 3;
/// The timer's base clock.
const BASE_HZ: u32 = 16_000_000;
/// Largest `PRESCALER` the nRF51 accepts.
const MAX_PRESCALER: u8 = 9;

/// The compare register that makes sure the counter is read at least every 2^31 ticks.
const CC_GUARD: usize = 0;
/// The compare register of the alarm.
const CC_ALARM: usize = 1;
/// The register the counter is captured into to read it.
const CC_NOW: usize = 2;
/// How far ahead of the last reading the guard is set.
const GUARD_DISTANCE: u32 = 1 << 31;

/// `INTENSET`/`INTENCLR` bit of compare event `n`.
const fn int_compare(n: usize) -> u32 {
    1 << (16 + n)
}

/// Ticks ahead of the counter the alarm is first set at least, when its deadline is (nearly)
/// reached: one tick could pass before the write lands. Doubled on each miss.
const MIN_AHEAD: u64 = 2;
/// Farthest an alarm is set ahead in one step: a quarter of the counter's range, so that "ahead
/// of the counter" is unambiguous in wrapping arithmetic.
const MAX_STEP: u64 = 1 << 30;

/// The kernel clock on an nRF51 TIMER (use TIMER0: it is the one with 32 bits).
pub struct Nrf51Clock {
    regs: Mmio,
    frequency: u32,
    /// The timer's interrupt line.
    irqs: [u32; 1],
    /// Completed wraps of the counter, times 2^32.
    high: u64,
    /// The counter at the last reading.
    last: u32,
    /// The deadline the alarm works toward.
    deadline: Option<u64>,
}

impl Nrf51Clock {
    /// Size of a timer's register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the timer whose registers are `regs` and whose interrupt line is `irq`, and starts
    /// it from zero at 16 MHz / 2^`prescaler` (at most 9; 4 gives 1 MHz). No alarm is set.
    pub fn new(mut regs: Mmio, irq: u32, prescaler: u8) -> Self {
        let prescaler = prescaler.min(MAX_PRESCALER);
        regs.write32(TASKS_STOP, TRIGGER);
        regs.write32(INTENCLR, int_compare(0) | int_compare(1) | int_compare(2) | int_compare(3));
        regs.write32(MODE, MODE_TIMER);
        regs.write32(BITMODE, BITMODE_32);
        regs.write32(PRESCALER, u32::from(prescaler));
        regs.write32(TASKS_CLEAR, TRIGGER);
        for n in 0..4 {
            regs.write32(CC + 4 * n, 0);
            regs.write32(EVENTS_COMPARE + 4 * n, 0);
        }
        regs.write32(TASKS_START, TRIGGER);
        let mut clock = Self { regs, frequency: BASE_HZ >> prescaler, irqs: [irq], high: 0, last: 0, deadline: None };
        clock.now();
        clock.arm_guard();
        clock.regs.write32(INTENSET, int_compare(CC_GUARD));
        clock
    }

    /// The 32-bit counter.
    fn counter(&mut self) -> u32 {
        self.regs.write32(TASKS_CAPTURE + 4 * CC_NOW, TRIGGER);
        self.regs.read32(CC + 4 * CC_NOW)
    }

    fn event(&self, n: usize) -> bool {
        self.regs.read32(EVENTS_COMPARE + 4 * n) != 0
    }

    fn clear_event(&mut self, n: usize) {
        self.regs.write32(EVENTS_COMPARE + 4 * n, 0);
    }

    /// Sets the guard half a wrap after the last reading.
    fn arm_guard(&mut self) {
        self.regs.write32(CC + 4 * CC_GUARD, self.last.wrapping_add(GUARD_DISTANCE));
        self.clear_event(CC_GUARD);
    }

    /// Sets the compare register toward the deadline, if any, and enables its interrupt.
    fn program_alarm(&mut self) {
        self.regs.write32(INTENCLR, int_compare(CC_ALARM));
        let Some(at) = self.deadline else {
            self.clear_event(CC_ALARM);
            return;
        };
        let mut ahead = MIN_AHEAD;
        loop {
            let now = self.now();
            let delta = at.saturating_sub(now).clamp(ahead, MAX_STEP);
            let target = (now as u32).wrapping_add(delta as u32);
            self.regs.write32(CC + 4 * CC_ALARM, target);
            self.clear_event(CC_ALARM);
            // Still ahead of the counter (it will match), or matched since the event was cleared:
            // done. Otherwise the counter passed the target before the write landed: aim further.
            let left = target.wrapping_sub(self.counter()) as i32;
            if left > 0 || self.event(CC_ALARM) {
                break;
            }
            ahead = (ahead * 2).min(MAX_STEP);
        }
        self.regs.write32(INTENSET, int_compare(CC_ALARM));
    }
}

impl Clock for Nrf51Clock {
    fn frequency(&self) -> u32 {
        self.frequency
    }

    fn now(&mut self) -> u64 {
        // Lower than the last reading: the counter wrapped in between (once: the guard makes sure
        // readings are less than a wrap apart).
        let low = self.counter();
        if low < self.last {
            self.high += 1 << 32;
        }
        self.last = low;
        self.high + u64::from(low)
    }

    fn set_alarm(&mut self, at: Option<u64>) {
        self.deadline = at;
        self.program_alarm();
    }

    fn interrupts(&self) -> &[u32] {
        &self.irqs
    }

    fn on_interrupt(&mut self) {
        let now = self.now();
        if self.event(CC_GUARD) {
            self.arm_guard();
        }
        if self.event(CC_ALARM) {
            // The alarm fired. If the deadline is still ahead (it was more than 2^30 ticks away),
            // take the next step; otherwise leave it off: the kernel re-arms it after checking
            // its deadlines.
            if self.deadline.is_some_and(|at| at > now) {
                self.program_alarm();
            } else {
                self.regs.write32(INTENCLR, int_compare(CC_ALARM));
                self.clear_event(CC_ALARM);
            }
        }
    }
}
