//! The Nordic nRF51 GPIO port: 32 pins, each an input or an output.
//!
//! [`Nrf51Gpio`] takes the port's registers and hands out each pin once, as an [`Output`] or an
//! [`Input`]: the `embedded-hal` 1.0 digital pins of `mote_hal::pins`. So any driver crate
//! generic over `OutputPin` or `InputPin` drives them as they are, in the kernel or in a process
//! that owns the port (`[[device]]` in its `process.toml`, see `mote::device`).
//!
//! An output keeps its input buffer connected, so `InputPin::is_high` on an output reads the level
//! on the pin (`IN`), not the level asked for (`StatefulOutputPin::is_set_high`, `OUT`).

#![no_std]
#![forbid(unsafe_code)]

use core::cell::RefCell;

use embedded_hal::digital::PinState;
use mote_hal::{Mmio, PinBank, PinClaims};
pub use mote_hal::PinError;

const OUT: usize = 0x504;
const OUTSET: usize = 0x508;
const OUTCLR: usize = 0x50c;
const IN: usize = 0x510;
const PIN_CNF: usize = 0x700;
/// PIN_CNF: DIR = output (bit 0); INPUT (bit 1) = 0 keeps the input buffer connected.
const CNF_OUTPUT: u32 = 1 << 0;
/// PIN_CNF: input, buffer connected, no pull.
const CNF_INPUT: u32 = 0;
/// PIN_CNF: pull-up (PULL = 3, bits 2..3).
const CNF_PULL_UP: u32 = 3 << 2;
/// PIN_CNF: pull-down (PULL = 1).
const CNF_PULL_DOWN: u32 = 1 << 2;

/// Pins of the port.
pub const PINS: u8 = 32;

/// A pin driven by the port (`OutputPin`, `StatefulOutputPin`, and `InputPin` for the level on
/// the pin).
pub type Output<'a> = mote_hal::pins::Output<'a, Nrf51Gpio>;
/// A pin read by the port (`InputPin`).
pub type Input<'a> = mote_hal::pins::Input<'a, Nrf51Gpio>;

/// A pull resistor for an input.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Pull {
    /// None: the pin floats unless driven.
    None,
    /// To the supply: reads high unless driven low.
    Up,
    /// To ground: reads low unless driven high.
    Down,
}

/// The GPIO port. Pins borrow it, so it must outlive them (keep it in `main`, or in a `static`).
pub struct Nrf51Gpio {
    regs: RefCell<Mmio>,
    claims: PinClaims,
}

impl Nrf51Gpio {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the port's registers; changes no pin.
    pub fn new(regs: Mmio) -> Self {
        Self { regs: RefCell::new(regs), claims: PinClaims::new() }
    }

    fn configure(&self, pin: u8, cnf: u32) {
        self.regs.borrow_mut().write32(PIN_CNF + 4 * usize::from(pin), cnf);
    }

    /// Pin `pin` as an output, starting at `initial`.
    pub fn output(&self, pin: u8, initial: PinState) -> Result<Output<'_>, PinError> {
        self.claims.take(pin, PINS, 0)?;
        self.drive(1 << pin, initial == PinState::High);
        self.configure(pin, CNF_OUTPUT);
        Ok(Output::new(self, pin))
    }

    /// Pin `pin` as an input, with `pull`.
    pub fn input(&self, pin: u8, pull: Pull) -> Result<Input<'_>, PinError> {
        self.claims.take(pin, PINS, 0)?;
        let pull = match pull {
            Pull::None => 0,
            Pull::Up => CNF_PULL_UP,
            Pull::Down => CNF_PULL_DOWN,
        };
        self.configure(pin, CNF_INPUT | pull);
        Ok(Input::new(self, pin))
    }
}

impl PinBank for Nrf51Gpio {
    fn drive(&self, mask: u32, high: bool) {
        // OUTSET and OUTCLR change only the pins whose bits are set: no read-modify-write.
        self.regs.borrow_mut().write32(if high { OUTSET } else { OUTCLR }, mask);
    }

    fn driven(&self) -> u32 {
        self.regs.borrow().read32(OUT)
    }

    fn levels(&self) -> u32 {
        self.regs.borrow().read32(IN)
    }
}
