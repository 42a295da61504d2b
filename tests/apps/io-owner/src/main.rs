//! Owns UART1 and the user LEDs of an MPS2 board and drives them with the kernel's own drivers,
//! through the ecosystem traits: the LEDs as `embedded-hal` pins, read back from the LED
//! register; the UART as an `embedded-io` writer, whose output QEMU sends to its stderr, where
//! the test looks for it. Code generic over those traits (a crates.io driver) would take these
//! values as they are.

#![no_std]
#![no_main]

use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use mote::device::Device;
use mote_driver_cmsdk_uart::CmsdkUart;
use mote_driver_mps2_fpgaio::Mps2FpgaIo;

mote::entry!(main);

fn claim(name: &str) -> Device {
    Device::claim(name).unwrap_or_else(|e| {
        mote::error!("no {name}: {}", e.as_str());
        mote::exit(1)
    })
}

/// Sets the LEDs one after the other and reads back the LED register after each step.
fn blink(io: &Mps2FpgaIo) -> Result<(), mote_driver_mps2_fpgaio::PinError> {
    let (mut led0, mut led1) = (io.led(0)?, io.led(1)?);
    let _ = led0.set_low();
    let _ = led1.set_low();
    let mut seen = [0u32; 4];
    let _ = led0.set_high();
    seen[0] = io.leds();
    let _ = led0.toggle();
    let _ = led1.toggle();
    seen[1] = io.leds();
    let _ = led0.set_high();
    seen[2] = io.leds();
    let _ = led1.set_low();
    let _ = led0.set_low();
    seen[3] = io.leds();
    let lit = led0.is_set_high().unwrap_or(true) || led1.is_set_high().unwrap_or(true);
    mote::info!("leds: {:#04b} {:#04b} {:#04b} {:#04b}, now {}", seen[0], seen[1], seen[2], seen[3], if lit { "lit" } else { "dark" });
    Ok(())
}

fn main() {
    let leds = claim("leds");
    mote::info!("leds at {:#010x}", leds.base());
    let io = Mps2FpgaIo::new(leds.into_mmio());
    if let Err(e) = blink(&io) {
        mote::error!("leds: {e:?}");
        mote::exit(2);
    }

    let uart = claim("uart1");
    let base = uart.base();
    // The divisor only matters on hardware: 25 MHz / 115200.
    let mut uart = CmsdkUart::new(uart.into_mmio(), 217);
    let line = format_args!("io-owner on uart1 at {base:#010x}: hello through embedded-io\r\n");
    if embedded_io::Write::write_fmt(&mut uart, line).is_err() {
        mote::error!("uart1 write failed");
        mote::exit(3);
    }
    mote::info!("wrote a line to uart1");
}
