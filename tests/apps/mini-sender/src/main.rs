//! Sends `MESSAGES` numbered 16-byte (four-word) messages through the `words` queue, which blocks
//! it whenever the queue is full, then exits with 0. It logs nothing: this is the smallest useful
//! process of the minimal configuration that `cargo mote size --minimal` measures.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use mote::sync::Queue;

mote::entry!(main);

/// Messages sent; the receiver expects the same number.
const MESSAGES: u32 = 20;

fn main() {
    let Ok(words) = Queue::find("words") else { mote::exit(1) };
    for k in 0..MESSAGES {
        let message = [k, k ^ 0x5a5a_5a5a, !k, k.wrapping_mul(3)];
        let mut bytes = [0u8; 16];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(message) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        if words.send(&bytes, None).is_err() {
            mote::exit(2);
        }
    }
    mote::exit(0)
}
