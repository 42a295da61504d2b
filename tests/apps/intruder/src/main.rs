//! Has no capabilities: every attempt to start, stop, restart or message another process must
//! be refused with `NotPermitted`.

#![no_std]
#![no_main]

use mote::SyscallError;

mote::entry!(main);

fn main() {
    let (Ok(supervisor), Ok(worker)) = (mote::find("supervisor"), mote::find("worker")) else { mote::exit(1) };
    let refused = |r: SyscallError| r == SyscallError::NotPermitted;
    let attempts = [
        ("kill supervisor", mote::kill(supervisor).err().is_some_and(refused)),
        ("spawn worker", mote::spawn(worker).err().is_some_and(refused)),
        ("restart supervisor", mote::restart(supervisor).err().is_some_and(refused)),
        ("send to supervisor", mote::send(supervisor, 0, &[], &mut []).err().is_some_and(refused)),
        ("read the kernel log", mote::log_read(0, &mut [0u8; 16]).err().is_some_and(refused)),
    ];
    let mut failed = 0;
    for (what, ok) in attempts {
        if ok {
            mote::info!("{what}: not permitted, as it should be");
        } else {
            mote::error!("{what}: was not refused");
            failed += 1;
        }
    }
    mote::exit(failed)
}
