//! Leaving the emulator through ARM semihosting.

/// `SYS_EXIT_EXTENDED`: exit with a reason and a status code.
const SYS_EXIT_EXTENDED: u32 = 0x20;
/// `ADP_Stopped_ApplicationExit`: the program ended; the subcode is its exit status.
const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;

/// Ends the session with the numeric code of `status` (a `Board::exit` for semihosting boards).
pub fn exit_with(status: mote_hal::ExitStatus) -> ! {
    exit(u32::from(status.code()))
}

/// Asks the debugger or emulator to end the session with exit status `code`.
///
/// Only meaningful under a semihosting host (QEMU with `-semihosting-config enable=on`); on a bare
/// board without a debugger the `bkpt` halts the core, which is the best "stop" available.
pub fn exit(code: u32) -> ! {
    let block = [ADP_STOPPED_APPLICATION_EXIT, code];
    loop {
        // SAFETY: `bkpt 0xab` with r0 = operation and r1 = pointer to a two-word parameter block
        // is the semihosting calling convention; the block lives on our stack for the call.
        unsafe {
            core::arch::asm!(
                "bkpt #0xab",
                inout("r0") SYS_EXIT_EXTENDED => _,
                in("r1") block.as_ptr(),
                options(nostack)
            )
        };
    }
}
