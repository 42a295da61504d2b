//! A [`Clock`] on two ARM CMSDK APB timers, as found on the MPS2 boards.
//!
//! A CMSDK timer is a 32-bit down-counter with a reload value and an interrupt when it reaches
//! zero. One timer, the *counter*, runs free from `0xffff_ffff` and interrupts on each wrap
//! (every 171 s at 25 MHz), which extends it to 64 bits. The other, the *alarm*, is loaded with
//! the ticks to the next deadline and interrupts when they have elapsed; deadlines further than
//! 2^32 ticks away are reached in several steps.

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Clock, Mmio};

const CTRL: usize = 0x00;
const VALUE: usize = 0x04;
const RELOAD: usize = 0x08;
const INTSTATUS_INTCLEAR: usize = 0x0c;
const CTRL_ENABLE: u32 = 1 << 0;
const CTRL_INTERRUPT_ENABLE: u32 = 1 << 3;
/// Ticks between repeated alarm interrupts once the alarm has fired (see `program_alarm`).
const REKICK: u32 = 1024;

/// One CMSDK APB timer and its interrupt line.
pub struct CmsdkTimer {
    regs: Mmio,
    irq: u32,
}

impl CmsdkTimer {
    /// Size of a timer's register block.
    pub const REGISTERS_LEN: usize = 0x1000;

    /// Wraps the timer whose registers are `regs` and whose interrupt is `irq`.
    pub fn new(regs: Mmio, irq: u32) -> Self {
        Self { regs, irq }
    }
}

/// The kernel clock: a free-running counter timer and an alarm timer.
pub struct CmsdkClock {
    counter: CmsdkTimer,
    alarm: CmsdkTimer,
    frequency: u32,
    /// The counter's and the alarm's interrupt lines.
    irqs: [u32; 2],
    /// Completed wraps of the counter, times 2^32.
    high: u64,
    /// The deadline the alarm works toward.
    deadline: Option<u64>,
}

impl CmsdkClock {
    /// Starts the clock. `frequency` is the timers' input clock (the APB clock) in Hz.
    pub fn new(mut counter: CmsdkTimer, mut alarm: CmsdkTimer, frequency: u32) -> Self {
        alarm.regs.write32(CTRL, 0);
        alarm.regs.write32(INTSTATUS_INTCLEAR, 1);
        counter.regs.write32(CTRL, 0);
        counter.regs.write32(RELOAD, u32::MAX);
        counter.regs.write32(VALUE, u32::MAX);
        counter.regs.write32(INTSTATUS_INTCLEAR, 1);
        counter.regs.write32(CTRL, CTRL_ENABLE | CTRL_INTERRUPT_ENABLE);
        let irqs = [counter.irq, alarm.irq];
        Self { counter, alarm, frequency, irqs, high: 0, deadline: None }
    }

    /// Counts a wrap that happened but was not yet accounted for.
    fn account_wrap(&mut self) {
        if self.counter.regs.read32(INTSTATUS_INTCLEAR) & 1 != 0 {
            self.counter.regs.write32(INTSTATUS_INTCLEAR, 1);
            self.high += 1 << 32;
        }
    }

    fn program_alarm(&mut self) {
        self.alarm.regs.write32(CTRL, 0);
        self.alarm.regs.write32(INTSTATUS_INTCLEAR, 1);
        let Some(at) = self.deadline else { return };
        let now = self.now();
        // At least one tick: a zero load would never interrupt.
        let delta = at.saturating_sub(now).clamp(1, u64::from(u32::MAX)) as u32;
        // The first period is the delay; the reload after it is short, so that if the first
        // interrupt does not wake a sleeping CPU (QEMU in -icount mode wakes it only at the next
        // timer event), the next one follows within REKICK ticks. `on_interrupt` stops the
        // timer as soon as the deadline has come.
        self.alarm.regs.write32(RELOAD, REKICK);
        self.alarm.regs.write32(VALUE, delta);
        self.alarm.regs.write32(CTRL, CTRL_ENABLE | CTRL_INTERRUPT_ENABLE);
    }
}

impl Clock for CmsdkClock {
    fn frequency(&self) -> u32 {
        self.frequency
    }

    fn now(&mut self) -> u64 {
        // Read the low half; if a wrap is pending, account for it and read again, so a wrap
        // between the two reads cannot make time go backwards.
        let mut low = u32::MAX - self.counter.regs.read32(VALUE);
        if self.counter.regs.read32(INTSTATUS_INTCLEAR) & 1 != 0 {
            self.account_wrap();
            low = u32::MAX - self.counter.regs.read32(VALUE);
        }
        self.high + u64::from(low)
    }

    fn set_alarm(&mut self, at: Option<u64>) {
        self.deadline = at;
        self.program_alarm();
    }

    fn interrupts(&self) -> &[u32] {
        &self.irqs
    }

    fn on_interrupt(&mut self) {
        self.account_wrap();
        if self.alarm.regs.read32(INTSTATUS_INTCLEAR) & 1 != 0 {
            // The alarm fired. If the deadline is still ahead (it was more than 2^32 ticks
            // away), take the next step toward it. If it has come, stop: re-arming for a time
            // already past would interrupt again at once, before the kernel could act on it.
            if self.deadline.is_some_and(|at| at > self.now()) {
                self.program_alarm();
            } else {
                self.alarm.regs.write32(CTRL, 0);
                self.alarm.regs.write32(INTSTATUS_INTCLEAR, 1);
            }
        }
    }
}
