//! `mote flash` and `mote monitor` on a QEMU board, run as a person runs them: flashing boots the
//! demo, and the monitor shows its decoded, filtered lines and boots it again with `--restart`.
//!
//! These build the SDK's demo image for qemu-mps2-an385 (as `cargo mote run` does), so they need
//! what `cargo mote setup --board qemu-mps2-an385` installs; without QEMU they say so and pass.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BOARD: &str = "qemu-mps2-an385";

/// The tests build and boot the same image: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn mote(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mote"));
    // From a directory without a mote.toml, so the SDK's demo image is used.
    cmd.current_dir(std::env::temp_dir()).args(args).stdin(Stdio::null()).env("NO_COLOR", "1");
    cmd
}

fn have_qemu() -> bool {
    let found = Command::new("qemu-system-arm").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        eprintln!("note: qemu-system-arm is not installed (`cargo mote setup`); the QEMU flash/monitor checks are skipped");
    }
    found
}

#[test]
fn flash_on_a_qemu_board_boots_the_image_and_monitor_decodes_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !have_qemu() {
        return;
    }
    let out = mote(&["flash", "--board", BOARD]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("is a QEMU board: nothing to flash, booting"), "{stderr}");
    assert!(stdout.contains("[INFO  ping] round 3: sent 'ping 3', got 'pong 3'"), "{stdout}");
    assert!(stdout.contains("[INFO  kernel] all processes ended; system halted"), "{stdout}");

    let out = mote(&["monitor", "--board", BOARD, "--process", "ping"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("[monitor] booting ") && lines[0].contains(BOARD), "{stdout}");
    assert_eq!(lines[1], "[INFO  ping] round 1: sent 'ping 1', got 'pong 1'", "{stdout}");
    assert_eq!(lines[lines.len() - 1], "[monitor] the image exited with status 0 (--restart boots it again)", "{stdout}");
    assert!(lines[1..lines.len() - 1].iter().all(|l| l.starts_with("[INFO  ping] ")), "the process filter leaks:\n{stdout}");

    let out = mote(&["monitor", "--board", BOARD, "--level", "warn"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().filter(|l| !l.starts_with("[monitor]")).count(), 0, "the demo logs no warning:\n{stdout}");
}

#[test]
fn monitor_restart_boots_the_image_again_and_says_so() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !have_qemu() {
        return;
    }
    let mut child = mote(&["monitor", "--board", BOARD, "--restart", "--process", "pong"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut reconnects = 0;
    // The first boot may build the image: allow for it.
    while reconnects < 2 {
        match rx.recv_timeout(Duration::from_secs(600)) {
            Ok(line) => {
                reconnects += usize::from(line == "[monitor] reconnected: the image is booting again");
                seen.push(line);
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let text = seen.join("\n");
    assert_eq!(reconnects, 2, "{text}");
    let served = seen.iter().filter(|l| *l == "[INFO  pong] served 3 pings, stopping").count();
    assert!(served >= 2, "each boot's pong line is shown:\n{text}");
    assert!(text.contains("[monitor] the image exited with status 0; booting it again (--restart)"), "{text}");
}
