//! Why a process stopped running and control came back to the kernel.

use core::fmt;

/// The reason [`crate::Arch::run`] returned.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Trap {
    /// The process made a system call; its number and arguments are in its context.
    Syscall,
    /// An interrupt arrived while the process ran; the process is intact and may be resumed.
    Interrupt,
    /// The process faulted; it must not be resumed as is.
    Fault(Fault),
}

/// A fault taken by a process: what happened and where.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What kind of fault.
    pub kind: FaultKind,
    /// Address of the faulting instruction, when the hardware recorded it.
    pub pc: Option<usize>,
    /// The data or instruction address that caused it, when the hardware recorded it.
    pub address: Option<usize>,
}

/// A fault of the kernel itself, as the architecture's fault handler saw it. The handler passes
/// it to the board's panic handler (`mote_kernel::panic_handler!`), which reports it in one line
/// (`kernel fault: KIND [at ADDRESS] (NAME VALUE, ...)`) and stops the system.
#[derive(Copy, Clone, Debug)]
pub struct KernelFault<'a> {
    /// What kind of fault.
    pub kind: FaultKind,
    /// The data or instruction address that caused it, when the hardware recorded it.
    pub address: Option<usize>,
    /// Registers and status words worth showing, by name (`pc`, `lr`, `cfsr`...).
    pub registers: &'a [(&'static str, usize)],
}

/// Kinds of process faults, named independently of the architecture.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Fetching an instruction from memory the process may not execute.
    InstructionAccess,
    /// A load from memory the process may not read.
    LoadAccess,
    /// A store to memory the process may not write.
    StoreAccess,
    /// A load or store the protection unit refused (the hardware does not say which).
    DataAccess,
    /// The hardware could not save the process's registers on its stack: the stack pointer left
    /// the process's memory (usually a stack overflow).
    StackOverflow,
    /// The bus reported an error (unmapped or faulty memory).
    BusError,
    /// An undefined or privileged instruction.
    IllegalInstruction,
    /// Integer division by zero (where the hardware traps it).
    DivideByZero,
    /// A misaligned access the hardware does not support.
    Unaligned,
    /// A breakpoint instruction with no debugger attached.
    Breakpoint,
    /// A fault the CPU escalated to its catch-all handler without saying why (Cortex-M
    /// HardFault, FORCED; for instance a breakpoint with no debugger).
    HardFault,
    /// The process reported a panic of its own (a software fault).
    Panic,
    /// The process trapped with its stack pointer misaligned or outside its memory.
    BadStackPointer,
    /// A fault the architecture reports but Mote does not classify; the raw cause code.
    Other(u32),
}

impl FaultKind {
    /// A short human-readable name.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::InstructionAccess => "instruction access violation",
            Self::LoadAccess => "load access violation",
            Self::StoreAccess => "store access violation",
            Self::DataAccess => "memory access violation",
            Self::StackOverflow => "stack overflow",
            Self::BusError => "bus error",
            Self::IllegalInstruction => "illegal instruction",
            Self::DivideByZero => "divide by zero",
            Self::Unaligned => "unaligned access",
            Self::Breakpoint => "breakpoint",
            Self::HardFault => "hard fault",
            Self::Panic => "panic",
            Self::BadStackPointer => "bad stack pointer (misaligned, or outside process memory)",
            Self::Other(_) => "unclassified fault",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Other(code) => write!(f, "unclassified fault (cause {code:#x})"),
            other => f.write_str(other.as_str()),
        }
    }
}
