//! Throws 100,000 random system calls at the kernel: random numbers (known and unknown), and
//! arguments drawn from hostile pools: pointers into the kernel, other processes, peripherals,
//! unmapped memory and across the edges of this process's own regions, absurd lengths, stale and
//! made-up task identifiers. The kernel must survive and must refuse every call whose memory
//! arguments leave this process's regions; the `watchdog` process must keep running throughout.
//!
//! Guard rails, so the fuzzer itself keeps going: it never calls `exit` or `panic`, never
//! restarts itself, bounds every timeout to 1 ms and every period to 5 ms, and points any buffer the kernel may write
//! that lies in its own RAM at a scratch area (so it cannot overwrite its own stack).

#![no_std]
#![no_main]

use core::hint::black_box;

use mote::{Duration, SyscallError};

mote::entry!(main);

const CALLS: u32 = 100_000;
/// Longest timeout the fuzzer lets any blocking call have, in microseconds.
const MAX_TIMEOUT_US: u32 = 1000;
/// Operation code that ends the watchdog.
const DONE: u32 = 0xd0;

/// Where the kernel may write on the fuzzer's behalf.
static mut SCRATCH: [u8; 512] = [0; 512];

/// xorshift32: small, deterministic.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.next() as usize % items.len()]
    }
}

/// Addresses outside this process: kernel, peripherals, other processes, unmapped.
#[cfg(target_arch = "arm")]
const FOREIGN: [usize; 10] =
    [0x0, 0x100, 0x2000_0000, 0x2000_0100, 0x4000_0000, 0x4000_4000, 0xe000_e100, 0xe000_ed00, 0xffff_fffc, 0x3000_0000];
#[cfg(target_arch = "riscv32")]
const FOREIGN: [usize; 10] =
    [0x0, 0x1000, 0x0010_0000, 0x0200_4000, 0x1000_0000, 0x8000_0000, 0x8000_0100, 0x8040_0000, 0xffff_fffc, 0x8040_0100];
#[cfg(target_arch = "xtensa")]
const FOREIGN: [usize; 10] =
    [0x0, 0x100, 0x3ffe_8000, 0x4000_0000, 0x5000_0000, 0x5000_0100, 0x6000_0000, 0x6000_0100, 0xffff_fffc, 0x9000_0000];

const LENGTHS: [usize; 12] = [0, 1, 3, 4, 8, 32, 256, 257, 4096, 0x7fff_ffff, 0xffff_ffff, 0x1_0000];

struct Fuzz {
    rng: Rng,
    flash: core::ops::Range<usize>,
    ram: core::ops::Range<usize>,
    scratch: core::ops::Range<usize>,
    others: [usize; 3],
}

impl Fuzz {
    fn address(&mut self) -> usize {
        let r = self.rng.next() as usize;
        match self.rng.next() % 8 {
            0 | 1 => self.rng.pick(&FOREIGN) + r % 64,
            2 => self.scratch.start + r % (self.scratch.len() + 16),
            3 => self.flash.start + r % (self.flash.len() + 16),
            4 => self.ram.end - r % 16,
            5 => self.ram.start.wrapping_sub(r % 16),
            6 => self.flash.end.wrapping_sub(r % 8),
            _ => r,
        }
    }

    fn length(&mut self) -> usize {
        if self.rng.next() % 4 == 0 {
            self.rng.next() as usize % 600
        } else {
            self.rng.pick(&LENGTHS)
        }
    }

    fn value(&mut self) -> usize {
        match self.rng.next() % 5 {
            0 => self.rng.next() as usize % 40,
            1 => self.rng.pick(&self.others),
            2 => (self.rng.next() as usize & 0xffff_0000) | self.rng.pick(&[0usize, 1, 2, 3, 31]),
            3 => usize::MAX,
            _ => self.rng.next() as usize,
        }
    }

    /// Whether `[addr, addr+len)` lies in this process's memory.
    fn mine(&self, addr: usize, len: usize) -> bool {
        let Some(end) = addr.checked_add(len) else { return false };
        len == 0
            || (addr >= self.flash.start && end <= self.flash.end)
            || (addr >= self.ram.start && end <= self.ram.end)
    }

    /// Keeps a buffer the kernel may write from landing on the fuzzer's own stack or statics.
    fn tame_writable(&self, addr: &mut usize, len: &mut usize) {
        let Some(end) = addr.checked_add(*len) else { return };
        let overlaps_ram = *addr < self.ram.end && end > self.ram.start;
        let in_scratch = *addr >= self.scratch.start && end <= self.scratch.end;
        if overlaps_ram && !in_scratch {
            *addr = self.scratch.start;
            *len = (*len).min(self.scratch.len());
        }
    }
}

fn main() {
    let (Ok(watchdog), Ok(me)) = (mote::find("watchdog"), mote::find("fuzzer")) else { mote::exit(1) };
    let scratch_start = (&raw mut SCRATCH) as usize;
    let mut f = Fuzz {
        rng: Rng(0x2545_f491),
        flash: mote::memory::flash(),
        ram: mote::memory::ram(),
        scratch: scratch_start..scratch_start + 512,
        others: [watchdog.0.to_raw() as usize, me.0.to_raw() as usize, 0x0005_0001],
    };
    let mut by_code = [0u32; 16];
    let mut unexpected = 0u32;
    let mut made = 0;
    while made < CALLS {
        let number = if f.rng.next() % 16 == 0 { f.rng.next() as usize } else { f.rng.next() as usize % 40 };
        let mut args = [0usize; 7];
        for a in args.iter_mut() {
            *a = match f.rng.next() % 3 {
                0 => f.address(),
                1 => f.length(),
                _ => f.value(),
            };
        }
        // Memory arguments, by syscall: (address index, length index, the kernel may write).
        let memory: &[(usize, usize, bool)] = match number {
            1 => &[(1, 2, false)],                 // log
            4 => &[(0, 1, false)],                 // find
            5 => &[(2, 3, false), (4, 5, true)],   // send
            6 => &[(0, 1, true)],                  // receive
            7 => &[(2, 3, false)],                 // reply
            8 => &[(0, 1, false)],                 // panic
            15 => &[(0, 1, true)],                 // ps
            17 => &[(0, 1, true)],                 // log_read
            21 => &[(0, 1, false)],                // device
            22 => &[(0, 1, false)],                // object
            30 => &[(1, 2, false)],                // queue_send
            31 => &[(1, 2, true)],                 // queue_receive
            36 => &[(3, 4, true)],                 // borrow_read
            37 => &[(3, 4, false)],                // borrow_write
            39 => &[(2, 3, true)],                 // inspect
            _ => &[],
        };
        match number {
            2 | 8 => continue, // exit, panic: would end the fuzzer
            // Log: a level that is invalid, or valid but filtered out (debug, trace), so random
            // records do not flood the console; the kernel checks the range either way.
            1 => args[0] = f.rng.pick(&[0, 4, 5, 6, 255, usize::MAX]),
            5 => args[6] %= MAX_TIMEOUT_US as usize,
            6 => args[2] %= MAX_TIMEOUT_US as usize,
            13 | 19 | 23 | 25 => args[1] %= MAX_TIMEOUT_US as usize, // wait, notify_wait, mutex_lock, sem_wait
            27 | 30 | 31 | 34 => args[3] %= MAX_TIMEOUT_US as usize, // flags_wait, queue_send, queue_receive, send_leased
            // set_periodic: periods up to 5 ms, so next_period never sleeps longer.
            32 => args[0] %= 5 * MAX_TIMEOUT_US as usize,
            10 => {
                let now = mote::now().as_micros() as u64 + u64::from(f.rng.next() % MAX_TIMEOUT_US);
                args[0] = now as u32 as usize;
                args[1] = (now >> 32) as usize;
            }
            14 if args[0] as u16 == me.0.index => args[0] ^= 1, // restarting itself would start over
            _ => {}
        }
        for &(a, l, writable) in memory {
            if writable {
                let (mut addr, mut len) = (args[a], args[l]);
                f.tame_writable(&mut addr, &mut len);
                args[a] = addr;
                args[l] = len;
            }
        }
        // send_leased's call descriptor (six words) must be this process's too.
        let must_refuse = memory.iter().any(|&(a, l, _)| !f.mine(args[a], args[l]))
            || (number == 34 && !f.mine(args[2], 6 * core::mem::size_of::<usize>()));
        let r = mote::raw_syscall(number, args);
        made += 1;
        by_code[r[0].min(15)] += 1;
        if must_refuse && r[0] == 0 {
            unexpected += 1;
            mote::error!("syscall {number} with foreign memory {:x?} succeeded", black_box(args));
        }
    }
    mote::info!("fuzz: {made} syscalls, {} refused, {unexpected} unexpected", made - by_code[0]);
    for (code, n) in by_code.iter().enumerate().filter(|(_, n)| **n > 0) {
        let name = if code == 0 { "ok" } else { SyscallError::from_u32(code as u32).map(|e| e.as_str()).unwrap_or("?") };
        mote::info!("  {name}: {n}");
    }
    let beats = match mote::send_timeout(watchdog, DONE, &[], &mut [], Some(Duration::from_secs(1))) {
        Ok((beats, _)) => beats,
        Err(e) => {
            mote::error!("watchdog did not answer: {}", e.as_str());
            0
        }
    };
    mote::info!("watchdog: {beats} heartbeats during fuzzing");
    mote::exit(u32::from(unexpected > 0 || beats == 0))
}
