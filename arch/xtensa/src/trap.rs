//! Exception causes (`EXCCAUSE`, Xtensa ISA, XEA2) and the report of a kernel fault.

use mote_hal::{Fault, FaultKind};

pub const ILLEGAL_INSTRUCTION: u32 = 0;
pub const SYSCALL: u32 = 1;
pub const INSTRUCTION_FETCH_ERROR: u32 = 2;
pub const LOAD_STORE_ERROR: u32 = 3;
pub const LEVEL1_INTERRUPT: u32 = 4;
pub const INTEGER_DIVIDE_BY_ZERO: u32 = 6;
pub const PRIVILEGED: u32 = 8;
pub const LOAD_STORE_ALIGNMENT: u32 = 9;
pub const INSTRUCTION_PIF_DATA_ERROR: u32 = 12;
pub const LOAD_STORE_PIF_DATA_ERROR: u32 = 13;
pub const INSTRUCTION_PIF_ADDRESS_ERROR: u32 = 14;
pub const LOAD_STORE_PIF_ADDRESS_ERROR: u32 = 15;
pub const INSTRUCTION_FETCH_PROHIBITED: u32 = 20;
pub const LOAD_PROHIBITED: u32 = 28;
pub const STORE_PROHIBITED: u32 = 29;
/// The cause Mote gives a debug exception (a `break` instruction), which has no `EXCCAUSE`.
pub const CAUSE_BREAK: u32 = 64;

/// Classifies an exception taken by a process at `pc` (`address` is `EXCVADDR`).
pub fn classify(cause: u32, pc: u32, address: u32) -> Fault {
    let (kind, address) = match cause {
        ILLEGAL_INSTRUCTION | PRIVILEGED => (FaultKind::IllegalInstruction, None),
        INSTRUCTION_FETCH_ERROR | INSTRUCTION_PIF_DATA_ERROR | INSTRUCTION_PIF_ADDRESS_ERROR => {
            (FaultKind::BusError, Some(pc))
        }
        LOAD_STORE_ERROR | LOAD_STORE_PIF_DATA_ERROR | LOAD_STORE_PIF_ADDRESS_ERROR => (FaultKind::BusError, Some(address)),
        INTEGER_DIVIDE_BY_ZERO => (FaultKind::DivideByZero, None),
        LOAD_STORE_ALIGNMENT => (FaultKind::Unaligned, Some(address)),
        INSTRUCTION_FETCH_PROHIBITED => (FaultKind::InstructionAccess, Some(address)),
        LOAD_PROHIBITED => (FaultKind::LoadAccess, Some(address)),
        STORE_PROHIBITED => (FaultKind::StoreAccess, Some(address)),
        CAUSE_BREAK => (FaultKind::Breakpoint, None),
        other => (FaultKind::Other(other), Some(address)),
    };
    Fault { kind, pc: Some(pc as usize), address: address.map(|a| a as usize) }
}

/// An exception taken while the kernel ran (from `asm/vectors.S`): a kernel bug. Report
/// everything known and stop.
#[unsafe(no_mangle)]
extern "C" fn mote_xtensa_kernel_fault(cause: u32, pc: u32, address: u32) -> ! {
    let fault = classify(cause, pc, address);
    panic!("kernel fault: {} (exccause {cause:#x}, pc {pc:#010x}, excvaddr {address:#010x})", fault.kind);
}
