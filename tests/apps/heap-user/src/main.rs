//! Uses `alloc` on the process heap (grown by syscall within the 8 KiB quota of its
//! process.toml) and a fixed-block pool, and checks that exhaustion is an error, not a crash.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;

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
    mote::exit(failed)
}
