//! Mutexes (priority inheritance, deadlock and misuse), semaphores, event flags, queues, and
//! cycles of sends.

use super::Arg::*;
use super::Step::*;
use super::*;

/// Handles of the test objects.
const M0: usize = 0;
const M1: usize = 1;
const SEM: usize = 2;
const FLAGS: usize = 3;
const QUEUE: usize = 4;

#[test]
fn objects_are_found_by_name_by_their_users_only() {
    let calls = vec![
        Write(300, b"flags".to_vec()),
        Call(Sysno::Object, vec![Ram(300), Val(5)]),
        Write(300, b"queue".to_vec()),
        Call(Sysno::Object, vec![Ram(300), Val(5)]),
        Call(Sysno::SemPost, vec![Val(99)]),
    ];
    let mut s = sim([1, 1, 1], [idle(), idle(), calls]);
    s.run();
    let r = s.results(2);
    assert_eq!(r[0], [0, FLAGS, 0, 0]);
    assert_eq!(r[1], err(SyscallError::NotPermitted), "c is not a user of the queue");
    assert_eq!(r[2], err(SyscallError::InvalidArgument), "no object 99");
}

#[test]
fn priority_inheritance_lets_the_holder_finish_before_a_middle_process() {
    // c (low) takes the mutex; a (high) wants it; b (middle) would compute for a long time.
    // With inheritance, c runs at a's priority, unlocks, and a gets in before b's long work.
    let low = vec![
        Call(Sysno::MutexLock, vec![Val(M0), FOREVER]),
        Call(Sysno::SleepUntil, vec![Val(100), Val(0)]),
        Compute(50),
        Call(Sysno::MutexUnlock, vec![Val(M0)]),
    ];
    let high = vec![Call(Sysno::SleepUntil, vec![Val(50), Val(0)]), Call(Sysno::MutexLock, vec![Val(M0), FOREVER]), Call(Sysno::Now, vec![])];
    let mut middle = vec![Call(Sysno::SleepUntil, vec![Val(60), Val(0)])];
    middle.extend(vec![Compute(100); 100]);
    let mut s = sim([0, 1, 2], [high, middle, low]);
    assert_eq!(s.run(), ExitStatus::Success);
    let a_locked_at = s.results(0)[2][1];
    assert!(a_locked_at < 1000, "a got the mutex at {a_locked_at} us, before b's 10 ms of work");
    assert_eq!(s.results(0)[1], [0, 0, 0, 0]);
}

#[test]
fn without_contention_no_one_inherits() {
    let calls = vec![Call(Sysno::MutexLock, vec![Val(M0), FOREVER]), Call(Sysno::MutexUnlock, vec![Val(M0)])];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    s.run();
    assert!(s.k.procs.iter().all(|p| p.inherited.is_none()));
}

#[test]
fn mutex_misuse_is_an_error_not_a_deadlock() {
    // a holds m0 and wants m1; b holds m1 and wants m0: b's lock would close the cycle.
    let a = vec![
        Call(Sysno::MutexLock, vec![Val(M0), FOREVER]),
        Call(Sysno::SleepUntil, vec![Val(10), Val(0)]),
        Call(Sysno::MutexLock, vec![Val(M1), FOREVER]),
        Call(Sysno::MutexUnlock, vec![Val(M1)]),
        Call(Sysno::MutexUnlock, vec![Val(M0)]),
    ];
    let b = vec![
        Call(Sysno::MutexLock, vec![Val(M1), FOREVER]),
        Call(Sysno::SleepUntil, vec![Val(20), Val(0)]),
        Call(Sysno::MutexLock, vec![Val(M0), FOREVER]),
        Call(Sysno::MutexLock, vec![Val(M1), FOREVER]),
        Call(Sysno::MutexUnlock, vec![Val(M1)]),
    ];
    let c = vec![Call(Sysno::SleepUntil, vec![Val(30), Val(0)]), Call(Sysno::MutexUnlock, vec![Val(M0)])];
    let mut s = sim([1, 1, 1], [a, b, c]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(1)[2], err(SyscallError::Deadlock), "b's lock of m0 closes a cycle");
    assert_eq!(s.results(1)[3], err(SyscallError::Deadlock), "relocking m1, which b holds");
    assert_eq!(s.results(2)[1], err(SyscallError::NotOwner), "c unlocks a mutex it does not hold");
    assert_eq!(s.results(0)[2], [0, 0, 0, 0], "a got m1 once b released it");
}

#[test]
fn a_mutex_held_by_a_process_that_ends_goes_to_the_next_waiter_who_learns_it() {
    let holder = vec![Call(Sysno::MutexLock, vec![Val(M0), FOREVER]), Fault(FaultKind::LoadAccess, 0)];
    let waiter = vec![Call(Sysno::MutexLock, vec![Val(M0), FOREVER])];
    let mut s = sim([0, 1, 1], [holder, waiter, idle()]);
    s.run();
    assert_eq!(s.results(1)[0], [0, 1, 0, 0], "owner died: result 1 is set");
}

#[test]
fn lock_waits_time_out_and_give_back_inherited_priority() {
    let low = vec![Call(Sysno::MutexLock, vec![Val(M0), FOREVER]), Call(Sysno::SleepUntil, vec![Val(1000), Val(0)])];
    let high = vec![Call(Sysno::SleepUntil, vec![Val(10), Val(0)]), Call(Sysno::MutexLock, vec![Val(M0), Val(100)])];
    let mut s = sim([0, 2, 2], [high, idle(), low]);
    while s.k.step().is_none() {
        if s.k.procs[0].state == State::Ready && s.k.procs[0].context.results.len() == 2 {
            assert_eq!(s.k.procs[2].inherited, None, "c gave back a's priority when a stopped waiting");
        }
    }
    assert_eq!(s.results(0)[1], err(SyscallError::TimedOut));
}

#[test]
fn semaphores_count_block_and_refuse_overflow() {
    let a = vec![
        Call(Sysno::SemWait, vec![Val(SEM), FOREVER]),
        Call(Sysno::SemWait, vec![Val(SEM), Val(0)]),
        Call(Sysno::SemWait, vec![Val(SEM), FOREVER]),
    ];
    let b = vec![
        Call(Sysno::SleepUntil, vec![Val(10), Val(0)]),
        Call(Sysno::SemPost, vec![Val(SEM)]),
        Call(Sysno::SemPost, vec![Val(SEM)]),
        Call(Sysno::SemPost, vec![Val(SEM)]),
        Call(Sysno::SemPost, vec![Val(SEM)]),
    ];
    let mut s = sim([1, 1, 1], [a, b, idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 0, 0, 0]);
    assert_eq!(s.results(0)[1], err(SyscallError::TimedOut), "none left and no waiting");
    assert_eq!(s.results(0)[2], [0, 0, 0, 0], "b's first post went straight to the waiting a");
    assert_eq!(s.results(1)[4], err(SyscallError::Overflow), "the fourth post: the count would exceed 2");
}

#[test]
fn event_flags_wake_on_all_or_any_and_clear_on_request() {
    const ALL_CLEAR: usize = 0b11;
    const ANY: usize = 0;
    let all = vec![Call(Sysno::FlagsWait, vec![Val(FLAGS), Val(0b110), Val(ALL_CLEAR), FOREVER])];
    let any = vec![Call(Sysno::FlagsWait, vec![Val(FLAGS), Val(0b001), Val(ANY), FOREVER])];
    let setter = vec![
        Call(Sysno::FlagsSet, vec![Val(FLAGS), Val(0b010)]),
        Call(Sysno::FlagsSet, vec![Val(FLAGS), Val(0b101)]),
        Call(Sysno::FlagsClear, vec![Val(FLAGS), Val(0b001)]),
        Call(Sysno::FlagsWait, vec![Val(FLAGS), Val(0b111), Val(ANY), Val(0)]),
    ];
    let mut s = sim([1, 1, 2], [all, any, setter]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 0b111, 0, 0], "all of 0b110 once both were set");
    assert_eq!(s.results(1)[0], [0, 0b001, 0, 0], "any of 0b001: the value after a cleared its 0b110");
    assert_eq!(s.results(2)[3], err(SyscallError::TimedOut), "all cleared by now");
}

#[test]
fn queues_keep_order_block_when_full_and_hand_over_directly() {
    let msg = |b: u8| Write(300 + usize::from(b) * 8, vec![b; 8]);
    let producer = vec![
        msg(1),
        msg(2),
        msg(3),
        msg(4),
        Call(Sysno::QueueSend, vec![Val(QUEUE), Ram(308), Val(8), FOREVER]),
        Call(Sysno::QueueSend, vec![Val(QUEUE), Ram(316), Val(8), FOREVER]),
        Call(Sysno::QueueSend, vec![Val(QUEUE), Ram(324), Val(8), FOREVER]),
        Call(Sysno::QueueSend, vec![Val(QUEUE), Ram(332), Val(5), FOREVER]),
        Call(Sysno::QueueSend, vec![Val(QUEUE), Ram(300), Val(9), FOREVER]),
    ];
    let consumer = vec![
        Call(Sysno::SleepUntil, vec![Val(10), Val(0)]),
        Call(Sysno::QueueReceive, vec![Val(QUEUE), Ram(500), Val(8), FOREVER]),
        Call(Sysno::QueueReceive, vec![Val(QUEUE), Ram(508), Val(8), FOREVER]),
        Call(Sysno::QueueReceive, vec![Val(QUEUE), Ram(516), Val(8), FOREVER]),
        Call(Sysno::QueueReceive, vec![Val(QUEUE), Ram(524), Val(8), FOREVER]),
        Call(Sysno::QueueReceive, vec![Val(QUEUE), Ram(532), Val(4), FOREVER]),
    ];
    let mut s = sim([1, 1, 1], [producer, consumer, idle()]);
    s.run();
    let r = s.results(1);
    assert_eq!((r[1][1], r[2][1], r[3][1], r[4][1]), (8, 8, 8, 5), "lengths, oldest first");
    assert_eq!(s.ram(1, 500, 8), [1; 8]);
    assert_eq!(s.ram(1, 516, 8), [3; 8]);
    assert_eq!(s.ram(1, 524, 5), [4; 5], "the 4th message waited for room, then came last");
    assert_eq!(s.results(0)[4], err(SyscallError::TooLarge), "larger than the queue's messages");
    assert_eq!(r[5], err(SyscallError::TooLarge), "a buffer smaller than the queue's messages");
}

#[test]
fn a_cycle_of_sends_is_refused() {
    // a sends to b; b (while a waits for its reply) sends to a: a can never receive.
    let a = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER])];
    let b = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]),
        Call(Sysno::Send, vec![Task("a"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
        Call(Sysno::Reply, vec![Task("a"), Val(0), Ram(0), Val(0)]),
    ];
    let mut s = sim([1, 0, 1], [a, b, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(1)[1], err(SyscallError::Deadlock));
    assert_eq!(s.results(0)[0][0], 0, "the first send completed normally");
}

#[test]
fn cycles_mixing_sends_mutexes_and_waits_are_refused() {
    // a holds m0 and sends to b; b then wants m0: b would wait for a, which waits for b.
    let a = vec![
        Call(Sysno::MutexLock, vec![Val(0), FOREVER]),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(1_000)]),
    ];
    let b = vec![
        Call(Sysno::SleepUntil, vec![Val(10), Val(0)]),
        Call(Sysno::MutexLock, vec![Val(0), FOREVER]),
        // c waits for b to end; b sending to c would close that cycle too.
        Call(Sysno::Send, vec![Task("c"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
    ];
    let c = vec![Call(Sysno::Wait, vec![Task("b"), FOREVER])];
    let mut s = sim([1, 1, 1], [a, b, c]);
    s.run();
    assert_eq!(s.results(1)[1], err(SyscallError::Deadlock), "lock: {}", s.output());
    assert_eq!(s.results(1)[2], err(SyscallError::Deadlock), "send to a process waiting for the sender's end");
    assert_eq!(s.results(0)[1], err(SyscallError::PeerGone), "b ended without receiving a's message");
}
