//! Receives `MESSAGES` 16-byte messages from the `words` queue, waiting whenever it is empty, and
//! checks that each holds the words the sender put in, in order. Exits with 0 if all did, else
//! with the number of the first bad message plus 10. Logs nothing (see `mini-sender`).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use mote::sync::Queue;

mote::entry!(main);

/// Messages expected; the sender sends the same number.
const MESSAGES: u32 = 20;

fn main() {
    let Ok(words) = Queue::find("words") else { mote::exit(1) };
    let mut bytes = [0u8; 16];
    for k in 0..MESSAGES {
        let expected = [k, k ^ 0x5a5a_5a5a, !k, k.wrapping_mul(3)];
        let ok = matches!(words.receive(&mut bytes, None), Ok(16))
            && bytes.chunks_exact(4).zip(expected).all(|(chunk, word)| chunk == word.to_le_bytes());
        if !ok {
            mote::exit(10 + k);
        }
    }
    mote::exit(0)
}
