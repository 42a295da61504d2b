//! The USART of the STM32F1, F2 and F4 families (RM0368 for the STM32F401, chapter 19), in
//! asynchronous mode: the register layout with `SR`, `DR` and `BRR` (the newer families' USART,
//! with `ISR`/`TDR`, differs).
//!
//! Transmit only: it is the console. Implements [`embedded_io::Write`]. Each byte waits for
//! `TXE` (the data register is free) before it is written; `flush` waits for `TC` (the last
//! frame has left the shift register).
//!
//! The USART's bus clock and its pins (alternate function) are the board's job, done before
//! [`Stm32Usart::new`].

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const SR: usize = 0x00;
const DR: usize = 0x04;
const BRR: usize = 0x08;
const CR1: usize = 0x0c;
const CR2: usize = 0x10;
const CR3: usize = 0x14;
/// `SR.TXE`: the data register can take a byte.
const SR_TXE: u32 = 1 << 7;
/// `SR.TC`: transmission complete.
const SR_TC: u32 = 1 << 6;
/// `CR1.UE`: USART enable.
const CR1_UE: u32 = 1 << 13;
/// `CR1.TE`: transmitter enable.
const CR1_TE: u32 = 1 << 3;

/// An STM32 USART.
pub struct Stm32Usart {
    regs: Mmio,
}

impl Stm32Usart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x400;

    /// The `BRR` value for `baud` from a bus clock of `clock_hz`, with 16 times oversampling
    /// (`OVER8` = 0): the divider in sixteenths, rounded to the nearest. (With 16 times
    /// oversampling, `BRR` is exactly the mantissa and fraction fields side by side.)
    pub const fn brr(clock_hz: u32, baud: u32) -> u32 {
        (clock_hz + baud / 2) / baud
    }

    /// Takes the USART and starts its transmitter, 8N1 without flow control, with divider `brr`
    /// (see [`Stm32Usart::brr`]). The USART is disabled while it is configured.
    pub fn new(mut regs: Mmio, brr: u32) -> Self {
        regs.write32(CR1, 0);
        regs.write32(CR2, 0);
        regs.write32(CR3, 0);
        regs.write32(BRR, brr);
        regs.write32(CR1, CR1_UE | CR1_TE);
        Self { regs }
    }

    fn write_byte(&mut self, byte: u8) {
        while self.regs.read32(SR) & SR_TXE == 0 {}
        self.regs.write32(DR, u32::from(byte));
    }
}

impl embedded_io::ErrorType for Stm32Usart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for Stm32Usart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| self.write_byte(b));
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        while self.regs.read32(SR) & SR_TC == 0 {}
        Ok(())
    }
}
