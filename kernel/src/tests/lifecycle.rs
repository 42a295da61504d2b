//! Capabilities, spawn, kill, wait, restart, fault policies, ps and the heap quota.

use super::Arg::*;
use super::Step::*;
use super::*;

#[test]
fn sending_needs_the_capability() {
    let mut config = Config::new([1, 1, 1]);
    config.caps[0] = Capabilities { send: TaskSet(0b100), ..Capabilities::default() };
    let client = vec![
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
        Call(Sysno::Send, vec![Task("c"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
    ];
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]), Call(Sysno::Reply, vec![Task("a"), Val(5), Ram(0), Val(0)])];
    let mut s = sim_with(config, [client, idle(), server]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], err(SyscallError::NotPermitted));
    assert_eq!(s.results(0)[1], [0, 5, 0, 0]);
}

#[test]
fn spawn_wait_and_kill_follow_capabilities() {
    let mut config = Config::new([0, 1, 1]);
    config.start = [true, false, true];
    config.caps[2] = Capabilities::default();
    let supervisor = vec![
        Call(Sysno::Wait, vec![Task("b"), FOREVER]),
        Call(Sysno::Spawn, vec![Task("b")]),
        Call(Sysno::Spawn, vec![Task("b")]),
        Call(Sysno::Wait, vec![Task("b"), FOREVER]),
    ];
    let worker = vec![Call(Sysno::Yield, vec![]), Call(Sysno::Exit, vec![Val(7)])];
    let outsider = vec![Call(Sysno::Kill, vec![Task("a")]), Call(Sysno::Spawn, vec![Task("b")])];
    let mut s = sim_with(config, [supervisor, worker, outsider]);
    assert_eq!(s.run(), ExitStatus::Failure(1), "b exited with 7");
    let r = s.results(0);
    assert_eq!(r[0], [0, Ending::NotStarted as usize, 0, 0], "waiting on a process never started returns at once");
    assert_eq!(r[1][0], 0);
    assert_eq!(r[2], err(SyscallError::WrongState), "already running");
    assert_eq!(r[3], [0, Ending::Exited as usize, 7, 0]);
    let r = s.results(2);
    assert_eq!(r[0], err(SyscallError::NotPermitted));
    assert_eq!(r[1], err(SyscallError::NotPermitted));
    assert!(s.output().contains("process 'b' started by 'a'"), "{}", s.output());
}

#[test]
fn kill_releases_peers_and_waiters() {
    let killer = vec![Call(Sysno::SleepUntil, vec![Val(100), Val(0)]), Call(Sysno::Kill, vec![Task("b")])];
    let victim = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let waiter = vec![Call(Sysno::Wait, vec![Task("b"), FOREVER])];
    let mut s = sim([0, 1, 1], [killer, victim, waiter]);
    assert_eq!(s.run(), ExitStatus::Success, "a killed process is not a failure");
    assert_eq!(s.results(0)[1], [0, 0, 0, 0]);
    assert_eq!(s.results(2)[0], [0, Ending::Killed as usize, 0, 0], "killed by task 0");
    assert!(s.output().contains("process 'b' killed by 'a'"));
}

#[test]
fn restart_resets_memory_and_bumps_the_generation() {
    // b writes to its RAM, then a restarts it; b's second incarnation sees zeroed RAM.
    let supervisor = vec![
        Call(Sysno::SleepUntil, vec![Val(50), Val(0)]),
        Call(Sysno::Restart, vec![Task("b")]),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(10)]),
    ];
    let worker = vec![Write(700, b"old".to_vec()), Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let mut config = Config::new([0, 1, 1]);
    config.start = [true, true, false];
    let mut s = sim_with(config, [supervisor, worker, idle()]);
    // Let a run its first step, b write and block, then check b's memory after the restart.
    s.k.arch.generations[1] = 0;
    let status = s.run();
    assert_eq!(s.results(0)[1][1], TaskId { index: 1, generation: 1 }.to_raw() as usize);
    assert_eq!(s.k.procs[1].generation, 1);
    assert_eq!(s.k.procs[1].restarts, 1);
    assert_eq!(s.results(0)[2], err(SyscallError::PeerGone), "the stale id (generation 0) is refused");
    // The new incarnation wrote "old" again on its first step: RAM was zeroed in between.
    assert_eq!(s.ram(1, 700, 3), b"old");
    assert_eq!(status, ExitStatus::Failure(2), "b waits forever for a message: deadlock reported");
}

#[test]
fn restart_policy_restarts_then_backs_off() {
    let mut config = Config::new([1, 1, 1]);
    config.policy[0] = FaultPolicy::Restart { max_restarts: 2, window_us: 1_000_000, backoff_us: 1000 };
    let crasher = vec![Fault(FaultKind::IllegalInstruction, 0)];
    // b lives long enough to see a few restarts, then kills the crasher.
    // By then a waits in its second backoff (its restart is due at 3000): kill cancels it.
    let observer = vec![Call(Sysno::SleepUntil, vec![Val(2500), Val(0)]), Call(Sysno::Kill, vec![Task("a")])];
    let mut s = sim_with(config, [crasher, observer, idle()]);
    s.k.arch.generations[0] = 3; // a's incarnation when b kills it
    let status = s.run();
    let out = s.output();
    // Faults 1 and 2 restart at once; fault 3 waits 1 ms, fault 4 waits 2 ms (from t=1000).
    assert_eq!(out.matches("faulted: illegal instruction").count(), 4, "{out}");
    assert!(out.contains("process 'a' faulted 3 times within 1000 ms; restarting in 1 ms"), "{out}");
    assert!(out.contains("process 'a' faulted 4 times within 1000 ms; restarting in 2 ms"), "{out}");
    assert_eq!(s.k.procs[0].restarts, 3);
    assert_eq!(s.results(1)[1], [0, 0, 0, 0]);
    assert!(matches!(s.k.procs[0].state, State::Killed { by: 1 }));
    assert_eq!(status, ExitStatus::Success);
}

#[test]
fn stop_policy_leaves_the_process_faulted() {
    let mut s = sim([1, 1, 1], [vec![Fault(FaultKind::LoadAccess, 0x10)], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Failure(1));
    assert!(matches!(s.k.procs[0].state, State::Faulted(f) if f.kind == FaultKind::LoadAccess));
    assert!(s.output().contains("pc"), "a crash report with registers follows the fault line");
}

#[test]
fn ps_lists_every_process_with_state_and_counters() {
    let mut config = Config::new([0, 1, 2]);
    config.start = [true, true, false];
    let lister = vec![Call(Sysno::SleepUntil, vec![Val(10), Val(0)]), Call(Sysno::Ps, vec![Ram(300), Val(96)])];
    let sleeper = vec![Call(Sysno::SleepUntil, vec![Val(1000), Val(0)])];
    let mut s = sim_with(config, [lister, sleeper, idle()]);
    s.run();
    assert_eq!(s.results(0)[1], [0, 3, 0, 0]);
    let bytes = s.ram(0, 300, 96);
    let rec = |k: usize| ProcessRecord::from_bytes(bytes[k * 32..k * 32 + 32].try_into().unwrap()).unwrap();
    assert_eq!((rec(0).name_str(), rec(0).state), ("a", ProcessState::Running));
    assert_eq!((rec(1).name_str(), rec(1).state, rec(1).priority), ("b", ProcessState::Sleeping, 1));
    assert_eq!(rec(2).state, ProcessState::NotStarted);
}

#[test]
fn ps_starts_at_the_given_index() {
    let lister = vec![Call(Sysno::Ps, vec![Ram(300), Val(64), Val(2)]), Call(Sysno::Ps, vec![Ram(400), Val(64), Val(usize::MAX)])];
    let mut s = sim([1, 1, 1], [lister, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 3, 0, 0]);
    let bytes = s.ram(0, 300, 64);
    assert_eq!(ProcessRecord::from_bytes(bytes[..32].try_into().unwrap()).unwrap().name_str(), "c");
    assert_eq!(&bytes[32..64], &[0; 32], "only one record from index 2");
    assert_eq!(s.ram(0, 400, 64), [0; 64], "a start past the end writes nothing");
}

#[test]
fn ps_writes_only_what_fits() {
    let lister = vec![Call(Sysno::Ps, vec![Ram(300), Val(40)])];
    let mut s = sim([1, 1, 1], [lister, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 3, 0, 0]);
    assert_eq!(s.ram(0, 332, 8), [0; 8], "nothing beyond the first record");
}

#[test]
fn a_waiter_learns_who_restarted_the_process_and_stale_ids_cannot_restart() {
    let mut config = Config::new([0, 1, 2]);
    config.caps[2] = Capabilities::default();
    let supervisor = vec![
        Call(Sysno::SleepUntil, vec![Val(100), Val(0)]),
        Call(Sysno::Restart, vec![Task("b")]),
        Call(Sysno::Restart, vec![Task("b")]),
    ];
    let worker = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let waiter = vec![Call(Sysno::Wait, vec![Task("b"), FOREVER]), Call(Sysno::Kill, vec![Task("b")])];
    let mut s = sim_with(config, [supervisor, worker, waiter]);
    s.run();
    assert_eq!(s.results(2)[0], [0, Ending::Killed as usize, 0, 0], "restarted by task 0, the supervisor");
    assert_eq!(s.results(0)[1][0], 0);
    assert_eq!(s.results(0)[2], err(SyscallError::PeerGone), "the generation-0 id is stale after the restart");
    assert_eq!(s.results(2)[1], err(SyscallError::NotPermitted), "the capability is checked before anything else");
}

#[test]
fn inspect_reads_only_the_processes_it_may_watch() {
    let mut config = Config::new([2, 1, 1]);
    config.caps[1] = Capabilities { inspect: TaskSet(0b001), ..Capabilities::default() };
    config.caps[2] = Capabilities::default();
    let watched = vec![Write(200, b"counter!".to_vec()), Call(Sysno::SleepUntil, vec![Val(10_000), Val(0)])];
    let monitor = vec![
        Call(Sysno::SleepUntil, vec![Val(100), Val(0)]),
        Call(Sysno::Inspect, vec![Task("a"), RamOf("a", 200), Ram(300), Val(8)]),
        Call(Sysno::Inspect, vec![Task("a"), RamOf("c", 0), Ram(300), Val(8)]),
        Call(Sysno::Inspect, vec![Task("a"), RamOf("a", 200), RamOf("a", 0), Val(8)]),
        Call(Sysno::Inspect, vec![Task("a"), RamOf("a", 0), Ram(300), Val(257)]),
    ];
    let outsider = vec![Call(Sysno::Inspect, vec![Task("a"), RamOf("a", 200), Ram(300), Val(8)])];
    let mut s = sim_with(config, [watched, monitor, outsider]);
    s.run();
    let r = s.results(1);
    assert_eq!(r[1], [0, 8, 0, 0]);
    assert_eq!(s.ram(1, 300, 8), b"counter!", "copied from a's RAM");
    assert_eq!(r[2], err(SyscallError::BadAddress), "c's RAM is not a's");
    assert_eq!(r[3], err(SyscallError::BadAddress), "the buffer must be the caller's");
    assert_eq!(r[4], err(SyscallError::TooLarge));
    assert_eq!(s.results(2)[0], err(SyscallError::NotPermitted), "inspecting needs the capability");
}
