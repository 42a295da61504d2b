//! Time: a monotonic clock with one alarm.
//!
//! The kernel keeps every deadline itself and asks the clock for one interrupt, at the earliest
//! deadline (tickless): with nothing to wait for, no alarm is set and the CPU sleeps undisturbed.

/// A monotonic tick counter with a one-shot alarm. Implemented by a board's timer driver.
pub trait Clock {
    /// Ticks per second.
    fn frequency(&self) -> u32;

    /// Ticks since the clock started. Never goes backwards and does not wrap in practice (64 bits).
    fn now(&mut self) -> u64;

    /// Asks for an interrupt once `now() >= at` (at once if that is already so), replacing any
    /// earlier request; `None` cancels. Also clears an alarm interrupt that has already fired.
    fn set_alarm(&mut self, at: Option<u64>);

    /// The interrupt lines (IRQ numbers at the interrupt controller) the clock raises; empty if
    /// it interrupts the CPU directly (the RISC-V machine timer). The kernel enables them at boot.
    fn interrupts(&self) -> &[u32];

    /// Called when the clock's interrupt fired: do the driver's bookkeeping (a counter wrap, an
    /// expired alarm) and clear the interrupt at the device. Must not re-arm an alarm whose time
    /// has come (the kernel handles the deadline next, then sets the following alarm).
    fn on_interrupt(&mut self);
}

/// Ticks to microseconds, rounded down, saturating.
pub const fn ticks_to_micros(ticks: u64, frequency: u32) -> u64 {
    let m = (ticks as u128 * 1_000_000) / frequency as u128;
    if m > u64::MAX as u128 {
        u64::MAX
    } else {
        m as u64
    }
}

/// Microseconds to ticks, rounded up (a deadline is never early), saturating.
pub const fn micros_to_ticks(micros: u64, frequency: u32) -> u64 {
    let t = (micros as u128 * frequency as u128).div_ceil(1_000_000);
    if t > u64::MAX as u128 {
        u64::MAX
    } else {
        t as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip_and_round_up() {
        assert_eq!(ticks_to_micros(25_000_000, 25_000_000), 1_000_000);
        assert_eq!(micros_to_ticks(1, 25_000_000), 25);
        assert_eq!(micros_to_ticks(1, 32_768), 1, "rounded up, never early");
        assert_eq!(micros_to_ticks(u64::MAX, 25_000_000), u64::MAX, "saturates");
        assert_eq!(ticks_to_micros(u64::MAX, 1), u64::MAX, "saturates");
        assert_eq!(ticks_to_micros(10, 10_000_000), 1);
    }
}
