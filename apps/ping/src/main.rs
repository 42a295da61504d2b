//! Demo client: sends `ping N` to the `pong` server, checks each `pong N` reply, then asks the
//! server to stop.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

mote::entry!(main);

/// Operation codes understood by `pong`.
const OP_PING: u32 = 1;
const OP_STOP: u32 = 2;
const ROUNDS: u32 = 3;

fn main() {
    let server = match mote::find("pong") {
        Ok(task) => task,
        Err(e) => {
            mote::error!("no pong server: {}", e.as_str());
            mote::exit(1);
        }
    };
    for round in 1..=ROUNDS {
        let mut message = [0u8; 16];
        let len = format_into(&mut message, b"ping ", round);
        let mut reply = [0u8; 16];
        match mote::send(server, OP_PING, &message[..len], &mut reply) {
            Ok((0, n)) => {
                let text = core::str::from_utf8(&reply[..n]).unwrap_or("<not utf-8>");
                mote::info!("round {round}: sent '{}', got '{text}'", as_str(&message[..len]));
                let mut expected = [0u8; 16];
                let m = format_into(&mut expected, b"pong ", round);
                if reply[..n] != expected[..m] {
                    mote::error!("unexpected reply");
                    mote::exit(2);
                }
            }
            Ok((code, _)) => {
                mote::error!("pong refused with code {code}");
                mote::exit(3);
            }
            Err(e) => {
                mote::error!("send failed: {}", e.as_str());
                mote::exit(4);
            }
        }
    }
    let _ = mote::send(server, OP_STOP, &[], &mut []);
    mote::info!("done after {ROUNDS} rounds");
}

/// Writes `prefix` followed by the decimal `n` into `buf`; returns the length.
fn format_into(buf: &mut [u8], prefix: &[u8], n: u32) -> usize {
    buf[..prefix.len()].copy_from_slice(prefix);
    let mut digits = [0u8; 10];
    let mut k = 0;
    let mut v = n;
    loop {
        digits[k] = b'0' + (v % 10) as u8;
        k += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..k {
        buf[prefix.len() + i] = digits[k - 1 - i];
    }
    prefix.len() + k
}

fn as_str(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or("<not utf-8>")
}
