//! Memory-mapped device registers.
//!
//! A board support package creates one [`Mmio`] per device from the board's memory map (the only
//! `unsafe` step: it promises the address range is that device's registers and nothing else uses
//! them). Drivers then read and write registers through it without any `unsafe` of their own; an
//! offset outside the block is a driver bug and panics rather than touching other memory.

#![allow(unsafe_code)]

/// Exclusive access to one device's register block `[base, base + len)`.
#[derive(Debug)]
pub struct Mmio {
    base: usize,
    len: usize,
}

impl Mmio {
    /// Wraps the register block at `base`.
    ///
    /// # Safety
    ///
    /// `[base, base + len)` must be the registers of one device, valid for volatile accesses of
    /// the widths the driver uses, and no other `Mmio` or code may access them while this exists.
    pub const unsafe fn new(base: usize, len: usize) -> Self {
        Self { base, len }
    }

    /// Base address of the block.
    pub const fn base(&self) -> usize {
        self.base
    }

    fn addr(&self, offset: usize, width: usize) -> usize {
        assert!(offset % width == 0 && offset + width <= self.len, "register offset out of range");
        self.base + offset
    }

    /// Reads the 32-bit register at `offset`.
    pub fn read32(&self, offset: usize) -> u32 {
        let addr = self.addr(offset, 4);
        // SAFETY: in bounds and aligned (checked); the block is device registers we own (`new`).
        unsafe { (addr as *const u32).read_volatile() }
    }

    /// Writes the 32-bit register at `offset`.
    pub fn write32(&mut self, offset: usize, value: u32) {
        let addr = self.addr(offset, 4);
        // SAFETY: as in `read32`.
        unsafe { (addr as *mut u32).write_volatile(value) }
    }

    /// Reads the 8-bit register at `offset`.
    pub fn read8(&self, offset: usize) -> u8 {
        let addr = self.addr(offset, 1);
        // SAFETY: as in `read32`.
        unsafe { (addr as *const u8).read_volatile() }
    }

    /// Writes the 8-bit register at `offset`.
    pub fn write8(&mut self, offset: usize, value: u8) {
        let addr = self.addr(offset, 1);
        // SAFETY: as in `read32`.
        unsafe { (addr as *mut u8).write_volatile(value) }
    }
}
