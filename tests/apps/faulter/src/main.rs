//! Takes the fault it is asked for. Started (and started again) by `fault-tester`, which sends
//! the operation code and expects never to get a reply: the send fails with `PeerGone` when this
//! process faults. If the CPU does not trap the operation, it replies `SURVIVED` instead.

#![no_std]
#![no_main]

// `ops::ALL` is for `fault-tester`, which shares the file.
#[allow(dead_code)]
mod ops;

use core::hint::black_box;

mote::entry!(main);

fn main() {
    let mut buf = [0u8; 4];
    let Ok(msg) = mote::receive(&mut buf) else { return };
    let outside = mote::memory::ram().end;
    match msg.op {
        ops::STORE_OUTSIDE => {
            mote::info!("store at {outside:#010x}");
            // SAFETY: none; the protection unit must refuse this store.
            unsafe { (outside as *mut u32).write_volatile(1) };
        }
        ops::LOAD_OUTSIDE => {
            mote::info!("load at {outside:#010x}");
            // SAFETY: none; the protection unit must refuse this load.
            black_box(unsafe { (outside as *const u32).read_volatile() });
        }
        ops::WRITE_CODE => {
            let code = main as *const () as usize & !3;
            mote::info!("store at {code:#010x}");
            // SAFETY: none; code is read-only for processes.
            unsafe { (code as *mut u32).write_volatile(0) };
        }
        ops::EXECUTE_RAM => {
            let ram = black_box(buf.as_ptr()) as usize;
            mote::info!("jump to {ram:#010x}");
            // Thumb code addresses have bit 0 set.
            let target = if cfg!(target_arch = "arm") { ram | 1 } else { ram };
            // SAFETY: none; RAM is never executable for processes.
            let f: extern "C" fn() = unsafe { core::mem::transmute(target) };
            f();
        }
        ops::UNDEFINED => arch::undefined(),
        ops::UNALIGNED => arch::unaligned(black_box(buf.as_ptr() as usize + 1)),
        ops::DIVIDE_BY_ZERO => {
            black_box(arch::divide(black_box(7), black_box(0)));
        }
        ops::STACK_OVERFLOW => {
            black_box(recurse(black_box(1)));
        }
        ops::BREAKPOINT => arch::breakpoint(),
        ops::PANIC => panic!("deliberate panic"),
        ops::RUST_DIVIDE_BY_ZERO => {
            black_box(black_box(7u32) / black_box(0u32));
        }
        _ => {}
    }
    let _ = mote::reply(msg.sender, ops::SURVIVED, &[]);
}

/// Recurses forever, with a frame the optimiser cannot remove: the stack-overflow fault, on purpose.
#[allow(unconditional_recursion)]
fn recurse(depth: u32) -> u32 {
    let mut frame = [depth; 16];
    black_box(&mut frame);
    recurse(depth + 1) + frame[3]
}

/// The instructions behind some operations. `unsafe` because each is meant to fault.
mod arch {
    #[cfg(target_arch = "arm")]
    pub fn undefined() {
        // SAFETY: none; an undefined instruction.
        unsafe { core::arch::asm!("udf #1") }
    }
    #[cfg(target_arch = "riscv32")]
    pub fn undefined() {
        // SAFETY: none; an undefined instruction.
        unsafe { core::arch::asm!("unimp") }
    }

    #[cfg(target_arch = "arm")]
    pub fn unaligned(addr: usize) {
        // LDM needs a word-aligned address on every M profile.
        // SAFETY: none; the CPU must refuse the access.
        unsafe { core::arch::asm!("ldm {0}!, {{r2}}", inout(reg) addr => _, out("r2") _) }
    }
    #[cfg(target_arch = "riscv32")]
    pub fn unaligned(addr: usize) {
        // Load-reserved needs natural alignment.
        // SAFETY: none; the CPU must refuse the access.
        unsafe { core::arch::asm!("lr.w {0}, ({1})", out(reg) _, in(reg) addr) }
    }

    #[cfg(target_arch = "arm")]
    pub fn divide(a: u32, b: u32) -> u32 {
        // ARMv7-M and later (which have atomics, unlike ARMv6-M) have a divide instruction.
        #[cfg(target_has_atomic = "32")]
        {
            let q: u32;
            // SAFETY: `udiv` traps a zero divisor (CCR.DIV_0_TRP, set by the kernel).
            unsafe { core::arch::asm!("udiv {0}, {1}, {2}", out(reg) q, in(reg) a, in(reg) b) };
            q
        }
        #[cfg(not(target_has_atomic = "32"))]
        {
            // ARMv6-M has no divide instruction: nothing to trap.
            let _ = (a, b);
            u32::MAX
        }
    }
    #[cfg(target_arch = "riscv32")]
    pub fn divide(a: u32, b: u32) -> u32 {
        let q: u32;
        // SAFETY: RISC-V defines division by zero (all ones); it does not trap.
        unsafe { core::arch::asm!("divu {0}, {1}, {2}", out(reg) q, in(reg) a, in(reg) b) };
        q
    }

    #[cfg(target_arch = "arm")]
    pub fn breakpoint() {
        // SAFETY: none; a breakpoint with no debugger attached.
        unsafe { core::arch::asm!("bkpt #1") }
    }
    #[cfg(target_arch = "riscv32")]
    pub fn breakpoint() {
        // SAFETY: none; a breakpoint with no debugger attached.
        unsafe { core::arch::asm!("ebreak") }
    }
}
