//! The UART of the Nordic nRF51 series (nRF51 Reference Manual v3.0, chapter 29), as on the BBC
//! micro:bit and in QEMU's model of it (`-M microbit`).
//!
//! Transmit only: it is the console. Implements [`embedded_io::Write`]. Each byte is written to
//! `TXD` and the driver waits for `EVENTS_TXDRDY` before the next: the UART holds one byte, and
//! QEMU drops a byte written while the previous one is still pending.
//!
//! On real hardware the TX pin must also be configured as an output in the GPIO block; that is
//! the board's job, not this driver's.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const TASKS_STARTTX: usize = 0x008;
const EVENTS_TXDRDY: usize = 0x11c;
const ENABLE: usize = 0x500;
const PSELTXD: usize = 0x50c;
const TXD: usize = 0x51c;
const BAUDRATE: usize = 0x524;
/// `ENABLE` value that turns the UART on.
const ENABLE_UART: u32 = 4;
/// Value that triggers a task.
const TRIGGER: u32 = 1;

/// An nRF51 UART.
pub struct Nrf51Uart {
    regs: Mmio,
}

impl Nrf51Uart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;
    /// `BAUDRATE` value for 115200 baud.
    pub const BAUD_115200: u32 = 0x01d7_e000;

    /// Takes the UART and starts its transmitter on GPIO pin `tx_pin` at `baudrate` (a
    /// `BAUDRATE` register value such as [`Nrf51Uart::BAUD_115200`]).
    ///
    /// The pin and rate are set before the UART is enabled, as the hardware requires. (QEMU's
    /// model ignores every write to a disabled UART but `ENABLE`, and ignores the pin and rate.)
    pub fn new(mut regs: Mmio, tx_pin: u32, baudrate: u32) -> Self {
        regs.write32(PSELTXD, tx_pin);
        regs.write32(BAUDRATE, baudrate);
        regs.write32(ENABLE, ENABLE_UART);
        regs.write32(EVENTS_TXDRDY, 0);
        regs.write32(TASKS_STARTTX, TRIGGER);
        Self { regs }
    }

    fn write_byte(&mut self, byte: u8) {
        self.regs.write32(EVENTS_TXDRDY, 0);
        self.regs.write32(TXD, u32::from(byte));
        while self.regs.read32(EVENTS_TXDRDY) == 0 {}
    }
}

impl embedded_io::ErrorType for Nrf51Uart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for Nrf51Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| self.write_byte(b));
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
