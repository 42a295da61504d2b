//! Owns the board's spare timer. Takes three of its interrupts (each arrives as a notification,
//! and the line stays masked until acknowledged), then lets it interrupt as fast as it can for a
//! while: a storm that must not slow down the more important `hi-prio`.

#![no_std]
#![no_main]

use mote::{Duration, SyscallError};

mote::entry!(main);

/// The spare timers of the QEMU boards, told apart by where they are.
enum Timer {
    /// CMSDK dual timer (an SP804), with its input clock.
    Dual { regs: usize, hz: u32 },
    /// Goldfish real-time clock: a nanosecond counter with an alarm.
    Goldfish { regs: usize },
    /// nRF51 TIMER, 16 MHz base clock.
    Nrf { regs: usize },
    /// Not a timer: a spare SiFive UART (the FE310's UART1). Its transmit-watermark interrupt
    /// is asserted while enabled, as its FIFO stays empty: it interrupts again as soon as it is
    /// acknowledged, whatever the period.
    Uart { regs: usize },
}

fn write(addr: usize, value: u32) {
    // SAFETY: `addr` is inside this process's device region, which the kernel mapped for it.
    unsafe { (addr as *mut u32).write_volatile(value) }
}

fn read(addr: usize) -> u32 {
    // SAFETY: as in `write`.
    unsafe { (addr as *const u32).read_volatile() }
}

impl Timer {
    fn at(base: usize) -> Option<Timer> {
        match base {
            0x4000_2000 => Some(Timer::Dual { regs: base, hz: 25_000_000 }),
            0x5000_2000 => Some(Timer::Dual { regs: base, hz: 20_000_000 }),
            0x0010_1000 => Some(Timer::Goldfish { regs: base }),
            0x4000_9000 => Some(Timer::Nrf { regs: base }),
            0x1002_3000 => Some(Timer::Uart { regs: base }),
            _ => None,
        }
    }

    /// Interrupts every `period` (the Goldfish clock: once, `period` from now).
    fn start(&self, period: Duration) {
        let us = period.as_micros() as u32;
        match *self {
            Timer::Dual { regs, hz } => {
                write(regs + 0x08, 0);
                write(regs + 0x00, us * (hz / 1_000_000));
                // Enable, periodic, interrupt enable, 32-bit.
                write(regs + 0x08, (1 << 7) | (1 << 6) | (1 << 5) | (1 << 1));
            }
            Timer::Goldfish { regs } => {
                let now = u64::from(read(regs)) | u64::from(read(regs + 0x04)) << 32;
                let at = now + u64::from(us) * 1000;
                write(regs + 0x10, 1);
                write(regs + 0x0c, (at >> 32) as u32);
                write(regs + 0x08, at as u32);
            }
            Timer::Nrf { regs } => {
                write(regs + 0x004, 1); // TASKS_STOP
                write(regs + 0x00c, 1); // TASKS_CLEAR
                write(regs + 0x504, 0); // MODE: timer
                write(regs + 0x508, 3); // BITMODE: 32 bits
                write(regs + 0x510, 4); // PRESCALER: 1 MHz
                write(regs + 0x540, us); // CC[0]
                write(regs + 0x200, 1); // SHORTS: COMPARE0 -> CLEAR
                write(regs + 0x304, 1 << 16); // INTENSET: COMPARE0
                write(regs + 0x000, 1); // TASKS_START
            }
            Timer::Uart { regs } => {
                write(regs + 0x08, 1 << 16); // TXCTRL: watermark while fewer than 1 byte queued
                write(regs + 0x10, 1); // IE: transmit watermark
            }
        }
    }

    /// Clears the interrupt, and for the one-shot Goldfish alarm sets the next one.
    fn handled(&self, period: Duration) {
        match *self {
            Timer::Dual { regs, .. } => write(regs + 0x0c, 1),
            Timer::Goldfish { regs } => {
                write(regs + 0x1c, 1);
                self.start(period);
            }
            Timer::Nrf { regs } => write(regs + 0x140, 0), // EVENTS_COMPARE[0]
            // The line is still asserted; QEMU's PLIC sees it again only when the UART drives it
            // again, as enabling the interrupt does.
            Timer::Uart { regs } => write(regs + 0x10, 1),
        }
    }

    fn stop(&self) {
        match *self {
            Timer::Dual { regs, .. } => {
                write(regs + 0x08, 0);
                write(regs + 0x0c, 1);
            }
            Timer::Goldfish { regs } => {
                write(regs + 0x10, 0);
                write(regs + 0x14, 1);
                write(regs + 0x1c, 1);
            }
            Timer::Nrf { regs } => {
                write(regs + 0x004, 1);
                write(regs + 0x308, 1 << 16); // INTENCLR
                write(regs + 0x140, 0);
            }
            Timer::Uart { regs } => write(regs + 0x10, 0),
        }
    }
}

fn main() {
    let (base, _size, bit) = match mote::device("spare-timer") {
        Ok(d) => d,
        Err(e) => {
            mote::error!("no spare timer: {}", e.as_str());
            mote::exit(1);
        }
    };
    let Some(timer) = Timer::at(base) else {
        mote::error!("unknown timer at {base:#010x}");
        mote::exit(1);
    };
    let mask = 1u32 << bit;
    mote::info!("spare timer at {base:#010x}, interrupt as bit {bit}");
    let period = Duration::from_millis(1);
    timer.start(period);
    for k in 1..=3 {
        match mote::notify_wait(mask, Some(Duration::from_millis(500))) {
            Ok(bits) if bits == mask => mote::info!("interrupt {k} delivered"),
            other => {
                mote::error!("interrupt {k}: {:?}", other.map_err(|e| e.as_str()));
                mote::exit(2);
            }
        }
        timer.handled(period);
        let _ = mote::irq_ack(mask);
    }
    timer.stop();
    // The storm: as fast as the timer goes, for 40 ms, acknowledging each interrupt at once.
    let storm = Duration::from_micros(50);
    let until = mote::now() + Duration::from_millis(40);
    timer.start(storm);
    if let Ok(hi) = mote::find("hi-prio") {
        let _ = mote::notify(hi, 1);
    }
    let mut handled = 0u32;
    while mote::now() < until {
        match mote::notify_wait(mask, Some(Duration::from_millis(5))) {
            Ok(_) => {
                handled += 1;
                timer.handled(storm);
                let _ = mote::irq_ack(mask);
            }
            Err(SyscallError::TimedOut) => {}
            Err(e) => {
                mote::error!("storm: {}", e.as_str());
                mote::exit(3);
            }
        }
    }
    timer.stop();
    mote::info!("storm over: {} interrupts handled", if handled > 10 { "many" } else { "few" });
}
