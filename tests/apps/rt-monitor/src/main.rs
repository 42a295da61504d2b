//! Supervises rt-overrun: counts the deadline misses the kernel reports by notification. Also
//! asks to become periodic itself, which admission control must refuse: the periodic processes
//! of the image already use all of the CPU.

#![no_std]
#![no_main]

use mote::{Duration, SyscallError};

mote::entry!(main);

/// The notification bit rt-overrun's manifest names for its misses.
const MISS: u32 = 1 << 4;

fn main() {
    let asked = mote::set_periodic(Duration::from_millis(100), Duration::from_millis(100), Duration::from_millis(1));
    let refused = asked == Err(SyscallError::Unschedulable);
    mote::info!("asking for 1% more of the CPU: {:?} ({})", asked, if refused { "ok" } else { "WRONG" });
    let mut reported = 0u32;
    while let Ok(bits) = mote::notify_wait(MISS, Some(Duration::from_millis(300))) {
        reported += u32::from(bits & MISS != 0);
        mote::info!("deadline miss reported at {} us", mote::now().as_micros());
    }
    let ok = refused && reported == 1;
    mote::info!("{reported} miss(es) reported ({})", if ok { "ok" } else { "WRONG" });
    mote::exit(u32::from(!ok))
}
