//! The FPGA I/O block of the ARM MPS2 boards (`FPGAIO`): the user LEDs and push buttons.
//!
//! QEMU's MPS2 machines do not model the CMSDK GPIO ports (their addresses read as zero), so the
//! LEDs are the digital outputs a process can really drive there. [`Mps2FpgaIo`] hands out each
//! LED once as a [`Led`] ([`OutputPin`] and [`StatefulOutputPin`]: the LED register reads back
//! what was written) and each button as a [`Button`] ([`InputPin`]).

#![no_std]
#![forbid(unsafe_code)]

use core::cell::RefCell;
use core::convert::Infallible;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};
use mote_hal::{Mmio, PinClaims};
pub use mote_hal::PinError;

/// LED0: one bit per LED (read and write).
const LED0: usize = 0x00;
/// BUTTON: one bit per push button, set while pressed (read only).
const BUTTON: usize = 0x08;

/// User LEDs of the block (QEMU models 2).
pub const LEDS: u8 = 2;
/// Push buttons of the block.
pub const BUTTONS: u8 = 2;

/// The FPGA I/O block. LEDs and buttons borrow it, so it must outlive them.
pub struct Mps2FpgaIo {
    regs: RefCell<Mmio>,
    /// LEDs handed out (from 0), then buttons (from 8).
    claims: PinClaims,
}

impl Mps2FpgaIo {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the block's registers; changes no LED.
    pub fn new(regs: Mmio) -> Self {
        Self { regs: RefCell::new(regs), claims: PinClaims::new() }
    }

    /// User LED `index` (0 or 1), left as it is.
    pub fn led(&self, index: u8) -> Result<Led<'_>, PinError> {
        self.claims.take(index, LEDS, 0)?;
        Ok(Led { io: self, mask: 1 << index })
    }

    /// Push button `index` (0 or 1).
    pub fn button(&self, index: u8) -> Result<Button<'_>, PinError> {
        self.claims.take(index, BUTTONS, 8)?;
        Ok(Button { io: self, mask: 1 << index })
    }

    /// All LEDs at once, one bit each.
    pub fn leds(&self) -> u32 {
        self.regs.borrow().read32(LED0)
    }
}

/// A user LED: lit when high. `embedded-hal`: [`OutputPin`], [`StatefulOutputPin`].
pub struct Led<'a> {
    io: &'a Mps2FpgaIo,
    mask: u32,
}

impl Led<'_> {
    fn set(&self, on: bool) {
        // One register holds every LED: read-modify-write. Sound because the block (and so every
        // LED) belongs to one owner, which has one thread.
        let mut regs = self.io.regs.borrow_mut();
        let leds = regs.read32(LED0);
        regs.write32(LED0, if on { leds | self.mask } else { leds & !self.mask });
    }
}

impl ErrorType for Led<'_> {
    type Error = Infallible;
}

impl OutputPin for Led<'_> {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.set(false);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        self.set(true);
        Ok(())
    }
}

impl StatefulOutputPin for Led<'_> {
    fn is_set_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.io.leds() & self.mask != 0)
    }

    fn is_set_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.io.leds() & self.mask == 0)
    }
}

/// A push button: high while pressed. `embedded-hal`: [`InputPin`].
pub struct Button<'a> {
    io: &'a Mps2FpgaIo,
    mask: u32,
}

impl ErrorType for Button<'_> {
    type Error = Infallible;
}

impl InputPin for Button<'_> {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.io.regs.borrow().read32(BUTTON) & self.mask != 0)
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(self.io.regs.borrow().read32(BUTTON) & self.mask == 0)
    }
}
