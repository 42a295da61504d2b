//! Makes `faulter` take every kind of fault, one incarnation each, and checks that each one
//! ended as faulted while this process ran on; its blocked `send` must fail with `PeerGone`.

#![no_std]
#![no_main]

#[path = "../../faulter/src/ops.rs"]
mod ops;

use mote::{Ending, SyscallError};

mote::entry!(main);

fn main() {
    let Ok(faulter) = mote::find("faulter") else { mote::exit(1) };
    let mut failures = 0;
    for (op, name) in ops::ALL {
        let task = match mote::spawn(faulter) {
            Ok(t) => t,
            Err(e) => {
                mote::error!("{name}: spawn failed: {}", e.as_str());
                mote::exit(2);
            }
        };
        let sent = mote::send(task, op, &[], &mut []);
        let ended = mote::wait(task);
        match (sent, ended) {
            (Err(SyscallError::PeerGone), Ok((Ending::Faulted, _))) => mote::info!("{name}: faulted"),
            (Ok((ops::SURVIVED, _)), Ok((Ending::Exited, 0))) => mote::info!("{name}: not trapped here"),
            (sent, ended) => {
                failures += 1;
                mote::error!("{name}: unexpected: send {:?}, wait {:?}", sent.map_err(|e| e.as_str()), ended.map_err(|e| e.as_str()));
            }
        }
    }
    let mut list = [mote::ProcessRecord::from_bytes(&[0; 32]).expect("valid"); 4];
    let n = mote::ps(&mut list).unwrap_or(0);
    for r in list.iter().take(n) {
        mote::info!("ps: {} {} gen {} faults {} restarts {}", r.name_str(), r.state.as_str(), r.generation, r.faults, r.restarts);
    }
    mote::exit(failures)
}
