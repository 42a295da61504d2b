//! Lets `crashloop` loop for 400 ms, reports how often it was restarted, then stops it for good.

#![no_std]
#![no_main]

use mote::Duration;

mote::entry!(main);

fn main() {
    mote::sleep(Duration::from_millis(400));
    let mut list = [mote::ProcessRecord::from_bytes(&[0; 32]).expect("valid"); 2];
    let _ = mote::ps(&mut list);
    let looper = list[0];
    mote::info!("after 400 ms: {} {}, {} faults, {} restarts", looper.name_str(), looper.state.as_str(), looper.faults, looper.restarts);
    let Ok(task) = mote::find("crashloop") else { mote::exit(1) };
    match mote::kill(task) {
        Ok(()) => mote::info!("stopped crashloop"),
        Err(e) => mote::error!("kill failed: {}", e.as_str()),
    }
    mote::sleep(Duration::from_millis(1000));
    let _ = mote::ps(&mut list);
    mote::info!("1 s later: {} {}, {} restarts", list[0].name_str(), list[0].state.as_str(), list[0].restarts);
}
