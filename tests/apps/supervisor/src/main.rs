//! Exercises the process lifecycle on `worker`: spawn, IPC, wait with a timeout, restart (new
//! generation, old identifier refused), kill, wait for the ending, and the `ps` listing.

#![no_std]
#![no_main]

use mote::{Duration, Ending, SyscallError};

mote::entry!(main);

fn check(what: &str, ok: bool) -> u32 {
    if ok {
        mote::info!("{what}: ok");
        0
    } else {
        mote::error!("{what}: FAILED");
        1
    }
}

fn echo(task: mote::TaskId) -> Result<u32, SyscallError> {
    let mut reply = [0u8; 8];
    let (code, len) = mote::send(task, 0, b"hi", &mut reply)?;
    if &reply[..len] != b"hi" {
        return Err(SyscallError::InvalidArgument);
    }
    Ok(code)
}

fn main() {
    let Ok(named) = mote::find("worker") else { mote::exit(1) };
    let mut failed = 0;
    failed += check("worker not started yet: send refused", echo(named) == Err(SyscallError::PeerGone));
    let first = mote::spawn(named).unwrap_or(named);
    failed += check("spawned worker answers (generation 0)", echo(first) == Ok(0));
    failed += check("spawning a running worker is refused", mote::spawn(first) == Err(SyscallError::WrongState));
    let started = mote::now();
    let waited = mote::wait_timeout(first, Some(Duration::from_millis(30)));
    let elapsed = mote::now() - started;
    failed += check("wait on a live worker times out after 30 ms", waited == Err(SyscallError::TimedOut) && elapsed >= Duration::from_millis(30));
    let second = match mote::restart(first) {
        Ok(t) => t,
        Err(e) => {
            mote::error!("restart: {}", e.as_str());
            mote::exit(2);
        }
    };
    failed += check("restart gives a new generation", second.0.generation == first.0.generation + 1);
    failed += check("the old identifier is refused", echo(first) == Err(SyscallError::PeerGone));
    failed += check("the new incarnation answers (generation 1)", echo(second) == Ok(1));
    failed += check("kill", mote::kill(second).is_ok());
    let me = mote::find("supervisor").map(|t| u32::from(t.0.index)).unwrap_or(99);
    failed += check("wait reports killed by supervisor", mote::wait(second) == Ok((Ending::Killed, me)));
    failed += check("a killed worker no longer answers", echo(second) == Err(SyscallError::PeerGone));
    let mut list = [mote::ProcessRecord::from_bytes(&[0; 32]).expect("valid"); 3];
    let n = mote::ps(&mut list).unwrap_or(0);
    for r in list.iter().take(n) {
        mote::info!("ps: {} {} prio {} gen {} restarts {}", r.name_str(), r.state.as_str(), r.priority, r.generation, r.restarts);
    }
    mote::exit(failed)
}
