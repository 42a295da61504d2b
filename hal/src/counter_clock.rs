//! A 64-bit tickless [`Clock`] on any 32-bit up-counter with two compare registers.
//!
//! Many timers are the same machine: a free-running 32-bit counter and compare registers that
//! raise an event (and an interrupt) when the counter *becomes* equal to them. The nRF51 and nRF52
//! TIMER and the STM32 general-purpose timers TIM2/TIM5 are. A driver for such a timer implements
//! [`CompareCounter`] (read the counter, write a compare register, look at and clear its event,
//! enable its interrupt) and gets a [`Clock`] from [`CounterClock`], which does the rest:
//!
//! | compare | role |
//! |---------|------|
//! | [`Compare::Guard`] | set half a wrap (2^31 ticks) after the last reading, with an interrupt, so the counter is read at least that often |
//! | [`Compare::Alarm`] | the low 32 bits of the next step toward the deadline, with an interrupt |
//!
//! **Wraps.** The 64-bit time is the 32-bit counter plus 2^32 for each wrap. A reading lower than
//! the one before means the counter wrapped in between; the guard makes sure no two readings are a
//! full wrap apart, so no wrap is missed. (Counting wraps with a compare at 0 is fragile: QEMU's
//! nRF51 model raises the event of a compare register equal to the counter whenever the timer is
//! touched, which counted wraps that did not happen. The same quirk is why a compare register is
//! always written *before* its event is cleared, never after.)
//!
//! **Alarms.** A value the counter has already passed matches only after a full wrap. So after
//! writing the alarm compare, the clock reads the counter again and, if it went past the target
//! without the event, tries again further ahead. Deadlines more than 2^30 ticks away are reached
//! in several steps.

use crate::Clock;

/// The two compare registers [`CounterClock`] uses.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Keeps the counter read at least every half wrap.
    Guard,
    /// The alarm toward the next deadline.
    Alarm,
}

/// A free-running 32-bit up-counter with two compare registers: what a timer driver provides to
/// [`CounterClock`].
pub trait CompareCounter {
    /// The counter now.
    fn counter(&mut self) -> u32;
    /// Writes compare register `which` (without clearing its event).
    fn set_compare(&mut self, which: Compare, value: u32);
    /// Whether the counter has matched compare register `which` since its event was cleared.
    fn event(&self, which: Compare) -> bool;
    /// Clears the event of compare register `which` (and so its interrupt).
    fn clear_event(&mut self, which: Compare);
    /// Enables or disables the interrupt of compare register `which`.
    fn enable_interrupt(&mut self, which: Compare, on: bool);
}

/// How far ahead of the last reading the guard is set.
const GUARD_DISTANCE: u32 = 1 << 31;
/// Ticks ahead of the counter the alarm is first set at least, when its deadline is (nearly)
/// reached: one tick could pass before the write lands. Doubled on each miss.
const MIN_AHEAD: u64 = 2;
/// Farthest an alarm is set ahead in one step: a quarter of the counter's range, so that "ahead
/// of the counter" is unambiguous in wrapping arithmetic.
const MAX_STEP: u64 = 1 << 30;

/// The kernel clock on a [`CompareCounter`].
pub struct CounterClock<C> {
    counter: C,
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

impl<C: CompareCounter> CounterClock<C> {
    /// Takes a started counter that counts `frequency` ticks a second and interrupts on line
    /// `irq`. Time starts at the counter's current value; the guard is armed, no alarm is set.
    pub fn new(counter: C, frequency: u32, irq: u32) -> Self {
        let mut clock = Self { counter, frequency, irqs: [irq], high: 0, last: 0, deadline: None };
        clock.counter.enable_interrupt(Compare::Alarm, false);
        clock.now();
        clock.arm_guard();
        clock.counter.enable_interrupt(Compare::Guard, true);
        clock
    }

    /// Sets the guard half a wrap after the last reading.
    fn arm_guard(&mut self) {
        self.counter.set_compare(Compare::Guard, self.last.wrapping_add(GUARD_DISTANCE));
        self.counter.clear_event(Compare::Guard);
    }

    /// Sets the alarm compare toward the deadline, if any, and enables its interrupt.
    fn program_alarm(&mut self) {
        self.counter.enable_interrupt(Compare::Alarm, false);
        let Some(at) = self.deadline else {
            self.counter.clear_event(Compare::Alarm);
            return;
        };
        let mut ahead = MIN_AHEAD;
        loop {
            let now = self.now();
            let delta = at.saturating_sub(now).clamp(ahead, MAX_STEP);
            let target = (now as u32).wrapping_add(delta as u32);
            self.counter.set_compare(Compare::Alarm, target);
            self.counter.clear_event(Compare::Alarm);
            // Still ahead of the counter (it will match), or matched since the event was cleared:
            // done. Otherwise the counter passed the target before the write landed: aim further.
            let left = target.wrapping_sub(self.counter.counter()) as i32;
            if left > 0 || self.counter.event(Compare::Alarm) {
                break;
            }
            ahead = (ahead * 2).min(MAX_STEP);
        }
        self.counter.enable_interrupt(Compare::Alarm, true);
    }
}

impl<C: CompareCounter> Clock for CounterClock<C> {
    fn frequency(&self) -> u32 {
        self.frequency
    }

    fn now(&mut self) -> u64 {
        // Lower than the last reading: the counter wrapped in between (once: the guard makes sure
        // readings are less than a wrap apart).
        let low = self.counter.counter();
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
        if self.counter.event(Compare::Guard) {
            self.arm_guard();
        }
        if self.counter.event(Compare::Alarm) {
            // The alarm fired. If the deadline is still ahead (it was more than 2^30 ticks away),
            // take the next step; otherwise leave it off: the kernel re-arms it after checking
            // its deadlines.
            if self.deadline.is_some_and(|at| at > now) {
                self.program_alarm();
            } else {
                self.counter.enable_interrupt(Compare::Alarm, false);
                self.counter.clear_event(Compare::Alarm);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simulated counter: advances `step` ticks on every reading; compare events are raised
    /// when the counter passes a compare value (as the hardware does, one tick at a time).
    struct Sim {
        value: u32,
        step: u32,
        compare: [u32; 2],
        events: [bool; 2],
        enabled: [bool; 2],
        /// Compare registers written so far.
        writes: u32,
    }

    fn index(which: Compare) -> usize {
        match which {
            Compare::Guard => 0,
            Compare::Alarm => 1,
        }
    }

    impl Sim {
        fn new(value: u32, step: u32) -> Self {
            Sim { value, step, compare: [0; 2], events: [false; 2], enabled: [false; 2], writes: 0 }
        }

        /// Advances the counter by `n` ticks, raising the events of compares it reaches.
        fn advance(&mut self, n: u32) {
            for c in 0..2 {
                // Reached in (value, value + n]?
                let distance = self.compare[c].wrapping_sub(self.value);
                if distance != 0 && distance <= n {
                    self.events[c] = true;
                }
            }
            self.value = self.value.wrapping_add(n);
        }

        fn pending(&self) -> bool {
            (0..2).any(|c| self.events[c] && self.enabled[c])
        }
    }

    impl CompareCounter for Sim {
        fn counter(&mut self) -> u32 {
            self.advance(self.step);
            self.value
        }
        fn set_compare(&mut self, which: Compare, value: u32) {
            // The write takes time too: the counter may pass the value before it lands.
            self.advance(self.step);
            self.compare[index(which)] = value;
            self.writes += 1;
        }
        fn event(&self, which: Compare) -> bool {
            self.events[index(which)]
        }
        fn clear_event(&mut self, which: Compare) {
            self.events[index(which)] = false;
        }
        fn enable_interrupt(&mut self, which: Compare, on: bool) {
            self.enabled[index(which)] = on;
        }
    }

    /// Lets `ticks` pass in chunks, serving interrupts as the kernel would.
    fn run(clock: &mut CounterClock<Sim>, ticks: u64, chunk: u32) -> u32 {
        let mut interrupts = 0;
        let mut left = ticks;
        while left > 0 {
            let n = left.min(u64::from(chunk)) as u32;
            clock.counter.advance(n);
            left -= u64::from(n);
            if clock.counter.pending() {
                interrupts += 1;
                clock.on_interrupt();
            }
        }
        interrupts
    }

    #[test]
    fn time_is_continuous_across_wraps() {
        let mut clock = CounterClock::new(Sim::new(0xffff_ff00, 1), 1_000_000, 8);
        let start = clock.now();
        // Ten wraps, in chunks much smaller than the guard distance: the guard keeps up.
        run(&mut clock, 10 << 32, 1 << 28);
        let end = clock.now();
        assert!(end - start >= 10 << 32 && end - start < (10 << 32) + 64, "{start} {end}");
    }

    #[test]
    fn the_guard_alone_keeps_wraps_counted() {
        let mut clock = CounterClock::new(Sim::new(5, 1), 1_000_000, 8);
        // No reading but the interrupts: chunks of 2^29, the guard fires every 2^31.
        let interrupts = run(&mut clock, 6 << 32, 1 << 29);
        assert!(interrupts >= 10, "guard interrupts: {interrupts}");
        assert!(clock.now() >= 6 << 32);
    }

    #[test]
    fn an_alarm_fires_at_its_deadline_not_before() {
        let mut clock = CounterClock::new(Sim::new(1000, 1), 1_000_000, 8);
        let at = clock.now() + 5000;
        clock.set_alarm(Some(at));
        run(&mut clock, 4000, 100);
        assert!(!clock.counter.events[1], "early");
        run(&mut clock, 1100, 100);
        assert!(clock.now() >= at);
        assert!(!clock.counter.enabled[1], "left off once its time has come");
    }

    #[test]
    fn a_far_alarm_is_reached_in_steps() {
        let mut clock = CounterClock::new(Sim::new(0, 1), 1_000_000, 8);
        let at = clock.now() + (3 << 32) + 77;
        clock.set_alarm(Some(at));
        run(&mut clock, (3 << 32) + 10, 1 << 24);
        assert!(clock.counter.enabled[1], "still stepping toward a deadline not reached");
        run(&mut clock, 1 << 24, 1 << 24);
        assert!(clock.now() >= at && !clock.counter.enabled[1]);
    }

    #[test]
    fn a_deadline_in_the_past_is_aimed_just_ahead() {
        // The counter moves 50 ticks per access: the first aims are passed before they land.
        let mut clock = CounterClock::new(Sim::new(0, 50), 1_000_000, 8);
        let now = clock.now();
        let writes = clock.counter.writes;
        clock.set_alarm(Some(now - 1));
        let sim = &clock.counter;
        assert!(sim.enabled[1]);
        assert!(sim.writes - writes > 1, "missed aims were retried further ahead");
        assert!(sim.events[1] || sim.compare[1].wrapping_sub(sim.value) as i32 > 0, "will fire");
        clock.set_alarm(None);
        assert!(!clock.counter.enabled[1] && !clock.counter.events[1]);
    }
}
