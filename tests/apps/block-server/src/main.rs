//! A block store that never copies a block through a message: a client lends the buffer to
//! write from (readable) or read into (writable), and the server borrows it in place. Also
//! checks that the kernel holds it to the rights and bounds of each lease, and that a lease ends
//! with the reply.

#![no_std]
#![no_main]

use mote::{SyscallError, TaskId};

mote::entry!(main);

const BLOCK: usize = 1024;
/// Operation codes: write block `message[0]` from lease 0, read it into lease 0, misuse lease 0,
/// done.
const WRITE: u32 = 1;
const READ: u32 = 2;
const MISUSE: u32 = 3;
const DONE: u32 = 4;

fn serve(disk: &mut [[u8; BLOCK]; 2], sender: TaskId, op: u32, block: usize) -> Result<u32, SyscallError> {
    let (count, lease) = mote::lease_info(sender, 0)?;
    let lease = lease.filter(|l| count == 1 && l.len == BLOCK).ok_or(SyscallError::InvalidArgument)?;
    let block = disk.get_mut(block).ok_or(SyscallError::InvalidArgument)?;
    match op {
        WRITE if lease.readable => Ok(mote::borrow_read(sender, 0, 0, block)? as u32),
        READ if lease.writable => Ok(mote::borrow_write(sender, 0, 0, block)? as u32),
        // Writing a read-only lease and reading past its end must both be refused.
        MISUSE => {
            let write = mote::borrow_write(sender, 0, 0, b"overwrite");
            let past = mote::borrow_read(sender, 0, BLOCK + 1, &mut [0u8; 4]);
            let refused = write == Err(SyscallError::NotPermitted) && past == Err(SyscallError::InvalidArgument);
            mote::info!("misuse of a read-only lease: write {:?}, read past the end {:?}", write, past);
            Ok(u32::from(!refused))
        }
        _ => Err(SyscallError::NotPermitted),
    }
}

fn main() {
    let mut disk = [[0u8; BLOCK]; 2];
    let mut buf = [0u8; 4];
    loop {
        let Ok(msg) = mote::receive(&mut buf) else { continue };
        if msg.op == DONE {
            let _ = mote::reply(msg.sender, 0, &[]);
            // The client no longer awaits a reply: its leases are gone.
            let after = mote::borrow_read(msg.sender, 0, 0, &mut buf);
            let ok = after == Err(SyscallError::WrongState);
            mote::info!("borrow after the reply: {:?} ({})", after, if ok { "ok" } else { "WRONG" });
            mote::exit(u32::from(!ok));
        }
        let code = match serve(&mut disk, msg.sender, msg.op, usize::from(buf[0])) {
            Ok(n) => n,
            Err(e) => 0x8000_0000 | e as u32,
        };
        let _ = mote::reply(msg.sender, code, &[]);
    }
}
