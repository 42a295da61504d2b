//! Spins for 200 ms of system time, counting turns, and reports the count through the `counts`
//! queue. Three spinners of equal priority share the CPU only through time slices.

use mote::sync::Queue;
use mote::Duration;

/// Runs the spinner.
pub fn run() {
    let Ok(counts) = Queue::find("counts") else { mote::exit(1) };
    let end = Duration::from_millis(200);
    let mut turns = 0u32;
    while mote::now() < end {
        turns += 1;
    }
    let _ = counts.send(&turns.to_le_bytes(), None);
}
