//! Uses `alloc` on the process heap (grown by syscall within the 8 KiB quota of its
//! process.toml) and a fixed-block pool, and checks that exhaustion is an error, not a crash.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;

use mote::block_pool::BlockPool;
use mote::pool::{Pool, PoolFull};

/// The `heap` quota of process.toml.
const QUOTA: usize = 8192;

mote::entry!(main);

fn main() {
    let mut failed = 0;
    let mut v: Vec<u32> = Vec::new();
    for k in 0..500 {
        v.push(k);
    }
    let sum: u32 = v.iter().sum();
    let (used, size) = mote::heap::usage();
    mote::info!("vec of 500: sum {sum}, heap {used} used of {size}");
    failed += u32::from(sum != 124_750);
    drop(v);
    let b = Box::new([7u8; 1000]);
    mote::info!("box of 1000: {}", b.iter().map(|&x| u32::from(x)).sum::<u32>());
    drop(b);
    let mut big: Vec<u8> = Vec::new();
    match big.try_reserve(16 * 1024) {
        Err(_) => mote::info!("16 KiB beyond the {} KiB quota: refused", QUOTA / 1024),
        Ok(()) => {
            mote::error!("16 KiB granted beyond the quota");
            failed += 1;
        }
    }
    let (_, size) = mote::heap::usage();
    failed += u32::from(size > QUOTA);
    mote::info!("heap grew to {size} bytes (quota {QUOTA})");

    let mut pool: Pool<u32, 4> = Pool::new();
    let handles: Vec<_> = (0..4).filter_map(|k| pool.alloc(k).ok()).collect();
    let full = pool.alloc(99) == Err(PoolFull(99));
    let freed = pool.free(handles[1]);
    let again = pool.alloc(5).is_ok();
    let stale = pool.get(handles[1]).is_none();
    mote::info!("pool: 4 allocated, fifth refused: {full}, freed {freed:?}, reused: {again}, stale handle refused: {stale}");
    failed += u32::from(!(full && freed == Some(1) && again && stale));
    failed += block_pool();
    mote::exit(failed)
}

/// The byte-block pool: three blocks, a fourth refused, a freed block reused with its bytes as
/// left, a stale handle refused (also by a second free). Returns the number of failed checks.
fn block_pool() -> u32 {
    let mut pool: BlockPool<32, 3> = BlockPool::new();
    let blocks: Vec<_> = (0..3).filter_map(|_| pool.alloc()).collect();
    let full = blocks.len() == 3 && pool.alloc().is_none() && pool.len() == 3;
    if let Some(bytes) = pool.get_mut(blocks[1]) {
        bytes[0] = 0xa5;
    }
    let freed = pool.free(blocks[1]);
    let refused = !pool.free(blocks[1]) && pool.get(blocks[1]).is_none();
    let again = pool.alloc();
    let reused = again.and_then(|b| pool.get(b)).is_some_and(|bytes| bytes[0] == 0xa5);
    let others = pool.get(blocks[0]).is_some_and(|b| b[0] == 0) && pool.get(blocks[2]).is_some();
    mote::info!("block pool: 3 allocated, fourth refused: {full}, freed: {freed}, stale handle refused: {refused}, reused as left: {reused}, others intact: {others}");
    u32::from(!(full && freed && refused && reused && others))
}
