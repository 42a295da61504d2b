//! Process startup and panics.
//!
//! The kernel has already prepared memory (`.data` copied, `.bss` and the rest zeroed) and the
//! stack pointer before the first instruction, so `_start` only calls the entry function.

use mote_abi::{Sysno, MAX_LOG_LEN};

use crate::logging::Buffer;

extern "Rust" {
    /// Defined by [`crate::entry!`] in the process crate.
    fn __mote_main();
}

/// The first instruction of the process (the ELF entry point).
#[unsafe(no_mangle)]
#[unsafe(link_section = ".text._start")]
extern "C" fn _start() -> ! {
    // SAFETY: `__mote_main` is the safe entry function the process named with `entry!`.
    unsafe { __mote_main() };
    crate::exit(0)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut buf = Buffer::<MAX_LOG_LEN>::new();
    let _ = match info.location() {
        Some(at) => core::fmt::write(&mut buf, format_args!("panicked at {}:{}: {}", at.file(), at.line(), info.message())),
        None => core::fmt::write(&mut buf, format_args!("panicked: {}", info.message())),
    };
    let text = buf.as_bytes();
    crate::arch::syscall(Sysno::Panic, [text.as_ptr() as usize, text.len(), 0, 0, 0, 0, 0]);
    loop {
        core::hint::spin_loop();
    }
}
