//! Lending buffers with a message: the server reads and writes them in place, for the duration
//! of the call only (no copy into the message, no size limit but the buffer's).
//!
//! ```ignore
//! // Client: ask the storage server to fill `page`, lending it writable.
//! let mut page = [0u8; 512];
//! let (code, _) = mote::send_leased(storage, READ_PAGE, &7u32.to_le_bytes(), &mut [], &[Lease::write(&mut page)], None)?;
//!
//! // Server: write into the client's buffer directly.
//! let msg = mote::receive(&mut buf)?;
//! mote::borrow_write(msg.sender, 0, 0, &data)?;
//! mote::reply(msg.sender, 0, &[])?;
//! ```

use core::marker::PhantomData;
use core::time::Duration;

use mote_abi::{Sysno, SyscallError, LEASE_READ, LEASE_WRITE};

use crate::arch::syscall;
use crate::ipc::TaskId;
use crate::{status, timeout};

/// A buffer lent with [`send_leased`]: readable, writable or both by the receiver, until it
/// replies. In memory it is the kernel's lease descriptor (`mote_abi::LeaseDesc`).
#[repr(C)]
#[derive(Debug)]
pub struct Lease<'a> {
    addr: usize,
    len: usize,
    access: usize,
    _buffer: PhantomData<&'a mut [u8]>,
}

impl<'a> Lease<'a> {
    /// Lends `buf` for the receiver to read.
    pub fn read(buf: &'a [u8]) -> Self {
        Self { addr: buf.as_ptr() as usize, len: buf.len(), access: LEASE_READ, _buffer: PhantomData }
    }

    /// Lends `buf` for the receiver to write (it cannot read what is there).
    pub fn write(buf: &'a mut [u8]) -> Self {
        Self { addr: buf.as_mut_ptr() as usize, len: buf.len(), access: LEASE_WRITE, _buffer: PhantomData }
    }

    /// Lends `buf` for the receiver to read and write.
    pub fn read_write(buf: &'a mut [u8]) -> Self {
        Self { addr: buf.as_mut_ptr() as usize, len: buf.len(), access: LEASE_READ | LEASE_WRITE, _buffer: PhantomData }
    }
}

/// [`crate::send_timeout`], lending `leases` to `to` until it replies. Fails with `BadAddress`
/// before anything is sent if a lease is not this process's memory (a writable one: its RAM),
/// and with `TooLarge` for more than `mote_abi::MAX_LEASES` leases.
pub fn send_leased(
    to: TaskId,
    op: u32,
    message: &[u8],
    reply: &mut [u8],
    leases: &[Lease<'_>],
    limit: Option<Duration>,
) -> Result<(u32, usize), SyscallError> {
    // The kernel's `SendCall`: message, reply buffer, lease table.
    let call: [usize; 6] = [
        message.as_ptr() as usize,
        message.len(),
        reply.as_mut_ptr() as usize,
        reply.len(),
        leases.as_ptr() as usize,
        leases.len(),
    ];
    let r = syscall(Sysno::SendLeased, [to.0.to_raw() as usize, op as usize, call.as_ptr() as usize, timeout(limit), 0, 0, 0]);
    status(r[0])?;
    Ok((r[1] as u32, r[2]))
}

/// What a client lends: the size of one lease and what the server may do with it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LeaseInfo {
    /// Its length in bytes.
    pub len: usize,
    /// Whether the server may read it.
    pub readable: bool,
    /// Whether the server may write it.
    pub writable: bool,
}

/// How many leases the message of `sender` carries, and lease `index` of them (`None` if there
/// is no such lease). `sender` must be awaiting this process's reply (`WrongState` otherwise).
pub fn lease_info(sender: TaskId, index: usize) -> Result<(usize, Option<LeaseInfo>), SyscallError> {
    let r = syscall(Sysno::LeaseInfo, [sender.0.to_raw() as usize, index, 0, 0, 0, 0, 0]);
    status(r[0])?;
    let info = (index < r[1]).then_some(LeaseInfo { len: r[2], readable: r[3] & LEASE_READ != 0, writable: r[3] & LEASE_WRITE != 0 });
    Ok((r[1], info))
}

/// Copies lease `index` of `sender`, from `offset` on, into `buf`; returns how many bytes were
/// copied (fewer than `buf` holds at the lease's end).
pub fn borrow_read(sender: TaskId, index: usize, offset: usize, buf: &mut [u8]) -> Result<usize, SyscallError> {
    let r = syscall(Sysno::BorrowRead, [sender.0.to_raw() as usize, index, offset, buf.as_mut_ptr() as usize, buf.len(), 0, 0]);
    status(r[0])?;
    Ok(r[1])
}

/// Copies `data` into lease `index` of `sender` at `offset`; returns how many bytes were copied
/// (fewer than `data` holds at the lease's end).
pub fn borrow_write(sender: TaskId, index: usize, offset: usize, data: &[u8]) -> Result<usize, SyscallError> {
    let r = syscall(Sysno::BorrowWrite, [sender.0.to_raw() as usize, index, offset, data.as_ptr() as usize, data.len(), 0, 0]);
    status(r[0])?;
    Ok(r[1])
}
