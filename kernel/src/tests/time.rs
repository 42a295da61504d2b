//! Sleeps, timeouts and idling.

use super::Arg::*;
use super::Step::*;
use super::*;

// ---------------------------------------------------------------------------------------------
// Time, lifecycle, capabilities, fault policies, ps, heap.

fn now_arg(us: u64) -> [Arg; 2] {
    [Val(us as u32 as usize), Val((us >> 32) as usize)]
}

#[test]
fn sleep_until_wakes_at_the_deadline_without_busy_waiting() {
    let [lo, hi] = now_arg(5_000);
    let mut s = sim([1, 1, 1], [vec![Call(Sysno::SleepUntil, vec![lo, hi]), Call(Sysno::Now, vec![])], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], [0, 0, 0, 0]);
    assert_eq!(r[1][1], 5_000, "woke exactly at the deadline (1 tick = 1 us)");
    assert_eq!(s.k.arch.sleeps, 1, "one idle wait, straight to the alarm");
}

#[test]
fn a_deadline_in_the_past_returns_at_once() {
    let mut s = sim([1, 1, 1], [vec![Call(Sysno::SleepUntil, vec![Val(0), Val(0)])], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], [0, 0, 0, 0]);
    assert_eq!(s.k.arch.sleeps, 0);
}

#[test]
fn receive_and_send_time_out() {
    let recv = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(8), Val(300)]),
        Call(Sysno::Receive, vec![Ram(500), Val(8), Val(0)]),
        Call(Sysno::Now, vec![]),
    ];
    // c never receives: a's send to c times out (the whole call, until a reply).
    let send = vec![Call(Sysno::Send, vec![Task("c"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(700)])];
    let never = vec![Call(Sysno::SleepUntil, vec![Val(10_000), Val(0)])];
    let mut s = sim([1, 1, 1], [send, recv, never]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(1)[0], err(SyscallError::TimedOut));
    assert_eq!(s.results(1)[1], err(SyscallError::TimedOut), "poll does not block");
    assert_eq!(s.results(1)[2][1], 300);
    assert_eq!(s.results(0)[0], err(SyscallError::TimedOut));
}

#[test]
fn a_sleeping_process_is_not_a_deadlock() {
    let waiter = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let sleeper = vec![
        Call(Sysno::SleepUntil, vec![Val(1000), Val(0)]),
        Call(Sysno::Send, vec![Task("a"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(0)]),
    ];
    let mut s = sim([1, 1, 1], [waiter, sleeper, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.k.arch.sleeps, 1, "the kernel idled until b's deadline instead of declaring a deadlock");
    assert_eq!(s.results(0)[0][2], 1, "a received b's message after b woke");
    assert_eq!(s.results(1)[1], err(SyscallError::PeerGone), "a exited without replying");
}

#[test]
fn timeouts_are_relative_microseconds() {
    assert_eq!(Timeout::millis(2).0, 2000);
}
