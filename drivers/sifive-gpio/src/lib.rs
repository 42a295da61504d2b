//! The SiFive GPIO controller of the FE310 (HiFive1): 32 pins, each an input, an output or both.
//!
//! [`SifiveGpio`] takes the controller's registers and hands out each pin once, as an [`Output`]
//! or an [`Input`]: the `embedded-hal` 1.0 digital pins of `mote_hal::pins`, as on the nRF51, so
//! code generic over those traits runs on either.
//!
//! An output keeps its input enabled, so `InputPin::is_high` on an output reads the level on the
//! pin (`input_val`), not the level asked for (`StatefulOutputPin::is_set_high`, `output_val`).
//! The pins' I/O functions (`iof_en`) are left off: the pin is a GPIO.

#![no_std]
#![forbid(unsafe_code)]

use core::cell::RefCell;

use embedded_hal::digital::PinState;
use mote_hal::{Mmio, PinBank, PinClaims};
pub use mote_hal::PinError;

const INPUT_VAL: usize = 0x00;
const INPUT_EN: usize = 0x04;
const OUTPUT_EN: usize = 0x08;
const OUTPUT_VAL: usize = 0x0c;
const PUE: usize = 0x10;

/// Pins of the controller.
pub const PINS: u8 = 32;

/// A pin driven by the controller (`OutputPin`, `StatefulOutputPin`, and `InputPin` for the
/// level on the pin).
pub type Output<'a> = mote_hal::pins::Output<'a, SifiveGpio>;
/// A pin read by the controller (`InputPin`).
pub type Input<'a> = mote_hal::pins::Input<'a, SifiveGpio>;

/// The GPIO controller. Pins borrow it, so it must outlive them.
pub struct SifiveGpio {
    regs: RefCell<Mmio>,
    claims: PinClaims,
}

impl SifiveGpio {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the controller's registers; changes no pin.
    pub fn new(regs: Mmio) -> Self {
        Self { regs: RefCell::new(regs), claims: PinClaims::new() }
    }

    /// Sets or clears `mask` in the register at `offset`. Read-modify-write: sound because every
    /// pin belongs to this one controller value, and its owner has one thread.
    fn update(&self, offset: usize, mask: u32, set: bool) {
        let mut regs = self.regs.borrow_mut();
        let value = regs.read32(offset);
        regs.write32(offset, if set { value | mask } else { value & !mask });
    }

    /// Pin `pin` as an output, starting at `initial`.
    pub fn output(&self, pin: u8, initial: PinState) -> Result<Output<'_>, PinError> {
        self.claims.take(pin, PINS, 0)?;
        let mask = 1 << pin;
        self.update(OUTPUT_VAL, mask, initial == PinState::High);
        self.update(INPUT_EN, mask, true);
        self.update(OUTPUT_EN, mask, true);
        Ok(Output::new(self, pin))
    }

    /// Pin `pin` as an input; `pull_up` turns on its pull-up.
    pub fn input(&self, pin: u8, pull_up: bool) -> Result<Input<'_>, PinError> {
        self.claims.take(pin, PINS, 0)?;
        let mask = 1 << pin;
        self.update(OUTPUT_EN, mask, false);
        self.update(PUE, mask, pull_up);
        self.update(INPUT_EN, mask, true);
        Ok(Input::new(self, pin))
    }
}

impl PinBank for SifiveGpio {
    fn drive(&self, mask: u32, high: bool) {
        self.update(OUTPUT_VAL, mask, high);
    }

    fn driven(&self) -> u32 {
        self.regs.borrow().read32(OUTPUT_VAL)
    }

    fn levels(&self) -> u32 {
        self.regs.borrow().read32(INPUT_VAL)
    }
}
