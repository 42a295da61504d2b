//! A [`Clock`](mote_hal::Clock) on one TIMER of the Nordic nRF51 and nRF52 series (nRF51 Reference
//! Manual v3.0, chapter 18; nRF52840 Product Specification v1.7, section 6.30), as on the BBC
//! micro:bit, in QEMU's model of it (`-M microbit`), and on the nRF52840-DK.
//!
//! The two series' TIMERs have the same registers at the same offsets. The timer counts up at
//! 16 MHz / 2^`PRESCALER` in 32-bit mode (`BITMODE` 3; on the nRF51 only TIMER0 has 32 bits, on
//! the nRF52 every TIMER has). [`NrfTimer`] drives it as a [`CompareCounter`], and
//! [`CounterClock`] makes the 64-bit tickless clock of it (wraps and alarm steps are explained
//! there). Three of the four capture/compare registers are used:
//!
//! | register | role |
//! |----------|------|
//! | `CC[0]` | the guard ([`Compare::Guard`]) |
//! | `CC[1]` | the alarm ([`Compare::Alarm`]) |
//! | `CC[2]` | `TASKS_CAPTURE[2]` copies the counter here: that is how the counter is read |
//!
//! QEMU 7.2 models the nRF51's TIMER0..2 with these registers and interrupts (not the RTC, which
//! would be the low-power choice on real hardware). On the nRF52, a prescaler of 4 or more runs
//! the timer from the 1 MHz peripheral clock, which costs less power than the 16 MHz one.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Compare, CompareCounter, CounterClock, Mmio};

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
/// Largest `PRESCALER` both series accept.
const MAX_PRESCALER: u8 = 9;
/// The register the counter is captured into to read it.
const CC_NOW: usize = 2;

/// The kernel clock on an nRF TIMER.
pub type NrfClock = CounterClock<NrfTimer>;

/// The capture/compare register of a [`Compare`].
const fn cc(which: Compare) -> usize {
    match which {
        Compare::Guard => 0,
        Compare::Alarm => 1,
    }
}

/// `INTENSET`/`INTENCLR` bit of compare event `n`.
const fn int_compare(n: usize) -> u32 {
    1 << (16 + n)
}

/// One nRF TIMER in 32-bit timer mode (on the nRF51, use TIMER0: it is the one with 32 bits).
pub struct NrfTimer {
    regs: Mmio,
}

impl NrfTimer {
    /// Size of a timer's register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the timer whose registers are `regs` and whose interrupt line is `irq`, starts it
    /// from zero at 16 MHz / 2^`prescaler` (at most 9; 4 gives 1 MHz) and returns the clock on
    /// it. No alarm is set.
    pub fn clock(mut regs: Mmio, irq: u32, prescaler: u8) -> NrfClock {
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
        CounterClock::new(NrfTimer { regs }, BASE_HZ >> prescaler, irq)
    }
}

impl CompareCounter for NrfTimer {
    fn counter(&mut self) -> u32 {
        self.regs.write32(TASKS_CAPTURE + 4 * CC_NOW, TRIGGER);
        self.regs.read32(CC + 4 * CC_NOW)
    }

    fn set_compare(&mut self, which: Compare, value: u32) {
        self.regs.write32(CC + 4 * cc(which), value);
    }

    fn event(&self, which: Compare) -> bool {
        self.regs.read32(EVENTS_COMPARE + 4 * cc(which)) != 0
    }

    fn clear_event(&mut self, which: Compare) {
        self.regs.write32(EVENTS_COMPARE + 4 * cc(which), 0);
    }

    fn enable_interrupt(&mut self, which: Compare, on: bool) {
        self.regs.write32(if on { INTENSET } else { INTENCLR }, int_compare(cc(which)));
    }
}
