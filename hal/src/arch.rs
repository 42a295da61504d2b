//! What the kernel needs from a CPU architecture.

use crate::memory::{Access, Region, RegionError};
use crate::trap::Trap;

/// Most regions the kernel asks the protection unit for, per process: its flash, its RAM and up
/// to two devices.
pub const MAX_PROCESS_REGIONS: usize = 4;

/// A description of the memory-protection hardware, for the boot banner.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ProtectionInfo {
    /// Name of the unit (`ARMv7-M MPU`, `RISC-V PMP`, `none`).
    pub name: &'static str,
    /// Whether processes are isolated from each other and from the kernel by hardware.
    pub isolates: bool,
    /// Regions (MPU) or entries (PMP) the hardware implements in all.
    pub regions: usize,
}

/// The registers of a process that is not running.
///
/// Some architectures (Cortex-M) save part of the process's registers on the process's own stack
/// when it traps. That memory belongs to the process and is untrusted, so the context never reads
/// it by itself: the kernel validates the `STACKED_WORDS` words at [`UserContext::stack_pointer`]
/// against the process's memory and hands them in as `stacked`.
pub trait UserContext: Default {
    /// How many machine words the hardware pushes on the process stack on a trap (0 if none).
    const STACKED_WORDS: usize;

    /// How many of the stacked words, from the first, [`UserContext::set_results`] may change:
    /// only those are written back to the process's stack after a syscall.
    const RESULT_WORDS: usize = Self::STACKED_WORDS;

    /// Prepares a fresh context that will start at `entry` with the stack ending at `stack_top`.
    /// `stacked` is the memory just below `stack_top` (`STACKED_WORDS` words), already checked to
    /// belong to the process.
    fn start(&mut self, entry: usize, stack_top: usize, stacked: &mut [usize]);

    /// The process's stack pointer.
    fn stack_pointer(&self) -> usize;

    /// The syscall number and arguments of a process that trapped with [`Trap::Syscall`].
    fn syscall(&self, stacked: &[usize]) -> (usize, [usize; mote_abi::ARG_COUNT]);

    /// Writes the results of a syscall where the process will find them on resumption.
    fn set_results(&mut self, stacked: &mut [usize], results: [usize; mote_abi::RESULT_COUNT]);

    /// The address of the instruction the process will resume at (or that faulted).
    fn program_counter(&self, stacked: &[usize]) -> usize;

    /// Calls `f` with the name and value of each register, for crash reports. `stacked` may be
    /// empty when the stack pointer was unusable; only the registers saved in the context are
    /// reported then.
    fn registers(&self, stacked: &[usize], f: &mut dyn FnMut(&'static str, usize));
}

/// A CPU architecture, as the kernel sees it: switching to a process and getting control back
/// ([`Arch::run`], with the registers in [`UserContext`] and the reason in [`Trap`]), protecting
/// memory ([`MemoryProtection`]) and the interrupt controller ([`InterruptController`]).
///
/// Time is not here: the kernel's timer is the board's [`crate::Clock`], since the same CPU comes
/// with different timers.
pub trait Arch: MemoryProtection + InterruptController {
    /// Saved registers of a process.
    type Context: UserContext;

    /// Name of the CPU core (`Cortex-M3`, `RV32IMAC`).
    fn cpu_name(&self) -> &'static str;

    /// The context switch: runs the process whose registers are in `context` in unprivileged
    /// mode until it traps, then saves its registers back into `context` and returns why it
    /// stopped.
    fn run(&mut self, context: &mut Self::Context) -> Trap;

    /// Test support: executes an undefined instruction in privileged mode, so that tests can
    /// check how a fault of the kernel itself is reported. Reached only in kernels built with the
    /// `fault-injection` feature of `mote-kernel`.
    fn provoke_kernel_fault(&mut self);
}

/// The memory-protection unit (an MPU, a PMP, or none): what a process may touch.
pub trait MemoryProtection {
    /// The memory-protection unit.
    fn protection_info(&self) -> ProtectionInfo;

    /// Checks that the protection unit can express `region` (size and alignment rules).
    fn check_region(&self, region: Region) -> Result<(), RegionError>;

    /// The unit's settings for one process (register values), worked out once by
    /// [`MemoryProtection::plan`] so that a switch to the process only loads them.
    type Plan: Copy + Default;

    /// Works out the settings that let a process access exactly `regions`, each with its access
    /// rights, and nothing else (the kernel keeps access to everything). The regions passed the
    /// boot check ([`MemoryProtection::check_region`]).
    fn plan(&self, regions: &[(Region, Access)]) -> Self::Plan;

    /// Programs the protection unit with `plan`, for the next process to run.
    fn load(&mut self, plan: &Self::Plan);
}

/// The interrupt controller (NVIC, PLIC) and waiting for interrupts.
///
/// Handlers only record a line and mask it; the kernel takes the recorded lines with
/// [`InterruptController::take_interrupt`] and decides what they mean (its clock, or a device a
/// process owns).
pub trait InterruptController {
    /// Sleeps until an interrupt is pending (returns at once if one already is). Interrupts that
    /// arrive are recorded for [`InterruptController::take_interrupt`], not lost.
    fn wait_for_interrupt(&mut self);

    /// An interrupt line that fired since the last call, if any. The line is left masked at the
    /// interrupt controller until [`InterruptController::enable_interrupt`], so it cannot fire
    /// again before the kernel has dealt with it.
    fn take_interrupt(&mut self) -> Option<u32>;

    /// Lets an interrupt line interrupt again: unmasks it at the interrupt controller (and, where
    /// the controller tracks interrupts in service, completes it).
    fn enable_interrupt(&mut self, irq: u32);

    /// Masks an interrupt line at the interrupt controller.
    fn disable_interrupt(&mut self, irq: u32);

    /// Makes an interrupt line pending from software, as if its device had interrupted: it is
    /// taken (and recorded for [`Arch::take_interrupt`]) as soon as the line is unmasked.
    fn pend_interrupt(&mut self, irq: u32);

    /// Sets the urgency of an interrupt line: 0 is the most urgent of those a process may own.
    /// The kernel's own interrupts (its clock) stay more urgent than any of them.
    fn set_interrupt_priority(&mut self, irq: u32, priority: u8);

    /// Whether an interrupt is waiting for [`InterruptController::take_interrupt`] (cheap:
    /// called before every process switch).
    fn interrupt_pending(&self) -> bool;
}
