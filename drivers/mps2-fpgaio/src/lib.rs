//! The FPGA I/O block of the ARM MPS2 boards (`FPGAIO`): the user LEDs and push buttons.
//!
//! QEMU's MPS2 machines do not model the CMSDK GPIO ports (their addresses read as zero), so the
//! LEDs are the digital outputs a process can really drive there. [`Mps2FpgaIo`] hands out each
//! LED once as a [`Led`] and each button as a [`Button`]: the `embedded-hal` 1.0 digital pins of
//! `mote_hal::pins`. An LED has no input buffer: its "level" (`InputPin`) is what the LED register
//! holds, the same as `StatefulOutputPin` reads.

#![no_std]
#![forbid(unsafe_code)]

use core::cell::RefCell;

use mote_hal::{Mmio, PinBank, PinClaims};
pub use mote_hal::PinError;

/// LED0: one bit per LED (read and write).
const LED0: usize = 0x00;
/// BUTTON: one bit per push button, set while pressed (read only).
const BUTTON: usize = 0x08;
/// Where the buttons sit in the block's pin numbering, after the LEDs.
const FIRST_BUTTON: u8 = 8;

/// User LEDs of the block (QEMU models 2).
pub const LEDS: u8 = 2;
/// Push buttons of the block.
pub const BUTTONS: u8 = 2;

/// A user LED, lit when high (`OutputPin`, `StatefulOutputPin`).
pub type Led<'a> = mote_hal::pins::Output<'a, Mps2FpgaIo>;
/// A push button, high while pressed (`InputPin`).
pub type Button<'a> = mote_hal::pins::Input<'a, Mps2FpgaIo>;

/// The FPGA I/O block. LEDs and buttons borrow it, so it must outlive them.
pub struct Mps2FpgaIo {
    regs: RefCell<Mmio>,
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
        Ok(Led::new(self, index))
    }

    /// Push button `index` (0 or 1).
    pub fn button(&self, index: u8) -> Result<Button<'_>, PinError> {
        self.claims.take(index, BUTTONS, FIRST_BUTTON)?;
        Ok(Button::new(self, FIRST_BUTTON + index))
    }

    /// All LEDs at once, one bit each.
    pub fn leds(&self) -> u32 {
        self.regs.borrow().read32(LED0)
    }
}

impl PinBank for Mps2FpgaIo {
    fn drive(&self, mask: u32, high: bool) {
        // One register holds every LED: read-modify-write, sound because the block (and so every
        // LED) belongs to one owner with one thread. Button bits are not LEDs: ignored.
        let mask = mask & ((1 << LEDS) - 1);
        let mut regs = self.regs.borrow_mut();
        let leds = regs.read32(LED0);
        regs.write32(LED0, if high { leds | mask } else { leds & !mask });
    }

    fn driven(&self) -> u32 {
        self.leds()
    }

    fn levels(&self) -> u32 {
        let regs = self.regs.borrow();
        regs.read32(LED0) | regs.read32(BUTTON) << FIRST_BUTTON
    }
}
