//! Leaving the emulator through RISC-V semihosting (the RISC-V Semihosting specification, which
//! reuses ARM's operations): for boards without a test device, such as QEMU's `sifive_e`.
//!
//! A semihosting call is an `ebreak` between two marker instructions, all three uncompressed and
//! in one page, so that the host can tell it from a debugger's breakpoint:
//!
//! ```text
//!   slli x0, x0, 0x1f   # entry marker (a no-op)
//!   ebreak              # a0 = operation, a1 = parameter
//!   srai x0, x0, 7      # exit marker (a no-op)
//! ```
//!
//! QEMU honours it with `-semihosting-config enable=on,target=native`, from machine mode.

/// `SYS_EXIT_EXTENDED`: exit with a reason and a status code.
const SYS_EXIT_EXTENDED: usize = 0x20;
/// `ADP_Stopped_ApplicationExit`: the program ended; the subcode is its exit status.
const ADP_STOPPED_APPLICATION_EXIT: usize = 0x20026;

/// Ends the session with the numeric code of `status` (a `Board::exit` for semihosting boards).
pub fn exit_with(status: mote_hal::ExitStatus) -> ! {
    exit(usize::from(status.code()))
}

/// Asks the debugger or emulator to end the session with exit status `code`.
///
/// Only for a semihosting host (an emulator, or a debugger that implements it). Without one, the
/// `ebreak` traps to the kernel's own trap vector: a real board must stop some other way.
pub fn exit(code: usize) -> ! {
    let block = [ADP_STOPPED_APPLICATION_EXIT, code];
    loop {
        // SAFETY: `semihosting_call` follows the C ABI (a0 = operation, a1 = parameter, result
        // in a0) and touches no memory itself; the host reads the two-word parameter block,
        // which lives on our stack for the call.
        unsafe { semihosting_call(SYS_EXIT_EXTENDED, block.as_ptr()) };
    }
}

unsafe extern "C" {
    /// The semihosting trap sequence, as a function of its own (below).
    fn semihosting_call(operation: usize, parameter: *const usize) -> usize;
}

// In its own section aligned to 16 bytes, the sequence cannot cross a page; `norvc` keeps its
// instructions uncompressed, as the host requires to recognise it.
core::arch::global_asm!(
    ".section .text.semihosting_call, \"ax\"",
    ".balign 16",
    ".option push",
    ".option norvc",
    "semihosting_call:",
    "slli x0, x0, 0x1f",
    "ebreak",
    "srai x0, x0, 7",
    "ret",
    ".option pop",
);
