//! What the kernel needs from a board.

/// How the system ended, reported to whatever runs the board (QEMU's exit code, a debugger).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Every process exited with status 0.
    Success,
    /// A process failed, or the kernel stopped on an error; the code is the board's exit code.
    Failure(u8),
}

impl ExitStatus {
    /// The numeric exit code: 0 for success.
    pub const fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure(code) => code,
        }
    }
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

/// A board assembled from its parts: a name, a console, a clock and a way to stop. Most board
/// packages need nothing more and use this rather than implementing [`Board`] themselves.
pub struct SimpleBoard<C, K> {
    name: &'static str,
    console: C,
    clock: K,
    exit: fn(ExitStatus) -> !,
}

impl<C, K> SimpleBoard<C, K> {
    /// Assembles a board.
    pub fn new(name: &'static str, console: C, clock: K, exit: fn(ExitStatus) -> !) -> Self {
        Self { name, console, clock, exit }
    }
}

impl<C: embedded_io::Write, K: crate::Clock> Board for SimpleBoard<C, K> {
    type Console = C;
    type Clock = K;

    fn name(&self) -> &'static str {
        self.name
    }

    fn console(&mut self) -> &mut C {
        &mut self.console
    }

    fn clock(&mut self) -> &mut K {
        &mut self.clock
    }

    fn exit(&mut self, status: ExitStatus) -> ! {
        (self.exit)(status)
    }
}
