//! RISC-V (RV32) support for Mote: the kernel in machine mode, processes in user mode, isolated
//! by the physical memory protection unit (PMP).
//!
//! # Execution model
//!
//! The kernel runs in M-mode with interrupts disabled (`mstatus.MIE = 0`); it never takes a trap
//! of its own except on a kernel bug. To run a process, [`RiscvArch::run`] calls
//! `switch_to_user`, which saves the kernel's callee-saved registers on the kernel stack, leaves
//! the kernel stack pointer in `mscratch`, loads all of the process's registers from its context
//! and executes `mret` into U-mode.
//!
//! Any trap from U-mode (an `ecall`, a fault, an interrupt) enters `trap_entry`, which swaps `sp`
//! with `mscratch`: a non-zero value means "from a process", so it stores every process register
//! into the context, zeroes `mscratch`, restores the kernel's registers and returns from
//! `switch_to_user` with `mcause`. A zero `mscratch` means the kernel itself trapped: that is
//! reported and the system stops.
//!
//! ```text
//!   kernel (M-mode)                     process (U-mode)
//!   switch_to_user ── mret ──────────▶ ... runs ...
//!        ◀──────── trap_entry ◀──────── ecall / fault / interrupt
//! ```

#![no_std]

mod context;
pub mod intmatrix;
pub mod plic;
mod pmp;
pub mod semihosting;
mod start;
mod switch;

use mote_hal::{Access, Arch, Fault, FaultKind, InterruptController, MemoryProtection, ProtectionInfo, Region, RegionError, Trap};

pub use context::RiscvContext;
pub use pmp::PmpPlan;
pub use riscv;

/// A RISC-V hart running the Mote kernel in machine mode.
pub struct RiscvArch {
    pmp: pmp::Pmp,
    misa: usize,
    irq: Controller,
    /// Sources pended from software ([`InterruptController::pend_interrupt`]): neither the PLIC
    /// nor the interrupt matrix can make a source pending, so they are kept here until taken.
    soft_pending: u128,
    /// Sources taken from `soft_pending` and not yet re-enabled: they were never claimed at the
    /// controller, so they must not be completed there.
    soft_taken: u128,
    /// Sources the kernel has enabled (a software-pended source counts only while enabled, as a
    /// masked line would not fire).
    enabled: u128,
}

/// Where device interrupts come from.
enum Controller {
    /// No device interrupts; the machine timer interrupts the hart directly (`mie.MTIE`).
    None,
    /// A platform-level interrupt controller (QEMU `virt`, SiFive).
    Plic(plic::Plic),
    /// The ESP32-C3's interrupt matrix, which also carries its timer's interrupt.
    Matrix(intmatrix::InterruptMatrix),
}

impl RiscvArch {
    /// Takes over the hart: detects the PMP and clears its entries.
    /// Enables the machine timer interrupt for user mode (the kernel itself runs with
    /// `mstatus.MIE` clear and only wakes from `wfi` on it). Without a PLIC, there are no
    /// device interrupts.
    pub fn new() -> Self {
        // SAFETY: setting MTIE only lets the machine timer interrupt U-mode (and wake `wfi`);
        // M-mode keeps interrupts globally disabled.
        unsafe { riscv::register::mie::set_mtimer() };
        Self::with_controller(Controller::None)
    }

    /// As [`RiscvArch::new`], with device interrupts through `plic`.
    pub fn with_plic(plic: plic::Plic) -> Self {
        let arch = Self::new();
        // SAFETY: as for MTIE: external interrupts reach the hart in U-mode and wake `wfi`.
        unsafe { riscv::register::mie::set_mext() };
        Self { irq: Controller::Plic(plic), ..arch }
    }

    /// For the ESP32-C3: every interrupt, the clock's included, comes through its interrupt
    /// `matrix` (which installs a vectored `mtvec`); the `mie` CSR is not used.
    pub fn with_interrupt_matrix(matrix: intmatrix::InterruptMatrix) -> Self {
        Self::with_controller(Controller::Matrix(matrix))
    }

    fn with_controller(irq: Controller) -> Self {
        let misa = riscv::register::misa::try_read().map(|m| m.bits()).unwrap_or(0);
        Self { pmp: pmp::Pmp::new(), misa, irq, soft_pending: 0, soft_taken: 0, enabled: 0 }
    }
}

impl Default for RiscvArch {
    fn default() -> Self {
        Self::new()
    }
}

/// `mcause` exception codes (privileged spec, table 3.6).
mod cause {
    pub const INSTRUCTION_MISALIGNED: usize = 0;
    pub const INSTRUCTION_ACCESS: usize = 1;
    pub const ILLEGAL_INSTRUCTION: usize = 2;
    pub const BREAKPOINT: usize = 3;
    pub const LOAD_MISALIGNED: usize = 4;
    pub const LOAD_ACCESS: usize = 5;
    pub const STORE_MISALIGNED: usize = 6;
    pub const STORE_ACCESS: usize = 7;
    pub const ECALL_FROM_U: usize = 8;
    pub const INTERRUPT: usize = 1 << 31;
}

/// Classifies an exception taken by a process.
pub fn classify(mcause: usize, mepc: usize, mtval: usize) -> Fault {
    use cause::*;
    let (kind, address) = match mcause {
        INSTRUCTION_ACCESS => (FaultKind::InstructionAccess, Some(mtval)),
        LOAD_ACCESS => (FaultKind::LoadAccess, Some(mtval)),
        STORE_ACCESS => (FaultKind::StoreAccess, Some(mtval)),
        ILLEGAL_INSTRUCTION => (FaultKind::IllegalInstruction, None),
        BREAKPOINT => (FaultKind::Breakpoint, None),
        INSTRUCTION_MISALIGNED | LOAD_MISALIGNED | STORE_MISALIGNED => (FaultKind::Unaligned, Some(mtval)),
        other => (FaultKind::Other(other as u32), Some(mtval)),
    };
    Fault { kind, pc: Some(mepc), address }
}

impl Arch for RiscvArch {
    type Context = RiscvContext;

    fn cpu_name(&self) -> &'static str {
        let has = |c: u8| self.misa & (1 << (c - b'A')) != 0;
        match (has(b'M'), has(b'A'), has(b'F') && has(b'D'), has(b'C')) {
            (true, true, true, true) => "RV32GC",
            (true, true, false, true) => "RV32IMAC",
            (true, false, false, true) => "RV32IMC",
            (true, true, false, false) => "RV32IMA",
            _ => "RV32",
        }
    }

    fn run(&mut self, context: &mut RiscvContext) -> Trap {
        let mcause = switch::enter(context);
        if mcause & cause::INTERRUPT != 0 {
            return Trap::Interrupt;
        }
        if mcause == cause::ECALL_FROM_U {
            // Resume after the `ecall`.
            context.pc = context.pc.wrapping_add(4);
            return Trap::Syscall;
        }
        let mtval = riscv::register::mtval::read();
        Trap::Fault(classify(mcause, context.pc as usize, mtval))
    }

    fn provoke_kernel_fault(&mut self) {
        // SAFETY: `unimp` raises an illegal-instruction exception in M-mode, which is the point:
        // `trap_entry` reports it as a kernel fault and stops the system.
        unsafe { core::arch::asm!("unimp") };
    }
}

impl InterruptController for RiscvArch {
    fn wait_for_interrupt(&mut self) {
        if let Controller::Matrix(m) = &self.irq {
            // Whether the C3 wakes from `wfi` with mstatus.MIE clear is not documented: poll.
            while !m.pending() {}
            return;
        }
        // With mstatus.MIE clear, `wfi` returns once an enabled interrupt is pending (at once if
        // one already is) without taking it: the kernel then checks its deadlines.
        if self.interrupt_pending() {
            return;
        }
        riscv::asm::wfi();
    }

    fn take_interrupt(&mut self) -> Option<u32> {
        // The machine timer is not a PLIC source: the kernel checks its deadlines anyway.
        let claimed = match &mut self.irq {
            Controller::None => return None,
            Controller::Plic(p) => p.claim(),
            Controller::Matrix(m) => m.claim(),
        };
        if claimed.is_some() {
            return claimed;
        }
        // A software-pended source is masked when taken, as a claimed source is.
        let ready = self.soft_pending & self.enabled;
        if ready == 0 {
            return None;
        }
        let source = ready.trailing_zeros();
        self.soft_pending &= !(1 << source);
        self.soft_taken |= 1 << source;
        self.disable_interrupt(source);
        Some(source)
    }

    fn enable_interrupt(&mut self, irq: u32) {
        let soft = irq < 128 && self.soft_taken & (1 << irq) != 0;
        if irq < 128 {
            self.soft_taken &= !(1 << irq);
            self.enabled |= 1 << irq;
        }
        match &mut self.irq {
            Controller::None => {}
            Controller::Plic(p) if soft => p.enable(irq),
            Controller::Plic(p) => p.complete_and_enable(irq),
            Controller::Matrix(m) => m.enable(irq),
        }
    }

    fn pend_interrupt(&mut self, irq: u32) {
        let exists = match &self.irq {
            Controller::None => false,
            Controller::Plic(_) => irq > 0 && irq < plic::SOURCES,
            Controller::Matrix(_) => irq < 128,
        };
        if exists {
            self.soft_pending |= 1 << irq;
        }
    }

    fn disable_interrupt(&mut self, irq: u32) {
        if irq < 128 {
            self.enabled &= !(1 << irq);
        }
        match &mut self.irq {
            Controller::None => {}
            Controller::Plic(p) => p.disable(irq),
            Controller::Matrix(m) => m.disable(irq),
        }
    }

    fn set_interrupt_priority(&mut self, irq: u32, priority: u8) {
        match &mut self.irq {
            Controller::None => {}
            Controller::Plic(p) => p.set_priority(irq, priority),
            Controller::Matrix(m) => m.set_priority(irq, priority),
        }
    }

    fn interrupt_pending(&self) -> bool {
        let soft = self.soft_pending & self.enabled != 0;
        if let Controller::Matrix(m) = &self.irq {
            return soft || m.pending();
        }
        let mip = riscv::register::mip::read().bits();
        let mie = riscv::register::mie::read().bits();
        mip & mie != 0 || soft
    }
}

impl MemoryProtection for RiscvArch {
    fn protection_info(&self) -> ProtectionInfo {
        self.pmp.info()
    }

    fn check_region(&self, region: Region) -> Result<(), RegionError> {
        self.pmp.check_region(region)
    }

    type Plan = pmp::PmpPlan;

    fn plan(&self, regions: &[(Region, Access)]) -> pmp::PmpPlan {
        self.pmp.plan(regions)
    }

    fn load(&mut self, plan: &pmp::PmpPlan) {
        self.pmp.load(plan);
    }
}
