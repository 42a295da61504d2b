//! The ARMv8-M process stack limit register, `PSPLIM`.
//!
//! On ARMv8-M Mainline, an instruction or exception entry that would move the process stack
//! pointer below `PSPLIM` raises a precise UsageFault (`UFSR.STKOF`) instead, and the hardware
//! writes nothing below the limit. The kernel reports it as a stack overflow.
//!
//! The limit is the process's stack base. The kernel does not pass it separately: a process's
//! stack sits at the bottom of its RAM region (`ImageDesc::check` in the kernel refuses an image
//! where `stack.base != ram.base`), and the RAM region is the one writable region in the list
//! given to [`MemoryProtection::plan`](mote_hal::MemoryProtection::plan). So the base of that region is the stack
//! base, and the limit is set along with the protection unit, whenever the kernel switches to a
//! different process. Nothing else writes `PSPLIM`, so it stays right for as long as that
//! process's regions are loaded.
//!
//! Without the limit the MPU still stops the overflow (the memory below the stack belongs to
//! someone else), but as a memory access violation or a stacking error, depending on which
//! push crossed the edge.

use mote_hal::{Access, Region};

/// The limit for a process with `regions`: the base of the first writable region (0, no limit,
/// if none).
pub fn limit_for(regions: &[(Region, Access)]) -> u32 {
    regions.iter().find(|(_, access)| access.write).map_or(0, |(region, _)| region.base as u32)
}

/// Sets `PSPLIM` to `limit`, from [`limit_for`] the regions of the process about to run.
pub fn set(limit: u32) {
    // SAFETY: PSPLIM only bounds the process stack pointer; the kernel runs on MSP and is not
    // affected. No process runs while it changes, and the next one to run is the owner of the
    // regions `limit` came from, whose stack starts at `limit` (a multiple of 32, so the
    // required 8-byte alignment holds).
    unsafe { cortex_m::register::psplim::write(limit) };
}
