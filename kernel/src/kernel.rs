//! The kernel object and its main loop.

use mote_abi::{LogLevel, TaskId};
use mote_hal::{Arch, Board, Clock, ExitStatus};

use crate::descriptor::ImageDesc;
use crate::log;
use crate::log_ring::{LogRing, Tee, LOG_RING_SIZE};
use crate::process::{Process, State};
use crate::ready::{ReadySet, LEVELS};
use crate::priority::Priority;
use crate::sched::{self, Candidate};

/// Exit code when a process faulted or exited with a non-zero status.
pub const EXIT_PROCESS_FAILED: u8 = 1;
/// Exit code when every live process is blocked and nothing can wake any of them.
pub const EXIT_DEADLOCK: u8 = 2;
/// Exit code when the image description fails its boot-time check.
pub const EXIT_BAD_IMAGE: u8 = 3;
/// Exit code after a kernel panic (a kernel fault included).
pub const EXIT_KERNEL_PANIC: u8 = 4;
/// Interrupts taken per pass: a device that keeps interrupting cannot keep the kernel from
/// handling deadlines and running processes.
const MAX_INTERRUPTS_PER_PASS: usize = 32;

/// The kernel: the CPU, the board, the image and the run-time state of its `N` processes.
pub struct Kernel<A: Arch, B: Board, const N: usize, const M: usize = 0, const Q: usize = 0> {
    pub(crate) arch: A,
    pub(crate) board: B,
    pub(crate) image: &'static ImageDesc<N, M, Q>,
    /// The run-time state of the synchronisation objects.
    pub(crate) objects: [crate::sync::ObjectState; M],
    /// Message storage of the queues.
    pub(crate) queue_arena: [u8; Q],
    pub(crate) procs: [Process<A::Context>; N],
    /// The process whose regions the protection unit currently holds.
    pub(crate) protected: Option<usize>,
    /// Bit `i` is set if process `i` owns a device with an interrupt (found at boot), so an
    /// interrupt looks for its owner among those only.
    pub(crate) irq_owners: u32,
    /// Each process's protection-unit settings, worked out at boot: a switch only loads them.
    plans: [<A as mote_hal::MemoryProtection>::Plan; N],
    /// The process that ran last (round-robin among equal priorities).
    pub(crate) last: usize,
    /// For each priority level, the process that ran last at that level (`u8::MAX`: none yet).
    /// Turns among equals resume from there after a more important process has run, so a
    /// process that was preempted keeps its turn.
    pub(crate) last_at: [u8; LEVELS],
    /// The process that gave up its turn (`rotate`) and has not been passed over yet: a more
    /// important process may run first, and the turn passes when its level is picked from again.
    gave_up: Option<usize>,
    /// The alarm currently requested from the clock.
    pub(crate) alarm: Option<u64>,
    /// The most recent log output.
    pub(crate) log_ring: LogRing<LOG_RING_SIZE>,
    /// Whether the process that ran last gives up its turn among equals (it yielded, or its time
    /// slice ran out).
    pub(crate) rotate: bool,
    /// The running process's time slice: whose it is and when it ends (only while an equal
    /// competes for the CPU).
    pub(crate) slice: Option<(usize, u64)>,
    /// The image's time slice in clock ticks (0: no time slicing), converted once at boot.
    slice_ticks: u64,
    /// The processes in [`State::Ready`], by effective priority (kept by [`Kernel::set_state`]
    /// and [`Kernel::refile`]), so the scheduler looks at the most important ready ones only.
    ready: ReadySet,
    /// Bit `i` is set while process `i` is blocked on a synchronisation object
    /// ([`State::Sync`]), so posting to an object looks at its possible waiters only.
    pub(crate) on_objects: u32,
}

/// The index of priority `p`'s level in [`Kernel::last_at`].
fn level(p: Priority) -> usize {
    usize::from(p.0).min(LEVELS - 1)
}

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Creates the kernel; nothing runs until [`Kernel::run`] or [`Kernel::boot`].
    pub fn new(arch: A, board: B, image: &'static ImageDesc<N, M, Q>) -> Self {
        const { assert!(N <= mote_abi::MAX_PROCESSES, "an image holds at most MAX_PROCESSES processes") };
        Self {
            arch,
            board,
            image,
            objects: core::array::from_fn(|k| crate::sync::ObjectState::new(&image.objects[k])),
            queue_arena: [0; Q],
            procs: core::array::from_fn(|_| Process::default()),
            protected: None,
            irq_owners: 0,
            plans: [Default::default(); N],
            last: N.saturating_sub(1),
            last_at: [u8::MAX; LEVELS],
            gave_up: None,
            alarm: None,
            log_ring: LogRing::default(),
            // Nothing has run yet: the first pick among equals starts at task 0.
            rotate: true,
            slice: None,
            slice_ticks: 0,
            ready: ReadySet::new(),
            on_objects: 0,
        }
    }

    /// Boots and runs processes until the system ends, then stops the board.
    pub fn run(&mut self) -> ! {
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

    /// Prints the banner, checks the image, enables the clock and starts the processes marked
    /// to start at boot.
    pub fn boot(&mut self) -> Result<(), ExitStatus> {
        self.banner();
        if let Err(e) = self.image.check(&self.arch) {
            self.log(LogLevel::Error).str("image rejected: process '").str(e.process).str("': ").str(e.problem);
            return Err(ExitStatus::Failure(EXIT_BAD_IMAGE));
        }
        self.irq_owners = 0;
        for i in 0..N {
            let (regions, n) = self.image.processes[i].protection_regions();
            self.plans[i] = self.arch.plan(&regions[..n]);
            if self.image.processes[i].devices.iter().any(|d| d.irq.is_some()) {
                self.irq_owners |= 1 << i;
            }
        }
        for k in 0..self.board.clock().interrupts().len() {
            let irq = self.board.clock().interrupts()[k];
            // The clock is the most urgent interrupt (level 0); devices get levels 1 to 3.
            self.arch.set_interrupt_priority(irq, 0);
            self.arch.enable_interrupt(irq);
        }
        self.ready = ReadySet::new();
        self.on_objects = 0;
        let frequency = self.board.clock().frequency();
        self.slice_ticks = mote_hal::clock::micros_to_ticks(u64::from(self.image.time_slice_us), frequency);
        for i in 0..N {
            self.procs[i] = Process::default();
            if self.image.processes[i].start_at_boot {
                self.start(i);
            }
        }
        Ok(())
    }

    /// Runs the next ready process until it traps and handles the trap, or sleeps until an
    /// interrupt if none is ready. Returns the exit status once nothing can run any more.
    pub fn step(&mut self) -> Option<ExitStatus> {
        if self.arch.interrupt_pending() {
            self.service_interrupts();
        }
        if core::mem::take(&mut self.rotate) {
            self.gave_up = Some(self.last);
        }
        let Some(sched::Pick { index: i, contended }) = self.pick() else {
            if self.slice.take().is_some() {
                // Nobody runs, so no slice runs either: do not wake up for its end.
                self.arm();
            }
            if self.alarm.is_none() && !self.awaits_device() {
                return Some(self.finish());
            }
            self.arch.wait_for_interrupt();
            self.service_interrupts();
            return None;
        };
        self.update_slice(i, contended);
        if self.protected != Some(i) {
            self.arch.load(&self.plans[i]);
            self.protected = Some(i);
        }
        match self.arch.run(&mut self.procs[i].context) {
            mote_hal::Trap::Syscall => self.syscall(i),
            mote_hal::Trap::Interrupt => self.service_interrupts(),
            mote_hal::Trap::Fault(fault) => self.fault(i, fault),
        }
        None
    }

    /// Takes every recorded interrupt, lets the clock do its bookkeeping, then wakes whatever
    /// deadlines have passed.
    ///
    /// Deadlines are looked at only when time may have reached one: when the clock interrupted,
    /// or when the clock has no interrupt line of its own (a core timer, reported as a trap with
    /// no line). A device's interrupt alone cannot be the end of a deadline: the alarm is always
    /// set for the earliest one, and its interrupt comes when it falls due.
    pub(crate) fn service_interrupts(&mut self) {
        let mut clock_due = self.board.clock().interrupts().is_empty();
        for _ in 0..MAX_INTERRUPTS_PER_PASS {
            let Some(irq) = self.arch.take_interrupt() else { break };
            if self.board.clock().interrupts().contains(&irq) {
                self.board.clock().on_interrupt();
                self.arch.enable_interrupt(irq);
                clock_due = true;
            } else if !self.deliver_interrupt(irq) {
                self.unowned_interrupt(irq);
            }
        }
        if clock_due {
            self.service_deadlines();
        }
    }

    /// How the scheduler sees process `i` (ready or not).
    fn describe(&self, i: usize) -> Candidate {
        Candidate { priority: self.effective_priority(i), deadline: self.pending_job_deadline(i) }
    }

    /// Sets process `i`'s state, and its place in the ready set and the set of processes blocked
    /// on objects.
    pub(crate) fn set_state(&mut self, i: usize, state: State) {
        let bit = 1 << i;
        self.on_objects &= !bit;
        match state {
            State::Ready => self.ready.insert(i, level(self.effective_priority(i))),
            State::Sync { .. } => {
                self.ready.remove(i);
                self.on_objects |= bit;
            }
            _ => self.ready.remove(i),
        }
        self.procs[i].state = state;
    }

    /// Files process `i` again in the ready set after its effective priority changed.
    pub(crate) fn refile(&mut self, i: usize) {
        if self.ready.contains(i) {
            self.ready.insert(i, level(self.effective_priority(i)));
        }
    }

    /// The next process to run: the most important ready level's turn ([`sched::next_in_turn`],
    /// or [`sched::pick_ready`] where job deadlines may order it); turns among equals resume from
    /// the process that ran last at their level (at a level where nothing ran yet, from the
    /// process that ran last of all), and a turn given up passes once.
    fn pick(&mut self) -> Option<sched::Pick> {
        #[cfg(test)]
        for i in 0..N {
            let ready = matches!(self.procs[i].state, State::Ready);
            assert_eq!(self.ready.level_of(i), ready.then(|| level(self.effective_priority(i))), "ready set, process {i}");
            let on_object = matches!(self.procs[i].state, State::Sync { .. });
            assert_eq!(self.on_objects & (1 << i) != 0, on_object, "object waiters, process {i}");
        }
        let (l, members) = self.ready.most_important()?;
        let current = if self.last_at[l] == u8::MAX { self.last } else { usize::from(self.last_at[l]) };
        let rotate = self.gave_up == Some(current);
        let pick = if cfg!(feature = "realtime") {
            // Job deadlines order equals (earliest first): compare them.
            sched::pick_ready(N, members, |_| (current, rotate), |j| self.describe(j))?
        } else {
            sched::next_in_turn(members, current, rotate)
        };
        if rotate {
            self.gave_up = None;
        }
        self.last = pick.index;
        self.last_at[l] = pick.index as u8;
        Some(pick)
    }

    /// Process `i`'s priority, raised by what it inherits from processes waiting on its mutexes.
    pub(crate) fn effective_priority(&self, i: usize) -> Priority {
        let own = self.image.processes[i].priority;
        match self.procs[i].inherited {
            Some(p) if p.is_more_important_than(own) => p,
            _ => own,
        }
    }

    /// Starts or stops the time slice of process `i`, about to run: a slice runs only while
    /// another ready process ties with it (`contended`), so an uncontended CPU gets no timer
    /// interrupts.
    ///
    /// A new slice does not move the clock's alarm later: if the alarm is due before the slice
    /// ends (the previous slice's end, typically), it fires early, finds nothing due and is set
    /// again for the earliest deadline. So equals that yield to each other switch without
    /// touching the clock; it interrupts at most once per slice length.
    fn update_slice(&mut self, i: usize, contended: bool) {
        if self.slice_ticks == 0 {
            return;
        }
        match self.slice {
            Some((owner, _)) if owner == i && contended => {}
            _ if contended => {
                let end = self.now().saturating_add(self.slice_ticks);
                self.slice = Some((i, end));
                if self.alarm.is_none_or(|a| a > end) {
                    self.arm();
                }
            }
            Some(_) => {
                self.slice = None;
                self.arm();
            }
            None => {}
        }
    }

    /// Starts one kernel log record; the line ends when the returned writer is dropped.
    #[inline(never)]
    pub(crate) fn log(&mut self, level: LogLevel) -> log::Line<'_> {
        log::Line::start(self.board.console(), Some(&mut self.log_ring), level, "kernel")
    }

    /// Where log records go: the console and the log ring.
    pub(crate) fn log_output(&mut self) -> Tee<'_, B::Console, LOG_RING_SIZE> {
        Tee { console: self.board.console(), ring: &mut self.log_ring }
    }

    /// The identifier of the current incarnation of process `i`.
    pub(crate) fn task_id(&self, i: usize) -> TaskId {
        TaskId { index: i as u16, generation: self.procs[i].generation }
    }

    /// Whether a process waits for a notification that one of its devices' interrupts can send:
    /// then the system sleeps until that interrupt rather than ending.
    fn awaits_device(&self) -> bool {
        (0..N).any(|i| match self.procs[i].state {
            State::WaitingNotification { mask } => {
                self.image.processes[i].devices.iter().any(|d| d.irq.is_some() && mask & (1 << d.notify_bit) != 0)
            }
            _ => false,
        })
    }

    /// Called when no process is ready and no deadline is pending: decides how the system ends.
    fn finish(&mut self) -> ExitStatus {
        let blocked = self.procs.iter().filter(|p| !p.state.is_dead()).count();
        if blocked > 0 {
            // Nothing wakes a process blocked on IPC or `wait` but another process, and none can run.
            self.log(LogLevel::Error).str("deadlock: every live process is blocked");
            for i in 0..N {
                self.report_blocked(i);
            }
            self.log_process_table();
            return ExitStatus::Failure(EXIT_DEADLOCK);
        }
        let failed = self.procs.iter().any(|p| matches!(p.state, State::Faulted(_)) || matches!(p.state, State::Exited(c) if c != 0));
        self.log_process_table();
        self.log(LogLevel::Info).str("all processes ended; system halted");
        if failed {
            ExitStatus::Failure(EXIT_PROCESS_FAILED)
        } else {
            ExitStatus::Success
        }
    }

    /// Logs a `ps`-style table: every process with its state, generation, faults and restarts.
    pub(crate) fn log_process_table(&mut self) {
        self.log(LogLevel::Info).str("  process          state        gen faults restarts");
        for i in 0..N {
            let (name, p) = (self.image.processes[i].name, &self.procs[i]);
            let (state, generation, faults, restarts) = (p.state.public().as_str(), p.generation, p.faults, p.restarts);
            self.log(LogLevel::Info)
                .str("  ")
                .left(name, 16)
                .str(" ")
                .left(state, 11)
                .str(" ")
                .dec_right(generation, 4)
                .str(" ")
                .dec_right(faults, 6)
                .str(" ")
                .dec_right(restarts, 8);
        }
    }

    fn report_blocked(&mut self, i: usize) {
        let name = self.image.processes[i].name;
        let peer = |k: usize| self.image.processes[k].name;
        match self.procs[i].state {
            State::Sending(m) => {
                let to = peer(m.to);
                self.log(LogLevel::Error).str("  '").str(name).str("' waits for '").str(to).str("' to receive");
            }
            State::AwaitingReply { server, .. } => {
                let from = peer(server);
                self.log(LogLevel::Error).str("  '").str(name).str("' waits for a reply from '").str(from).str("'");
            }
            State::Receiving { .. } => {
                self.log(LogLevel::Error).str("  '").str(name).str("' waits for a message");
            }
            State::WaitingNotification { mask } => {
                self.log(LogLevel::Error).str("  '").str(name).str("' waits for notification bits 0x").hex(mask as usize, 1);
            }
            State::Sync { object, .. } => {
                let object = self.image.objects[object].name;
                self.log(LogLevel::Error).str("  '").str(name).str("' waits on object '").str(object).str("'");
            }
            State::Waiting { task } => {
                let other = peer(task);
                self.log(LogLevel::Error).str("  '").str(name).str("' waits for '").str(other).str("' to end");
            }
            _ => {}
        }
    }

    fn banner(&mut self) {
        let info = self.arch.protection_info();
        let isolation = if info.isolates { "processes isolated" } else { "isolation unavailable" };
        let (board, cpu) = (self.board.name(), self.arch.cpu_name());
        self.log(LogLevel::Info)
            .str("Mote ")
            .str(crate::VERSION)
            .str(" on ")
            .str(board)
            .str(": ")
            .str(cpu)
            .str(", ")
            .str(info.name)
            .str(" (")
            .dec(info.regions as u64)
            .str(" regions), ")
            .str(isolation);
        let image = self.image;
        let plural = if N == 1 { "" } else { "es" };
        self.log(LogLevel::Info).str("image '").str(image.name).str("', ").dec(N as u64).str(" process").str(plural);
        self.log(LogLevel::Info).str("  name             prio  flash                  ram");
        self.log(LogLevel::Info).str("  kernel              -  ").region(image.kernel_flash).str("  ").region(image.kernel_ram);
        for p in &image.processes {
            self.log(LogLevel::Info).str("  ").left(p.name, 16).str(" ").dec_right(p.priority.0, 4).str("  ").region(p.flash).str("  ").region(p.ram);
        }
    }
}
