//! Deadlines: sleeps, timeouts of blocking calls, delayed restarts.
//!
//! Each process has at most one deadline (it can only be blocked in one call, or be waiting for
//! one restart). The kernel asks the clock for an interrupt at the earliest deadline only, so the
//! CPU is never woken for nothing (tickless).

use mote_abi::{SyscallError, Timeout, ARG_COUNT};
use mote_hal::clock::{micros_to_ticks, ticks_to_micros};
use mote_hal::{Arch, Board, Clock};

use crate::kernel::Kernel;
use crate::process::State;
use crate::syscall::{error, ok, Outcome};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// The clock now, in ticks.
    pub(crate) fn now(&mut self) -> u64 {
        self.board.clock().now()
    }

    /// The deadline, in ticks, of a blocking call with `timeout`; `None` for [`Timeout::NEVER`].
    pub(crate) fn deadline_after(&mut self, timeout: Timeout) -> Option<u64> {
        if timeout == Timeout::NEVER {
            return None;
        }
        let frequency = self.board.clock().frequency();
        Some(self.now().saturating_add(micros_to_ticks(u64::from(timeout.0), frequency)))
    }

    /// Sets (or clears) process `i`'s deadline and keeps the clock's alarm on the earliest one.
    pub(crate) fn set_deadline(&mut self, i: usize, deadline: Option<u64>) {
        if core::mem::replace(&mut self.procs[i].deadline, deadline) != deadline {
            self.arm();
        }
    }

    /// The earliest deadline: of blocking calls, of running periodic jobs (to notice misses) and
    /// of the time slice.
    fn next_event(&self) -> Option<u64> {
        let deadlines = self.procs.iter().filter_map(|p| p.deadline);
        // A job misses its deadline once the clock is past it: wake one tick after.
        let jobs = (0..N).filter_map(|i| self.pending_job_deadline(i).map(|d| d.saturating_add(1)));
        deadlines.chain(jobs).chain(self.slice.map(|(_, end)| end)).min()
    }

    /// Requests the clock's alarm for the earliest deadline, if it changed.
    pub(crate) fn arm(&mut self) {
        let next = self.next_event();
        if next != self.alarm {
            self.alarm = next;
            self.board.clock().set_alarm(next);
        }
    }

    /// Wakes every process whose deadline has passed, counts missed job deadlines, then re-arms
    /// the alarm.
    pub(crate) fn service_deadlines(&mut self) {
        let now = self.now();
        self.detect_misses(now);
        for i in 0..N {
            if self.procs[i].deadline.is_some_and(|d| d <= now) {
                self.procs[i].deadline = None;
                self.expire(i);
            }
        }
        if self.slice.is_some_and(|(_, end)| end <= now) {
            // The running process's slice is over: the next equal takes its turn.
            self.slice = None;
            self.rotate = true;
        }
        // Even when nothing changed, the alarm that fired must be cleared or moved.
        let next = self.next_event();
        self.alarm = next;
        self.board.clock().set_alarm(next);
    }

    /// Process `i`'s deadline passed.
    fn expire(&mut self, i: usize) {
        match self.procs[i].state {
            State::Sleeping => self.complete(i, ok(0, 0, 0)),
            State::AwaitingRelease => self.released(i),
            State::Sending(_)
            | State::AwaitingReply { .. }
            | State::Receiving { .. }
            | State::Waiting { .. }
            | State::WaitingNotification { .. } => self.complete(i, error(SyscallError::TimedOut)),
            State::Sync { object, .. } => {
                self.complete(i, error(SyscallError::TimedOut));
                self.left_object(object);
            }
            State::Faulted(_) => self.restart_now(i, i),
            _ => {}
        }
    }

    /// `now() -> (micros_lo, micros_hi)`.
    pub(crate) fn sys_now(&mut self) -> Outcome {
        let frequency = self.board.clock().frequency();
        let us = ticks_to_micros(self.now(), frequency);
        Outcome::Done(ok(us as u32 as usize, (us >> 32) as u32 as usize, 0))
    }

    /// `sleep_until(micros_lo, micros_hi)`.
    pub(crate) fn sys_sleep_until(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Outcome {
        let us = (args[0] as u32 as u64) | ((args[1] as u32 as u64) << 32);
        let frequency = self.board.clock().frequency();
        let at = micros_to_ticks(us, frequency);
        if at <= self.now() {
            return Outcome::Done(ok(0, 0, 0));
        }
        self.set_state(i, State::Sleeping);
        self.set_deadline(i, Some(at));
        Outcome::Pending
    }
}
