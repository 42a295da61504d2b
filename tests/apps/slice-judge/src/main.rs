//! Receives the three spinners' counts and checks they shared the CPU fairly: the smallest share
//! at least 80% of the largest.

#![no_std]
#![no_main]

use mote::sync::Queue;
use mote::Duration;

mote::entry!(main);

fn main() {
    let Ok(counts) = Queue::find("counts") else { mote::exit(1) };
    let mut got = [0u32; 3];
    for slot in got.iter_mut() {
        let mut buf = [0u8; 4];
        if counts.receive(&mut buf, Some(Duration::from_secs(1))).is_err() {
            mote::exit(2);
        }
        *slot = u32::from_le_bytes(buf);
    }
    let (min, max) = (got.iter().min().copied().unwrap_or(0), got.iter().max().copied().unwrap_or(0));
    let fair = u64::from(min) * 10 >= u64::from(max) * 8 && min > 0;
    mote::info!("counts {:?}: {}", got, if fair { "fair" } else { "UNFAIR" });
    mote::exit(u32::from(!fair))
}
