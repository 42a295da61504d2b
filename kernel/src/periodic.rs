//! The deadline class: periodic processes scheduled earliest-deadline-first.
//!
//! A periodic process runs one *job* per period. Each job is released at `release`, must be done
//! by `release + deadline`, and ends when the process calls `next_period`, which sleeps until the
//! next release. While a job runs, its absolute deadline orders the process among the ready
//! processes of its priority (see [`crate::sched`]).
//!
//! A job still running after its deadline has missed it (one done at the deadline's very tick is on
//! time): the kernel notices one tick after the deadline (the clock's alarm covers job
//! deadlines), counts the miss, logs a warning (at the 1st, 2nd, 4th, 8th... miss) and notifies
//! the process's supervisor, if it has one. The job is not stopped, but it loses its deadline:
//! until it calls `next_period` it competes as an ordinary process of its priority. So an
//! overrunning job takes precedence over its equals only until its own deadline, never after. `next_period` returns the count of misses so far. A job that overran so far that
//! the following releases' deadlines have passed too skips them, and each skipped release counts
//! as a miss.
//!
//! Admission control: a set is admitted only if the densities (budget / min(deadline, period))
//! add up to at most one CPU. `ImageDesc::check` applies it to the processes declared periodic;
//! `set_periodic` applies it at run time, counting every declared process's density as reserved
//! whether it runs or not, so a declared process can always start again.

// Without the feature, the calls are left out (see `syscall::dispatch`) and so is what only they use.
#![cfg_attr(not(feature = "realtime"), allow(dead_code, unused_imports))]

use mote_abi::{LogLevel, SyscallError, ARG_COUNT};
use mote_hal::clock::{micros_to_ticks, ticks_to_micros};
use mote_hal::{Arch, Board, Clock};

use crate::descriptor::{admissible, RealtimeDesc};
use crate::kernel::Kernel;
use crate::process::{Periodic, State};
use crate::syscall::{ok, Outcome, Results};

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// Makes process `i` periodic with `timing`, its first job released now.
    #[cfg(feature = "realtime")]
    pub(crate) fn begin_periodic(&mut self, i: usize, timing: &RealtimeDesc) {
        let frequency = self.board.clock().frequency();
        let now = self.now();
        let ticks = |us: u32| micros_to_ticks(u64::from(us), frequency).max(1);
        self.procs[i].periodic = Some(Periodic {
            period: ticks(timing.period_us),
            deadline: ticks(timing.deadline_us),
            density_ppm: timing.density_ppm(),
            release: now,
            misses: 0,
            reported: false,
        });
        self.begin_job(i);
    }

    /// Starts process `i`'s job released at its `release`.
    fn begin_job(&mut self, i: usize) {
        if let Some(p) = &mut self.procs[i].periodic {
            p.reported = false;
            self.procs[i].job_deadline = Some(p.release.saturating_add(p.deadline));
        }
        self.arm();
    }

    /// The deadline of process `i`'s current job, unless it has missed it already: what orders
    /// it among equals, and what the clock must wake the kernel for.
    pub(crate) fn pending_job_deadline(&self, i: usize) -> Option<u64> {
        if !cfg!(feature = "realtime") {
            return None; // Only `begin_periodic` makes a process periodic.
        }
        let p = &self.procs[i];
        p.job_deadline.filter(|_| p.periodic.is_some_and(|t| !t.reported))
    }

    /// Counts the misses of every running job whose deadline has passed by `now` (a job done at
    /// its deadline's very tick is on time).
    pub(crate) fn detect_misses(&mut self, now: u64) {
        for i in 0..N {
            if self.pending_job_deadline(i).is_some_and(|d| d < now) {
                self.missed(i, 1);
            }
        }
    }

    /// Process `i` missed `count` deadlines: count, log and tell its supervisor.
    fn missed(&mut self, i: usize, count: u32) {
        let Some(p) = &mut self.procs[i].periodic else { return };
        p.reported = true;
        let before = p.misses;
        p.misses = p.misses.saturating_add(count);
        let (release, misses) = (p.release, p.misses);
        // Logged at the 1st, 2nd, 4th, 8th... miss: a process that misses every period cannot
        // flood the console.
        if misses.ilog2() != before.checked_ilog2().unwrap_or(u32::MAX) {
            let frequency = self.board.clock().frequency();
            let name = self.image.processes[i].name;
            let at = ticks_to_micros(release, frequency);
            self.log(LogLevel::Warn)
                .str("process '")
                .str(name)
                .str("' missed ")
                .dec(count)
                .str(" deadline(s) (job released at ")
                .dec(at)
                .str(" us; ")
                .dec(misses)
                .str(" missed in all)");
        }
        let supervisor = self.image.processes[i].realtime.and_then(|r| r.supervisor);
        if let Some((s, bit)) = supervisor {
            let s = usize::from(s);
            if s < N && !self.procs[s].state.is_dead() {
                self.post(s, 1 << (bit & 31));
            }
        }
    }

    /// Process `i`'s wait for its next release is over: its job starts.
    pub(crate) fn released(&mut self, i: usize) {
        if !cfg!(feature = "realtime") {
            return; // Only `next_period` awaits a release.
        }
        self.begin_job(i);
        let misses = self.procs[i].periodic.map_or(0, |p| p.misses);
        self.complete(i, ok(misses as usize, 0, 0));
    }

    /// `next_period() -> misses`.
    #[cfg(feature = "realtime")]
    pub(crate) fn sys_next_period(&mut self, i: usize) -> Outcome {
        let Some(p) = self.procs[i].periodic else {
            return Outcome::Done(crate::syscall::error(SyscallError::InvalidArgument));
        };
        let now = self.now();
        if self.pending_job_deadline(i).is_some_and(|d| d < now) {
            self.missed(i, 1);
        }
        let mut next = p.release.saturating_add(p.period);
        if next.saturating_add(p.deadline) <= now {
            // The job overran whole periods: the releases whose deadlines have passed are skipped.
            let skipped = (now - next - p.deadline) / p.period + 1;
            next = next.saturating_add(skipped.saturating_mul(p.period));
            if let Some(q) = &mut self.procs[i].periodic {
                q.release = next;
            }
            self.missed(i, skipped.min(u64::from(u32::MAX)) as u32);
        }
        self.procs[i].job_deadline = None;
        if let Some(q) = &mut self.procs[i].periodic {
            q.release = next;
        }
        if next <= now {
            self.begin_job(i);
            let misses = self.procs[i].periodic.map_or(0, |p| p.misses);
            return Outcome::Done(ok(misses as usize, 0, 0));
        }
        self.set_state(i, State::AwaitingRelease);
        self.set_deadline(i, Some(next));
        Outcome::Pending
    }

    /// `set_periodic(period_us, deadline_us, budget_us)`; a period of 0 makes the caller an
    /// ordinary process again. As in `process.toml`: 0 < budget <= deadline <= period.
    #[cfg(feature = "realtime")]
    pub(crate) fn sys_set_periodic(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let word = |k: usize| u32::try_from(args[k]).map_err(|_| SyscallError::InvalidArgument);
        let (period_us, deadline_us, budget_us) = (word(0)?, word(1)?, word(2)?);
        if period_us == 0 {
            self.procs[i].periodic = None;
            self.procs[i].job_deadline = None;
            self.arm();
            return Ok(ok(0, 0, 0));
        }
        if deadline_us == 0 || deadline_us > period_us || budget_us == 0 || budget_us > deadline_us {
            return Err(SyscallError::InvalidArgument);
        }
        let supervisor = self.image.processes[i].realtime.and_then(|r| r.supervisor);
        let timing = RealtimeDesc { period_us, deadline_us, budget_us, supervisor };
        let asked = timing.density_ppm();
        let others = (0..N).filter(|&j| j != i).map(|j| self.reserved_density(j));
        let own = self.image.processes[i].realtime.map_or(0, |r| r.density_ppm());
        if !admissible(others.chain(core::iter::once(asked.max(own)))) {
            return Err(SyscallError::Unschedulable);
        }
        self.begin_periodic(i, &timing);
        Ok(ok(0, 0, 0))
    }

    /// The share of the CPU set aside for process `j`: the larger of its declared density (kept
    /// even while it is not running, so it can always start again) and its current one.
    fn reserved_density(&self, j: usize) -> u64 {
        let declared = self.image.processes[j].realtime.map_or(0, |r| r.density_ppm());
        let current = match &self.procs[j].periodic {
            Some(p) if !self.procs[j].state.is_dead() => p.density_ppm,
            _ => 0,
        };
        declared.max(current)
    }
}
