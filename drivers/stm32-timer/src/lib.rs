//! A [`Clock`](mote_hal::Clock) on a 32-bit general-purpose timer of the STM32 (TIM2 or TIM5 on
//! the STM32F4; RM0368 for the STM32F401, chapter 13).
//!
//! The timer's counter runs up through all 32 bits (`ARR` = `0xffff_ffff`) at the timer clock
//! divided by `PSC + 1`. [`Stm32Timer`] drives it as a [`CompareCounter`] and [`CounterClock`]
//! makes the 64-bit tickless clock of it (wraps and alarm steps are explained there):
//!
//! | register | role |
//! |----------|------|
//! | `CCR1` | the guard ([`Compare::Guard`]), flag `CC1IF`, interrupt `CC1IE` |
//! | `CCR2` | the alarm ([`Compare::Alarm`]), flag `CC2IF`, interrupt `CC2IE` |
//! | `CNT` | read directly: it is the counter |
//!
//! The channels stay in output-compare "frozen" mode (`CCMR1` = 0): a match only sets its flag,
//! no pin moves. A flag is set when the counter *becomes* equal to the compare value, as
//! [`CounterClock`] expects. Flags are cleared by writing 0 to their bit of `SR` (and 1 to the
//! others, which leaves them as they are).

#![no_std]
#![forbid(unsafe_code)]

use mote_hal::{Compare, CompareCounter, CounterClock, Mmio};

const CR1: usize = 0x00;
const DIER: usize = 0x0c;
const SR: usize = 0x10;
const EGR: usize = 0x14;
const CCMR1: usize = 0x18;
const CCER: usize = 0x20;
const CNT: usize = 0x24;
const PSC: usize = 0x28;
const ARR: usize = 0x2c;
const CCR1: usize = 0x34;
/// `CR1.CEN`: counter enable.
const CR1_CEN: u32 = 1 << 0;
/// `EGR.UG`: update generation, which loads the prescaler.
const EGR_UG: u32 = 1 << 0;

/// The kernel clock on an STM32 32-bit timer.
pub type Stm32Clock = CounterClock<Stm32Timer>;

/// The channel (1-based) of a [`Compare`]; its `SR` flag and `DIER` enable are bit `channel`.
const fn channel(which: Compare) -> usize {
    match which {
        Compare::Guard => 1,
        Compare::Alarm => 2,
    }
}

/// One 32-bit STM32 general-purpose timer.
pub struct Stm32Timer {
    regs: Mmio,
}

impl Stm32Timer {
    /// Size of the register block.
    pub const REGISTERS_LEN: usize = 0x400;

    /// Takes the timer whose registers are `regs` and whose interrupt line is `irq` (its clock
    /// enabled by the board), starts it from zero at `timer_hz / (prescaler + 1)` and returns the
    /// clock on it. No alarm is set.
    pub fn clock(mut regs: Mmio, irq: u32, timer_hz: u32, prescaler: u16) -> Stm32Clock {
        regs.write32(CR1, 0);
        regs.write32(DIER, 0);
        regs.write32(CCMR1, 0);
        regs.write32(CCER, 0);
        regs.write32(PSC, u32::from(prescaler));
        regs.write32(ARR, u32::MAX);
        regs.write32(CCR1, 0);
        regs.write32(CCR1 + 4, 0);
        // Load the prescaler now (it is buffered until an update event), which also zeroes the
        // counter; then forget the flags that set.
        regs.write32(EGR, EGR_UG);
        regs.write32(SR, 0);
        regs.write32(CR1, CR1_CEN);
        CounterClock::new(Stm32Timer { regs }, timer_hz / (u32::from(prescaler) + 1), irq)
    }
}

impl CompareCounter for Stm32Timer {
    fn counter(&mut self) -> u32 {
        self.regs.read32(CNT)
    }

    fn set_compare(&mut self, which: Compare, value: u32) {
        self.regs.write32(CCR1 + 4 * (channel(which) - 1), value);
    }

    fn event(&self, which: Compare) -> bool {
        self.regs.read32(SR) & (1 << channel(which)) != 0
    }

    fn clear_event(&mut self, which: Compare) {
        // rc_w0: writing 0 clears a flag, writing 1 leaves it.
        self.regs.write32(SR, !(1 << channel(which)));
    }

    fn enable_interrupt(&mut self, which: Compare, on: bool) {
        let dier = self.regs.read32(DIER);
        let bit = 1 << channel(which);
        self.regs.write32(DIER, if on { dier | bit } else { dier & !bit });
    }
}
