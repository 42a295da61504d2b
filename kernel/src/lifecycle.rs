//! Starting, ending and restarting processes; fault policies; `spawn`, `kill`, `wait`,
//! `restart` and `exit`.
//!
//! Ending a process (exit, fault, kill) always releases whoever depends on it: senders and clients
//! awaiting its reply get `PeerGone`, processes in `wait` get its ending. Starting it again bumps
//! its generation, so identifiers of the old incarnation go stale, re-initialises its RAM and
//! forces the protection unit to be reprogrammed.

// Without the feature, the calls are left out (see `syscall::dispatch`) and so is what only they use.
#![cfg_attr(not(feature = "process-control"), allow(dead_code, unused_imports))]

use mote_abi::{Ending, LogLevel, SyscallError, TaskId, Timeout, ARG_COUNT, MAX_MESSAGE_LEN};
use mote_hal::clock::micros_to_ticks;
use mote_hal::{Arch, Board, Clock, Fault, FaultKind, UserContext};

use crate::descriptor::FaultPolicy;
use crate::kernel::Kernel;
use crate::log::Line;
use crate::process::State;
use crate::syscall::{error, ok, Outcome, Results};
use crate::umem::{self, StackedWords};

/// Most a crash-loop backoff grows: 64 times the configured backoff.
const MAX_BACKOFF_SHIFT: u32 = 6;
/// A data fault this close below the stack's base is taken for a stack overflow (the stack sits
/// at the bottom of the process's RAM, so overflowing it runs into the memory below).
const STACK_GUARD: usize = 4096;

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Starts process `i` afresh: RAM initialised, registers set to enter at its entry point with
    /// an empty stack, heap empty. A process that ran before gets a new generation.
    pub(crate) fn start(&mut self, i: usize) {
        let desc = &self.image.processes[i];
        if !matches!(self.procs[i].state, State::NotStarted) {
            self.procs[i].generation = self.procs[i].generation.wrapping_add(1);
            self.procs[i].restarts += 1;
        }
        umem::initialize_ram(desc);
        if self.protected == Some(i) {
            self.protected = None;
        }
        let words = <A::Context as UserContext>::STACKED_WORDS;
        let top = desc.stack.end();
        let frame_base = top - words * core::mem::size_of::<usize>();
        let proc = &mut self.procs[i];
        proc.context = Default::default();
        proc.heap_end = desc.heap.base;
        proc.deadline = None;
        proc.notifications = 0;
        proc.inherited = None;
        proc.job_deadline = None;
        proc.periodic = None;
        match StackedWords::read(desc, frame_base, words) {
            Ok(mut frame) => {
                proc.context.start(desc.entry, top, frame.words_mut());
                frame.write_back();
                self.set_state(i, State::Ready);
                self.enable_device_interrupts(i);
                #[cfg(feature = "realtime")]
                if let Some(timing) = &desc.realtime {
                    self.begin_periodic(i, timing);
                }
            }
            Err(_) => {
                let fault = Fault { kind: FaultKind::BadStackPointer, pc: None, address: Some(frame_base) };
                self.fault(i, fault);
            }
        }
        self.arm();
    }

    /// Ends process `i` with `state` (exited, faulted or killed) and releases every process that
    /// depends on it.
    pub(crate) fn end(&mut self, i: usize, state: State) {
        debug_assert!(state.is_dead());
        let was = self.procs[i].state;
        self.set_state(i, state);
        self.disable_device_interrupts(i);
        self.release_objects(i, was);
        self.procs[i].job_deadline = None;
        self.procs[i].periodic = None;
        // Its deadline and its job's are gone: the alarm moves to the next one.
        self.procs[i].deadline = None;
        self.arm();
        if self.protected == Some(i) {
            self.protected = None;
        }
        let (ending, detail) = ending_of(&state);
        for j in 0..N {
            let results = match self.procs[j].state {
                State::Sending(m) if m.to == i => error(SyscallError::PeerGone),
                State::AwaitingReply { server, .. } if server == i => error(SyscallError::PeerGone),
                State::Waiting { task } if task == i => ok(ending as usize, detail, 0),
                _ => continue,
            };
            self.complete(j, results);
        }
    }

    /// Stops process `i` (if it runs; `by` is who asks) and starts it again now.
    pub(crate) fn restart_now(&mut self, i: usize, by: usize) {
        if !self.procs[i].state.is_dead() {
            self.end(i, State::Killed { by });
        }
        self.start(i);
        let name = self.image.processes[i].name;
        let generation = self.procs[i].generation;
        self.log(LogLevel::Info).str("process '").str(name).str("' restarted (generation ").dec(generation).str(")");
    }

    /// Records a fault of process `i`, reports it, stops the process and applies its policy.
    pub(crate) fn fault(&mut self, i: usize, mut fault: Fault) {
        let desc = &self.image.processes[i];
        let words = <A::Context as UserContext>::STACKED_WORDS;
        // After a stack overflow nothing may have been saved at the stack pointer: show no frame.
        let frame = if fault.kind == FaultKind::StackOverflow {
            None
        } else {
            StackedWords::read(desc, self.procs[i].context.stack_pointer(), words).ok()
        };
        if fault.pc.is_none() && fault.kind != FaultKind::StackOverflow {
            // Architectures that keep the PC on the process stack (Cortex-M) leave it to us: read
            // it through the checked path, and only if the stack pointer is still sane.
            if let Some(frame) = &frame {
                fault.pc = Some(self.procs[i].context.program_counter(frame.words()));
            }
        }
        let sp = self.procs[i].context.stack_pointer();
        let below_stack = |a: usize| a < desc.stack.base && a >= desc.stack.base.saturating_sub(STACK_GUARD);
        let data_fault = matches!(fault.kind, FaultKind::DataAccess | FaultKind::LoadAccess | FaultKind::StoreAccess);
        if data_fault && (below_stack(sp) || fault.address.is_some_and(below_stack)) {
            fault.kind = FaultKind::StackOverflow;
        }
        let name = desc.name;
        fault_line(self.log(LogLevel::Error).str("process '").str(name).str("' (task ").dec(i as u64).str(") faulted: "), &fault);
        self.crash_report(i, frame.as_ref());
        self.procs[i].faults += 1;
        self.end(i, State::Faulted(fault));
        self.apply_fault_policy(i);
    }

    fn apply_fault_policy(&mut self, i: usize) {
        let FaultPolicy::Restart { max_restarts, window_us, backoff_us } = self.image.processes[i].fault_policy else {
            return;
        };
        let frequency = self.board.clock().frequency();
        let now = self.now();
        let proc = &mut self.procs[i];
        // A window opens at the first fault after the previous one has closed.
        if proc.window_faults == 0 || now.saturating_sub(proc.window_start) > micros_to_ticks(window_us, frequency) {
            proc.window_start = now;
            proc.window_faults = 0;
        }
        proc.window_faults += 1;
        let faults = proc.window_faults;
        if faults <= u32::from(max_restarts) {
            self.restart_now(i, i);
            return;
        }
        let shift = (faults - u32::from(max_restarts) - 1).min(MAX_BACKOFF_SHIFT);
        let delay_us = backoff_us.saturating_mul(1 << shift);
        let name = self.image.processes[i].name;
        self.log(LogLevel::Warn)
            .str("process '")
            .str(name)
            .str("' faulted ")
            .dec(faults)
            .str(" times within ")
            .dec(window_us / 1000)
            .str(" ms; restarting in ")
            .dec(delay_us / 1000)
            .str(" ms");
        let at = now.saturating_add(micros_to_ticks(delay_us, frequency));
        self.set_deadline(i, Some(at));
    }

    /// `exit(code)`.
    pub(crate) fn sys_exit(&mut self, i: usize, code: u32) {
        let name = self.image.processes[i].name;
        let level = if code == 0 { LogLevel::Info } else { LogLevel::Warn };
        self.log(level).str("process '").str(name).str("' exited with status ").dec(code);
        self.end(i, State::Exited(code));
    }

    /// The task index named by a raw identifier, whatever its generation.
    pub(crate) fn index_of(&self, raw: usize) -> Result<usize, SyscallError> {
        let raw = u32::try_from(raw).map_err(|_| SyscallError::NoSuchTask)?;
        let index = usize::from(TaskId::from_raw(raw).index);
        if index < N {
            Ok(index)
        } else {
            Err(SyscallError::NoSuchTask)
        }
    }

    /// `spawn(task) -> task`: starts a process that is not running.
    #[cfg(feature = "process-control")]
    pub(crate) fn sys_spawn(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let target = self.index_of(args[0])?;
        if !self.image.processes[i].capabilities.spawn.contains(target) {
            return Err(SyscallError::NotPermitted);
        }
        if !self.procs[target].state.is_dead() {
            return Err(SyscallError::WrongState);
        }
        self.start(target);
        let (name, by) = (self.image.processes[target].name, self.image.processes[i].name);
        self.log(LogLevel::Info).str("process '").str(name).str("' started by '").str(by).str("'");
        Ok(ok(self.task_id(target).to_raw() as usize, 0, 0))
    }

    /// `kill(task)`: stops a running process, or cancels the pending restart of a faulted one.
    #[cfg(feature = "process-control")]
    pub(crate) fn sys_kill(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let target = self.index_of(args[0])?;
        if !self.image.processes[i].capabilities.kill.contains(target) {
            return Err(SyscallError::NotPermitted);
        }
        let restart_pending = matches!(self.procs[target].state, State::Faulted(_)) && self.procs[target].deadline.is_some();
        if TaskId::from_raw(args[0] as u32).generation != self.procs[target].generation
            || (self.procs[target].state.is_dead() && !restart_pending)
        {
            return Err(SyscallError::PeerGone);
        }
        if target == i {
            return Err(SyscallError::WrongState);
        }
        let (name, by) = (self.image.processes[target].name, self.image.processes[i].name);
        self.log(LogLevel::Info).str("process '").str(name).str("' killed by '").str(by).str("'");
        self.end(target, State::Killed { by: i });
        Ok(ok(0, 0, 0))
    }

    /// `inspect(task, addr, buf_ptr, len) -> copied`: copies up to 256 bytes of a running
    /// process's memory (its flash or RAM, as it may read them itself) into the caller's buffer.
    pub(crate) fn sys_inspect(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let target = self.resolve(args[0])?;
        if !self.image.processes[i].capabilities.inspect.contains(target) {
            return Err(SyscallError::NotPermitted);
        }
        if args[3] > MAX_MESSAGE_LEN {
            return Err(SyscallError::TooLarge);
        }
        let from = umem::UserRead::new(&self.image.processes[target], args[1], args[3])?;
        let to = umem::UserWrite::new(&self.image.processes[i], args[2], args[3])?;
        Ok(ok(from.copy_to(&to), 0, 0))
    }

    /// `restart(task) -> task`: stops (if running) and starts a process.
    pub(crate) fn sys_restart(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let target = match self.index_of(args[0]) {
            Ok(t) => t,
            Err(e) => return Outcome::Done(error(e)),
        };
        let caps = self.image.processes[i].capabilities;
        if target != i && !(caps.spawn.contains(target) && caps.kill.contains(target)) {
            return Outcome::Done(error(SyscallError::NotPermitted));
        }
        let stale = TaskId::from_raw(args[0] as u32).generation != self.procs[target].generation;
        if stale && !self.procs[target].state.is_dead() {
            // The incarnation the caller knew has ended already; another one runs.
            return Outcome::Done(error(SyscallError::PeerGone));
        }
        self.restart_now(target, i);
        if target == i {
            // The caller is a new incarnation now: there is no one to return to.
            return Outcome::Pending;
        }
        Outcome::Done(ok(self.task_id(target).to_raw() as usize, 0, 0))
    }

    /// `wait(task, timeout) -> (ending, detail)`.
    pub(crate) fn sys_wait(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let target = match self.index_of(args[0]) {
            Ok(t) => t,
            Err(e) => return Outcome::Done(error(e)),
        };
        if target == i {
            return Outcome::Done(error(SyscallError::WrongState));
        }
        let raw = TaskId::from_raw(args[0] as u32);
        let state = self.procs[target].state;
        if state.is_dead() {
            let (ending, detail) = ending_of(&state);
            return Outcome::Done(ok(ending as usize, detail, 0));
        }
        if raw.generation != self.procs[target].generation {
            // The incarnation the caller knew has already ended and another runs.
            return Outcome::Done(error(SyscallError::PeerGone));
        }
        if self.closes_cycle(i, target) {
            return Outcome::Done(error(SyscallError::Deadlock));
        }
        let timeout = Timeout(args[1] as u32);
        if timeout == Timeout::POLL {
            return Outcome::Done(error(SyscallError::TimedOut));
        }
        self.set_state(i, State::Waiting { task: target });
        let deadline = self.deadline_after(timeout);
        self.set_deadline(i, deadline);
        Outcome::Pending
    }
}

/// How `state` (a dead one) is reported by `wait`.
fn ending_of(state: &State) -> (Ending, usize) {
    match *state {
        State::Exited(code) => (Ending::Exited, code as usize),
        State::Faulted(_) => (Ending::Faulted, 0),
        State::Killed { by } => (Ending::Killed, by),
        _ => (Ending::NotStarted, 0),
    }
}

/// Writes a fault: kind, address and program counter when known (the `Display` form of
/// [`FaultKind`], then ` at 0x...` and ` (pc 0x...)`).
fn fault_line(line: &mut Line<'_>, fault: &Fault) {
    line.fault_kind(fault.kind);
    if let Some(addr) = fault.address {
        line.str(" at ").addr(addr);
    }
    if let Some(pc) = fault.pc {
        line.str(" (pc ").addr(pc).str(")");
    }
}
