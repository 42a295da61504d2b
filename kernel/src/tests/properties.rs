//! Property tests of the timer logic: wake-ups, timeouts and periodic jobs against simple
//! models, over random schedules.

use proptest::prelude::*;

use super::Arg::*;
use super::Step::*;
use super::*;

/// A blocking call that only time ends (nobody sends or notifies in these tests).
#[derive(Clone, Debug)]
enum Wait {
    /// `sleep_until` this many microseconds after the previous wait's end.
    SleepFor(u64),
    /// `sleep_until` an absolute time, perhaps already past.
    SleepUntil(u64),
    /// `receive` with this timeout.
    Receive(u32),
    /// `notify_wait` with this timeout.
    Notify(u32),
}

fn wait() -> impl Strategy<Value = Wait> {
    prop_oneof![
        (0u64..3_000).prop_map(Wait::SleepFor),
        (0u64..20_000).prop_map(Wait::SleepUntil),
        (1u32..3_000).prop_map(Wait::Receive),
        (1u32..3_000).prop_map(Wait::Notify),
    ]
}

/// The script for `waits`, each followed by `now`, and the times `now` must return.
fn script(waits: &[Wait]) -> (Vec<Step>, Vec<u64>) {
    let (mut steps, mut expected, mut t) = (Vec::new(), Vec::new(), 0u64);
    for w in waits {
        let (step, end) = match *w {
            Wait::SleepFor(d) => (Call(Sysno::SleepUntil, vec![Val((t + d) as usize), Val(0)]), t + d),
            Wait::SleepUntil(at) => (Call(Sysno::SleepUntil, vec![Val(at as usize), Val(0)]), t.max(at)),
            Wait::Receive(us) => (Call(Sysno::Receive, vec![Ram(500), Val(8), Val(us as usize)]), t + u64::from(us)),
            Wait::Notify(us) => (Call(Sysno::NotifyWait, vec![Val(1), Val(us as usize)]), t + u64::from(us)),
        };
        steps.extend([step, Call(Sysno::Now, vec![])]);
        expected.push(end);
        t = end;
    }
    (steps, expected)
}

/// What the model says a periodic process sees: after each job of `works`, the misses
/// `next_period` returns and the time it returns at.
fn periodic_model(period: u64, deadline: u64, works: &[u64]) -> Vec<(usize, u64)> {
    let (mut t, mut release, mut misses, mut out) = (0u64, 0u64, 0usize, Vec::new());
    for &w in works {
        t += w;
        if t > release + deadline {
            misses += 1;
        }
        let mut next = release + period;
        if next + deadline <= t {
            let skipped = (t - next - deadline) / period + 1;
            misses += skipped as usize;
            next += skipped * period;
        }
        release = next;
        t = t.max(release);
        out.push((misses, t));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every sleep and timeout ends exactly on time (never early, never late), whatever the
    /// others wait for, and the CPU idles at most once per distinct wake-up time (tickless).
    #[test]
    fn every_wait_ends_exactly_on_time(a in prop::collection::vec(wait(), 1..6), b in prop::collection::vec(wait(), 1..6), c in prop::collection::vec(wait(), 1..6)) {
        let scripts = [script(&a), script(&b), script(&c)];
        let mut s = sim([1, 2, 1], [scripts[0].0.clone(), scripts[1].0.clone(), scripts[2].0.clone()]);
        prop_assert_eq!(s.run(), ExitStatus::Success);
        let mut wakeups = std::collections::BTreeSet::new();
        for (i, (_, expected)) in scripts.iter().enumerate() {
            let nows: Vec<u64> = s.results(i).iter().skip(1).step_by(2).map(|r| r[1] as u64).collect();
            prop_assert_eq!(&nows, expected, "process {}", i);
            wakeups.extend(expected.iter().copied());
        }
        prop_assert!(s.k.arch.sleeps <= wakeups.len(), "{} idle waits for {} wake-up times", s.k.arch.sleeps, wakeups.len());
        prop_assert_eq!(s.k.alarm, None, "no alarm left once all is done");
    }

    /// A periodic process's misses and release times follow the model, however its jobs
    /// overrun (by a little, or by whole periods).
    #[test]
    fn periodic_jobs_follow_the_model(period in 50u64..2_000, deadline_pct in 1u64..=100, works in prop::collection::vec(1u64..5_000, 1..8)) {
        let deadline = (period * deadline_pct / 100).max(1);
        let mut config = Config::new([1, 1, 1]);
        config.realtime = [Some(RealtimeDesc { period_us: period as u32, deadline_us: deadline as u32, budget_us: 1, supervisor: None }), None, None];
        let mut steps = Vec::new();
        for &w in &works {
            steps.extend([Compute(w), Call(Sysno::NextPeriod, vec![]), Call(Sysno::Now, vec![])]);
        }
        let mut s = sim_with(config, [steps, idle(), idle()]);
        prop_assert_eq!(s.run(), ExitStatus::Success);
        let seen: Vec<(usize, u64)> = s.results(0).chunks(2).map(|r| (r[0][1], r[1][1] as u64)).collect();
        prop_assert_eq!(seen, periodic_model(period, deadline, &works));
    }
}
