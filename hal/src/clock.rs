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

/// Microseconds in a second.
const MICROS_PER_SECOND: u64 = 1_000_000;

/// Ticks to microseconds, rounded down, saturating.
///
/// In 64-bit arithmetic only: whole seconds and the remainder are converted apart, so nothing
/// overflows before the result does. (128-bit division is slow on 32-bit cores, and on Xtensa
/// LLVM passes its arguments differently from the `compiler_builtins` routine it calls.)
pub const fn ticks_to_micros(ticks: u64, frequency: u32) -> u64 {
    // The usual clocks, a whole number of megahertz, take a shorter way than the general 64-bit
    // divisions, which 32-bit cores do in software: a division by that number in 32-bit steps.
    if frequency != 0 && frequency.is_multiple_of(1_000_000) && frequency / 1_000_000 < 1 << 16 {
        return div_small(ticks, frequency / 1_000_000);
    }
    let f = frequency as u64;
    let (seconds, rest) = (ticks / f, ticks % f);
    // rest < 2^32, so rest * 10^6 < 2^52.
    let fraction = rest * MICROS_PER_SECOND / f;
    match seconds.checked_mul(MICROS_PER_SECOND) {
        Some(m) => m.saturating_add(fraction),
        None => u64::MAX,
    }
}

/// `n / d` for `0 < d < 2^16`, by long division in 16-bit digits: three 32-bit divisions, which
/// most 32-bit cores have in hardware (a 64-bit division is a library routine of hundreds of
/// instructions there).
const fn div_small(n: u64, d: u32) -> u64 {
    let high = (n >> 32) as u32;
    let (q_high, r) = (high / d, high % d);
    // `r < d < 2^16`, so each partial dividend fits in 32 bits and each quotient digit in 16.
    let middle = (r << 16) | ((n >> 16) as u32 & 0xffff);
    let (q_middle, r) = (middle / d, middle % d);
    let low = (r << 16) | (n as u32 & 0xffff);
    ((q_high as u64) << 32) | ((q_middle as u64) << 16) | (low / d) as u64
}

/// Microseconds to ticks, rounded up (a deadline is never early), saturating. 64-bit
/// arithmetic only, as [`ticks_to_micros`].
pub const fn micros_to_ticks(micros: u64, frequency: u32) -> u64 {
    let f = frequency as u64;
    let (seconds, rest) = (micros / MICROS_PER_SECOND, micros % MICROS_PER_SECOND);
    // rest < 10^6, so rest * f < 2^52.
    let fraction = (rest * f).div_ceil(MICROS_PER_SECOND);
    match seconds.checked_mul(f) {
        Some(t) => t.saturating_add(fraction),
        None => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every way `ticks_to_micros` takes gives the exact result, for any tick count.
        #[test]
        fn ticks_to_micros_is_exact(ticks: u64, f in prop::sample::select(std::vec![1u32, 7, 32_768, 65_536, 250_000, 1_000_000, 12_000_000, 25_000_000, 48_000_000, 65_535_000_000u64 as u32, 1 << 31, 19_200_000, u32::MAX])) {
            let exact = ((ticks as u128 * 1_000_000) / f as u128).min(u64::MAX as u128) as u64;
            prop_assert_eq!(ticks_to_micros(ticks, f), exact);
        }

        /// The long division in 16-bit digits is a division.
        #[test]
        fn div_small_divides(n: u64, d in 1u32..1 << 16) {
            prop_assert_eq!(div_small(n, d), n / u64::from(d));
        }
    }

    #[test]
    fn conversions_round_trip_and_round_up() {
        assert_eq!(ticks_to_micros(25_000_000, 25_000_000), 1_000_000);
        assert_eq!(micros_to_ticks(1, 25_000_000), 25);
        assert_eq!(micros_to_ticks(1, 32_768), 1, "rounded up, never early");
        assert_eq!(micros_to_ticks(u64::MAX, 25_000_000), u64::MAX, "saturates");
        assert_eq!(ticks_to_micros(u64::MAX, 1), u64::MAX, "saturates");
        assert_eq!(ticks_to_micros(10, 10_000_000), 1);
    }

    #[test]
    fn conversions_match_exact_128_bit_arithmetic() {
        let exact_micros = |t: u64, f: u32| ((t as u128 * 1_000_000) / f as u128).min(u64::MAX as u128) as u64;
        let exact_ticks = |m: u64, f: u32| (m as u128 * f as u128).div_ceil(1_000_000).min(u64::MAX as u128) as u64;
        let values = [0, 1, 999_999, 1_000_000, 1_000_001, 40_000_000 * 107 + 12_345, u32::MAX as u64 + 7, 1 << 50, u64::MAX / 3, u64::MAX];
        for f in [1, 3, 32_768, 500_000, 1_000_000, 10_000_000, 16_000_000, 25_000_000, 40_000_000, 52_000_000, 4_000_000_000, u32::MAX] {
            for v in values {
                assert_eq!(ticks_to_micros(v, f), exact_micros(v, f), "ticks_to_micros({v}, {f})");
                assert_eq!(micros_to_ticks(v, f), exact_ticks(v, f), "micros_to_ticks({v}, {f})");
            }
        }
    }
}
