//! The physical memory protection unit, in NAPOT mode.
//!
//! Without the lock bit, PMP entries constrain only U-mode: the kernel (M-mode) keeps access to
//! everything, and a process may touch exactly the regions [`Pmp::load`] enables: its flash
//! (read, execute) and its RAM (read, write). NAPOT regions are a power of two in size (at least
//! 8 bytes) aligned to their size; the build lays processes out accordingly.

use mote_hal::{Access, ProtectionInfo, Region, RegionError, MAX_PROCESS_REGIONS};

/// Entries Mote programs per process.
const PROCESS_ENTRIES: usize = 2;
const R: u8 = 1 << 0;
const W: u8 = 1 << 1;
const X: u8 = 1 << 2;
const NAPOT: u8 = 3 << 3;

/// The PMP, if the hart implements one.
pub struct Pmp {
    /// Entries implemented (0, 16 or 64 by the spec; probed).
    entries: usize,
}

/// Writes all-ones to `pmpaddrN` and reads it back: zero means the hart has no entry N.
macro_rules! probe_entries {
    ($($n:literal)*) => {{
        let mut count = 0;
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
        )*
        count
    }};
}

/// Whether a NAPOT entry can express `region`.
pub fn check_region(region: Region) -> Result<(), RegionError> {
    Region::new(region.base, region.size)?;
    if region.size >= 8 && region.size.is_power_of_two() && region.base % region.size == 0 {
        Ok(())
    } else {
        Err(RegionError::Misaligned)
    }
}

/// The `pmpaddr` value of a NAPOT region.
pub const fn napot_address(region: Region) -> usize {
    (region.base | (region.size / 2 - 1)) >> 2
}

impl Pmp {
    /// Counts the implemented entries and turns every entry off.
    pub fn new() -> Self {
        // SAFETY: in M-mode, before any process runs; turning off unlocked entries cannot affect
        // M-mode. On RV32, pmpcfg0..3 hold the configuration of entries 0..15, four each.
        unsafe { core::arch::asm!("csrw pmpcfg0, zero", "csrw pmpcfg1, zero", "csrw pmpcfg2, zero", "csrw pmpcfg3, zero") };
        let entries = probe_entries!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        Self { entries }
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

    /// Allows U-mode access to exactly `regions` (the first two).
    pub fn load(&mut self, regions: &[(Region, Access)]) {
        if !self.present() {
            return;
        }
        let mut cfg: usize = 0;
        // Entries 0..3 (pmpcfg0 holds their four configuration bytes): memory, then devices.
        for (n, (region, access)) in regions.iter().take(MAX_PROCESS_REGIONS).enumerate() {
            let mut bits = NAPOT;
            if access.read {
                bits |= R;
            }
            if access.write {
                bits |= W;
            }
            if access.execute {
                bits |= X;
            }
            cfg |= usize::from(bits) << (8 * n);
            let addr = napot_address(*region);
            // SAFETY: unlocked entries constrain only U-mode; no process runs while we write
            // them; the kernel checked at boot that each region is NAPOT-expressible.
            unsafe {
                match n {
                    0 => core::arch::asm!("csrw pmpaddr0, {}", in(reg) addr),
                    1 => core::arch::asm!("csrw pmpaddr1, {}", in(reg) addr),
                    2 => core::arch::asm!("csrw pmpaddr2, {}", in(reg) addr),
                    _ => core::arch::asm!("csrw pmpaddr3, {}", in(reg) addr),
                }
            }
        }
        // SAFETY: as above; entries the process does not use stay off (cfg bytes zero).
        unsafe { core::arch::asm!("csrw pmpcfg0, {}", in(reg) cfg) };
    }
}
