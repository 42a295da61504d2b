//! Logs a marker, then reads the kernel log ring and checks the marker is there, in order after
//! what the kernel logged before it; then reads on from where it stopped and finds nothing new
//! but its own next record.

#![no_std]
#![no_main]

mote::entry!(main);

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn main() {
    mote::info!("marker 7f3a");
    let mut buf = [0u8; 512];
    let Ok((start, len)) = mote::log_read(0, &mut buf) else {
        mote::error!("log_read refused");
        mote::exit(1);
    };
    let text = &buf[..len];
    let marker = contains(text, b"[INFO  log-reader] marker 7f3a\n");
    let banner = contains(text, b"[INFO  kernel]");
    mote::info!("ring: {len} bytes from byte {start}, kernel lines: {banner}, marker: {marker}");
    let (next, more) = mote::log_read(start + len as u64, &mut buf).unwrap_or((0, 0));
    let own = contains(&buf[..more], b"[INFO  log-reader] ring: ");
    mote::info!("read on from byte {next}: {more} bytes, only my last record: {own}");
    mote::exit(u32::from(!(marker && banner && own)))
}
