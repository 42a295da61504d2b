//! The Mote user library: what a process links against.
//!
//! A process is a `no_std`, `no_main` crate with a `process.toml` manifest. It names its entry
//! function with [`entry!`], talks to the kernel through the functions here, and logs with
//! [`info!`], [`warn!`], [`error!`] and friends:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! mote::entry!(main);
//!
//! fn main() {
//!     let server = mote::find("pong").expect("pong is in the image");
//!     let mut reply = [0u8; 16];
//!     let (code, len) = mote::send(server, 1, b"ping", &mut reply).unwrap();
//!     mote::info!("got {:?} (code {code})", &reply[..len]);
//! }
//! ```
//!
//! When the entry function returns, the process exits with status 0. A panic is reported to the
//! kernel, which logs the message and stops the process as faulted (then applies the process's
//! fault policy).
//!
//! With the `heap` feature, the library provides a global allocator whose heap grows, by
//! syscall, within the `heap` quota of `process.toml`; `extern crate alloc;` then gives `Box`,
//! `Vec` and friends. [`pool::Pool`] (typed values) and [`block_pool::BlockPool`] (byte blocks,
//! constant-time) are fixed-block alternatives with no heap at all.
//!
//! [`device::Device`] hands a process the registers of the devices it owns, for the drivers of
//! `drivers/`, which implement the `embedded-hal` and `embedded-io` traits.

#![no_std]

mod arch;
pub mod device;
#[cfg(feature = "heap")]
pub mod heap;
mod ipc;
pub mod lease;
pub mod lifecycle;
mod logging;
pub mod memory;
mod notify;
pub mod block_pool;
pub mod pool;
mod start;
pub mod sync;
pub mod time;

pub use core::time::Duration;
pub use ipc::{find, receive, receive_timeout, reply, send, send_timeout, Message, TaskId};
pub use lease::{borrow_read, borrow_write, lease_info, send_leased, Lease, LeaseInfo};
pub use lifecycle::{inspect, kill, ps, restart, spawn, wait, wait_timeout, Ending};
pub use logging::{log, log_fmt, log_read};
pub use notify::{device, irq_ack, irq_raise, notify, notify_wait};
pub use mote_abi::{
    LogLevel, ProcessRecord, ProcessState, SyscallError, Sysno, LEASE_READ, LEASE_WRITE, MAX_LEASES, MAX_LOG_LEN, MAX_MESSAGE_LEN,
    MAX_NAME_LEN,
};
pub use time::{next_period, now, set_periodic, sleep, sleep_until};


/// Ends this process with `code` (0 means success).
pub fn exit(code: u32) -> ! {
    arch::syscall(Sysno::Exit, [code as usize, 0, 0, 0, 0, 0, 0]);
    // The kernel never resumes a process that exited.
    loop {
        core::hint::spin_loop();
    }
}

/// Makes system call `number` with raw arguments and returns the raw result registers. For
/// tests and fuzzers; everything else should use the typed functions of this library.
pub fn raw_syscall(number: usize, args: [usize; mote_abi::ARG_COUNT]) -> [usize; mote_abi::RESULT_COUNT] {
    arch::raw_syscall(number, args)
}

/// Lets another ready process of the same priority run.
pub fn yield_now() {
    arch::syscall(Sysno::Yield, [0; 7]);
}

/// A timeout argument from an optional duration (`None`: wait forever).
fn timeout(d: Option<Duration>) -> usize {
    match d {
        None => mote_abi::Timeout::NEVER.0 as usize,
        Some(d) => d.as_micros().min(u128::from(u32::MAX - 1)) as usize,
    }
}

/// Turns result register 0 into a `Result`.
fn status(r0: usize) -> Result<(), SyscallError> {
    match SyscallError::from_u32(r0 as u32) {
        None if r0 == 0 => Ok(()),
        Some(e) => Err(e),
        None => Err(SyscallError::UnknownSyscall),
    }
}

/// Names the process's entry function: `mote::entry!(main);` with `fn main()`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[doc(hidden)]
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        pub extern "Rust" fn __mote_main() {
            let main: fn() = $main;
            main()
        }
    };
}
