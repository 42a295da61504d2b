//! Drives an 8-bit parallel display bus (data on pins 0..=7, D/C on pin 8, WR on pin 9) with
//! `display-interface-parallel-gpio` from crates.io, over the GPIO port this process owns (the
//! micro:bit's nRF51 port, or the FE310's GPIO controller on the HiFive1): the crate gets the
//! driver's pins as they are, with no glue. After each transfer the process reads
//! the pins back through `InputPin` (the level on the pin, not the level asked for), so a pin the
//! crate drove wrong, or a driver that set the wrong bit, changes what it logs.

#![no_std]
#![no_main]

use display_interface_parallel_gpio::{DataFormat, Generic8BitBus, PGPIO8BitInterface, WriteOnlyDataCommand};
use embedded_hal::digital::{InputPin, PinState, StatefulOutputPin};
use mote::device::Device;
// The board's GPIO driver: both have `new(Mmio)` and `output(pin, PinState)`.
#[cfg(target_arch = "arm")]
use mote_driver_nrf51_gpio::{Nrf51Gpio as Gpio, Output};
#[cfg(target_arch = "riscv32")]
use mote_driver_sifive_gpio::{Output, SifiveGpio as Gpio};

mote::entry!(main);

/// The bus: eight data pins, then D/C (low: command, high: data), then the write strobe.
type Bus<'a> = Generic8BitBus<Output<'a>, Output<'a>, Output<'a>, Output<'a>, Output<'a>, Output<'a>, Output<'a>, Output<'a>>;
type Interface<'a> = PGPIO8BitInterface<Bus<'a>, Output<'a>, Output<'a>>;

fn main() {
    let device = match Device::claim("gpio") {
        Ok(d) => d,
        Err(e) => fail(1, format_args!("no gpio: {}", e.as_str())),
    };
    mote::info!("gpio port at {:#010x}, {} bytes", device.base(), device.size());
    if Device::claim("gpio").is_ok() {
        fail(2, format_args!("the gpio port was handed out twice"));
    }
    let gpio = Gpio::new(device.into_mmio());
    let pin = |n| gpio.output(n, PinState::Low).unwrap_or_else(|_| fail(3, format_args!("pin {n} unavailable")));
    let bus = Generic8BitBus::new((pin(0), pin(1), pin(2), pin(3), pin(4), pin(5), pin(6), pin(7)));
    // WR strobes low to write; it rests high.
    let wr = gpio.output(9, PinState::High).unwrap_or_else(|_| fail(3, format_args!("pin 9 unavailable")));
    let mut iface: Interface<'_> = PGPIO8BitInterface::new(bus, pin(8), wr);

    // A command, then data, as a display driver sends them ("memory write", then pixels).
    if iface.send_commands(DataFormat::U8(&[0x2c])).is_err() {
        fail(4, format_args!("send_commands failed"));
    }
    let mut iface = report("command", iface);
    if iface.send_data(DataFormat::U8(&[0x12, 0x34, 0xa5])).is_err() {
        fail(5, format_args!("send_data failed"));
    }
    report("data", iface);
}

/// Logs the levels on the bus pins (read back through `InputPin`) and hands the interface back.
fn report<'a>(what: &str, iface: Interface<'a>) -> Interface<'a> {
    let (bus, mut dc, mut wr) = iface.release();
    let mut pins = bus.release();
    let mut byte = 0u8;
    {
        let (p0, p1, p2, p3, p4, p5, p6, p7) = &mut pins;
        let data: [&mut Output<'_>; 8] = [p0, p1, p2, p3, p4, p5, p6, p7];
        for (bit, p) in data.into_iter().enumerate() {
            if p.is_high().unwrap_or(false) {
                byte |= 1 << bit;
            }
        }
    }
    let level = |p: &mut Output<'_>| if p.is_high().unwrap_or(false) { "high" } else { "low" };
    mote::info!("after {what}: bus reads {byte:#04x}, D/C {}, WR {}", level(&mut dc), level(&mut wr));
    if dc.is_set_high().unwrap_or(false) != dc.is_high().unwrap_or(true) {
        mote::error!("D/C pin level differs from its output register");
    }
    PGPIO8BitInterface::new(Generic8BitBus::new(pins), dc, wr)
}

fn fail(code: u32, why: core::fmt::Arguments<'_>) -> ! {
    mote::error!("{}", why);
    mote::exit(code)
}
