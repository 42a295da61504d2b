//! The ESP32-C3's interrupt matrix and CPU interrupt controller (ESP32-C3 TRM, chapter
//! "Interrupt Matrix"), in place of a PLIC.
//!
//! The C3 routes each of its 62 peripheral interrupt *sources* through a map register to one of
//! 31 *CPU interrupts* (1..=31), which the core takes in vectored mode: `mcause = 0x8000_0000 | n`
//! and `pc = mtvec.base + 4 * n`. Enabling, priority (1..=15, taken above the threshold) and
//! level or edge type are memory-mapped registers, not the `mie` CSR.
//!
//! The kernel names interrupts by source number (`irq` in `board.toml`). This driver gives each
//! source the kernel enables a CPU interrupt of its own, level-triggered, in order of first use:
//!
//! ```text
//!   source 37 (SYSTIMER_TARGET0) ──map──▶ CPU interrupt 1 ──▶ vector 1 ──▶ trap_entry
//!   source  n (a process's device) ──map──▶ CPU interrupt 2 ──▶ vector 2 ──▶ trap_entry
//! ```
//!
//! As with the PLIC, a source is *taken* (its CPU interrupt masked) when the kernel records it and
//! enabled again only when its owner has dealt with it.

use core::arch::global_asm;

use mote_hal::Mmio;

/// Peripheral interrupt sources of the ESP32-C3.
pub const SOURCES: usize = 62;
/// CPU interrupts 1..=31 (there is no CPU interrupt 0).
const CPU_INTERRUPTS: u8 = 31;
const CPU_INT_ENABLE: usize = 0x104;
const CPU_INT_TYPE: usize = 0x108;
const CPU_INT_EIP_STATUS: usize = 0x110;
/// `CPU_INT_PRI_n` is at `CPU_INT_PRI_0 + 4 * n`.
const CPU_INT_PRI_0: usize = 0x114;
const CPU_INT_THRESH: usize = 0x194;
/// Interrupts of a priority below the threshold are masked; priority 0 means never.
const THRESHOLD: u32 = 1;

// The vector table: 32 entries, 256-byte aligned as the C3 requires of `mtvec` in vectored mode
// (the only mode it implements). Entry 0 takes exceptions, entry `n` CPU interrupt `n`; all go to
// `trap_entry`, which reads `mcause`.
global_asm!(
    ".section .text.mote_c3_vectors, \"ax\"",
    ".balign 256",
    ".global mote_c3_vectors",
    "mote_c3_vectors:",
    ".option push",
    ".option norvc",
    ".rept 32",
    "j trap_entry",
    ".endr",
    ".option pop",
);

extern "C" {
    fn mote_c3_vectors();
}

/// The interrupt matrix and CPU interrupt controller of core 0.
pub struct InterruptMatrix {
    regs: Mmio,
    /// The CPU interrupt of each source (0: not routed).
    line: [u8; SOURCES],
    /// The priority level the kernel asked for each source (0 most urgent).
    level: [u8; SOURCES],
    /// CPU interrupts handed out so far.
    used: u8,
    /// CPU interrupts currently enabled (bit `n`).
    enabled: u32,
}

impl InterruptMatrix {
    /// Size of the register block (`INTERRUPT_CORE0` at `0x600c_2000`).
    pub const REGISTERS_LEN: usize = 0x800;

    /// Takes the matrix: every source unrouted, every CPU interrupt disabled and level-triggered,
    /// threshold 1; points `mtvec` at Mote's vector table (vectored mode).
    pub fn new(mut regs: Mmio) -> Self {
        regs.write32(CPU_INT_ENABLE, 0);
        regs.write32(CPU_INT_TYPE, 0);
        for source in 0..SOURCES {
            regs.write32(4 * source, 0);
        }
        regs.write32(CPU_INT_THRESH, THRESHOLD);
        let table = mote_c3_vectors as *const () as usize;
        // SAFETY: the kernel runs with mstatus.MIE clear, so no interrupt is taken while mtvec
        // changes; exceptions go to entry 0, which jumps to `trap_entry` exactly as the direct
        // mode `_start` set up did. Mode 1 is vectored.
        unsafe { core::arch::asm!("csrw mtvec, {}", in(reg) table | 1) };
        Self { regs, line: [0; SOURCES], level: [0; SOURCES], used: 0, enabled: 0 }
    }

    /// Whether an enabled CPU interrupt is pending.
    pub fn pending(&self) -> bool {
        self.regs.read32(CPU_INT_EIP_STATUS) & self.enabled != 0
    }

    /// Takes the pending source on the lowest enabled CPU interrupt, if any, and masks it.
    pub fn claim(&mut self) -> Option<u32> {
        let pending = self.regs.read32(CPU_INT_EIP_STATUS) & self.enabled;
        if pending == 0 {
            return None;
        }
        let line = pending.trailing_zeros() as u8;
        self.set_enabled(line, false);
        self.line.iter().position(|&l| l == line).map(|s| s as u32)
    }

    /// Routes `source` to a CPU interrupt (the first time) and enables it.
    pub fn enable(&mut self, source: u32) {
        let Some(line) = self.route(source) else { return };
        self.set_enabled(line, true);
    }

    /// Disables `source`'s CPU interrupt.
    pub fn disable(&mut self, source: u32) {
        if let Some(&line) = self.line.get(source as usize).filter(|&&l| l != 0) {
            self.set_enabled(line, false);
        }
    }

    /// Sets the urgency of `source`: level 0 is the most urgent (priority 7), levels above 6 are
    /// treated as 6 (priority 1), as on the PLIC.
    pub fn set_priority(&mut self, source: u32, level: u8) {
        let Some(slot) = self.level.get_mut(source as usize) else { return };
        *slot = level.min(6);
        if let Some(&line) = self.line.get(source as usize).filter(|&&l| l != 0) {
            self.write_priority(line, level);
        }
    }

    fn write_priority(&mut self, line: u8, level: u8) {
        self.regs.write32(CPU_INT_PRI_0 + 4 * usize::from(line), 7 - u32::from(level.min(6)));
    }

    /// The CPU interrupt of `source`, routing it to the next free one if it has none. `None` for
    /// an unknown source, or once all 31 are in use.
    fn route(&mut self, source: u32) -> Option<u8> {
        let s = source as usize;
        if s >= SOURCES {
            return None;
        }
        if self.line[s] == 0 {
            if self.used == CPU_INTERRUPTS {
                return None;
            }
            self.used += 1;
            let line = self.used;
            self.line[s] = line;
            self.write_priority(line, self.level[s]);
            self.regs.write32(4 * s, u32::from(line));
        }
        Some(self.line[s])
    }

    fn set_enabled(&mut self, line: u8, on: bool) {
        if on {
            self.enabled |= 1 << line;
        } else {
            self.enabled &= !(1 << line);
        }
        self.regs.write32(CPU_INT_ENABLE, self.enabled);
    }
}
