//! Handing out the pins of a GPIO block one at a time.
//!
//! A GPIO driver keeps one register block for all its pins and gives each pin out as a value that
//! implements the `embedded-hal` digital traits. [`PinClaims`] remembers which pins are out, so
//! that no pin has two owners.

use core::cell::Cell;

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
}
