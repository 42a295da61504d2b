//! A small server started on demand: echoes what it is sent, tagged with its generation.

#![no_std]
#![no_main]

mote::entry!(main);

fn main() {
    let generation = mote::find("worker").map(|t| t.0.generation).unwrap_or(u16::MAX);
    mote::info!("worker generation {generation} up");
    let mut buf = [0u8; 16];
    loop {
        match mote::receive(&mut buf) {
            Ok(m) => {
                let _ = mote::reply(m.sender, u32::from(generation), &buf[..m.len]);
            }
            Err(e) => {
                mote::error!("receive: {}", e.as_str());
                return;
            }
        }
    }
}
