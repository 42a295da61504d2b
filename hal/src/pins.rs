//! Digital pins, as `embedded-hal` 1.0 sees them.
//!
//! A GPIO driver owns one register block for all its pins. It implements [`PinBank`] (drive some
//! pins, read what is driven, read the levels on the pins) and hands each pin out once, tracked by
//! [`PinClaims`], as an [`Output`] or an [`Input`]. Those implement the `embedded-hal` digital
//! traits here, once for every driver: a driver crate from crates.io that is generic over
//! [`OutputPin`] or [`InputPin`] takes them as they are.
//!
//! Pins borrow their bank, so the bank outlives them. A bank and its pins belong to one owner (the
//! kernel, or the process that owns the device) with one thread; a bank may use
//! read-modify-write on its registers.

use core::cell::Cell;
use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};

/// Why a pin cannot be had.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PinError {
    /// The block has no such pin.
    NoSuchPin,
    /// The pin was handed out already.
    Taken,
}

/// Which of up to 32 pins have been handed out.
#[derive(Debug, Default)]
pub struct PinClaims {
    taken: Cell<u32>,
}

impl PinClaims {
    /// No pin handed out yet.
    pub const fn new() -> Self {
        Self { taken: Cell::new(0) }
    }

    /// Marks pin `index` of the `count` pins numbered from `first` as handed out; refuses a pin
    /// past `count` or one that is out already.
    pub fn take(&self, index: u8, count: u8, first: u8) -> Result<(), PinError> {
        if index >= count || u32::from(first) + u32::from(index) >= 32 {
            return Err(PinError::NoSuchPin);
        }
        let bit = 1u32 << (first + index);
        if self.taken.get() & bit != 0 {
            return Err(PinError::Taken);
        }
        self.taken.set(self.taken.get() | bit);
        Ok(())
    }
}

/// Up to 32 digital pins behind one register block, one bit per pin. Implemented by GPIO drivers.
pub trait PinBank {
    /// Drives the pins whose bits are set in `mask` high (`high`) or low, and no other.
    fn drive(&self, mask: u32, high: bool);

    /// The levels the bank drives its outputs to (its output register).
    fn driven(&self) -> u32;

    /// The levels on the pins (its input register). For an output whose input stays connected,
    /// the level actually on the pin.
    fn levels(&self) -> u32;
}

/// A pin a bank drives. `embedded-hal`: [`OutputPin`], [`StatefulOutputPin`] (what it is driven
/// to), [`InputPin`] (the level on the pin, as the bank reads it).
#[derive(Debug)]
pub struct Output<'a, B: PinBank> {
    bank: &'a B,
    mask: u32,
}

impl<'a, B: PinBank> Output<'a, B> {
    /// Pin `bit` of `bank`, which the driver has configured as an output and claimed (with
    /// [`PinClaims`]) for this value only.
    pub fn new(bank: &'a B, bit: u8) -> Self {
        Self { bank, mask: 1 << (bit & 31) }
    }
}

/// A pin a bank reads. `embedded-hal`: [`InputPin`].
#[derive(Debug)]
pub struct Input<'a, B: PinBank> {
    bank: &'a B,
    mask: u32,
}

impl<'a, B: PinBank> Input<'a, B> {
    /// Pin `bit` of `bank`, which the driver has configured as an input and claimed.
    pub fn new(bank: &'a B, bit: u8) -> Self {
        Self { bank, mask: 1 << (bit & 31) }
    }
}

impl<B: PinBank> ErrorType for Output<'_, B> {
    type Error = Infallible;
}

impl<B: PinBank> OutputPin for Output<'_, B> {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.bank.drive(self.mask, false);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        self.bank.drive(self.mask, true);
        Ok(())
    }
}

impl<B: PinBank> StatefulOutputPin for Output<'_, B> {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.bank.driven() & self.mask != 0)
    }

    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.bank.driven() & self.mask == 0)
    }
}

impl<B: PinBank> InputPin for Output<'_, B> {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.bank.levels() & self.mask != 0)
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.bank.levels() & self.mask == 0)
    }
}

impl<B: PinBank> ErrorType for Input<'_, B> {
    type Error = Infallible;
}

impl<B: PinBank> InputPin for Input<'_, B> {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.bank.levels() & self.mask != 0)
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.bank.levels() & self.mask == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pin_is_handed_out_once() {
        let claims = PinClaims::new();
        assert_eq!(claims.take(1, 2, 0), Ok(()));
        assert_eq!(claims.take(1, 2, 0), Err(PinError::Taken));
        assert_eq!(claims.take(0, 2, 0), Ok(()));
        assert_eq!(claims.take(2, 2, 0), Err(PinError::NoSuchPin));
        assert_eq!(claims.take(1, 2, 8), Ok(()), "another group of the same block");
        assert_eq!(claims.take(31, 32, 0), Ok(()));
        assert_eq!(claims.take(0, 4, 32), Err(PinError::NoSuchPin));
    }

    /// A bank whose input register shows the output register, except for pins held low.
    #[derive(Default)]
    struct Loopback {
        out: Cell<u32>,
        held_low: u32,
    }

    impl PinBank for Loopback {
        fn drive(&self, mask: u32, high: bool) {
            self.out.set(if high { self.out.get() | mask } else { self.out.get() & !mask });
        }
        fn driven(&self) -> u32 {
            self.out.get()
        }
        fn levels(&self) -> u32 {
            self.out.get() & !self.held_low
        }
    }

    #[test]
    fn outputs_drive_their_own_bit_and_read_the_pin() {
        let bank = Loopback { held_low: 1 << 5, ..Default::default() };
        let (mut a, mut b, mut held) = (Output::new(&bank, 3), Output::new(&bank, 4), Output::new(&bank, 5));
        a.set_high().unwrap();
        assert_eq!(bank.driven(), 1 << 3);
        b.toggle().unwrap();
        assert_eq!(bank.driven(), 0b11 << 3);
        a.set_low().unwrap();
        assert_eq!(bank.driven(), 1 << 4);
        assert!(a.is_set_low().unwrap() && b.is_set_high().unwrap() && b.is_high().unwrap());
        held.set_high().unwrap();
        assert!(held.is_set_high().unwrap(), "driven high");
        assert!(held.is_low().unwrap(), "but the pin reads low");
        assert!(Input::new(&bank, 4).is_high().unwrap());
    }
}
