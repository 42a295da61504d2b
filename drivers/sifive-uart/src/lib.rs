//! The UART of SiFive's Freedom E and U SoCs (FE310-G002 manual, chapter 18), as on the HiFive1
//! and in QEMU's `sifive_e` and `sifive_u` machines.
//!
//! Transmit only: it is the console. Implements [`embedded_io::Write`]. The transmit FIFO holds
//! eight bytes; reading `txdata` tells whether it is full, and a byte written to a full FIFO is
//! lost, so the driver waits for room before each byte.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const TXDATA: usize = 0x00;
const TXCTRL: usize = 0x08;
const DIV: usize = 0x18;
/// `txdata` bit 31: the transmit FIFO is full (the byte written would be dropped).
const TXDATA_FULL: u32 = 1 << 31;
/// `txctrl` bit 0: transmitter enabled (one stop bit: `nstop` clear).
const TXCTRL_TXEN: u32 = 1 << 0;

/// A SiFive UART.
pub struct SifiveUart {
    regs: Mmio,
}

impl SifiveUart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the UART and enables its transmitter. `divisor` sets the baud rate: the bus clock
    /// (`tlclk`) divided by the baud rate, minus one. (QEMU's model ignores it.)
    pub fn new(mut regs: Mmio, divisor: u32) -> Self {
        regs.write32(DIV, divisor);
        regs.write32(TXCTRL, TXCTRL_TXEN);
        Self { regs }
    }

    fn write_byte(&mut self, byte: u8) {
        while self.regs.read32(TXDATA) & TXDATA_FULL != 0 {}
        self.regs.write32(TXDATA, u32::from(byte));
    }
}

impl embedded_io::ErrorType for SifiveUart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for SifiveUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| self.write_byte(b));
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
