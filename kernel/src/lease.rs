//! Leases: zero-copy access to a client's buffers for the duration of one call.
//!
//! With `send_leased` a client lends the server buffers of its own memory, each readable,
//! writable or both. While the client awaits the server's reply, and only then, the server may
//! copy from a readable lease (`borrow_read`) and into a writable one (`borrow_write`), straight
//! between the two processes' memories: the data is never copied into the kernel and never sent
//! whole. Once the server replies, the client's call times out, or either ends, the leases are
//! gone and every borrow fails with `WrongState` (or `PeerGone`).
//!
//! The lease table stays in the client's memory; the kernel checks every lease against the
//! client's regions when the call is made (so a bad lease fails the `send_leased` itself with
//! `BadAddress`) and reads and checks it again at each borrow, through [`crate::umem`] as
//! always.

// Without the feature, the calls are left out (see `syscall::dispatch`) and so is what only they use.
#![cfg_attr(not(feature = "ipc"), allow(dead_code, unused_imports))]

use mote_abi::{LeaseDesc, SendCall, SyscallError, ARG_COUNT, LEASE_READ, LEASE_WRITE, MAX_LEASES};
use mote_hal::{Arch, Board};

use crate::descriptor::ProcessDesc;
use crate::kernel::Kernel;
use crate::process::{LeaseTable, State};
use crate::syscall::{ok, Results};
use crate::umem::{UserRead, UserWrite};

/// One lease, checked against its owner's regions.
struct Lease {
    read: Option<UserRead>,
    write: Option<UserWrite>,
    desc: LeaseDesc,
}

/// Reads the [`SendCall`] a client's `send_leased` points to.
pub(crate) fn read_call(desc: &ProcessDesc, addr: usize) -> Result<SendCall, SyscallError> {
    let range = UserRead::new(desc, addr, SendCall::SIZE)?;
    let mut bytes = [0u8; SendCall::SIZE];
    range.read_into(&mut bytes);
    Ok(SendCall::from_bytes(&bytes))
}

/// Checks a client's lease table and every lease in it.
pub(crate) fn check_table(desc: &ProcessDesc, addr: usize, count: usize) -> Result<LeaseTable, SyscallError> {
    if count > MAX_LEASES {
        return Err(SyscallError::TooLarge);
    }
    let table = LeaseTable { table: UserRead::new(desc, addr, count * LeaseDesc::SIZE)?, count };
    for k in 0..count {
        lease(desc, &table, k)?;
    }
    Ok(table)
}

/// Reads lease `k` of `table` (owned by `desc`'s process) and checks it.
fn lease(desc: &ProcessDesc, table: &LeaseTable, k: usize) -> Result<Lease, SyscallError> {
    let entry = table.table.sub(k * LeaseDesc::SIZE, LeaseDesc::SIZE).ok_or(SyscallError::InvalidArgument)?;
    let mut bytes = [0u8; LeaseDesc::SIZE];
    if entry.read_into(&mut bytes) != LeaseDesc::SIZE {
        return Err(SyscallError::InvalidArgument);
    }
    let d = LeaseDesc::from_bytes(&bytes);
    if !d.access_valid() {
        return Err(SyscallError::InvalidArgument);
    }
    let write = if d.access & LEASE_WRITE != 0 { Some(UserWrite::new(desc, d.addr, d.len)?) } else { None };
    let read = if d.access & LEASE_READ != 0 { Some(UserRead::new(desc, d.addr, d.len)?) } else { None };
    Ok(Lease { read, write, desc: d })
}

impl<A: Arch, B: Board, const N: usize, const M: usize, const Q: usize> Kernel<A, B, N, M, Q> {
    /// The client named by `raw` and its lease table, if it awaits the reply of process `i`.
    fn client_of(&self, i: usize, raw: usize) -> Result<(usize, LeaseTable), SyscallError> {
        let client = self.resolve(raw)?;
        match self.procs[client].state {
            State::AwaitingReply { server, leases, .. } if server == i => Ok((client, leases)),
            _ => Err(SyscallError::WrongState),
        }
    }

    /// Lease `index` of the client named by `raw`, awaiting process `i`'s reply.
    fn lease_of(&self, i: usize, raw: usize, index: usize) -> Result<Lease, SyscallError> {
        let (client, table) = self.client_of(i, raw)?;
        if index >= table.count {
            return Err(SyscallError::InvalidArgument);
        }
        lease(&self.image.processes[client], &table, index)
    }

    /// `lease_info(sender, index) -> (count, len, access)`.
    #[cfg(feature = "ipc")]
    pub(crate) fn sys_lease_info(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let (_, table) = self.client_of(i, args[0])?;
        if args[1] >= table.count {
            return Ok(ok(table.count, 0, 0));
        }
        let l = self.lease_of(i, args[0], args[1])?;
        Ok(ok(table.count, l.desc.len, l.desc.access))
    }

    /// `borrow_read(sender, index, offset, buf_ptr, len) -> copied`.
    #[cfg(feature = "ipc")]
    pub(crate) fn sys_borrow_read(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let lease = self.lease_of(i, args[0], args[1])?;
        let from = lease.read.ok_or(SyscallError::NotPermitted)?;
        let from = from.sub(args[2], args[4]).ok_or(SyscallError::InvalidArgument)?;
        let to = UserWrite::new(&self.image.processes[i], args[3], args[4])?;
        Ok(ok(from.copy_to(&to), 0, 0))
    }

    /// `borrow_write(sender, index, offset, data_ptr, len) -> copied`.
    #[cfg(feature = "ipc")]
    pub(crate) fn sys_borrow_write(&mut self, i: usize, args: [usize; ARG_COUNT]) -> Result<Results, SyscallError> {
        let lease = self.lease_of(i, args[0], args[1])?;
        let to = lease.write.ok_or(SyscallError::NotPermitted)?;
        let to = to.sub(args[2], args[4]).ok_or(SyscallError::InvalidArgument)?;
        let from = UserRead::new(&self.image.processes[i], args[3], args[4])?;
        Ok(ok(from.copy_to(&to), 0, 0))
    }
}
