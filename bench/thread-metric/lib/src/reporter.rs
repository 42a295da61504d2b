//! The reporter: runs the eight tests one after the other, reads and checks their counters at
//! the end of every period, prints one line per period.
//!
//! Each line reads `thread-metric NAME period K score N counters C0,C1,... ok` (or `ERROR ...`
//! instead of `ok` when the counters are out of step). The score of a period is how much the
//! test's score counter grew in it; `cargo mote bench thread-metric` averages periods 2 to 4.

use mote::{Duration, TaskId};

use crate::Role;

/// Periods per test: the first includes start-up, the next three are scored.
pub const PERIODS: u32 = 4;

/// A process taking part in a test.
struct Member {
    process: &'static str,
    role: Role,
    /// The process the role acts on (resumes, interrupts), or "".
    peer: &'static str,
}

/// What the score of a test counts.
#[derive(Copy, Clone)]
enum Score {
    /// The sum of all the counters.
    Sum,
    /// The counter of member `k`.
    Of(usize),
}

/// How the counters of a test must relate, as Thread-Metric checks them.
#[derive(Copy, Clone)]
enum Check {
    /// One counter: nothing to compare.
    None,
    /// Each counter within 1 of their average.
    NearAverage,
    /// All counters within 1 of each other.
    Agree,
}

struct Test {
    name: &'static str,
    members: &'static [Member],
    score: Score,
    check: Check,
}

const fn member(process: &'static str, role: Role, peer: &'static str) -> Member {
    Member { process, role, peer }
}

/// A test that `tm-worker` runs alone.
macro_rules! alone {
    ($name:literal, $role:expr) => {
        Test { name: $name, members: &[member("tm-worker", $role, "")], score: Score::Of(0), check: Check::None }
    };
}

const COOP: Role = Role::Cooperative;

/// The eight tests, in Thread-Metric's order, with the processes that run each.
const TESTS: [Test; 8] = [
    alone!("basic_processing", Role::Basic),
    Test {
        name: "cooperative_context_switch",
        members: &[
            member("tm-coop-0", COOP, ""),
            member("tm-coop-1", COOP, ""),
            member("tm-coop-2", COOP, ""),
            member("tm-coop-3", COOP, ""),
            member("tm-coop-4", COOP, ""),
        ],
        score: Score::Sum,
        check: Check::NearAverage,
    },
    Test {
        name: "preemptive_context_switch",
        members: &[
            member("tm-worker", Role::PreemptFirst, "tm-preempt-1"),
            member("tm-preempt-1", Role::PreemptMiddle, "tm-preempt-2"),
            member("tm-preempt-2", Role::PreemptMiddle, "tm-preempt-3"),
            member("tm-preempt-3", Role::PreemptMiddle, "tm-preempt-4"),
            member("tm-preempt-4", Role::PreemptLast, ""),
        ],
        score: Score::Sum,
        check: Check::NearAverage,
    },
    Test {
        name: "interrupt_processing",
        members: &[member("tm-worker", Role::IrqThread, "tm-isr"), member("tm-isr", Role::IrqGive, "")],
        score: Score::Of(1),
        check: Check::Agree,
    },
    Test {
        name: "interrupt_preemption",
        members: &[
            member("tm-worker", Role::IrqPreemptThread, "tm-isr"),
            member("tm-isr", Role::IrqResume, "tm-coop-0"),
            member("tm-coop-0", Role::IrqResumed, ""),
        ],
        score: Score::Of(1),
        check: Check::Agree,
    },
    alone!("message_processing", Role::Message),
    alone!("synchronization", Role::Synchronization),
    alone!("memory_allocation", Role::Memory),
];

/// Most processes in one test.
const MAX_MEMBERS: usize = 5;

/// The reporter's main function: every test for [`PERIODS`] periods of `period`, then exit.
pub fn reporter(period: Duration) {
    mote::info!("thread-metric: {} tests, {PERIODS} periods of {} ms each", TESTS.len(), period.as_millis());
    for test in &TESTS {
        run(test, period);
    }
    mote::info!("thread-metric done");
}

fn run(test: &Test, period: Duration) {
    let n = test.members.len();
    let mut tasks: [Option<TaskId>; MAX_MEMBERS] = [None; MAX_MEMBERS];
    for (slot, m) in tasks.iter_mut().zip(test.members) {
        let t = mote::find(m.process).expect("every Thread-Metric process is in the image");
        *slot = Some(mote::spawn(t).expect("spawn a Thread-Metric process"));
    }
    // Each process registers its counter's address, and waits until all have: then each learns
    // its role, and they start together, as threads created before the scheduler starts do.
    let mut addresses = [0usize; MAX_MEMBERS];
    for _ in 0..n {
        let mut buf = [0u8; core::mem::size_of::<usize>()];
        let msg = mote::receive(&mut buf).expect("registration");
        let k = tasks.iter().position(|t| *t == Some(msg.sender)).expect("a member of this test registers");
        addresses[k] = usize::from_ne_bytes(buf);
    }
    for (t, m) in tasks.iter().flatten().zip(test.members) {
        mote::reply(*t, m.role as u32, m.peer.as_bytes()).expect("reply");
    }
    let start = mote::now();
    let mut last = 0u64;
    for p in 1..=PERIODS {
        mote::sleep_until(start + period * p);
        let mut counters = [0u32; MAX_MEMBERS];
        for k in 0..n {
            let mut word = [0u8; 4];
            mote::inspect(tasks[k].expect("spawned"), addresses[k], &mut word).expect("inspect a counter");
            counters[k] = u32::from_ne_bytes(word);
        }
        let counters = &counters[..n];
        let total: u64 = match test.score {
            Score::Sum => counters.iter().map(|&c| u64::from(c)).sum(),
            Score::Of(k) => u64::from(counters[k]),
        };
        let status = if in_step(test.check, counters) { "ok" } else { "ERROR counters out of step" };
        mote::info!("thread-metric {} period {p} score {} counters {} {status}", test.name, total - last, List(counters));
        last = total;
    }
    for t in tasks.iter().flatten() {
        mote::kill(*t).expect("stop a Thread-Metric process");
    }
}

/// Whether the counters relate as `check` requires.
fn in_step(check: Check, counters: &[u32]) -> bool {
    let (min, max) = (counters.iter().min().copied().unwrap_or(0), counters.iter().max().copied().unwrap_or(0));
    match check {
        Check::None => true,
        Check::NearAverage => {
            let average = counters.iter().map(|&c| u64::from(c)).sum::<u64>() / counters.len() as u64;
            u64::from(min) + 1 >= average && u64::from(max) <= average + 1
        }
        Check::Agree => max - min <= 1,
    }
}

/// Counters printed as `a,b,c`.
struct List<'a>(&'a [u32]);

impl core::fmt::Display for List<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (k, c) in self.0.iter().enumerate() {
            if k > 0 {
                f.write_str(",")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}
