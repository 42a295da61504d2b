//! The ARMv7-M memory-protection unit (PMSAv7), and its ARMv6-M subset (PMSAv6, the optional MPU
//! of a Cortex-M0+ such as the RP2040's).
//!
//! The MPU runs with `PRIVDEFENA`: the kernel (privileged) sees the default memory map, while a
//! process (unprivileged) may touch only the enabled regions, which [`Mpu::load`] sets to exactly
//! its own flash (read, execute) and RAM (read, write, never execute). Regions are a power of two
//! in size, aligned to their size, and at least 32 bytes (PMSAv7) or 256 bytes (ARMv6-M); the
//! build lays processes out accordingly (`min_region` in `board.toml`) and [`Mpu::check_region`]
//! verifies it. The ARMv6-M MPU has the same registers but fewer attributes: `TEX` must be 0.
//!
//! Without an MPU (fewer than 2 regions: a Cortex-M0, or a Cortex-M0+ built without one),
//! processes run unprotected: [`Mpu::check_region`] accepts any region and [`Mpu::load`] does
//! nothing.

use cortex_m::peripheral::MPU;
use mote_hal::{Access, ProtectionInfo, Region, RegionError, MAX_PROCESS_REGIONS};

const CTRL_ENABLE: u32 = 1 << 0;
const CTRL_PRIVDEFENA: u32 = 1 << 2;
const RASR_ENABLE: u32 = 1 << 0;
/// RBAR.VALID: the write also selects the region given in RBAR's low bits (RNR is updated).
const RBAR_VALID: u32 = 1 << 4;
const RASR_XN: u32 = 1 << 28;
/// AP = 0b011: read/write for privileged and unprivileged code.
const AP_FULL: u32 = 0b011 << 24;
/// AP = 0b110: read-only for privileged and unprivileged code.
const AP_READ_ONLY: u32 = 0b110 << 24;
/// Shareable device memory (TEX=000, C=0, B=1, S=1): device registers.
const ATTR_DEVICE: u32 = (1 << 18) | (1 << 16);
/// Normal memory, write-back, write-allocate (TEX=001, C=1, B=1).
#[cfg(not(armv6m))]
const ATTR_NORMAL: u32 = (0b001 << 19) | (1 << 17) | (1 << 16);
/// Normal memory, write-back (TEX=000, C=1, B=1): ARMv6-M has no `TEX` encodings.
#[cfg(armv6m)]
const ATTR_NORMAL: u32 = (1 << 17) | (1 << 16);
/// Regions Mote programs per process (flash and RAM).
const PROCESS_REGIONS: u32 = 2;
/// The smallest region: 32 bytes on PMSAv7, 256 on ARMv6-M.
const MIN_REGION: usize = if cfg!(armv6m) { 256 } else { 32 };
/// What the boot banner calls the unit.
const NAME: &str = if cfg!(armv6m) { "ARMv6-M MPU" } else { "ARMv7-M MPU" };

/// The MPU, if the core has one.
pub struct Mpu {
    mpu: MPU,
    /// Regions the hardware implements (MPU_TYPE.DREGION; 0 without an MPU).
    regions: u32,
    /// Whether processes are confined by it.
    enabled: bool,
    /// Regions `0..loaded` may be enabled (what the last [`Mpu::load`] set); the others are off.
    loaded: u32,
}

impl Mpu {
    /// Detects the MPU, disables every region and enables it with the default map for the kernel.
    /// MPU_TYPE reads as zero on a core without an MPU.
    pub fn new(mpu: MPU) -> Self {
        let regions = (mpu._type.read() >> 8) & 0xff;
        let enabled = regions >= PROCESS_REGIONS;
        if enabled {
            for r in 0..regions {
                // SAFETY: MPU registers are written only here and in `load`, in privileged mode,
                // before any process runs; disabling regions cannot affect the kernel, which uses
                // the default memory map (PRIVDEFENA).
                unsafe {
                    mpu.rnr.write(r);
                    mpu.rasr.write(0);
                }
            }
            // SAFETY: as above; enabling with PRIVDEFENA leaves the kernel's view unchanged.
            unsafe { mpu.ctrl.write(CTRL_ENABLE | CTRL_PRIVDEFENA) };
            cortex_m::asm::dsb();
            cortex_m::asm::isb();
        }
        Self { mpu, regions, enabled, loaded: 0 }
    }

    /// What the boot banner says about it.
    pub fn info(&self) -> ProtectionInfo {
        let name = if self.enabled { NAME } else { "no MPU" };
        ProtectionInfo { name, isolates: self.enabled, regions: self.regions as usize }
    }

    /// Whether the MPU can express `region`: a power of two of at least 32 bytes (256 on
    /// ARMv6-M), aligned to its size. Without an MPU in use, any region that does not wrap.
    pub fn check_region(&self, region: Region) -> Result<(), RegionError> {
        Region::new(region.base, region.size)?;
        let ok = !self.enabled
            || (region.size >= MIN_REGION && region.size.is_power_of_two() && region.base % region.size == 0);
        if ok {
            Ok(())
        } else {
            Err(RegionError::Misaligned)
        }
    }

    /// The register values that allow unprivileged access to exactly `regions` (memory, then
    /// devices; at most [`MAX_PROCESS_REGIONS`]): for each, `RBAR` with its `VALID` bit and
    /// region number, and `RASR`.
    pub fn plan(&self, regions: &[(Region, Access)]) -> MpuPlan {
        let mut plan = MpuPlan::default();
        if !self.enabled {
            return plan;
        }
        let slots = (MAX_PROCESS_REGIONS as u32).min(self.regions);
        for (n, (region, access)) in (0..slots).zip(regions) {
            let ap = if access.write { AP_FULL } else { AP_READ_ONLY };
            let xn = if access.execute { 0 } else { RASR_XN };
            let attr = if access.device { ATTR_DEVICE } else { ATTR_NORMAL };
            // `check_region` made the size a power of two of at least 32 (SIZE = log2 - 1), and
            // the base a multiple of it, so its low five bits (VALID, REGION) are free.
            let size_field = (region.size.trailing_zeros().max(1) - 1) << 1;
            plan.registers[n as usize] = (region.base as u32 | RBAR_VALID | n, RASR_ENABLE | size_field | ap | xn | attr);
            plan.used = n as u8 + 1;
        }
        plan
    }

    /// Programs `plan`: two stores per region (`RBAR` selects the region as it sets the base, no
    /// `RNR` write), and only regions the previous process used and this one does not are
    /// switched off; the rest are off already.
    pub fn load(&mut self, plan: &MpuPlan) {
        if !self.enabled {
            return;
        }
        let used = u32::from(plan.used);
        for &(rbar, rasr) in &plan.registers[..usize::from(plan.used)] {
            // SAFETY: `plan` encodes regions that passed `check_region` (see `plan`); changing
            // unprivileged permissions cannot affect the kernel (PRIVDEFENA) and no process runs
            // while we do it.
            unsafe {
                self.mpu.rbar.write(rbar);
                self.mpu.rasr.write(rasr);
            }
        }
        for n in used..self.loaded {
            // SAFETY: as above; disabling a region only takes access away from processes.
            unsafe {
                self.mpu.rnr.write(n);
                self.mpu.rasr.write(0);
            }
        }
        self.loaded = used;
        cortex_m::asm::dsb();
        cortex_m::asm::isb();
    }
}

/// The MPU's registers for one process: `(RBAR, RASR)` of its regions (see [`Mpu::plan`]).
#[derive(Copy, Clone, Debug, Default)]
pub struct MpuPlan {
    registers: [(u32, u32); MAX_PROCESS_REGIONS],
    used: u8,
}
