//! Demo server: answers `ping N` with `pong N` until asked to stop.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

const OP_PING: u32 = 1;
const OP_STOP: u32 = 2;
/// Reply code for an operation the server does not know.
const BAD_OP: u32 = 1;

fn main() {
    let mut buffer = [0u8; 32];
    let mut served = 0u32;
    loop {
        let msg = match mote::receive(&mut buffer) {
            Ok(m) => m,
            Err(e) => {
                mote::error!("receive failed: {}", e.as_str());
                mote::exit(1);
            }
        };
        match msg.op {
            OP_PING if msg.len >= 5 && buffer.starts_with(b"ping ") => {
                let mut reply = [0u8; 32];
                reply[..5].copy_from_slice(b"pong ");
                let n = msg.len;
                reply[5..n].copy_from_slice(&buffer[5..n]);
                served += 1;
                let _ = mote::reply(msg.sender, 0, &reply[..n]);
            }
            OP_STOP => {
                let _ = mote::reply(msg.sender, 0, &[]);
                mote::info!("served {served} pings, stopping");
                return;
            }
            _ => {
                let _ = mote::reply(msg.sender, BAD_OP, &[]);
            }
        }
    }
}
