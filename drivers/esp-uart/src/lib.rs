//! The UART of Espressif chips, transmit only: it is the console. Implements
//! [`embedded_io::Write`].
//!
//! The ESP8266 and the ESP32-C3 share the registers this driver uses: the FIFO window at offset 0
//! (a byte written there is queued) and `UART_STATUS` at `0x1c`, whose bits 16 and up count the
//! bytes in the 128-byte transmit FIFO (8 bits wide on the ESP8266, 10 on the C3). A byte written
//! to a full FIFO is lost, so the driver waits for room before each byte.
//!
//! The boot ROM has set the line up (8N1, and the baud rate, see [`EspUart::set_divider`]).

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const FIFO: usize = 0x00;
const CLKDIV: usize = 0x14;
const STATUS: usize = 0x1c;
const TXFIFO_CNT_SHIFT: u32 = 16;
/// Bytes the transmit FIFO holds.
const TX_FIFO_LEN: u32 = 128;

/// An Espressif UART.
pub struct EspUart {
    regs: Mmio,
    /// Width mask of `UART_STATUS.TXFIFO_CNT`.
    count_mask: u32,
}

impl EspUart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x100;

    /// The ESP32-C3's UART (`UART0` at `0x6000_0000`), as the ROM left it.
    pub fn esp32c3(regs: Mmio) -> Self {
        Self { regs, count_mask: 0x3ff }
    }

    /// The ESP8266's UART (`UART0` at `0x6000_0000`), as the ROM left it.
    pub fn esp8266(regs: Mmio) -> Self {
        Self { regs, count_mask: 0xff }
    }

    /// Sets the baud rate divider, the UART's clock divided by the baud rate (ESP8266: bits
    /// 0..19 of `UART_CLKDIV`). Not needed where the ROM's rate is right.
    pub fn set_divider(&mut self, divider: u32) {
        self.regs.write32(CLKDIV, divider & 0xf_ffff);
    }

    fn tx_count(&self) -> u32 {
        (self.regs.read32(STATUS) >> TXFIFO_CNT_SHIFT) & self.count_mask
    }

    fn write_byte(&mut self, byte: u8) {
        while self.tx_count() >= TX_FIFO_LEN - 1 {}
        self.regs.write32(FIFO, u32::from(byte));
    }
}

impl embedded_io::ErrorType for EspUart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for EspUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| self.write_byte(b));
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        while self.tx_count() != 0 {}
        Ok(())
    }
}
