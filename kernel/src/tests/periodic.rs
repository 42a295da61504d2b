//! The deadline class: EDF order, miss detection and delivery, skipped releases, admission.

use super::Arg::*;
use super::Step::*;
use super::*;

fn rt(period_us: u32, deadline_us: u32, budget_us: u32) -> Option<RealtimeDesc> {
    Some(RealtimeDesc { period_us, deadline_us, budget_us, supervisor: None })
}

/// `jobs` jobs of `work` microseconds each, then a `now` call.
fn jobs(n: usize, work: u64) -> Vec<Step> {
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(Compute(work));
        v.push(Call(Sysno::NextPeriod, vec![]));
    }
    v.push(Call(Sysno::Now, vec![]));
    v
}

#[test]
fn the_earliest_job_deadline_runs_first_and_jobs_start_at_their_release() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(10_000, 8_000, 1_000), rt(10_000, 2_000, 1_000), None];
    let mut s = sim_with(config, [jobs(3, 1_000), jobs(3, 1_000), idle()]);
    assert_eq!(s.run(), ExitStatus::Success, "{}", s.output());
    let (a, b) = (s.k.image.processes[0].ram.base, s.k.image.processes[1].ram.base);
    // Every period b (deadline 2 ms) goes before a (deadline 8 ms), though a has the lower index.
    assert_eq!(s.k.arch.computed, vec![b, a, b, a, b, a]);
    for i in 0..2 {
        let r = s.results(i);
        assert_eq!(&r[..3], &[[0, 0, 0, 0]; 3], "no misses");
        // The third next_period returned at the fourth release, 30 ms in.
        assert_eq!(r[3][1], 30_000);
    }
    assert!(!s.output().contains("missed"));
}

#[test]
fn edf_orders_only_among_equal_priorities() {
    let mut config = Config::new([2, 1, 1]);
    config.realtime = [rt(10_000, 1_000, 500), None, None];
    let mut s = sim_with(config, [jobs(1, 500), vec![Compute(100)], idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let (a, b) = (s.k.image.processes[0].ram.base, s.k.image.processes[1].ram.base);
    assert_eq!(&s.k.arch.computed[..2], &[b, a], "the more important b runs before a's job");
}

#[test]
fn a_miss_is_detected_at_the_deadline_and_delivered_to_the_supervisor() {
    let mut config = Config::new([1, 1, 0]);
    config.realtime = [
        Some(RealtimeDesc { period_us: 1_000, deadline_us: 500, budget_us: 100, supervisor: Some((2, 3)) }),
        None,
        None,
    ];
    let supervisor = vec![Call(Sysno::NotifyWait, vec![Val(1 << 3), FOREVER]), Call(Sysno::Now, vec![])];
    // 800 us of work in steps of 100 (a step is atomic in the fake CPU).
    let mut overrun = vec![Compute(100); 8];
    overrun.extend([Call(Sysno::NextPeriod, vec![]), Compute(100), Call(Sysno::NextPeriod, vec![])]);
    let mut s = sim_with(config, [overrun, idle(), supervisor]);
    assert_eq!(s.run(), ExitStatus::Success, "{}", s.output());
    assert_eq!(s.results(2)[0], [0, 1 << 3, 0, 0], "the supervisor got its notification bit");
    assert_eq!(s.results(2)[1][1], 501, "one tick past the deadline, while the job still ran");
    assert_eq!(s.results(0)[0], [0, 1, 0, 0], "next_period tells the process of its miss");
    assert_eq!(s.results(0)[1], [0, 1, 0, 0], "the next job was on time: still one miss in all");
    assert!(s.output().contains("process 'a' missed 1 deadline(s)"), "{}", s.output());
}

#[test]
fn an_overrun_of_whole_periods_skips_their_releases_and_counts_them() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(1_000, 1_000, 100), None, None];
    let script = vec![Compute(3_500), Call(Sysno::NextPeriod, vec![]), Call(Sysno::Now, vec![]), Call(Sysno::NextPeriod, vec![]), Call(Sysno::Now, vec![])];
    let mut s = sim_with(config, [script, idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    // Job 0 missed at 1 ms; the jobs released at 1 and 2 ms could not meet theirs: skipped. The
    // job released at 3 ms can still make it (deadline 4 ms), so it starts at once.
    assert_eq!(r[0], [0, 3, 0, 0]);
    assert_eq!(r[1][1], 3_500, "no sleep: the 3 ms job was already released");
    assert_eq!(r[2], [0, 3, 0, 0]);
    assert_eq!(r[3][1], 4_000, "the next job is released at 4 ms");
}

#[test]
fn admission_control_counts_declared_processes_even_when_stopped() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(1_000, 1_000, 500), None, None];
    config.start = [false, true, true];
    let b = vec![
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(1_000), Val(600)]),
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(500), Val(250)]),
        Call(Sysno::NextPeriod, vec![]),
        Call(Sysno::SetPeriodic, vec![Val(0), Val(0), Val(0)]),
        Call(Sysno::NextPeriod, vec![]),
    ];
    let c = vec![
        Call(Sysno::SleepUntil, vec![Val(100), Val(0)]),
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(1_000), Val(1)]),
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(2_000), Val(1)]),
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(1_000), Val(0)]),
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(500), Val(600)]),
        Call(Sysno::SleepUntil, vec![Val(5_000), Val(0)]),
        Call(Sysno::SetPeriodic, vec![Val(1_000), Val(1_000), Val(500)]),
    ];
    let mut s = sim_with(config, [idle(), b, c]);
    assert_eq!(s.run(), ExitStatus::Success, "{}", s.output());
    let b = s.results(1);
    assert_eq!(b[0], err(SyscallError::Unschedulable), "a's 50% is reserved though a is not running");
    assert_eq!(b[1], [0, 0, 0, 0], "250 us in 500 us: the other 50%");
    assert_eq!(b[2], [0, 0, 0, 0]);
    assert_eq!(b[3], [0, 0, 0, 0], "period 0: an ordinary process again");
    assert_eq!(b[4], err(SyscallError::InvalidArgument), "next_period needs a periodic process");
    let c = s.results(2);
    assert_eq!(c[0], [0, 0, 0, 0]);
    assert_eq!(c[1], err(SyscallError::Unschedulable), "the CPU is full");
    assert_eq!(c[2], err(SyscallError::InvalidArgument), "a deadline beyond the period");
    assert_eq!(c[3], err(SyscallError::InvalidArgument), "no budget");
    assert_eq!(c[4], err(SyscallError::InvalidArgument), "a budget beyond the deadline");
    assert_eq!(c[6], [0, 0, 0, 0], "b gave its share back");
}

#[test]
fn the_image_check_refuses_an_overloaded_set() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(1_000, 1_000, 600), rt(2_000, 1_000, 500), None];
    let s = sim_with(Config::new([1, 1, 1]), [idle(), idle(), idle()]);
    let mut bad = s.k.image.clone();
    bad.processes[0].realtime = config.realtime[0];
    bad.processes[1].realtime = config.realtime[1];
    let problem = bad.check(&s.k.arch).unwrap_err().problem;
    assert_eq!(problem, "periodic processes with bad timing, or more than the CPU can schedule");
    bad.processes[1].realtime = rt(2_000, 2_000, 800);
    assert!(bad.check(&s.k.arch).is_ok(), "60% + 40% fits exactly");
    bad.processes[1].realtime = rt(2_000, 3_000, 1);
    assert!(bad.check(&s.k.arch).is_err(), "a deadline beyond the period");
}

#[test]
fn an_ended_periodic_process_leaves_no_alarm_behind() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(1_000, 1_000, 100), None, None];
    let mut s = sim_with(config, [vec![Compute(10)], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.k.alarm, None);
    assert_eq!(s.k.arch.sleeps, 0);
}

#[test]
fn a_job_past_its_deadline_no_longer_goes_first() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(10_000, 500, 100), None, None];
    config.slice_us = 200;
    let b = vec![Call(Sysno::Now, vec![]), Compute(100)];
    let mut s = sim_with(config, [vec![Compute(1_200)], b, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    // a's job goes first while it can meet its deadline; once past it (501), a competes as an
    // equal and b gets the CPU when a's time slice ends.
    assert_eq!(s.results(1)[0][1], 701);
}

#[test]
fn misses_are_logged_at_powers_of_two() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(100, 100, 10), None, None];
    let mut script = Vec::new();
    for _ in 0..10 {
        script.extend([Compute(150), Call(Sysno::NextPeriod, vec![])]);
    }
    let mut s = sim_with(config, [script, idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let misses = s.results(0).last().unwrap()[1];
    assert!(misses >= 10, "every job missed: {misses}");
    let logged = s.output().matches(" deadline(s) ").count();
    assert!(logged == misses.ilog2() as usize + 1, "{logged} records for {misses} misses:\n{}", s.output());
}

#[test]
fn a_job_done_at_its_deadlines_tick_is_on_time() {
    let mut config = Config::new([1, 1, 1]);
    config.realtime = [rt(1_000, 500, 100), None, None];
    let script = vec![Compute(500), Call(Sysno::NextPeriod, vec![]), Compute(501), Call(Sysno::NextPeriod, vec![])];
    let mut s = sim_with(config, [script, idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], [0, 0, 0, 0], "done at 500, due at 500: on time");
    assert_eq!(s.results(0)[1], [0, 1, 0, 0], "done at 1501, due at 1500: missed");
}
