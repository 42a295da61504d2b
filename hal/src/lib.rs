//! The Mote hardware abstraction layer.
//!
//! The portable kernel (`mote-kernel`) knows no hardware. Everything it needs from the CPU lives
//! behind [`Arch`] (entering a process, getting control back on a trap, the memory-protection
//! unit) and everything it needs from the board behind [`Board`] (a console, a way to stop).
//! Architecture crates under `arch/` implement the first, board support packages under `bsp/` the
//! second. Peripherals are exposed through the ecosystem's traits (`embedded-io` for the console),
//! so drivers from crates.io plug in without glue.
//!
//! Drivers reach device registers through [`Mmio`], the one module here with `unsafe` code, so
//! that driver crates can be `#![forbid(unsafe_code)]`.

#![no_std]
#![deny(unsafe_code)]

pub mod arch;
pub mod board;
pub mod clock;
pub mod memory;
pub mod mmio;
pub mod pins;
pub mod trap;

pub use arch::{Arch, InterruptController, MemoryProtection, ProtectionInfo, UserContext, MAX_PROCESS_REGIONS};
pub use board::{Board, ExitStatus, SimpleBoard};
pub use clock::Clock;
pub use memory::{Access, Region, RegionError};
pub use mmio::Mmio;
pub use pins::{PinClaims, PinError};
pub use trap::{Fault, FaultKind, Trap};
pub use embedded_io;
