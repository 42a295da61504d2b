//! Choosing the next process to run: the whole scheduling policy, in two functions.
//!
//! The rules, in order:
//!
//! 1. Only ready processes run.
//! 2. The most important *effective* priority wins. A process's effective priority is its own,
//!    raised while it holds a mutex a more important process waits for (priority inheritance).
//! 3. Among equals, a process with a deadline (a periodic job, earliest-deadline-first) goes before
//!    one without, and the earliest deadline first.
//! 4. Among equals that are still tied, the process that ran last at their priority keeps the CPU,
//!    unless it asked to rotate (it yielded, or its time slice ran out): then the next one after it
//!    in task-index order, wrapping, goes; so equals take turns, and a process that a more
//!    important one interrupted resumes its turn (turns are kept per priority level).
//!
//! [`pick_ready`] applies all four rules to a set of ready processes, seen only through
//! [`Candidate`]s; [`next_in_turn`] is its shortcut among processes that all tie (the kernel's
//! most important ready level, without job deadlines). Both are tested against the plain scan of
//! every process on the host.

use crate::priority::Priority;

/// What the scheduler needs to know of a ready process.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its effective priority.
    pub priority: Priority,
    /// The absolute deadline of its current job, if it is a periodic (EDF) process.
    pub deadline: Option<u64>,
}

impl Candidate {
    /// Whether `self` should run in preference to `other` by rules 2 and 3 (not a tie).
    pub fn beats(&self, other: &Candidate) -> bool {
        if self.priority != other.priority {
            return self.priority.is_more_important_than(other.priority);
        }
        match (self.deadline, other.deadline) {
            (Some(a), Some(b)) => a < b,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// The outcome of [`pick_ready`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// Task index of the process to run.
    pub index: usize,
    /// Whether another ready process ties with it (rules 2 and 3): then equals share the CPU in
    /// time slices.
    pub contended: bool,
}

/// The next process among those whose bit is set in `ready` (bit `i`: process `i` is
/// ready; `n <= 32`), described by `describe`; `turn(p)` is the process that ran last at priority
/// `p` and whether it gave up its turn. Its cost grows with the ready processes only, not with all
/// the processes of the image; it also says whether the pick has an equal.
pub fn pick_ready(
    n: usize,
    ready: u32,
    turn: impl Fn(Priority) -> (usize, bool),
    describe: impl Fn(usize) -> Candidate,
) -> Option<Pick> {
    // Among ties, the lowest rank wins: `current` first if it keeps its turn (rank 0), then the
    // processes after it in task-index order, wrapping, and `current` last if it gave it up.
    // Ties are an equivalence (same priority, same deadline), so counting the processes that tie
    // with the best so far, and starting over when a better one comes, counts the pick's equals.
    let mut best: Option<(usize, Candidate, usize)> = None;
    let mut equals = 0u32;
    let mut rest = ready;
    while rest != 0 {
        let i = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        if i >= n {
            break;
        }
        let c = describe(i);
        let (current, rotate) = turn(c.priority);
        let current = current % n;
        let rank = if i == current && !rotate { 0 } else { 1 + (i + n - current - 1) % n };
        match &best {
            Some((_, b, r)) if !c.beats(b) => {
                if !b.beats(&c) {
                    equals += 1;
                    if rank < *r {
                        best = Some((i, c, rank));
                    }
                }
            }
            Some(_) => {
                best = Some((i, c, rank));
                equals = 0;
            }
            None => best = Some((i, c, rank)),
        }
    }
    best.map(|(index, _, _)| Pick { index, contended: equals > 0 })
}

/// [`pick_ready`] among processes that all tie (the same priority, no deadline): `members` (bit
/// `i`: process `i`, non-empty), `current` the process that ran last at their level and `rotate`
/// whether it gave up its turn. `current` keeps its turn unless it rotates; else the next member
/// after it in task-index order, wrapping, goes. A few bit operations, whatever the count.
pub fn next_in_turn(members: u32, current: usize, rotate: bool) -> Pick {
    let contended = members & members.wrapping_sub(1) != 0;
    let current = current % 32;
    let index = if !rotate && members & (1 << current) != 0 {
        current
    } else {
        // The members after `current`, else (wrapping) the first member, `current` included.
        let after = members & !(2u32 << current).wrapping_sub(1);
        (if after != 0 { after.trailing_zeros() } else { members.trailing_zeros() }) as usize
    };
    Pick { index, contended }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    /// `pick_ready` with turns per priority, over processes described as ready or not.
    fn pick_with_turns(n: usize, turn: impl Fn(Priority) -> (usize, bool), ready: impl Fn(usize) -> Option<Candidate>) -> Option<usize> {
        let mask = (0..n.min(32)).filter(|&i| ready(i).is_some()).fold(0u32, |m, i| m | 1 << i);
        pick_ready(n, mask, turn, |i| ready(i).expect("in the mask")).map(|p| p.index)
    }

    /// [`pick_with_turns`] with one turn for every priority: `current` ran last, `rotate` whether
    /// it gave up its turn.
    fn pick(n: usize, current: usize, rotate: bool, ready: impl Fn(usize) -> Option<Candidate>) -> Option<usize> {
        pick_with_turns(n, |_| (current, rotate), ready)
    }

    /// The scan over every process that `pick_ready` replaced, kept as the reference.
    fn pick_reference(n: usize, turn: impl Fn(Priority) -> (usize, bool), ready: impl Fn(usize) -> Option<Candidate>) -> Option<usize> {
        let mut best: Option<(usize, Candidate, usize)> = None;
        for i in 0..n {
            let Some(c) = ready(i) else { continue };
            let (current, rotate) = turn(c.priority);
            let current = current % n;
            let rank = if i == current && !rotate { 0 } else { 1 + (i + n - current - 1) % n };
            let better = match &best {
                None => true,
                Some((_, b, r)) => c.beats(b) || (!b.beats(&c) && rank < *r),
            };
            if better {
                best = Some((i, c, rank));
            }
        }
        best.map(|(i, _, _)| i)
    }

    fn cand(p: u8, d: Option<u64>) -> Candidate {
        Candidate { priority: Priority(p), deadline: d }
    }

    #[test]
    fn turns_are_kept_per_priority() {
        // 0 and 2 tie at priority 2; 3 ran last of all, at priority 1, and is not ready now.
        let set = [Some(cand(2, None)), None, Some(cand(2, None)), None];
        let at_2 = |current, rotate| move |p: Priority| if p == Priority(2) { (current, rotate) } else { (3, false) };
        assert_eq!(pick_with_turns(4, at_2(2, false), |i| set[i]), Some(2), "2 ran last at its level and keeps its turn");
        assert_eq!(pick_with_turns(4, at_2(2, true), |i| set[i]), Some(0), "2 gave up its turn");
        assert_eq!(pick(4, 3, false, |i| set[i]), Some(0), "turns kept for all levels together start after 3");
    }

    #[test]
    fn most_important_first_then_earliest_deadline() {
        let set = [Some(cand(2, None)), Some(cand(1, Some(50))), Some(cand(1, Some(20))), None];
        assert_eq!(pick(4, 0, false, |i| set[i]), Some(2));
        let set = [Some(cand(1, None)), Some(cand(1, Some(90)))];
        assert_eq!(pick(2, 0, false, |i| set[i]), Some(1), "a deadline beats none at equal priority");
    }

    #[test]
    fn the_current_process_keeps_a_tie_unless_it_rotates() {
        let set = [Some(cand(1, None)), Some(cand(1, None)), Some(cand(1, None))];
        assert_eq!(pick(3, 1, false, |i| set[i]), Some(1));
        assert_eq!(pick(3, 1, true, |i| set[i]), Some(2));
        assert_eq!(pick(3, 2, true, |i| set[i]), Some(0), "wraps around");
    }

    #[test]
    fn nothing_ready_means_none() {
        assert_eq!(pick(3, 0, false, |_| None), None);
        assert_eq!(pick(0, 0, false, |_| None), None);
    }

    fn candidate() -> impl Strategy<Value = Option<Candidate>> {
        prop::option::weighted(0.7, (0u8..4, prop::option::of(0u64..6)).prop_map(|(p, d)| cand(p, d)))
    }

    proptest! {
        /// The pick is ready, and no ready process beats it.
        #[test]
        fn picks_a_ready_process_that_nothing_beats(set in prop::collection::vec(candidate(), 1..9), current in 0usize..9, rotate: bool) {
            let n = set.len();
            let chosen = pick(n, current, rotate, |i| set[i]);
            match chosen {
                None => prop_assert!(set.iter().all(|c| c.is_none())),
                Some(k) => {
                    let winner = set[k].expect("picked a ready process");
                    for c in set.iter().flatten() {
                        prop_assert!(!c.beats(&winner), "{c:?} beats the pick {winner:?}");
                    }
                }
            }
        }

        /// The same pick as the full scan, and it has an equal exactly when another ready process ties with it.
        #[test]
        fn contention_means_another_ready_equal(set in prop::collection::vec(candidate(), 1..33), turns in prop::collection::vec((0usize..33, any::<bool>()), 4)) {
            let n = set.len();
            let mask = (0..n).filter(|&i| set[i].is_some()).fold(0u32, |m, i| m | 1 << i);
            let turn = |p: Priority| turns[usize::from(p.0) % 4];
            let chosen = pick_ready(n, mask, turn, |i| set[i].unwrap());
            prop_assert_eq!(chosen.map(|p| p.index), pick_reference(n, turn, |i| set[i]), "same pick as the full scan");
            if let Some(p) = chosen {
                let w = set[p.index].unwrap();
                let equal = (0..n).any(|j| j != p.index && set[j].is_some_and(|c| !c.beats(&w) && !w.beats(&c)));
                prop_assert_eq!(p.contended, equal);
            }
        }

        /// Among equals, the bit operations pick as the scan does.
        #[test]
        fn next_in_turn_is_the_scan_among_equals(ready in prop::collection::vec(any::<bool>(), 1..33), current in 0usize..32, rotate: bool) {
            let n = ready.len();
            let members = (0..n).filter(|&i| ready[i]).fold(0u32, |m, i| m | 1 << i);
            prop_assume!(members != 0 && current < n);
            let expected = pick_ready(n, members, |_| (current, rotate), |_| cand(1, None)).unwrap();
            prop_assert_eq!(next_in_turn(members, current, rotate), expected);
        }

        /// Keeping the CPU: a current process that is among the best and does not rotate runs on.
        #[test]
        fn the_current_best_runs_on_without_rotation(set in prop::collection::vec(candidate(), 1..9), current in 0usize..9) {
            let n = set.len();
            let cur = current % n;
            if let Some(c) = set[cur] {
                if set.iter().flatten().all(|o| !o.beats(&c)) {
                    prop_assert_eq!(pick(n, current, false, |i| set[i]), Some(cur));
                }
            }
        }

        /// Fairness: with a fixed set of equally good processes, rotating turns visit each of them
        /// within `n` picks.
        #[test]
        fn equals_take_turns(ready in prop::collection::vec(any::<bool>(), 1..9), start in 0usize..9) {
            let n = ready.len();
            let set: Vec<Option<Candidate>> = ready.iter().map(|&r| r.then(|| cand(1, None))).collect();
            let mut seen = vec![false; n];
            let mut current = start % n;
            for _ in 0..n {
                match pick(n, current, true, |i| set[i]) {
                    Some(k) => { seen[k] = true; current = k; }
                    None => break,
                }
            }
            for i in 0..n {
                prop_assert_eq!(seen[i], ready[i], "process {} (ready: {})", i, ready[i]);
            }
        }
    }
}
