//! Device interrupts: recorded and masked in the handler, serviced by the kernel.
//!
//! Every device interrupt enters [`DefaultHandler`] (cortex-m-rt routes all of them there). It
//! masks the line at the NVIC and sets its bit in [`PENDING`]; if a process was running, it then
//! returns to the kernel like any other trap. The kernel takes the bits later with interrupts
//! masked (`cpsid i`), so no bit is lost between its read and its write.

use core::arch::naked_asm;
use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::NVIC;

use crate::switch::TRAP_INTERRUPT;

/// IRQ lines covered: as many as the vector table may have on ARMv7-M (240) and more; 32 on
/// ARMv6-M, whose NVIC has no more. The image's vector table has the board's lines
/// ([`interrupt_vectors!`](crate::interrupt_vectors)), which cover every line the kernel unmasks.
const LINES: usize = if cfg!(armv6m) { 32 } else { 256 };

/// One bit per IRQ line that fired and has not been taken by the kernel yet.
static PENDING: [AtomicU32; LINES / 32] = [const { AtomicU32::new(0) }; LINES / 32];

/// Bit `w` is set while word `w` of [`PENDING`] is not zero: the kernel asks at every trap
/// whether a line is recorded, and this answers with one load instead of a scan. `SVCall` reads
/// it too, before entering a process (`switch.rs`).
pub(crate) static SUMMARY: AtomicU32 = AtomicU32::new(0);

/// Called from the handler with IPSR: masks the line and records it.
extern "C" fn record(ipsr: u32) {
    let exception = ipsr & 0x1ff;
    if exception < 16 {
        // A system exception without a handler of its own: stop, reported as a kernel fault
        // whose cause is the exception number.
        let registers = [("ipsr", ipsr as usize)];
        crate::fault::report(mote_hal::KernelFault { kind: mote_hal::FaultKind::Other(exception), address: None, registers: &registers });
    }
    let irq = (exception - 16) as usize;
    // SAFETY: writing ICER only masks the line; the kernel unmasks it after servicing.
    unsafe { (*NVIC::PTR).icer[irq / 32].write(1 << (irq % 32)) };
    // A more urgent interrupt may preempt this handler, and ARMv6-M has no atomic
    // read-modify-write: update the bit with interrupts masked.
    cortex_m::interrupt::free(|_| {
        let word = &PENDING[irq / 32];
        word.store(word.load(Ordering::Relaxed) | 1 << (irq % 32), Ordering::Release);
        SUMMARY.store(SUMMARY.load(Ordering::Relaxed) | 1 << (irq / 32), Ordering::Release);
    });
}

/// Any exception or interrupt without its own handler. For device interrupts: record and mask
/// the line; if a process was running, return to the kernel (reason: interrupt). Public for
/// [`interrupt_vectors!`](crate::interrupt_vectors) only.
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DefaultHandler() {
    naked_asm!(
        "push {{r0, lr}}",
        "mrs r0, ipsr",
        "bl {record}",
        "pop {{r0, r1}}",
        "mov lr, r1",
        "mov r0, lr",
        "movs r1, #4",
        "tst r0, r1",
        "bne 1f",
        // From the kernel: it will see the pending bit.
        "bx lr",
        "1:",
        "movs r0, #{reason}",
        crate::switch::trap_to_kernel_asm!(),
        record = sym record,
        reason = const TRAP_INTERRUPT,
    )
}

/// Takes one recorded interrupt line (the lowest).
pub fn take() -> Option<u32> {
    cortex_m::interrupt::free(|_| {
        let (w, bits, summary) = loop {
            let summary = SUMMARY.load(Ordering::Acquire);
            if summary == 0 {
                return None;
            }
            let w = summary.trailing_zeros() as usize;
            let bits = PENDING[w].load(Ordering::Acquire);
            if bits != 0 {
                break (w, bits, summary);
            }
            // Cannot happen (both are updated together); repair rather than trust it.
            SUMMARY.store(summary & !(1 << w), Ordering::Relaxed);
        };
        let bit = bits.trailing_zeros();
        let rest = bits & !(1 << bit);
        PENDING[w].store(rest, Ordering::Relaxed);
        if rest == 0 {
            SUMMARY.store(summary & !(1 << w), Ordering::Relaxed);
        }
        Some(w as u32 * 32 + bit)
    })
}

/// Whether any line is recorded.
pub fn any() -> bool {
    SUMMARY.load(Ordering::Relaxed) != 0
}

/// Unmasks `irq` at the NVIC.
pub fn enable(irq: u32) {
    let irq = irq as usize % LINES;
    // SAFETY: unmasking a line whose handler is `DefaultHandler`, which only records it.
    unsafe { (*NVIC::PTR).iser[irq / 32].write(1 << (irq % 32)) };
}

/// Masks `irq` at the NVIC.
pub fn disable(irq: u32) {
    let irq = irq as usize % LINES;
    // SAFETY: masking a line only delays its interrupt until the kernel unmasks it.
    unsafe { (*NVIC::PTR).icer[irq / 32].write(1 << (irq % 32)) };
}

/// Makes `irq` pending at the NVIC (`ISPR`): if the line is unmasked, its interrupt is taken at
/// once and recorded by [`DefaultHandler`] like a device's; otherwise when the line is unmasked.
pub fn pend(irq: u32) {
    let irq = irq as usize % LINES;
    // SAFETY: pending a line only makes `DefaultHandler` record it, as if its device had fired.
    unsafe { (*NVIC::PTR).ispr[irq / 32].write(1 << (irq % 32)) };
    // Take it before going on, as the peers' software interrupt does after writing STIR.
    cortex_m::asm::dsb();
    cortex_m::asm::isb();
}

/// An interrupt line, for the `cortex-m` crate's NVIC priority API.
#[derive(Copy, Clone)]
struct Line(u16);

// SAFETY: `number` returns the line as given, which `set_priority` bounds to the lines this
// module covers.
unsafe impl cortex_m::interrupt::InterruptNumber for Line {
    fn number(self) -> u16 {
        self.0
    }
}

/// Sets the urgency of `irq`: level 0 (the kernel's clock) is the most urgent; levels above 3 are
/// treated as 3. Levels use the top two priority bits, which every Cortex-M implements.
pub fn set_priority(irq: u32, level: u8) {
    let priority = level.min(3) << 6;
    // SAFETY: the NVIC is the kernel's and this module is its only user (a second handle to it
    // is taken here only for the priority API); changing a line's priority changes only which of
    // two pending interrupts is recorded first (all handlers just record and mask their line).
    unsafe {
        let mut nvic = cortex_m::Peripherals::steal().NVIC;
        nvic.set_priority(Line((irq as usize % LINES) as u16), priority);
    }
}

/// Sleeps until an interrupt is pending, unless one is recorded already. Interrupts are masked
/// around the check so one arriving in between still wakes the `wfi`.
pub fn wait() {
    cortex_m::interrupt::free(|_| {
        if !any() {
            cortex_m::asm::wfi();
        }
    });
}
