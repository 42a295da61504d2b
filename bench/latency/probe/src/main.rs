//! The latency benchmark's probe. It owns the board's spare timer and times, in nanoseconds of
//! virtual time (under `-icount shift=4` one instruction is 16 ns):
//!
//! - `overhead`: two timer reads back to back, the cost of the measurement itself;
//! - `irq`: from the timer raising its interrupt (the counter reaching its alarm) to the probe's
//!   first timer read after `notify_wait` returns, the probe blocked and the CPU idle;
//! - `yield`: a `yield` with nothing else ready (a null syscall), between two reads;
//! - `now`: the `now` syscall, between two reads;
//! - `round_trip`: a `yield` to `lat-peer` (same priority) and the peer's `yield` back: two
//!   syscalls and two context switches (MPU or PMP reprogrammed each time), between two reads.
//!
//! For each it prints `latency NAME samples N total_ns T min_ns A max_ns B`; the host
//! (`cargo mote bench latency`) turns those into instructions and subtracts the overhead.

#![no_std]
#![no_main]

use mote::Duration;


mote::entry!(main);

/// Samples per figure, after [`WARM_UP`] unrecorded runs.
const SAMPLES: u32 = 200;
/// Runs before the samples, so that every sample takes the same path.
const WARM_UP: u32 = 8;
/// The alarm of the interrupt test, after it is armed: 1 ms, far longer than the latency.
const ALARM_NS: u32 = 1_000_000;

fn write(addr: usize, value: u32) {
    // SAFETY: `addr` is inside this process's device region, which the kernel mapped for it.
    unsafe { (addr as *mut u32).write_volatile(value) }
}

fn read(addr: usize) -> u32 {
    // SAFETY: as in `write`.
    unsafe { (addr as *const u32).read_volatile() }
}

/// The spare timers of the QEMU boards, told apart by where they are.
#[derive(Copy, Clone)]
enum Timer {
    /// CMSDK dual timer: timer 2 counts down freely (the timestamps), timer 1 raises the
    /// interrupt. `ns` is the length of one tick of its input clock.
    Dual { regs: usize, ns: u32 },
    /// Goldfish real-time clock: a nanosecond counter of virtual time, with an alarm.
    Goldfish { regs: usize },
}

impl Timer {
    fn at(base: usize) -> Option<Timer> {
        match base {
            0x4000_2000 => Some(Timer::Dual { regs: base, ns: 40 }),
            0x5000_2000 => Some(Timer::Dual { regs: base, ns: 50 }),
            0x0010_1000 => Some(Timer::Goldfish { regs: base }),
            _ => None,
        }
    }

    /// Starts the free-running count that [`Timer::stamp`] reads.
    fn start(self) {
        if let Timer::Dual { regs, .. } = self {
            write(regs + 0x28, 0);
            write(regs + 0x20, u32::MAX);
            // Timer 2: enable, free-running, no interrupt, 32-bit.
            write(regs + 0x28, (1 << 7) | (1 << 1));
        }
    }

    /// A timestamp in ticks, counting up (wrapping). One `ldr` (and a `mvn`) on the dual timer.
    #[inline(always)]
    fn stamp(self) -> u32 {
        match self {
            Timer::Dual { regs, .. } => !read(regs + 0x24),
            Timer::Goldfish { regs } => read(regs),
        }
    }

    /// Nanoseconds in `ticks`.
    fn ns(self, ticks: u32) -> u64 {
        match self {
            Timer::Dual { ns, .. } => u64::from(ticks) * u64::from(ns),
            Timer::Goldfish { .. } => u64::from(ticks),
        }
    }

    /// Arms the interrupt [`ALARM_NS`] from now; returns what [`Timer::since_alarm`] needs.
    fn arm(self) -> u64 {
        match self {
            Timer::Dual { regs, ns } => {
                let load = ALARM_NS / ns;
                write(regs + 0x08, 0);
                write(regs + 0x0c, 1);
                write(regs, load);
                // Timer 1: enable, periodic (reloads `load` when it reaches 0 and interrupts),
                // interrupt enable, 32-bit.
                write(regs + 0x08, (1 << 7) | (1 << 6) | (1 << 5) | (1 << 1));
                u64::from(load)
            }
            Timer::Goldfish { regs } => {
                let at = self.time() + u64::from(ALARM_NS);
                write(regs + 0x10, 1);
                write(regs + 0x0c, (at >> 32) as u32);
                write(regs + 0x08, at as u32);
                at
            }
        }
    }

    fn time(self) -> u64 {
        let Timer::Goldfish { regs } = self else { return 0 };
        // Reading the low word latches the high word.
        let low = read(regs);
        u64::from(low) | u64::from(read(regs + 0x04)) << 32
    }

    /// Nanoseconds since the alarm armed by [`Timer::arm`] went off, read at once.
    #[inline(always)]
    fn since_alarm(self, armed: u64) -> u64 {
        match self {
            // Timer 1 reloaded `armed` when it interrupted and counts down from there.
            Timer::Dual { regs, ns } => (armed - u64::from(read(regs + 0x04))) * u64::from(ns),
            Timer::Goldfish { .. } => self.time() - armed,
        }
    }

    /// Stops the alarm and clears its interrupt.
    fn disarm(self) {
        match self {
            Timer::Dual { regs, .. } => {
                write(regs + 0x08, 0);
                write(regs + 0x0c, 1);
            }
            Timer::Goldfish { regs } => {
                write(regs + 0x10, 0);
                write(regs + 0x14, 1);
                write(regs + 0x1c, 1);
            }
        }
    }
}

/// Samples of one figure, in nanoseconds.
struct Figure {
    samples: u32,
    total: u64,
    min: u64,
    max: u64,
}

impl Figure {
    /// Runs `sample` [`WARM_UP`] times unrecorded, then [`SAMPLES`] times.
    fn measure(mut sample: impl FnMut() -> u64) -> Figure {
        for _ in 0..WARM_UP {
            sample();
        }
        let mut f = Figure { samples: 0, total: 0, min: u64::MAX, max: 0 };
        for _ in 0..SAMPLES {
            let ns = sample();
            f.samples += 1;
            f.total += ns;
            f.min = f.min.min(ns);
            f.max = f.max.max(ns);
        }
        f
    }

    fn print(&self, name: &str) {
        mote::info!("latency {name} samples {} total_ns {} min_ns {} max_ns {}", self.samples, self.total, self.min, self.max);
    }
}

/// Times `between` with two timer reads.
#[inline(always)]
fn timed(timer: Timer, between: impl FnOnce()) -> u64 {
    let start = timer.stamp();
    between();
    let end = timer.stamp();
    timer.ns(end.wrapping_sub(start))
}

fn main() {
    let (base, _size, bit) = mote::device("spare-timer").expect("lat-probe owns the spare timer");
    let Some(timer) = Timer::at(base) else {
        mote::error!("latency: no timer driver for the spare timer at {base:#010x}");
        mote::exit(1);
    };
    let mask = 1u32 << bit;
    timer.start();
    mote::info!("latency: {SAMPLES} samples per figure, timer at {base:#010x}");

    Figure::measure(|| timed(timer, || ())).print("overhead");

    let mut again = 0u32;
    Figure::measure(|| {
        let armed = timer.arm();
        mote::notify_wait(mask, None).expect("the timer's interrupt");
        let ns = timer.since_alarm(armed);
        timer.disarm();
        mote::irq_ack(mask).expect("acknowledge");
        // On Cortex-M the NVIC latches the timer's level interrupt as pending while the kernel
        // keeps the line masked, so it is delivered once more after the acknowledgement although
        // the timer no longer asserts it. Take that one here, so that the next sample waits for
        // its own interrupt.
        if mote::notify_wait(mask, Some(Duration::ZERO)).is_ok() {
            again += 1;
            mote::irq_ack(mask).expect("acknowledge");
        }
        ns
    })
    .print("irq");
    mote::info!("latency: {again} interrupts delivered again after irq_ack");

    Figure::measure(|| timed(timer, mote::yield_now)).print("yield");
    Figure::measure(|| {
        timed(timer, || {
            core::hint::black_box(mote::now());
        })
    })
    .print("now");

    let peer = mote::find("lat-peer").expect("lat-peer is in the image");
    mote::notify(peer, 1).expect("start lat-peer");
    Figure::measure(|| timed(timer, mote::yield_now)).print("round_trip");
    mote::info!("latency done");
}
