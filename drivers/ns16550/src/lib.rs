//! NS16550-compatible UARTs (QEMU `virt`, SiFive-less RISC-V boards, Xtensa `lx60`).
//!
//! Transmit only for now: it is the console. Registers may be spaced 1 byte apart (the classic
//! layout) or wider (`stride`, 4 on many SoCs). Implements [`embedded_io::Write`].

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::Mmio;

const THR: usize = 0;
const LSR: usize = 5;
const LSR_THR_EMPTY: u8 = 1 << 5;

/// An NS16550 UART.
pub struct Ns16550 {
    regs: Mmio,
    stride: usize,
}

impl Ns16550 {
    /// Takes the UART whose registers are `stride` bytes apart. The firmware or emulator has
    /// already set the line parameters.
    pub fn new(regs: Mmio, stride: usize) -> Self {
        Self { regs, stride }
    }

    fn write_byte(&mut self, byte: u8) {
        while self.regs.read8(LSR * self.stride) & LSR_THR_EMPTY == 0 {}
        self.regs.write8(THR * self.stride, byte);
    }
}

impl embedded_io::ErrorType for Ns16550 {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for Ns16550 {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        buf.iter().for_each(|&b| self.write_byte(b));
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
