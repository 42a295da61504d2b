//! The console and exit of QEMU's `sim` machine: `simcall` (semihosting, `-semihosting`), whose
//! `write` to file 1 goes to QEMU's first serial port.

use mote_hal::ExitStatus;

use crate::sregs;

const SYS_EXIT: u32 = 1;
const SYS_WRITE: u32 = 4;
const STDOUT: u32 = 1;

/// The console: writes go to the simulator's standard output.
pub struct SimConsole;

impl embedded_io::ErrorType for SimConsole {
    type Error = core::convert::Infallible;
}

impl embedded_io::Write for SimConsole {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        // SAFETY: `write(fd, buf, len)` only reads `buf`, which is valid for `len` bytes.
        unsafe { sregs::simcall(SYS_WRITE, STDOUT, buf.as_ptr() as u32, buf.len() as u32) };
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Ends the simulation with the numeric code of `status` (a `Board::exit`).
pub fn exit_with(status: ExitStatus) -> ! {
    loop {
        // SAFETY: `exit(code)` touches no memory; QEMU ends here.
        unsafe { sregs::simcall(SYS_EXIT, u32::from(status.code()), 0, 0) };
    }
}
