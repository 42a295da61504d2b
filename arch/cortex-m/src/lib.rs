//! Cortex-M support for Mote: ARMv7-M, ARMv8-M Mainline, and ARMv6-M (with the Cortex-M0+'s
//! optional MPU, or without memory protection), all with the same model.
//!
//! # Execution model
//!
//! The kernel runs in privileged Thread mode on the main stack (MSP). To run a process,
//! [`CortexM::run`] calls `switch_to_user`, which loads the process's callee-saved registers and
//! stack pointer (PSP) and executes `svc 0xff`. The SVCall handler sees the call came from the
//! main stack, drops to unprivileged Thread mode and returns on the process stack, where the
//! hardware pops the rest of the process's registers.
//!
//! When the process traps (a syscall, an interrupt or a fault), the handler sees the exception
//! came from the process stack, writes the trap reason into the kernel's stacked `r0`, goes back
//! to privileged mode and returns on the main stack: `switch_to_user` resumes right after its
//! `svc`, saves the process's callee-saved registers and PSP, and returns the reason.
//!
//! ```text
//!   kernel (MSP, privileged)            process (PSP, unprivileged)
//!   switch_to_user ── svc 0xff ──▶ SVCall ──▶ ... runs ...
//!        ◀─────────── trap_to_kernel ◀── SVCall / fault / IRQ
//! ```
//!
//! The handlers never read process memory: the hardware frame on the process stack is read by the
//! kernel, after checking the stack pointer, through [`mote_hal::UserContext`].
//!
//! On ARMv8-M Mainline (`thumbv8m.main` targets, `cfg(armv8m)` from `build.rs`) the MPU is the
//! PMSAv8 one (`mpu_v8.rs`, in place of `mpu.rs`) and the process stack limit register `PSPLIM`
//! turns a process stack overflow into a precise fault (`stack_limit.rs`). With the Security
//! Extension, everything runs in the security state the core starts in (Secure).
//!
//! # Cortex-M4 and Cortex-M7 (ARMv7E-M)
//!
//! Built for `thumbv7em-none-eabi` they take the ARMv7-M path. Both cores may have an FPU; Mote
//! keeps it off. The targets are soft-float, so neither the kernel nor a process contains an FP
//! instruction, and [`CortexM::new`] denies the FPU (CPACR) and clears `CONTROL.FPCA` in case a
//! boot loader used it. A process that executes an FP instruction anyway takes a UsageFault
//! (NOCP), reported as an illegal instruction. So no FP context is ever active: every exception
//! stacks the basic 8-word frame, no lazy FP state is pending, and the `EXC_RETURN` values of
//! `switch.rs` are right. Enabling the FPU for processes would need `switch_to_user` to save
//! `s16`..`s31` and the handlers to return with the `EXC_RETURN` the exception was taken with.
//!
//! The Cortex-M7's caches stay disabled, as they are at reset, so the kernel and processes always
//! see memory as it is; its MPU is the same PMSAv7 as the Cortex-M3's (8 or 16 regions, read from
//! `MPU_TYPE`). QEMU does not model caches: turning them on is for a real Cortex-M7 board, with
//! the MPU attributes and the kernel's copies into process memory reviewed for it.
//!
//! # ARMv6-M
//!
//! Built for `thumbv6m-none-eabi`, `build.rs` sets `cfg(armv6m)`: `switch_to_user` uses Thumb-1
//! instructions only (same context layout), HardFault is the only fault handler and faults are
//! not classified (no fault status registers). A Cortex-M0+ with an MPU (the RP2040's: 8
//! regions) isolates processes as ARMv7-M does, with regions of at least 256 bytes; a process that
//! touches memory outside them takes a HardFault, reported as `hard fault`. A Cortex-M0 has neither
//! an MPU nor unprivileged mode: processes run privileged and unprotected, and the boot banner
//! says `isolation unavailable`. Those two paths were checked differently: the Cortex-M0 path runs
//! the test suite in QEMU (`qemu-microbit`); QEMU 7.2 models no Cortex-M0+ with an MPU, so the
//! ARMv6-M MPU path is built (`rpi-pico`) but not yet run.

#![no_std]

mod context;
mod fault;
mod irq;
#[cfg(not(armv8m))]
mod mpu;
#[cfg(armv8m)]
#[path = "mpu_v8.rs"]
mod mpu;
pub mod semihosting;
#[cfg(armv8m)]
mod stack_limit;
mod switch;

use cortex_m::peripheral::{MPU, SCB};
use mote_abi::LogLevel;
use mote_hal::embedded_io;
use mote_hal::{Access, Arch, ExitStatus, InterruptController, MemoryProtection, ProtectionInfo, Region, RegionError, Trap};

pub use context::CortexMContext;
pub use mpu::MpuPlan;
pub use cortex_m;
pub use cortex_m_rt;
#[doc(hidden)]
pub use irq::DefaultHandler;

/// Defines the interrupt part of the vector table, `lines` vectors long (`board.interrupts` in
/// `board.toml`, else the architecture's maximum): every device interrupt enters
/// [`DefaultHandler`], which records it for the kernel. `cargo mote build` writes the call into
/// the image's `layout.rs`; a table sized to the chip instead of cortex-m-rt's 240 vectors
/// (ARMv7-M) saves 4 bytes of flash per missing line.
#[macro_export]
macro_rules! interrupt_vectors {
    ($lines:expr) => {
        /// The device interrupt vectors (cortex-m-rt places them after its exception vectors).
        #[unsafe(link_section = ".vector_table.interrupts")]
        #[unsafe(no_mangle)]
        static __INTERRUPTS: [unsafe extern "C" fn(); $lines] = [$crate::DefaultHandler as unsafe extern "C" fn(); $lines];
    };
}

/// CPACR's access fields for CP10 and CP11, the floating-point unit.
#[cfg(not(armv6m))]
const CPACR_FPU: u32 = 0b1111 << 20;

/// A Cortex-M core with its memory-protection unit (if it has one).
pub struct CortexM {
    mpu: mpu::Mpu,
    scb: SCB,
    part_number: u32,
}

impl CortexM {
    /// Takes over the core: enables the configurable fault handlers (so process faults are
    /// reported precisely instead of escalating) and the MPU if present. ARMv6-M has neither
    /// configurable fault handlers nor a divide instruction: there, every fault is a HardFault.
    pub fn new(mpu: MPU, scb: SCB) -> Self {
        #[cfg(not(armv6m))]
        // SAFETY: SHCSR, CCR and CPACR are written once at boot, before any process runs.
        // Enabling MemManage, BusFault and UsageFault (SHCSR bits 16..18) and trapping integer
        // division by zero (CCR.DIV_0_TRP, bit 4) only changes which handler reports a fault.
        // Denying CP10 and CP11 (CPACR bits 20..23, the FPU; RAZ/WI on a core without one) keeps
        // every exception frame the 8-word basic one that `switch.rs` handles: Mote is built
        // soft-float and never executes an FP instruction, so nothing is lost.
        unsafe {
            scb.shcsr.modify(|v| v | (0b111 << 16));
            scb.ccr.modify(|v| v | (1 << 4));
            scb.cpacr.modify(|v| v & !CPACR_FPU);
        }
        #[cfg(not(armv6m))]
        {
            // The kernel's own frames must be basic too: no FP context may be active in Thread
            // mode (cortex-m-rt does not touch the FPU; a boot loader might have).
            let mut control = cortex_m::register::control::read();
            control.set_fpca(cortex_m::register::control::Fpca::NotActive);
            // SAFETY: the kernel runs privileged on MSP, and this keeps both (nPRIV and SPSEL
            // unchanged); clearing FPCA only drops an FP context nothing here will use.
            unsafe { cortex_m::register::control::write(control) };
        }
        // SAFETY: CPUID is a read-only identification register, always accessible when privileged.
        let cpuid = unsafe { (*cortex_m::peripheral::CPUID::PTR).base.read() };
        Self { mpu: mpu::Mpu::new(mpu), scb, part_number: (cpuid >> 4) & 0xfff }
    }
}

/// Stops a real board for good, as its `Board::exit`: logs `status` on `console` as a kernel
/// record, waits until the line has left, and parks the core ([`park`]).
pub fn stop<W: embedded_io::Write>(mut console: W, status: ExitStatus) -> ! {
    let tag = LogLevel::Info.tag();
    let _ = write!(console, "[{tag} kernel] stopped with status {}; parked until reset\n", status.code());
    let _ = console.flush();
    park()
}

/// Parks the core for good: masks interrupts and sleeps in `wfi` forever. A debugger can still
/// attach and read the core's state; a reset starts the system again. (Semihosting's `bkpt` is
/// for emulators and debuggers: without a debugger attached it would raise a HardFault instead.)
pub fn park() -> ! {
    cortex_m::interrupt::disable();
    loop {
        cortex_m::asm::wfi();
    }
}

impl Arch for CortexM {
    type Context = CortexMContext;

    fn cpu_name(&self) -> &'static str {
        match self.part_number {
            0xc20 => "Cortex-M0",
            0xc60 => "Cortex-M0+",
            0xc23 => "Cortex-M3",
            0xc24 => "Cortex-M4",
            0xc27 => "Cortex-M7",
            0xd20 => "Cortex-M23",
            0xd21 => "Cortex-M33",
            _ => "Cortex-M",
        }
    }

    fn run(&mut self, context: &mut CortexMContext) -> Trap {
        match switch::enter(context) {
            switch::TRAP_SYSCALL => Trap::Syscall,
            switch::TRAP_FAULT => Trap::Fault(fault::take(&self.scb)),
            _ => Trap::Interrupt,
        }
    }

    fn provoke_kernel_fault(&mut self) {
        // SAFETY: `udf` raises a UsageFault (HardFault on ARMv6-M) in privileged mode, which is
        // the point: the handler reports it as a kernel fault and stops the system.
        unsafe { core::arch::asm!("udf #0") };
    }
}

impl InterruptController for CortexM {
    fn wait_for_interrupt(&mut self) {
        irq::wait();
    }

    fn take_interrupt(&mut self) -> Option<u32> {
        irq::take()
    }

    fn enable_interrupt(&mut self, irq: u32) {
        irq::enable(irq);
    }

    fn disable_interrupt(&mut self, irq: u32) {
        irq::disable(irq);
    }

    fn pend_interrupt(&mut self, irq: u32) {
        irq::pend(irq);
    }

    fn set_interrupt_priority(&mut self, irq: u32, priority: u8) {
        irq::set_priority(irq, priority);
    }

    fn interrupt_pending(&self) -> bool {
        irq::any()
    }
}

impl MemoryProtection for CortexM {
    fn protection_info(&self) -> ProtectionInfo {
        self.mpu.info()
    }

    fn check_region(&self, region: Region) -> Result<(), RegionError> {
        self.mpu.check_region(region)
    }

    type Plan = mpu::MpuPlan;

    fn plan(&self, regions: &[(Region, Access)]) -> mpu::MpuPlan {
        self.mpu.plan(regions)
    }

    fn load(&mut self, plan: &mpu::MpuPlan) {
        self.mpu.load(plan);
    }
}
