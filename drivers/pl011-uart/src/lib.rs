//! The ARM PrimeCell UART (PL011, ARM DDI 0183), as in the Raspberry Pi RP2040 (datasheet section
//! 4.2) and many other chips.
//!
//! Transmit only: it is the console. Implements [`embedded_io::Write`]. Bytes go into the 32-byte
//! transmit FIFO, waiting while it is full; `flush` waits until the UART is no longer busy.
//!
//! The UART's clock, reset and pins are the board's job, done before [`Pl011Uart::new`].

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const DR: usize = 0x000;
const FR: usize = 0x018;
const IBRD: usize = 0x024;
const FBRD: usize = 0x028;
const LCR_H: usize = 0x02c;
const CR: usize = 0x030;
/// `FR.TXFF`: transmit FIFO full.
const FR_TXFF: u32 = 1 << 5;
/// `FR.BUSY`: transmitting.
const FR_BUSY: u32 = 1 << 3;
/// `LCR_H`: 8-bit words (`WLEN` = 3), FIFOs enabled (`FEN`); no parity, one stop bit.
const LCR_H_8N1_FIFO: u32 = (0b11 << 5) | (1 << 4);
/// `CR.UARTEN`: UART enable.
const CR_UARTEN: u32 = 1 << 0;
/// `CR.TXE`: transmitter enable.
const CR_TXE: u32 = 1 << 8;

/// A PL011 UART.
pub struct Pl011Uart {
    regs: Mmio,
}

impl Pl011Uart {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// The baud rate divisor for `baud` from a UART clock of `clock_hz`, in 64ths, rounded to the
    /// nearest: `(integer, fraction)` for `IBRD` and `FBRD`.
    pub const fn divisor(clock_hz: u32, baud: u32) -> (u32, u32) {
        // clock / (16 * baud) in 64ths is 4 * clock / baud; one more bit to round.
        let sixty_fourths = ((8 * clock_hz as u64 / baud as u64) + 1) / 2;
        ((sixty_fourths >> 6) as u32, (sixty_fourths & 0x3f) as u32)
    }

    /// Takes the UART and starts its transmitter, 8N1 with FIFOs, at the divisor from
    /// [`Pl011Uart::divisor`]. The UART is disabled while it is configured; `LCR_H` is written
    /// after the divisor, which latches it.
    pub fn new(mut regs: Mmio, (integer, fraction): (u32, u32)) -> Self {
        regs.write32(CR, 0);
        regs.write32(IBRD, integer);
        regs.write32(FBRD, fraction);
        regs.write32(LCR_H, LCR_H_8N1_FIFO);
        regs.write32(CR, CR_UARTEN | CR_TXE);
        Self { regs }
    }
}

impl embedded_io::ErrorType for Pl011Uart {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for Pl011Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        for &byte in buf {
            while self.regs.read32(FR) & FR_TXFF != 0 {}
            self.regs.write32(DR, u32::from(byte));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        while self.regs.read32(FR) & FR_BUSY != 0 {}
        Ok(())
    }
}
