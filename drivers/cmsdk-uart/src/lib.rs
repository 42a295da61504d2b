//! The ARM CMSDK APB UART, found on the MPS2 FPGA boards (and in QEMU's models of them).
//!
//! The kernel's console, or a UART a process owns (`mote::device`). Implements the
//! `embedded-io` traits [`Write`](embedded_io::Write) and [`Read`](embedded_io::Read), with
//! [`WriteReady`](embedded_io::WriteReady) and [`ReadReady`](embedded_io::ReadReady) to poll.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const DATA: usize = 0x00;
const STATE: usize = 0x04;
const CTRL: usize = 0x08;
const BAUDDIV: usize = 0x10;
const STATE_TX_FULL: u32 = 1 << 0;
const STATE_RX_FULL: u32 = 1 << 1;
const CTRL_TX_ENABLE: u32 = 1 << 0;
const CTRL_RX_ENABLE: u32 = 1 << 1;

/// A CMSDK UART.
pub struct CmsdkUart {
    regs: Mmio,
}

impl CmsdkUart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Takes the UART and enables its transmitter and receiver; `baud_divisor` is the
    /// peripheral clock divided by the baud rate (at least 16).
    pub fn new(mut regs: Mmio, baud_divisor: u32) -> Self {
        regs.write32(BAUDDIV, baud_divisor.max(16));
        regs.write32(CTRL, CTRL_TX_ENABLE | CTRL_RX_ENABLE);
        Self { regs }
    }

    fn state(&self) -> u32 {
        self.regs.read32(STATE)
    }

    fn write_byte(&mut self, byte: u8) {
        while self.state() & STATE_TX_FULL != 0 {}
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

impl embedded_io::WriteReady for CmsdkUart {
    fn write_ready(&mut self) -> Result<bool, Self::Error> {
        Ok(self.state() & STATE_TX_FULL == 0)
    }
}

impl embedded_io::Read for CmsdkUart {
    /// Waits for the first byte, then takes those that have arrived (the UART holds one).
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let Some((first, rest)) = buf.split_first_mut() else { return Ok(0) };
        while self.state() & STATE_RX_FULL == 0 {}
        *first = self.regs.read32(DATA) as u8;
        let mut n = 1;
        for byte in rest {
            if self.state() & STATE_RX_FULL == 0 {
                break;
            }
            *byte = self.regs.read32(DATA) as u8;
            n += 1;
        }
        Ok(n)
    }
}

impl embedded_io::ReadReady for CmsdkUart {
    fn read_ready(&mut self) -> Result<bool, Self::Error> {
        Ok(self.state() & STATE_RX_FULL != 0)
    }
}
