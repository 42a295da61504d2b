//! The devices this process owns, as typed handles.
//!
//! A process owns the devices its `process.toml` names (`[[device]]`); the kernel maps their
//! registers for it, and for no other process. [`Device::claim`] asks the kernel where they are
//! and hands back their registers as a [`Mmio`], the same type the kernel's own drivers take. So a
//! driver crate of `drivers/` (or any driver written against [`Mmio`]) runs in a process
//! unchanged, and with it everything generic over the `embedded-hal` and `embedded-io` traits
//! those drivers implement:
//!
//! ```ignore
//! let gpio = mote::device::Device::claim("gpio")?;
//! let gpio = mote_driver_nrf51_gpio::Nrf51Gpio::new(gpio.into_mmio());
//! let mut led = gpio.output(13, PinState::Low)?; // an embedded_hal::digital::OutputPin
//! led.set_high()?;
//! ```
//!
//! No `unsafe` is needed in the process: what makes the register access sound is checked here,
//! once. The kernel reports only this process's own devices, each is owned by one process in the
//! image, and each is claimed at most once (a second claim fails), so no two [`Mmio`] handles of
//! the process alias the same registers.

use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;

use mote_abi::SyscallError;
pub use mote_hal::Mmio;

use crate::notify::{device, irq_ack, notify_wait};

/// Most devices a process may own (`[[device]]` tables in `process.toml`).
pub const MAX_DEVICES: usize = 2;

/// The devices claimed so far, as register base + 1 (0: a free slot). A process has one thread,
/// so plain loads and stores suffice (ARMv6-M and the lx106 have no atomic read-modify-write).
static CLAIMED: [AtomicUsize; MAX_DEVICES] = [const { AtomicUsize::new(0) }; MAX_DEVICES];

/// One of this process's devices: its registers and, if it has one, its interrupt.
#[derive(Debug)]
pub struct Device {
    regs: Mmio,
    size: usize,
    irq_mask: Option<u32>,
}

impl Device {
    /// Claims the device that `process.toml` names `name`.
    ///
    /// Errors: [`SyscallError::NoSuchTask`] if this process owns no device of that name;
    /// [`SyscallError::WrongState`] if it was claimed already (its registers have an owner in
    /// this process).
    pub fn claim(name: &str) -> Result<Device, SyscallError> {
        let (base, size, bit) = device(name)?;
        // A register block is aligned and not empty, so it never starts at `usize::MAX`.
        let mark = base.wrapping_add(1);
        if CLAIMED.iter().any(|slot| slot.load(Ordering::Relaxed) == mark) {
            return Err(SyscallError::WrongState);
        }
        let slot = CLAIMED.iter().find(|slot| slot.load(Ordering::Relaxed) == 0).ok_or(SyscallError::OutOfMemory)?;
        slot.store(mark, Ordering::Relaxed);
        // SAFETY: the kernel reported `[base, base + size)` as the registers of a device this
        // process owns, and mapped them for it (as device memory). No other process owns them,
        // and the check above makes this the only `Mmio` for them in this process.
        let regs = unsafe { Mmio::new(base, size) };
        Ok(Device { regs, size, irq_mask: (bit < 32).then(|| 1 << bit) })
    }

    /// Address of the first register.
    pub fn base(&self) -> usize {
        self.regs.base()
    }

    /// Size of the register block in bytes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The device's interrupt, if it has a line. A copy may be kept after the registers went to a
    /// driver ([`Device::into_mmio`]).
    pub fn interrupt(&self) -> Option<Interrupt> {
        self.irq_mask.map(|mask| Interrupt { mask })
    }

    /// The registers, for a driver that reads and writes them (`Mmio` is what the drivers of
    /// `drivers/` take).
    pub fn into_mmio(self) -> Mmio {
        self.regs
    }
}

/// The interrupt of a device this process owns. It arrives as a notification bit; the line stays
/// masked from when it fires until [`Interrupt::ack`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Interrupt {
    mask: u32,
}

impl Interrupt {
    /// The notification bit, as a mask (for [`crate::notify_wait`] on several sources at once).
    pub fn mask(&self) -> u32 {
        self.mask
    }

    /// Waits for the interrupt (`limit`: `None` waits forever).
    pub fn wait(&self, limit: Option<Duration>) -> Result<(), SyscallError> {
        notify_wait(self.mask, limit).map(|_| ())
    }

    /// Lets the device interrupt again, after dealing with its last interrupt.
    pub fn ack(&self) -> Result<(), SyscallError> {
        irq_ack(self.mask)
    }
}
