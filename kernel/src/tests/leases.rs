//! Leases: a client lends buffers for one call; the server reads and writes them in place.

use mote_abi::{LEASE_READ, LEASE_WRITE};

use super::Arg::*;
use super::Step::*;
use super::*;

/// Where the client keeps its call descriptor, its lease table and the lent buffers.
const CALL: usize = 600;
const TABLE: usize = 660;
const READ_BUF: usize = 800;
const WRITE_BUF: usize = 840;

/// The client's steps to lend `leases` (address, length, access) in a call to `to`.
fn lend(to: &'static str, leases: &[(Arg, usize, usize)], timeout: Arg) -> Vec<Step> {
    let mut table = Vec::new();
    for &(addr, len, access) in leases {
        table.extend([addr, Val(len), Val(access)]);
    }
    vec![
        Write(300, b"ping".to_vec()),
        Write(READ_BUF, b"hello world".to_vec()),
        WriteWords(CALL, vec![Ram(300), Val(4), Ram(400), Val(16), Ram(TABLE), Val(leases.len())]),
        WriteWords(TABLE, table),
        Call(Sysno::SendLeased, vec![Task(to), Val(9), Ram(CALL), timeout]),
    ]
}

fn standard_leases() -> Vec<(Arg, usize, usize)> {
    vec![(Ram(READ_BUF), 11, LEASE_READ), (Ram(WRITE_BUF), 16, LEASE_WRITE)]
}

#[test]
fn the_server_reads_and_writes_lent_buffers_in_place() {
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Call(Sysno::LeaseInfo, vec![Task("a"), Val(0)]),
        Call(Sysno::LeaseInfo, vec![Task("a"), Val(1)]),
        Call(Sysno::LeaseInfo, vec![Task("a"), Val(2)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(0), Val(6), Ram(600), Val(100)]),
        Write(700, b"WORLD".to_vec()),
        Call(Sysno::BorrowWrite, vec![Task("a"), Val(1), Val(2), Ram(700), Val(5)]),
        Call(Sysno::Reply, vec![Task("a"), Val(1), Ram(700), Val(0)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(0), Val(0), Ram(600), Val(4)]),
    ];
    let mut s = sim([1, 1, 1], [lend("b", &standard_leases(), FOREVER), server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success, "{}", s.output());
    let r = s.results(1);
    assert_eq!(r[0][2..], [9, 4], "op and message arrive as with send");
    assert_eq!(r[1], [0, 2, 11, LEASE_READ]);
    assert_eq!(r[2], [0, 2, 16, LEASE_WRITE]);
    assert_eq!(r[3], [0, 2, 0, 0], "no lease 2: only the count");
    assert_eq!(r[4], [0, 5, 0, 0], "read from offset 6 to the end of the lease: 5 bytes");
    assert_eq!(s.ram(1, 600, 5), b"world");
    assert_eq!(r[5], [0, 5, 0, 0]);
    assert_eq!(s.ram(0, WRITE_BUF, 8), b"\0\0WORLD\0", "written straight into the client's buffer");
    assert_eq!(r[7], err(SyscallError::WrongState), "the lease ended with the reply");
    assert_eq!(s.results(0)[0], [0, 1, 0, 0]);
}

#[test]
fn borrows_keep_to_the_rights_and_bounds_of_the_lease() {
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Call(Sysno::BorrowWrite, vec![Task("a"), Val(0), Val(0), Ram(700), Val(1)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(1), Val(0), Ram(700), Val(1)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(2), Val(0), Ram(700), Val(1)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(0), Val(12), Ram(700), Val(1)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(0), Val(11), Ram(700), Val(8)]),
        Call(Sysno::BorrowWrite, vec![Task("a"), Val(1), Val(10), Ram(700), Val(100)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(0), Val(0), Val(0x10), Val(4)]),
        Call(Sysno::Reply, vec![Task("a"), Val(0), Ram(700), Val(0)]),
    ];
    let mut s = sim([1, 1, 1], [lend("b", &standard_leases(), FOREVER), server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(1);
    assert_eq!(r[1], err(SyscallError::NotPermitted), "writing a read-only lease");
    assert_eq!(r[2], err(SyscallError::NotPermitted), "reading a write-only lease");
    assert_eq!(r[3], err(SyscallError::InvalidArgument), "no such lease");
    assert_eq!(r[4], err(SyscallError::InvalidArgument), "offset past the end");
    assert_eq!(r[5], [0, 0, 0, 0], "offset at the end: nothing to copy");
    assert_eq!(r[6], [0, 6, 0, 0], "clamped to the lease's end");
    assert_eq!(r[7], err(SyscallError::BadAddress), "the server's own buffer is checked too");
}

#[test]
fn only_the_server_holding_the_call_may_borrow() {
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]), Call(Sysno::SleepUntil, vec![Val(1000), Val(0)])];
    let thief = vec![
        Call(Sysno::SleepUntil, vec![Val(10), Val(0)]),
        Call(Sysno::BorrowRead, vec![Task("a"), Val(0), Val(0), Ram(600), Val(4)]),
        Call(Sysno::LeaseInfo, vec![Task("a"), Val(0)]),
    ];
    let mut s = sim([1, 1, 1], [lend("b", &standard_leases(), Val(500)), server, thief]);
    s.run();
    assert_eq!(s.results(2)[1], err(SyscallError::WrongState));
    assert_eq!(s.results(2)[2], err(SyscallError::WrongState));
    assert_eq!(s.results(0)[0], err(SyscallError::TimedOut), "the server never replied");
}

#[test]
fn a_call_that_timed_out_takes_its_leases_back() {
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Call(Sysno::SleepUntil, vec![Val(2000), Val(0)]),
        Call(Sysno::BorrowWrite, vec![Task("a"), Val(1), Val(0), Ram(700), Val(4)]),
    ];
    let mut client = lend("b", &standard_leases(), Val(1000));
    client.push(Call(Sysno::SleepUntil, vec![Val(3000), Val(0)]));
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    s.run();
    assert_eq!(s.results(0)[0], err(SyscallError::TimedOut));
    assert_eq!(s.results(1)[2], err(SyscallError::WrongState), "the client is no longer in the call");
    assert_eq!(s.ram(0, WRITE_BUF, 4), [0; 4]);
}

#[test]
fn leases_outside_the_clients_memory_fail_the_send() {
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(32), Val(5000)])];
    let kernel_ram = Val(0x10);
    let cases: Vec<(Vec<(Arg, usize, usize)>, SyscallError)> = vec![
        (vec![(kernel_ram, 4, LEASE_READ)], SyscallError::BadAddress),
        (vec![(Ram(1020), 8, LEASE_READ)], SyscallError::BadAddress),
        (vec![(Ram(READ_BUF), 4, 0)], SyscallError::InvalidArgument),
        (vec![(Ram(READ_BUF), 4, 4 | LEASE_READ)], SyscallError::InvalidArgument),
        (vec![(Ram(READ_BUF), 4, LEASE_READ); 9], SyscallError::TooLarge),
    ];
    for (leases, expected) in cases {
        let mut s = sim([1, 1, 1], [lend("b", &leases, FOREVER), server.clone(), idle()]);
        s.run();
        assert_eq!(s.results(0)[0], err(expected), "{leases:?}");
        assert_eq!(s.results(1)[0], err(SyscallError::TimedOut), "nothing was delivered");
    }
}

#[test]
fn a_writable_lease_must_be_writable_memory() {
    // Flash is readable by its process but not writable: it may be lent read-only only.
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]), Call(Sysno::Reply, vec![Task("a"), Val(0), Ram(700), Val(0)])];
    let client = [lend("b", &[(Flash(0), 8, LEASE_WRITE)], Val(5000)), lend("b", &[(Flash(0), 8, LEASE_READ)], FOREVER)].concat();
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    s.run();
    assert_eq!(s.results(0)[0], err(SyscallError::BadAddress));
    assert_eq!(s.results(0)[1], [0, 0, 0, 0], "lent read-only, it is fine");
}
