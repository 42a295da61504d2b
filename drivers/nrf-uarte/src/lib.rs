//! The UARTE of the Nordic nRF52 series (nRF52840 Product Specification v1.7, section 6.34): a
//! UART whose transmitter reads its bytes from RAM by EasyDMA.
//!
//! Transmit only: it is the console. Implements [`embedded_io::Write`].
//!
//! EasyDMA can read only from data RAM, not from flash, where the kernel's strings are. So the
//! driver copies each chunk of at most [`NrfUarte::CHUNK`] bytes into a buffer of its own (the
//! driver lives in RAM), points `TXD.PTR` at it, starts the transfer and waits for `EVENTS_ENDTX`
//! before it returns: the buffer never changes or moves while the DMA reads it.
//!
//! The TX pin must also be an output driven high in the GPIO block while the UARTE is enabled
//! (the product specification's pin configuration table); that is the board's job.

#![no_std]
#![forbid(unsafe_code)]

use core::sync::atomic::{compiler_fence, Ordering};

use mote_hal::Mmio;

const TASKS_STARTTX: usize = 0x008;
const EVENTS_ENDTX: usize = 0x120;
const ENABLE: usize = 0x500;
const PSEL_RTS: usize = 0x508;
const PSEL_TXD: usize = 0x50c;
const PSEL_CTS: usize = 0x510;
const PSEL_RXD: usize = 0x514;
const BAUDRATE: usize = 0x524;
const TXD_PTR: usize = 0x544;
const TXD_MAXCNT: usize = 0x548;
const CONFIG: usize = 0x56c;
/// `ENABLE` value that turns the UARTE (the EasyDMA variant) on.
const ENABLE_UARTE: u32 = 8;
/// `PSEL.*` value of a disconnected pin (`CONNECT` bit 31 set).
const DISCONNECTED: u32 = 1 << 31;
/// `CONFIG`: no hardware flow control, no parity, one stop bit.
const CONFIG_8N1: u32 = 0;
/// Value that triggers a task.
const TRIGGER: u32 = 1;

/// A GPIO pin as the `PSEL` registers name it: port (0 or 1) and pin number (0..31).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// The GPIO port, 0 (P0) or 1 (P1).
    pub port: u8,
    /// The pin within the port, 0..31.
    pub pin: u8,
}

impl Pin {
    /// The `PSEL` register value that connects this pin.
    const fn psel(self) -> u32 {
        ((self.port as u32 & 1) << 5) | (self.pin as u32 & 0x1f)
    }
}

/// An nRF52 UARTE.
pub struct NrfUarte {
    regs: Mmio,
    /// What EasyDMA reads: the chunk being sent.
    buffer: [u8; NrfUarte::CHUNK],
}

impl NrfUarte {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x1000;
    /// `BAUDRATE` value for 115200 baud (the UARTE's; the legacy UART's differs).
    pub const BAUD_115200: u32 = 0x01d6_0000;
    /// Bytes sent by one DMA transfer.
    pub const CHUNK: usize = 32;

    /// Takes the UARTE and sets it up to transmit on `tx` at `baudrate` (a `BAUDRATE` register
    /// value such as [`NrfUarte::BAUD_115200`]), 8N1, without flow control. The other pins stay
    /// disconnected. Everything is set before the UARTE is enabled, as the hardware requires.
    pub fn new(mut regs: Mmio, tx: Pin, baudrate: u32) -> Self {
        regs.write32(ENABLE, 0);
        regs.write32(PSEL_TXD, tx.psel());
        for psel in [PSEL_RTS, PSEL_CTS, PSEL_RXD] {
            regs.write32(psel, DISCONNECTED);
        }
        regs.write32(BAUDRATE, baudrate);
        regs.write32(CONFIG, CONFIG_8N1);
        regs.write32(ENABLE, ENABLE_UARTE);
        Self { regs, buffer: [0; Self::CHUNK] }
    }

    /// Sends up to [`NrfUarte::CHUNK`] bytes and waits until the DMA has read them.
    fn send_chunk(&mut self, chunk: &[u8]) -> usize {
        let n = chunk.len().min(Self::CHUNK);
        self.buffer[..n].copy_from_slice(&chunk[..n]);
        self.regs.write32(TXD_PTR, self.buffer.as_ptr() as usize as u32);
        self.regs.write32(TXD_MAXCNT, n as u32);
        self.regs.write32(EVENTS_ENDTX, 0);
        // The buffer's bytes must be in memory before the DMA starts reading it.
        compiler_fence(Ordering::SeqCst);
        self.regs.write32(TASKS_STARTTX, TRIGGER);
        while self.regs.read32(EVENTS_ENDTX) == 0 {}
        compiler_fence(Ordering::SeqCst);
        n
    }
}

impl embedded_io::ErrorType for NrfUarte {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for NrfUarte {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        let mut sent = 0;
        while sent < buf.len() {
            sent += self.send_chunk(&buf[sent..]);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
