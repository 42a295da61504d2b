//! The physical memory protection unit (PMP).
//!
//! Without the lock bit, PMP entries constrain only U-mode: the kernel (M-mode) keeps access to
//! everything, and a process may touch exactly the regions [`Pmp::load`] enables: its flash
//! (read, execute), its RAM (read, write) and its devices (read, write).
//!
//! Each region takes the cheapest form the PMP can express:
//!
//! ```text
//!   NAPOT  a power of two (at least 8 bytes) aligned to its size     one entry
//!          pmpaddr[k] = (base | (size/2 - 1)) >> 2
//!   TOR    any multiple of the granule, aligned to it                two entries
//!          pmpaddr[k] = base >> 2 (entry k off: it only holds the bottom)
//!          pmpaddr[k+1] = end >> 2 (entry k+1 matches pmpaddr[k] <= a < pmpaddr[k+1])
//! ```
//!
//! So boards whose RAM is too small to waste on power-of-two rounding (16 KiB on the FE310) lay
//! processes out at the granule (`rule = "granule"` in `board.toml`), and the others keep NAPOT.
//! TOR regions are accepted only on a hart with entries for every region in TOR form (8).

use mote_hal::{Access, ProtectionInfo, Region, RegionError, MAX_PROCESS_REGIONS};

/// Entries Mote needs at least to isolate a process (its flash and RAM, in NAPOT form).
const PROCESS_ENTRIES: usize = 2;
/// Entries Mote may program: every region of a process, each in TOR form.
const MAX_ENTRIES: usize = 2 * MAX_PROCESS_REGIONS;
const R: u8 = 1 << 0;
const W: u8 = 1 << 1;
const X: u8 = 1 << 2;
const TOR: u8 = 1 << 3;
const NAPOT: u8 = 3 << 3;

/// The PMP, if the hart implements one.
pub struct Pmp {
    /// Entries implemented (0, 16 or 64 by the spec; probed, counting up to 16).
    entries: usize,
    /// The smallest region the PMP resolves, in bytes (4 at least; probed).
    granule: usize,
}

/// Writes all-ones to `pmpaddrN` and reads it back: zero means the hart has no entry N. The
/// value read back from the first entry also gives the granule: with the entry off, the hart
/// reads its `G` low address bits as zeros, for a granule of `2^(G+2)` bytes.
macro_rules! probe_entries {
    ($($n:literal)*) => {{
        let mut count = 0;
        let mut first = 0;
        $(
            let back: usize;
            // SAFETY: unlocked PMP entries do not constrain M-mode, and no process runs yet; the
            // entry is cleared again right away.
            unsafe {
                core::arch::asm!(concat!("csrw pmpaddr", $n, ", {}"), in(reg) usize::MAX);
                core::arch::asm!(concat!("csrr {}, pmpaddr", $n), out(reg) back);
                core::arch::asm!(concat!("csrw pmpaddr", $n, ", zero"));
            }
            if back != 0 {
                count += 1;
            }
            if $n == 0 {
                first = back;
            }
        )*
        (count, first)
    }};
}

/// The `pmpaddr` value of a NAPOT region.
pub const fn napot_address(region: Region) -> usize {
    (region.base | (region.size / 2 - 1)) >> 2
}

/// Whether a single NAPOT entry can express `region`.
fn is_napot(region: Region) -> bool {
    region.size >= 8 && region.size.is_power_of_two() && region.base % region.size == 0
}

/// Writes `pmpaddr<n>`, for the entries Mote programs.
///
/// # Safety
///
/// Only while no process runs, on an unlocked entry (then M-mode is unaffected).
unsafe fn write_address(n: usize, value: usize) {
    // SAFETY: as the caller promises; the CSR number must be a constant, hence the match.
    unsafe {
        match n {
            0 => core::arch::asm!("csrw pmpaddr0, {}", in(reg) value),
            1 => core::arch::asm!("csrw pmpaddr1, {}", in(reg) value),
            2 => core::arch::asm!("csrw pmpaddr2, {}", in(reg) value),
            3 => core::arch::asm!("csrw pmpaddr3, {}", in(reg) value),
            4 => core::arch::asm!("csrw pmpaddr4, {}", in(reg) value),
            5 => core::arch::asm!("csrw pmpaddr5, {}", in(reg) value),
            6 => core::arch::asm!("csrw pmpaddr6, {}", in(reg) value),
            _ => core::arch::asm!("csrw pmpaddr7, {}", in(reg) value),
        }
    }
}

impl Pmp {
    /// Counts the implemented entries, finds the granule and turns every entry off.
    pub fn new() -> Self {
        // SAFETY: in M-mode, before any process runs; turning off unlocked entries cannot affect
        // M-mode. On RV32, pmpcfg0..3 hold the configuration of entries 0..15, four each.
        unsafe { core::arch::asm!("csrw pmpcfg0, zero", "csrw pmpcfg1, zero", "csrw pmpcfg2, zero", "csrw pmpcfg3, zero") };
        let (entries, first) = probe_entries!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        let granule = if first == 0 { 4 } else { 4 << first.trailing_zeros() };
        Self { entries, granule }
    }

    fn present(&self) -> bool {
        self.entries >= PROCESS_ENTRIES
    }

    /// What the boot banner says about it.
    pub fn info(&self) -> ProtectionInfo {
        if self.present() {
            ProtectionInfo { name: "RISC-V PMP", isolates: true, regions: self.entries }
        } else {
            ProtectionInfo { name: "no PMP", isolates: false, regions: self.entries }
        }
    }

    /// Whether the PMP can express `region`: as one NAPOT entry or, on a hart with enough
    /// entries, as a TOR pair.
    pub fn check_region(&self, region: Region) -> Result<(), RegionError> {
        Region::new(region.base, region.size)?;
        let napot = is_napot(region) && region.size >= self.granule;
        let tor = self.entries >= MAX_ENTRIES
            && region.size != 0
            && region.base % self.granule == 0
            && region.size % self.granule == 0;
        if napot || tor {
            Ok(())
        } else {
            Err(RegionError::Misaligned)
        }
    }

    /// The entries that allow U-mode access to exactly `regions` (the first
    /// [`MAX_PROCESS_REGIONS`]): their `pmpaddr` values and the configuration bytes.
    pub fn plan(&self, regions: &[(Region, Access)]) -> PmpPlan {
        let mut plan = PmpPlan::default();
        if !self.present() {
            return plan;
        }
        let usable = self.entries.min(MAX_ENTRIES);
        let mut next = 0;
        for (region, access) in regions.iter().take(MAX_PROCESS_REGIONS) {
            let mut rights = 0;
            if access.read {
                rights |= R;
            }
            if access.write {
                rights |= W;
            }
            if access.execute {
                rights |= X;
            }
            let napot = is_napot(*region);
            let needed = if napot { 1 } else { 2 };
            if next + needed > usable {
                // `check_region` accepted no region this hart cannot hold; stop rather than
                // grant anything else. The region stays inaccessible.
                break;
            }
            if napot {
                plan.addresses[next] = napot_address(*region);
                plan.cfg |= u64::from(NAPOT | rights) << (8 * next);
            } else {
                // Entry `next` stays off and only holds the bottom.
                plan.addresses[next] = region.base >> 2;
                plan.addresses[next + 1] = region.end() >> 2;
                plan.cfg |= u64::from(TOR | rights) << (8 * (next + 1));
            }
            next += needed;
        }
        plan.used = next as u8;
        plan
    }

    /// Programs `plan`; entries it does not use are off (their configuration bytes are zero).
    pub fn load(&mut self, plan: &PmpPlan) {
        if !self.present() {
            return;
        }
        for (n, &address) in plan.addresses[..usize::from(plan.used)].iter().enumerate() {
            // SAFETY: unlocked entries constrain only U-mode and no process runs while we write
            // them; the kernel checked at boot that each region is expressible.
            unsafe { write_address(n, address) };
        }
        let (low, high) = (plan.cfg as usize, (plan.cfg >> 32) as usize);
        // SAFETY: as above; entries the process does not use stay off (cfg bytes zero).
        unsafe { core::arch::asm!("csrw pmpcfg0, {}", "csrw pmpcfg1, {}", in(reg) low, in(reg) high) };
    }
}

/// The PMP's settings for one process (see [`Pmp::plan`]).
#[derive(Copy, Clone, Debug, Default)]
pub struct PmpPlan {
    addresses: [usize; MAX_ENTRIES],
    used: u8,
    cfg: u64,
}
