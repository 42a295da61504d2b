//! Synchronous IPC and the checks on its arguments.

use super::Arg::*;
use super::Step::*;
use super::*;

#[test]
fn send_receive_reply_round_trip() {
    let client = vec![
        Write(300, b"ping".to_vec()),
        Call(Sysno::Send, vec![Task("b"), Val(7), Ram(300), Val(4), Ram(400), Val(16), FOREVER]),
    ];
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Write(600, b"pong!".to_vec()),
        Call(Sysno::Reply, vec![Task("a"), Val(42), Ram(600), Val(5)]),
    ];
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let a = TaskId { index: 0, generation: 0 }.to_raw() as usize;
    assert_eq!(s.results(1)[0], [0, a, 7, 4], "receive: sender, op, length");
    assert_eq!(s.ram(1, 500, 4), b"ping");
    assert_eq!(s.results(0)[0], [0, 42, 5, 0], "send: reply code and length");
    assert_eq!(s.ram(0, 400, 5), b"pong!");
    assert_eq!(s.results(1)[1], [0, 0, 0, 0], "reply succeeded");
}

#[test]
fn receive_first_then_send_also_delivers() {
    // The server (more important) runs first and blocks in receive before the client sends.
    let client = vec![
        Write(300, b"xy".to_vec()),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(2), Ram(400), Val(4), FOREVER]),
    ];
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Call(Sysno::Reply, vec![Task("a"), Val(9), Ram(500), Val(2)]),
    ];
    let mut s = sim([2, 1, 3], [client, server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], [0, 9, 2, 0]);
    assert_eq!(s.ram(0, 400, 2), b"xy");
}

#[test]
fn message_larger_than_receive_buffer_fails_the_send() {
    let client = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(64), Ram(400), Val(4), FOREVER])];
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    // The server stays blocked in receive with nobody to send: a deadlock, reported.
    assert_eq!(s.run(), ExitStatus::Failure(2));
    assert_eq!(s.results(0)[0], err(SyscallError::TooLarge));
    assert!(s.output().contains("deadlock"), "{}", s.output());
    assert!(s.output().contains("'b' waits for a message"), "{}", s.output());
}

#[test]
fn reply_larger_than_reply_buffer_fails_both_sides() {
    let client = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(2), FOREVER])];
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]),
        Call(Sysno::Reply, vec![Task("a"), Val(0), Ram(500), Val(8)]),
    ];
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], err(SyscallError::TooLarge));
    assert_eq!(s.results(1)[1], err(SyscallError::TooLarge));
}

#[test]
fn pointers_outside_own_memory_are_refused() {
    let calls = vec![
        // Log from the kernel's address space (address 8 is never ours).
        RawCall(Sysno::Log as usize, [3, 8, 4, 0, 0, 0]),
        // Length overflowing the address space.
        Call(Sysno::Log, vec![Val(3), Ram(0), Val(usize::MAX)]),
        // Straddling the end of RAM.
        Call(Sysno::Receive, vec![Ram(RAM - 4), Val(8), FOREVER]),
        // Receive into flash (read-only).
        RawCall(Sysno::Receive as usize, [0, 4, 0, 0, 0, 0]),
        // Unknown syscall and unknown log level.
        RawCall(999, [0; 6]),
        Call(Sysno::Log, vec![Val(77), Ram(0), Val(1)]),
        // Log longer than the limit.
        Call(Sysno::Log, vec![Val(3), Ram(0), Val(mote_abi::MAX_LOG_LEN + 1)]),
    ];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], err(SyscallError::BadAddress));
    assert_eq!(r[1], err(SyscallError::TooLarge), "oversized log is refused before its range");
    assert_eq!(r[2], err(SyscallError::BadAddress));
    assert_eq!(r[3], err(SyscallError::BadAddress));
    assert_eq!(r[4], err(SyscallError::UnknownSyscall));
    assert_eq!(r[5], err(SyscallError::InvalidArgument));
    assert_eq!(r[6], err(SyscallError::TooLarge));
}

#[test]
fn reading_another_process_memory_is_refused() {
    // `a` passes an address in `b`'s RAM, known only once the image is laid out.
    let mut s = sim([1, 1, 1], [idle(), idle(), idle()]);
    let b_ram = s.k.image.processes[1].ram.base;
    s.k.arch.scripts.get_mut(&s.k.image.processes[0].entry).unwrap().0 =
        vec![RawCall(Sysno::Log as usize, [3, b_ram, 4, 0, 0, 0])];
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], err(SyscallError::BadAddress));
}

#[test]
fn find_returns_task_ids_and_rejects_unknown_names() {
    let calls = vec![
        Write(300, b"cx".to_vec()),
        Call(Sysno::Find, vec![Ram(300), Val(1)]),
        Call(Sysno::Find, vec![Ram(300), Val(2)]),
        Call(Sysno::Find, vec![Ram(300), Val(0)]),
    ];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 2, 0, 0]);
    assert_eq!(s.results(0)[1], err(SyscallError::NoSuchTask));
    assert_eq!(s.results(0)[2], err(SyscallError::InvalidArgument));
}

#[test]
fn a_fault_stops_only_that_process_and_releases_its_clients() {
    let client = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER])];
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]), Fault(FaultKind::StoreAccess, 0x2000_0000)];
    let third = vec![Call(Sysno::Yield, vec![]), Call(Sysno::Yield, vec![])];
    let mut s = sim([1, 1, 1], [client, server, third]);
    assert_eq!(s.run(), ExitStatus::Failure(1));
    assert_eq!(s.results(0)[0], err(SyscallError::PeerGone), "client blocked on the dead server");
    assert!(matches!(s.k.procs[1].state, State::Faulted(f) if f.kind == FaultKind::StoreAccess));
    assert_eq!(s.k.procs[2].state, State::Exited(0), "the third process ran to completion");
    let out = s.output();
    assert!(out.contains("process 'b' (task 1) faulted: store access violation at 0x20000000"), "{out}");
}

#[test]
fn sending_to_a_dead_or_stale_task_fails() {
    let client = vec![
        Call(Sysno::Yield, vec![]),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
        RawCall(Sysno::Send as usize, [TaskId { index: 2, generation: 5 }.to_raw() as usize, 0, 0, 0, 0, 0]),
        RawCall(Sysno::Send as usize, [TaskId { index: 9, generation: 0 }.to_raw() as usize, 0, 0, 0, 0, 0]),
        Call(Sysno::Send, vec![Task("a"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
    ];
    // b exits at once; c waits for a message that never comes (and is released by nobody).
    let mut s = sim([1, 0, 2], [client, idle(), vec![Call(Sysno::Yield, vec![])]]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[1], err(SyscallError::PeerGone), "b has exited");
    assert_eq!(r[2], err(SyscallError::PeerGone), "stale generation");
    assert_eq!(r[3], err(SyscallError::NoSuchTask));
    assert_eq!(r[4], err(SyscallError::WrongState), "sending to oneself");
}

#[test]
fn reply_to_a_task_not_waiting_is_refused() {
    let calls = vec![Call(Sysno::Reply, vec![Task("b"), Val(0), Ram(0), Val(0)])];
    let mut s = sim([1, 1, 1], [calls, vec![Call(Sysno::Yield, vec![])], idle()]);
    s.run();
    assert_eq!(s.results(0)[0], err(SyscallError::WrongState));
}

#[test]
fn a_poll_send_to_a_waiting_receiver_waits_for_the_reply() {
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]),
        Call(Sysno::SleepUntil, vec![Val(3000), Val(0)]),
        Call(Sysno::Reply, vec![Task("b"), Val(6), Ram(500), Val(1)]),
    ];
    let client = vec![Call(Sysno::Send, vec![Task("a"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(0)])];
    let mut s = sim([0, 1, 1], [server, client, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(1)[0], [0, 6, 1, 0], "delivered at once, then the reply came 3 ms later");
    assert_eq!(s.results(0)[2], [0, 0, 0, 0]);
}
