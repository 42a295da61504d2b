//! The kernel object and its main loop.

use core::fmt;

use mote_abi::{LogLevel, SyscallError, TaskId};
use mote_hal::{Arch, Board, ExitStatus, Fault, FaultKind, Trap, UserContext};

use crate::descriptor::ImageDesc;
use crate::log;
use crate::process::{Process, State};
use crate::sched;
use crate::syscall::Results;
use crate::umem::{self, StackedWords};

/// Exit code when the image description fails its boot-time check.
const EXIT_BAD_IMAGE: u8 = 3;
/// Exit code when every live process is blocked and nothing can wake any of them.
const EXIT_DEADLOCK: u8 = 2;
/// Exit code when a process faulted or exited with a non-zero status.
const EXIT_PROCESS_FAILED: u8 = 1;

/// The kernel: the CPU, the board, the image and the run-time state of its `N` processes.
pub struct Kernel<A: Arch, B: Board, const N: usize> {
    pub(crate) arch: A,
    pub(crate) board: B,
    pub(crate) image: &'static ImageDesc<N>,
    pub(crate) procs: [Process<A::Context>; N],
    /// The process whose regions the protection unit currently holds.
    protected: Option<usize>,
    /// The process that ran last (round-robin among equal priorities).
    pub(crate) last: usize,
}

impl<A: Arch, B: Board, const N: usize> Kernel<A, B, N> {
    /// Creates the kernel; nothing runs until [`Kernel::run`] or [`Kernel::boot`].
    pub fn new(arch: A, board: B, image: &'static ImageDesc<N>) -> Self {
        Self {
            arch,
            board,
            image,
            procs: core::array::from_fn(|_| Process::default()),
            protected: None,
            last: N.saturating_sub(1),
        }
    }

    /// Boots and runs processes until the system ends, then stops the board.
    pub fn run(mut self) -> ! {
        let status = match self.boot() {
            Ok(()) => loop {
                if let Some(status) = self.step() {
                    break status;
                }
            },
            Err(status) => status,
        };
        self.board.exit(status)
    }

    /// Prints the banner, checks the image and starts every process.
    pub fn boot(&mut self) -> Result<(), ExitStatus> {
        self.banner();
        if let Err(e) = self.image.check(&self.arch) {
            self.log(LogLevel::Error, format_args!("image rejected: {e}"));
            return Err(ExitStatus::Failure(EXIT_BAD_IMAGE));
        }
        for i in 0..N {
            self.start(i);
        }
        Ok(())
    }

    /// Runs the next ready process until it traps and handles the trap. Returns the exit status
    /// once no process can run any more.
    pub fn step(&mut self) -> Option<ExitStatus> {
        let Some(i) = sched::pick(&self.image.processes, &self.procs, self.last) else {
            return Some(self.finish());
        };
        self.last = i;
        if self.protected != Some(i) {
            self.arch.protect(&self.image.processes[i].regions());
            self.protected = Some(i);
        }
        match self.arch.run(&mut self.procs[i].context) {
            Trap::Syscall => self.syscall(i),
            Trap::Interrupt => {}
            Trap::Fault(fault) => self.fault(i, fault),
        }
        None
    }

    /// Writes one kernel log record.
    pub(crate) fn log(&mut self, level: LogLevel, args: fmt::Arguments<'_>) {
        log::kernel_record(self.board.console(), level, args);
    }

    /// The identifier of the current incarnation of process `i`.
    pub(crate) fn task_id(&self, i: usize) -> TaskId {
        TaskId { index: i as u16, generation: self.procs[i].generation }
    }

    /// Puts process `i` in its initial state: RAM initialised, registers set to enter at its
    /// entry point with an empty stack.
    fn start(&mut self, i: usize) {
        let desc = &self.image.processes[i];
        umem::initialize_ram(desc);
        let words = <A::Context as UserContext>::STACKED_WORDS;
        let top = desc.stack.end();
        let frame_base = top - words * core::mem::size_of::<usize>();
        let proc = &mut self.procs[i];
        proc.context = Default::default();
        match StackedWords::read(desc, frame_base, words) {
            Ok(mut frame) => {
                proc.context.start(desc.entry, top, frame.words_mut());
                frame.write_back();
                proc.state = State::Ready;
            }
            Err(_) => {
                let fault = Fault { kind: FaultKind::BadStackPointer, pc: None, address: Some(frame_base) };
                self.fault(i, fault);
            }
        }
    }

    /// Gives a blocked or trapped process its syscall results and makes it ready.
    pub(crate) fn complete(&mut self, i: usize, results: Results) {
        let desc = &self.image.processes[i];
        let proc = &mut self.procs[i];
        let sp = proc.context.stack_pointer();
        match StackedWords::read(desc, sp, <A::Context as UserContext>::STACKED_WORDS) {
            Ok(mut frame) => {
                proc.context.set_results(frame.words_mut(), results);
                frame.write_back();
                proc.state = State::Ready;
            }
            Err(_) => {
                let fault = Fault { kind: FaultKind::BadStackPointer, pc: None, address: Some(sp) };
                self.fault(i, fault);
            }
        }
    }

    /// Ends process `i` with `state` (exited or faulted) and releases every process waiting on it.
    pub(crate) fn stop(&mut self, i: usize, state: State) {
        debug_assert!(state.is_dead());
        self.procs[i].state = state;
        if self.protected == Some(i) {
            self.protected = None;
        }
        for j in 0..N {
            let waits_on_i = match self.procs[j].state {
                State::Sending(m) => m.to == i,
                State::AwaitingReply { server, .. } => server == i,
                _ => false,
            };
            if waits_on_i {
                self.complete(j, crate::syscall::error(SyscallError::PeerGone));
            }
        }
    }

    /// Records a fault of process `i`, reports it and stops the process.
    pub(crate) fn fault(&mut self, i: usize, mut fault: Fault) {
        if fault.pc.is_none() && fault.kind != FaultKind::StackOverflow {
            // Architectures that keep the PC on the process stack (Cortex-M) leave it to us: read
            // it through the checked path, and only if the stack pointer is still sane.
            let desc = &self.image.processes[i];
            let ctx = &self.procs[i].context;
            let words = <A::Context as UserContext>::STACKED_WORDS;
            if let Ok(frame) = StackedWords::read(desc, ctx.stack_pointer(), words) {
                fault.pc = Some(ctx.program_counter(frame.words()));
            }
        }
        let name = self.image.processes[i].name;
        let report = FaultReport(fault);
        self.log(LogLevel::Error, format_args!("process '{name}' (task {i}) faulted: {report}"));
        self.stop(i, State::Faulted(fault));
    }

    /// Called when no process is ready: decides how the system ends.
    fn finish(&mut self) -> ExitStatus {
        let blocked: usize = self.procs.iter().filter(|p| !p.state.is_dead()).count();
        if blocked > 0 {
            // Nothing wakes a process blocked on IPC but another process, and none can run.
            self.log(LogLevel::Error, format_args!("deadlock: every live process is blocked"));
            for i in 0..N {
                self.report_blocked(i);
            }
            return ExitStatus::Failure(EXIT_DEADLOCK);
        }
        let clean = self.procs.iter().all(|p| p.state == State::Exited(0));
        self.log(LogLevel::Info, format_args!("all processes ended; system halted"));
        if clean {
            ExitStatus::Success
        } else {
            ExitStatus::Failure(EXIT_PROCESS_FAILED)
        }
    }

    fn report_blocked(&mut self, i: usize) {
        let name = self.image.processes[i].name;
        let peer = |k: usize| self.image.processes[k].name;
        match self.procs[i].state {
            State::Sending(m) => {
                let to = peer(m.to);
                self.log(LogLevel::Error, format_args!("  '{name}' waits for '{to}' to receive"))
            }
            State::AwaitingReply { server, .. } => {
                let from = peer(server);
                self.log(LogLevel::Error, format_args!("  '{name}' waits for a reply from '{from}'"))
            }
            State::Receiving { .. } => {
                self.log(LogLevel::Error, format_args!("  '{name}' waits for a message"))
            }
            _ => {}
        }
    }

    fn banner(&mut self) {
        let info = self.arch.protection_info();
        let isolation = if info.isolates { "processes isolated" } else { "isolation unavailable" };
        let (board, cpu) = (self.board.name(), self.arch.cpu_name());
        self.log(
            LogLevel::Info,
            format_args!(
                "Mote {} on {board}: {cpu}, {} ({} regions), {isolation}",
                crate::VERSION,
                info.name,
                info.regions
            ),
        );
        let image = self.image;
        let plural = if N == 1 { "" } else { "es" };
        self.log(LogLevel::Info, format_args!("image '{}', {N} process{plural}", image.name));
        self.log(
            LogLevel::Info,
            format_args!("  {:<16} {:>4}  {:<21}  ram", "name", "prio", "flash"),
        );
        self.log(
            LogLevel::Info,
            format_args!("  {:<16} {:>4}  {}  {}", "kernel", "-", image.kernel_flash, image.kernel_ram),
        );
        for p in &image.processes {
            self.log(
                LogLevel::Info,
                format_args!("  {:<16} {:>4}  {}  {}", p.name, p.priority.0, p.flash, p.ram),
            );
        }
    }
}

/// Formats a fault: kind, address and program counter when known.
struct FaultReport(Fault);

impl fmt::Display for FaultReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.kind)?;
        if let Some(addr) = self.0.address {
            write!(f, " at {addr:#010x}")?;
        }
        if let Some(pc) = self.0.pc {
            write!(f, " (pc {pc:#010x})")?;
        }
        Ok(())
    }
}
