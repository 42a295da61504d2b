//! Booting images in QEMU: interactively (`mote run`) or captured with a timeout (`mote test`).

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::manifest::Board;

/// The QEMU command line that boots `elf` on `board`, console on stdio.
pub fn command(board: &Board, elf: &Path) -> Result<Command> {
    let Some(q) = &board.file.qemu else {
        bail!("{} is a hardware board, not a QEMU board: build its image with `cargo mote build` and flash that", board.name());
    };
    let mut cmd = Command::new(&q.binary);
    cmd.args(["-M", &q.machine]);
    if let Some(cpu) = &q.cpu {
        cmd.args(["-cpu", cpu]);
    }
    cmd.args(["-display", "none", "-monitor", "none", "-serial", "stdio", "-kernel"]).arg(elf).args(&q.args);
    Ok(cmd)
}

/// Runs the image with the console on this terminal until it exits. Ctrl-C stops QEMU cleanly.
/// Returns the image's exit status (130 if interrupted).
pub fn run_interactive(board: &Board, elf: &Path) -> Result<i32> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let flag = interrupted.clone();
    // QEMU, in our process group, gets the terminal's SIGINT too and exits on it; we only have
    // to survive it and report.
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let mut child = command(board, elf)?.stdin(Stdio::inherit()).spawn().context("cannot start QEMU")?;
    loop {
        if let Some(status) = child.try_wait()? {
            if interrupted.load(Ordering::SeqCst) {
                eprintln!("\nstopped by Ctrl-C");
                return Ok(130);
            }
            return Ok(status.code().unwrap_or(128));
        }
        if interrupted.load(Ordering::SeqCst) {
            // Give QEMU a moment to act on its own SIGINT, then make sure it ends.
            std::thread::sleep(Duration::from_millis(500));
            if child.try_wait()?.is_none() {
                let _ = child.kill();
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What a captured run printed and how it ended.
pub struct Captured {
    /// The console (QEMU's stdout) followed by QEMU's own messages (stderr).
    pub output: String,
    /// Exit status, or `None` if it was killed at the timeout.
    pub status: Option<i32>,
    pub elapsed: Duration,
}

/// Deterministic virtual time for tests: every instruction advances the clock by 2^4 ns, and an
/// idle CPU jumps straight to its next timer event (so sleeping costs no wall time).
pub const ICOUNT: [&str; 2] = ["-icount", "shift=4,align=off,sleep=off"];

/// Runs the image headless with deterministic virtual time, capturing its output, killing it
/// after `timeout` of wall time.
pub fn run_captured(board: &Board, elf: &Path, timeout: Duration) -> Result<Captured> {
    run_captured_with(board, elf, timeout, &[])
}

/// [`run_captured`] with more QEMU arguments (a benchmark's `-d` logging, say).
pub fn run_captured_with(board: &Board, elf: &Path, timeout: Duration, extra: &[&str]) -> Result<Captured> {
    let start = Instant::now();
    let mut child = command(board, elf)?
        .args(ICOUNT)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start QEMU")?;
    let out = reader(&mut child, true);
    let err = reader(&mut child, false);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status.code().unwrap_or(128));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut output = out.join().unwrap_or_default();
    output.push_str(&err.join().unwrap_or_default());
    Ok(Captured { output, status, elapsed: start.elapsed() })
}

fn reader(child: &mut Child, stdout: bool) -> std::thread::JoinHandle<String> {
    let mut pipe: Box<dyn Read + Send> = if stdout {
        Box::new(child.stdout.take().expect("piped"))
    } else {
        Box::new(child.stderr.take().expect("piped"))
    };
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;

    #[test]
    fn command_boots_the_elf_headless_with_the_console_on_stdio() {
        let text = crate::manifest::tests_support::board_text("power-of-two", 32).replace("status = \"hardware\"", "status = \"qemu\"")
            + "[qemu]\nbinary = \"qemu-system-arm\"\nmachine = \"mps2-an385\"\ncpu = \"cortex-m3\"\nargs = [\"-semihosting-config\", \"enable=on,target=native\"]\n";
        let board = Board { file: parse(Path::new("board.toml"), &text).unwrap(), dir: "bsp/b".into() };
        let cmd = command(&board, Path::new("/x/image.elf")).unwrap();
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(cmd.get_program(), "qemu-system-arm");
        let joined = args.join(" ");
        assert!(joined.starts_with("-M mps2-an385 -cpu cortex-m3 -display none -monitor none -serial stdio -kernel /x/image.elf"), "{joined}");
        assert!(joined.ends_with("-semihosting-config enable=on,target=native"), "{joined}");
    }

    #[test]
    fn hardware_boards_cannot_be_run_in_qemu() {
        let text = crate::manifest::tests_support::board_text("power-of-two", 32);
        let board = Board { file: parse(Path::new("board.toml"), &text).unwrap(), dir: "bsp/b".into() };
        assert!(command(&board, Path::new("x.elf")).unwrap_err().to_string().contains("not a QEMU board"));
    }
}
