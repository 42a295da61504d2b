//! The ARMv8-M memory-protection unit (PMSAv8), used instead of `mpu.rs` on ARMv8-M Mainline.
//!
//! The same model as on ARMv7-M: the MPU runs with `PRIVDEFENA`, so the kernel (privileged) sees
//! the default memory map, while a process (unprivileged) may touch only the enabled regions,
//! which [`Mpu::load`] sets to exactly its own flash (read-only, executable) and RAM (read/write,
//! never execute). Only the region format differs:
//!
//! * `RBAR` holds the base address (bits 31:5), shareability `SH`, access permissions `AP` and
//!   execute-never `XN`;
//! * `RLAR` holds the limit address (bits 31:5: the region ends at `LIMIT | 0x1f`), an index into
//!   the memory attributes of `MAIR0`/`MAIR1`, and the enable bit.
//!
//! So a region is any range whose base and size are multiples of 32 bytes: no power-of-two rule
//! ([`check_region`]). Regions must not overlap (an access hitting two regions faults); the
//! kernel's boot check guarantees that a process's two regions are disjoint.
//!
//! With the Security Extension this is the MPU of the security state the kernel runs in (the
//! Secure MPU on QEMU's AN505, where Mote runs entirely in Secure state).

use cortex_m::peripheral::MPU;
use mote_hal::{Access, ProtectionInfo, Region, RegionError, MAX_PROCESS_REGIONS};

const CTRL_ENABLE: u32 = 1 << 0;
const CTRL_PRIVDEFENA: u32 = 1 << 2;
/// Base and limit addresses are multiples of this.
const GRANULE: usize = 32;
/// The address bits of `RBAR` and `RLAR`.
const ADDRESS_MASK: u32 = !(GRANULE as u32 - 1);
/// `RBAR.XN`: never execute.
const RBAR_XN: u32 = 1 << 0;
/// `RBAR.AP` = 0b01: read/write for privileged and unprivileged code.
const AP_FULL: u32 = 0b01 << 1;
/// `RBAR.AP` = 0b11: read-only for privileged and unprivileged code.
const AP_READ_ONLY: u32 = 0b11 << 1;
/// `RBAR.SH` = 0b00: non-shareable (one core).
const SH_NON_SHAREABLE: u32 = 0b00 << 3;
/// `RLAR.EN`.
const RLAR_ENABLE: u32 = 1 << 0;
/// `RLAR.AttrIndx` = 0: attribute 0 of `MAIR0`.
const ATTR_INDEX_NORMAL: u32 = 0 << 1;
/// `RLAR.AttrIndx` = 1: attribute 1 of `MAIR0`.
const ATTR_INDEX_DEVICE: u32 = 1 << 1;
/// `MAIR0` attribute 0: normal memory, inner and outer write-back non-transient, read- and
/// write-allocate (what PMSAv7's TEX=001, C=1, B=1 gives on ARMv7-M); attribute 1 (bits 8..15):
/// Device-nGnRE, for device registers.
const MAIR0_NORMAL_WB_RWA: u32 = 0xff | (0x04 << 8);
/// Regions Mote programs per process (flash and RAM).
const PROCESS_REGIONS: u32 = 2;

/// The MPU, if the core has one.
pub struct Mpu {
    mpu: MPU,
    regions: u32,
    /// Regions `0..loaded` may be enabled (what the last [`Mpu::load`] set); the others are off.
    loaded: u32,
}

/// Whether PMSAv8 can express `region`: base and size multiples of 32 bytes, size not zero, and
/// no wrap past the end of the address space.
pub fn check_region(region: Region) -> Result<(), RegionError> {
    Region::new(region.base, region.size)?;
    let ok = region.size >= GRANULE && region.base.is_multiple_of(GRANULE) && region.size.is_multiple_of(GRANULE);
    if ok {
        Ok(())
    } else {
        Err(RegionError::Misaligned)
    }
}

/// `RBAR` and `RLAR` for `region` with `access`. `region` must pass [`check_region`].
fn encode(region: Region, access: Access) -> (u32, u32) {
    let ap = if access.write { AP_FULL } else { AP_READ_ONLY };
    let xn = if access.execute { 0 } else { RBAR_XN };
    let rbar = (region.base as u32 & ADDRESS_MASK) | SH_NON_SHAREABLE | ap | xn;
    // The limit names the last 32-byte block of the region.
    let limit = (region.base + (region.size - GRANULE)) as u32;
    let attr = if access.device { ATTR_INDEX_DEVICE } else { ATTR_INDEX_NORMAL };
    let rlar = (limit & ADDRESS_MASK) | attr | RLAR_ENABLE;
    (rbar, rlar)
}

impl Mpu {
    /// Whether the unit can express `region` (see [`check_region`]).
    pub fn check_region(&self, region: Region) -> Result<(), RegionError> {
        check_region(region)
    }

    /// Detects the MPU, disables every region, sets the memory attributes and enables it with the
    /// default map for the kernel.
    pub fn new(mpu: MPU) -> Self {
        let regions = (mpu._type.read() >> 8) & 0xff;
        if regions >= PROCESS_REGIONS {
            for r in 0..regions {
                // SAFETY: MPU registers are written only here and in `load`, in privileged mode,
                // before any process runs; disabling regions cannot affect the kernel, which uses
                // the default memory map (PRIVDEFENA).
                unsafe {
                    mpu.rnr.write(r);
                    mpu.rlar.write(0);
                }
            }
            // SAFETY: as above. MAIR0 only gives meaning to the attribute index the regions use,
            // and enabling with PRIVDEFENA leaves the kernel's view unchanged.
            unsafe {
                mpu.mair[0].write(MAIR0_NORMAL_WB_RWA);
                mpu.ctrl.write(CTRL_ENABLE | CTRL_PRIVDEFENA);
            }
            cortex_m::asm::dsb();
            cortex_m::asm::isb();
        }
        Self { mpu, regions, loaded: 0 }
    }

    /// What the boot banner says about it.
    pub fn info(&self) -> ProtectionInfo {
        let isolates = self.regions >= PROCESS_REGIONS;
        let name = if isolates { "ARMv8-M MPU" } else { "no MPU" };
        ProtectionInfo { name, isolates, regions: self.regions as usize }
    }

    /// The register values that allow unprivileged access to exactly `regions` (memory, then
    /// devices; at most [`MAX_PROCESS_REGIONS`]): `RBAR` and `RLAR` of each, and the process
    /// stack limit (`PSPLIM`, see `stack_limit.rs`).
    pub fn plan(&self, regions: &[(Region, Access)]) -> MpuPlan {
        let mut plan = MpuPlan { stack_limit: crate::stack_limit::limit_for(regions), ..MpuPlan::default() };
        if self.regions < PROCESS_REGIONS {
            return plan;
        }
        let slots = (MAX_PROCESS_REGIONS as u32).min(self.regions) as usize;
        for (n, &(region, access)) in regions.iter().take(slots).enumerate() {
            plan.registers[n] = encode(region, access);
            plan.used = n as u8 + 1;
        }
        plan
    }

    /// Programs `plan`; regions the previous process used and this one does not are disabled.
    pub fn load(&mut self, plan: &MpuPlan) {
        crate::stack_limit::set(plan.stack_limit);
        if self.regions < PROCESS_REGIONS {
            return;
        }
        let used = u32::from(plan.used);
        for (n, &(rbar, rlar)) in (0..used).zip(&plan.registers) {
            // SAFETY: the kernel checked at boot (`check_region`) that each region is 32-byte
            // aligned and sized, so the encoding is exact. The region is disabled while its base
            // and limit change, so it never briefly covers a mix of the old and new ranges.
            // Changing unprivileged permissions cannot affect the kernel (PRIVDEFENA; the regions
            // cover only process memory) and no process runs while we do it.
            unsafe {
                self.mpu.rnr.write(n);
                self.mpu.rlar.write(0);
                self.mpu.rbar.write(rbar);
                self.mpu.rlar.write(rlar);
            }
        }
        for n in used..self.loaded {
            // SAFETY: as above; disabling a region only takes access away from processes.
            unsafe {
                self.mpu.rnr.write(n);
                self.mpu.rlar.write(0);
            }
        }
        self.loaded = used;
        cortex_m::asm::dsb();
        cortex_m::asm::isb();
    }
}

/// The MPU's registers for one process (see [`Mpu::plan`]).
#[derive(Copy, Clone, Debug, Default)]
pub struct MpuPlan {
    registers: [(u32, u32); MAX_PROCESS_REGIONS],
    used: u8,
    stack_limit: u32,
}
