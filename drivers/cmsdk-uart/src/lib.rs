//! The ARM CMSDK APB UART, found on the MPS2 FPGA boards (and in QEMU's models of them).
//!
//! Transmit only for now: it is the console. Implements [`embedded_io::Write`].

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const DATA: usize = 0x00;
const STATE: usize = 0x04;
const CTRL: usize = 0x08;
const BAUDDIV: usize = 0x10;
const STATE_TX_FULL: u32 = 1 << 0;
const CTRL_TX_ENABLE: u32 = 1 << 0;

/// A CMSDK UART.
pub struct CmsdkUart {
    regs: Mmio,
}

impl CmsdkUart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the UART and enables its transmitter; `baud_divisor` is the peripheral clock divided
    /// by the baud rate (at least 16).
    pub fn new(mut regs: Mmio, baud_divisor: u32) -> Self {
        regs.write32(BAUDDIV, baud_divisor.max(16));
        regs.write32(CTRL, CTRL_TX_ENABLE);
        Self { regs }
    }

    fn write_byte(&mut self, byte: u8) {
        while self.regs.read32(STATE) & STATE_TX_FULL != 0 {}
        self.regs.write32(DATA, u32::from(byte));
    }
}

impl embedded_io::ErrorType for CmsdkUart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for CmsdkUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| self.write_byte(b));
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
