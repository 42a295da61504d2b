//! The Mote hardware abstraction layer.
//!
//! The portable kernel (`mote-kernel`) knows no hardware. What it needs from the CPU is split by
//! concern: [`Arch`] enters a process and gets control back on a trap (the context switch, with
//! [`UserContext`] and [`Trap`]), and requires [`MemoryProtection`] (the MPU or PMP) and
//! [`InterruptController`] (NVIC, PLIC). What it needs from the board is behind [`Board`]: a
//! console, a [`Clock`] (the timer) and a way to stop. Architecture crates under `arch/`
//! implement the CPU traits, board support packages under `bsp/` the board ones.
//!
//! Peripherals face the ecosystem instead: UARTs implement `embedded-io`, and pins the
//! `embedded-hal` 1.0 digital traits through [`pins`], so driver crates from crates.io plug in
//! without glue, in the kernel and in the processes that own a device.
//!
//! Drivers reach device registers through [`Mmio`], the one module here with `unsafe` code, so
//! that driver crates can be `#![forbid(unsafe_code)]`.

#![no_std]
#![deny(unsafe_code)]

pub mod arch;
pub mod board;
pub mod clock;
pub mod counter_clock;
pub mod memory;
pub mod mmio;
pub mod pins;
pub mod trap;

pub use arch::{Arch, InterruptController, MemoryProtection, ProtectionInfo, UserContext, MAX_PROCESS_REGIONS};
pub use board::{Board, ExitStatus, SimpleBoard};
pub use clock::Clock;
pub use counter_clock::{Compare, CompareCounter, CounterClock};
pub use memory::{Access, Region, RegionError};
pub use mmio::Mmio;
pub use pins::{PinBank, PinClaims, PinError};
pub use trap::{Fault, FaultKind, KernelFault, Trap};
pub use embedded_hal;
pub use embedded_io;
