//! Mote's own implementation of the eight Thread-Metric tests (the RTOS benchmark published with
//! Eclipse ThreadX), as isolated processes. The method, the tests and the peers' scores are
//! described in `docs/performance.md`.
//!
//! Every test process runs [`thread`]: it registers the address of its one counter with the
//! reporter (`tm-reporter`, priority 2), whose reply gives it its [`Role`] in the test about to
//! run; it then loops in that role for ever. The reporter ([`reporter`]) starts the processes of
//! one test at a time, reads their counters with `inspect` at the end of each period (so counting
//! costs the tests nothing but the increment), prints them, checks them, and stops the processes.
//!
//! ```text
//!  tm-reporter (2) ── spawn ──▶ test processes ── send(&COUNTER) ──▶ tm-reporter
//!        │                         ◀── reply(role) ──┘
//!        └── every period: inspect(COUNTER of each) ──▶ "thread-metric NAME period K score N ..."
//! ```

#![no_std]

mod reporter;
mod roles;

pub use reporter::reporter;
pub use roles::{thread, Role};

/// The notification bit that resumes a suspended thread (`tm_thread_resume`).
pub const RESUME: u32 = 1;

/// The notification bit of `tm-isr`'s device interrupt (`notify` in its `process.toml`).
pub const IRQ_BIT: u32 = 1 << 3;
