//! Choosing the next process to run.
//!
//! The rule: the most important ready process runs; among ready processes of equal priority, the
//! one after the last to run (in task-index order, wrapping) goes next, so equals take turns.

use crate::descriptor::ProcessDesc;
use crate::priority::Priority;
use crate::process::{Process, State};

/// The task index of the next process to run, or `None` if no process is ready.
///
/// `last` is the index of the process that ran most recently.
pub fn pick<C>(descs: &[ProcessDesc], procs: &[Process<C>], last: usize) -> Option<usize> {
    let n = procs.len();
    let mut best: Option<(usize, Priority)> = None;
    for offset in 1..=n {
        let i = (last + offset) % n;
        if procs[i].state != State::Ready {
            continue;
        }
        let prio = descs[i].priority;
        match best {
            Some((_, p)) if !prio.is_more_important_than(p) => {}
            _ => best = Some((i, prio)),
        }
    }
    best.map(|(i, _)| i)
}
