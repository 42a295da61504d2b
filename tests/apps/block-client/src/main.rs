//! Writes a 1 KiB block to block-server and reads it back, lending the buffers instead of
//! copying them into messages (four times the largest message). Then tries leases the kernel
//! must refuse before anything is sent: memory of the kernel, and a lease table that is not
//! this process's.

#![no_std]
#![no_main]

use mote::{Lease, SyscallError};

mote::entry!(main);

const BLOCK: usize = 1024;
const WRITE: u32 = 1;
const READ: u32 = 2;
const MISUSE: u32 = 3;
const DONE: u32 = 4;

/// Memory that is not this process's: the start of the kernel's RAM.
#[cfg(target_arch = "arm")]
const KERNEL_RAM: usize = 0x2000_0000;
#[cfg(target_arch = "riscv32")]
const KERNEL_RAM: usize = 0x8040_0000;
#[cfg(target_arch = "xtensa")]
const KERNEL_RAM: usize = 0x6000_0000;

fn main() {
    let Ok(server) = mote::find("block-server") else { mote::exit(1) };
    let mut failed = 0u32;
    let mut block = [0u8; BLOCK];
    for (i, b) in block.iter_mut().enumerate() {
        *b = (i * 7 + 3) as u8;
    }
    let wrote = mote::send_leased(server, WRITE, &[1], &mut [], &[Lease::read(&block)], None);
    let mut back = [0u8; BLOCK];
    let read = mote::send_leased(server, READ, &[1], &mut [], &[Lease::write(&mut back)], None);
    let ok = wrote == Ok((BLOCK as u32, 0)) && read == Ok((BLOCK as u32, 0)) && back == block;
    mote::info!("{BLOCK}-byte block written and read back through leases: {} ({})", if back == block { "equal" } else { "different" }, if ok { "ok" } else { "WRONG" });
    failed += u32::from(!ok);

    let misuse = mote::send_leased(server, MISUSE, &[0], &mut [], &[Lease::read(&block)], None);
    let ok = misuse == Ok((0, 0)) && block[..9] != *b"overwrite";
    mote::info!("server's misuse refused, block intact ({})", if ok { "ok" } else { "WRONG" });
    failed += u32::from(!ok);

    // A lease of kernel memory, built by hand: refused before the server sees anything.
    let table = [KERNEL_RAM, 64, mote::LEASE_READ];
    let call = [0, 0, 0, 0, table.as_ptr() as usize, 1];
    let r = mote::raw_syscall(mote::Sysno::SendLeased as usize, [server.0.to_raw() as usize, WRITE as usize, call.as_ptr() as usize, u32::MAX as usize, 0, 0, 0]);
    let forged = SyscallError::from_u32(r[0] as u32);
    // A lease table that is itself somewhere else.
    let call = [0, 0, 0, 0, KERNEL_RAM, 1];
    let r = mote::raw_syscall(mote::Sysno::SendLeased as usize, [server.0.to_raw() as usize, WRITE as usize, call.as_ptr() as usize, u32::MAX as usize, 0, 0, 0]);
    let foreign_table = SyscallError::from_u32(r[0] as u32);
    let ok = forged == Some(SyscallError::BadAddress) && foreign_table == Some(SyscallError::BadAddress);
    mote::info!("lending kernel memory: {:?}; a lease table in kernel memory: {:?} ({})", forged, foreign_table, if ok { "ok" } else { "WRONG" });
    failed += u32::from(!ok);

    let _ = mote::send(server, DONE, &[], &mut []);
    mote::exit(failed)
}
