//! The kernel clock on the core's cycle counter: `CCOUNT` counts at the core clock, and the
//! timer interrupt (interrupt 6 on the lx106) fires when it equals `CCOMPARE0`.
//!
//! `CCOUNT` has 32 bits (it wraps after 107 s at 40 MHz). The clock extends it to 64 bits by
//! counting wraps whenever it is read, and never lets more than half a wrap pass without an
//! interrupt (`GUARD`): an alarm further away, or none, is replaced by one at the guard, so the
//! kernel reads the clock at least that often.

use mote_hal::Clock;

use crate::sregs;

/// The timer interrupt of `CCOMPARE0` on the lx106.
pub const TIMER_INTERRUPT: u32 = 6;
/// Longest time between two alarms: half the counter's period.
const GUARD: u64 = 1 << 31;
/// Least lead of an alarm over the counter when it is written, in ticks.
const MIN_LEAD: u64 = 64;

/// `CCOUNT` / `CCOMPARE0`, extended to 64 bits.
pub struct CcountClock {
    hz: u32,
    wraps: u32,
    last: u32,
}

impl CcountClock {
    /// Takes the cycle counter, which counts at `hz`, and enables its interrupt (it can only
    /// interrupt processes and wake the kernel from `waiti`; the kernel runs with it masked).
    pub fn new(hz: u32) -> Self {
        let mut clock = Self { hz, wraps: 0, last: sregs::ccount() };
        clock.set_alarm(None);
        sregs::set_intenable(sregs::intenable() | 1 << TIMER_INTERRUPT);
        clock
    }

    fn pending(&self) -> bool {
        sregs::interrupt() & 1 << TIMER_INTERRUPT != 0
    }
}

impl Clock for CcountClock {
    fn frequency(&self) -> u32 {
        self.hz
    }

    fn now(&mut self) -> u64 {
        let low = sregs::ccount();
        if low < self.last {
            self.wraps += 1;
        }
        self.last = low;
        u64::from(self.wraps) << 32 | u64::from(low)
    }

    fn set_alarm(&mut self, at: Option<u64>) {
        let now = self.now();
        let mut target = at.unwrap_or(u64::MAX).min(now + GUARD);
        let mut lead = MIN_LEAD;
        loop {
            let now = self.now();
            target = target.max(now + lead);
            // Writing CCOMPARE0 clears an interrupt that has already fired.
            sregs::set_ccompare0(target as u32);
            // If the counter passed the target while it was written, the match was missed and
            // would come only after a wrap: try again further ahead.
            if self.now() < target || self.pending() {
                return;
            }
            lead *= 2;
        }
    }

    fn interrupts(&self) -> &[u32] {
        // A core interrupt, not a line of an interrupt controller: the kernel checks its
        // deadlines after every interrupt anyway.
        &[]
    }

    fn on_interrupt(&mut self) {
        self.now();
    }
}
