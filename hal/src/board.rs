//! What the kernel needs from a board.

/// How the system ended, reported to whatever runs the board (QEMU's exit code, a debugger).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every process exited with status 0.
    Success,
    /// A process failed, or the kernel stopped on an error; the code is the board's exit code.
    Failure(u8),
}

/// A board: its console, its clock and how it stops. Implemented by each `bsp/` package.
pub trait Board {
    /// The console, an `embedded-io` writer (usually a UART).
    type Console: embedded_io::Write;

    /// The kernel's time source.
    type Clock: crate::Clock;

    /// The board's name, as in its `board.toml` (`qemu-mps2-an385`).
    fn name(&self) -> &'static str;

    /// The console the kernel logs to.
    fn console(&mut self) -> &mut Self::Console;

    /// The clock the kernel keeps time and deadlines with.
    fn clock(&mut self) -> &mut Self::Clock;

    /// Stops the system with `status`: exits the emulator, or halts/resets real hardware.
    fn exit(&mut self, status: ExitStatus) -> !;
}
