//! `cargo mote monitor`: the device's log, decoded.
//!
//! Three sources, by the board's `[console] kind`:
//! - `uart`: a serial port (`--port`, or the USB serial bridge found by [`ports::choose`]). When the
//!   port vanishes (the board resets or is unplugged) the monitor waits for it to come back.
//! - `rtt`: SEGGER RTT through the debug probe (probe-rs). When the probe stops answering, the
//!   monitor attaches again.
//! - a QEMU board: the image is booted and its console shown; when it exits the monitor says so,
//!   and with `--restart` boots it again.
//!
//! Each line goes through [`logline`]: filtered by `--level` / `--process`, level coloured and
//! process tag highlighted on a terminal. The monitor's own notes start with `[monitor]`.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::logline::{render, Filter, LineSplitter};
use crate::manifest::Board;
use crate::{ports, probe, qemu};

/// How long a read waits before the monitor checks for Ctrl-C.
const POLL: Duration = Duration::from_millis(100);

/// How often a vanished port or probe is looked for again.
const RETRY: Duration = Duration::from_millis(250);

/// Where the monitor writes: decoded, filtered lines and its own `[monitor]` notes.
pub struct Printer<W: Write> {
    out: W,
    filter: Filter,
    colour: bool,
    /// Set when the output is closed (`monitor | head`): time to stop.
    gone: bool,
    /// Kernel boot banners seen since the monitor (re)started the device itself.
    boots: u32,
}

impl<W: Write> Printer<W> {
    /// A printer writing to `out`, colouring when `colour` is set.
    pub fn new(out: W, filter: Filter, colour: bool) -> Self {
        Printer { out, filter, colour, gone: false, boots: 0 }
    }

    /// Whether the monitor should stop: Ctrl-C, or nobody reads its output any more.
    pub fn done(&self, stop: &AtomicBool) -> bool {
        self.gone || stop.load(Ordering::SeqCst)
    }

    fn write(&mut self, text: std::fmt::Arguments<'_>) {
        if self.out.write_fmt(text).and_then(|()| self.out.flush()).is_err() {
            self.gone = true;
        }
    }

    /// Shows one line of the device's output, if the filter lets it through. A second kernel boot
    /// banner means the board reset behind a port that stayed open (an external USB bridge): that
    /// is said too.
    pub fn line(&mut self, line: &str) {
        if crate::logline::LogLine::parse(line).is_some_and(|l| l.tag == "kernel" && l.text.starts_with("Mote ") && l.text.contains(" on ")) {
            self.boots += 1;
            if self.boots > 1 {
                self.note("the board booted again (reset); still connected");
            }
        }
        if self.filter.shows(line) {
            let shown = render(line, self.colour);
            self.write(format_args!("{shown}\n"));
        }
    }

    /// Says that the monitor itself is (re)starting the device: its next boot banner is expected.
    pub fn expect_boot(&mut self) {
        self.boots = 0;
    }

    /// Shows a note of the monitor itself (always, whatever the filter).
    pub fn note(&mut self, msg: &str) {
        self.write(format_args!("[monitor] {msg}\n"));
    }

    /// The underlying writer (what a test captured).
    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Whether standard output should be coloured: a terminal, and `NO_COLOR` unset.
pub fn colour_stdout() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The serial port to monitor: one named with `--port`, or the USB bridge found anew each time.
#[derive(Clone, Debug)]
pub enum PortChoice {
    Named(String),
    Auto,
}

impl PortChoice {
    fn resolve(&self) -> Result<String> {
        match self {
            PortChoice::Named(p) => Ok(p.clone()),
            PortChoice::Auto => Ok(ports::choose(&ports::system_ports())?.0),
        }
    }
}

fn open_port(path: &str, baud: u32) -> Result<Box<dyn serialport::SerialPort>> {
    serialport::new(path, baud).timeout(POLL).open().with_context(|| format!("cannot open serial port {path}"))
}

/// Shows a serial port's lines until `stop` is set, reconnecting when the port vanishes. Fails at
/// once if there is no port to start with.
pub fn serial<W: Write>(choice: &PortChoice, baud: u32, printer: &mut Printer<W>, stop: &AtomicBool) -> Result<()> {
    let mut path = choice.resolve()?;
    let mut port = open_port(&path, baud)?;
    printer.note(&format!("connected to {path} at {baud} baud (Ctrl-C to stop)"));
    let mut lines = LineSplitter::default();
    let mut buf = [0u8; 1024];
    while !printer.done(stop) {
        let why = match port.read(&mut buf) {
            Ok(0) => "end of file".to_string(),
            Ok(n) => {
                lines.push(&buf[..n]).iter().for_each(|l| printer.line(l));
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => e.to_string(),
        };
        if let Some(l) = lines.flush() {
            printer.line(&l);
        }
        drop(port);
        printer.note(&format!("{path} disconnected ({why}); waiting for it to come back (Ctrl-C to stop)"));
        let Some((again, p)) = wait_for_port(choice, baud, stop) else { return Ok(()) };
        path = again;
        port = p;
        printer.note(&format!("reconnected to {path}"));
        printer.expect_boot();
    }
    Ok(())
}

fn wait_for_port(choice: &PortChoice, baud: u32, stop: &AtomicBool) -> Option<(String, Box<dyn serialport::SerialPort>)> {
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(RETRY);
        if let Ok(path) = choice.resolve() {
            if let Ok(port) = open_port(&path, baud) {
                return Some((path, port));
            }
        }
    }
    None
}

/// What a QEMU pipe sends to the monitor: bytes from stdout (0) or stderr (1), or its end.
enum Piece {
    Bytes(usize, Vec<u8>),
    End,
}

fn pump(mut pipe: impl Read + Send + 'static, stream: usize, tx: mpsc::Sender<Piece>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(Piece::Bytes(stream, buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = tx.send(Piece::End);
    });
}

/// Boots `elf` on a QEMU board and shows its console until it exits, then (with `restart`) boots it
/// again, until `stop`. Returns the last exit status (130 when stopped).
pub fn qemu_board<W: Write>(board: &Board, elf: &Path, restart: bool, printer: &mut Printer<W>, stop: &AtomicBool) -> Result<i32> {
    printer.note(&format!("booting {} on {} in QEMU (Ctrl-C to stop)", elf.display(), board.name()));
    loop {
        printer.expect_boot();
        let mut child = qemu::command(board, elf)?
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start QEMU")?;
        let (tx, rx) = mpsc::channel();
        pump(child.stdout.take().expect("piped"), 0, tx.clone());
        pump(child.stderr.take().expect("piped"), 1, tx);
        let mut lines = [LineSplitter::default(), LineSplitter::default()];
        let mut open = 2;
        while open > 0 {
            if printer.done(stop) {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(130);
            }
            match rx.recv_timeout(POLL) {
                Ok(Piece::Bytes(s, bytes)) => lines[s].push(&bytes).iter().for_each(|l| printer.line(l)),
                Ok(Piece::End) => open -= 1,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        for l in lines.iter_mut().filter_map(LineSplitter::flush) {
            printer.line(&l);
        }
        let code = child.wait()?.code().unwrap_or(128);
        if printer.done(stop) {
            return Ok(130);
        }
        if !restart {
            printer.note(&format!("the image exited with status {code} (--restart boots it again)"));
            return Ok(code);
        }
        printer.note(&format!("the image exited with status {code}; booting it again (--restart)"));
        // A pause, so an image that fails at once does not spin the host.
        std::thread::sleep(Duration::from_millis(500));
        printer.note("reconnected: the image is booting again");
    }
}

/// Shows RTT up-channel 0 of the board's chip through the debug probe until `stop`, attaching
/// again when the probe or the target stops answering (a reset, a cable pulled).
pub fn rtt<W: Write>(board: &Board, kernel_elf: &Path, printer: &mut Printer<W>, stop: &AtomicBool) -> Result<()> {
    let control_block = crate::elf::Elf::read(kernel_elf)?.symbols()?.get("_SEGGER_RTT").copied();
    // The first attach fails fast (no probe, wrong chip); later ones are retried.
    let mut session = probe::attach(board)?;
    let mut lines = LineSplitter::default();
    let mut first = true;
    loop {
        match read_rtt(&mut session, control_block, &mut lines, printer, stop, &mut first) {
            Ok(()) => return Ok(()),
            Err(e) => {
                if let Some(l) = lines.flush() {
                    printer.line(&l);
                }
                printer.note(&format!("lost the target ({e:#}); attaching again (Ctrl-C to stop)"));
            }
        }
        session = loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            std::thread::sleep(RETRY);
            if let Ok(s) = probe::attach(board) {
                break s;
            }
        };
        printer.note("reconnected to the probe");
        printer.expect_boot();
    }
}

fn read_rtt<W: Write>(
    session: &mut probe_rs::Session,
    control_block: Option<u64>,
    lines: &mut LineSplitter,
    printer: &mut Printer<W>,
    stop: &AtomicBool,
    first: &mut bool,
) -> Result<()> {
    use probe_rs::rtt::{Rtt, ScanRegion};
    let mut core = session.core(0)?;
    // The kernel sets up its control block early in boot: give it a moment after a reset.
    let mut rtt = None;
    for _ in 0..20 {
        let found = match control_block {
            Some(at) => Rtt::attach_region(&mut core, &ScanRegion::Exact(at)),
            None => Rtt::attach(&mut core),
        };
        match found {
            Ok(r) => {
                rtt = Some(r);
                break;
            }
            Err(_) if !stop.load(Ordering::SeqCst) => std::thread::sleep(RETRY),
            Err(_) => return Ok(()),
        }
    }
    let mut rtt = rtt.context("no RTT control block found in the target's RAM (does the kernel's console write to RTT, `_SEGGER_RTT`?)")?;
    if *first {
        printer.note("attached to RTT (Ctrl-C to stop)");
        *first = false;
    }
    let channel = rtt.up_channel(0).context("the target's RTT control block has no up channel 0")?;
    let mut buf = [0u8; 1024];
    while !printer.done(stop) {
        let n = channel.read(&mut core, &mut buf)?;
        if n == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
        lines.push(&buf[..n]).iter().for_each(|l| printer.line(l));
    }
    Ok(())
}

/// `cargo mote monitor`: picks the source from the board and runs it until Ctrl-C (or, on a QEMU
/// board without `--restart`, until the image exits). Returns the exit status.
pub fn run(sdk: &Path, target: &crate::Target, port: Option<String>, filter: Filter, restart: bool) -> Result<i32> {
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let mut printer = Printer::new(std::io::stdout().lock(), filter, colour_stdout());
    let (_, board) = crate::resolve(sdk, target)?;
    if board.file.board.status == "qemu" {
        let (built, board) = crate::build(sdk, target)?;
        return qemu_board(&board, &built.image_elf, restart, &mut printer, &stop);
    }
    let path = board.dir.join("board.toml");
    let Some(console) = &board.file.console else {
        return Err(crate::manifest::field_error(&path, "console", "has no [console] table: say where the log goes (docs/boards.md)"));
    };
    match console.kind.as_str() {
        "uart" => {
            let choice = port.map_or(PortChoice::Auto, PortChoice::Named);
            let baud = console.baud.context("console.baud is required for a uart console")?;
            serial(&choice, baud, &mut printer, &stop)?;
        }
        "rtt" => {
            let (built, board) = crate::build(sdk, target)?;
            rtt(&board, &built.kernel_elf, &mut printer, &stop)?;
        }
        other => {
            return Err(crate::manifest::field_error(
                &path,
                "console.kind",
                format!("\"{other}\" output reaches only a debugger on real hardware; monitor reads \"uart\" and \"rtt\" consoles"),
            ))
        }
    }
    Ok(if stop.load(Ordering::SeqCst) { 130 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logline::Level;
    use crate::manifest::tests_support::temp_dir;
    use serialport::{SerialPort, TTYPort};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    /// A writer the test can read while the monitor writes to it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }

        fn wait_for(&self, what: &str) {
            let start = Instant::now();
            while !self.text().contains(what) {
                assert!(start.elapsed() < Duration::from_secs(10), "no {what:?} in:\n{}", self.text());
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// A pseudo-terminal standing in for the board's USB serial port, reached through a link the
    /// way udev's /dev/serial/by-id links reach a real one.
    fn plug(link: &Path) -> (TTYPort, TTYPort) {
        let (master, slave) = TTYPort::pair().expect("a pseudo-terminal");
        let _ = std::fs::remove_file(link);
        std::os::unix::fs::symlink(slave.name().expect("the pty's name"), link).unwrap();
        (master, slave)
    }

    #[test]
    fn serial_lines_are_decoded_filtered_and_survive_a_replug() {
        let dir = temp_dir("pty");
        let link = dir.join("ttyBOARD");
        let (mut master, slave) = plug(&link);
        let out = Shared::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (o, s, l) = (out.clone(), stop.clone(), link.clone());
        let monitor = std::thread::spawn(move || {
            let filter = Filter { level: Some(Level::Warn), process: None };
            let mut printer = Printer::new(o, filter, false);
            serial(&PortChoice::Named(l.display().to_string()), 115_200, &mut printer, &s)
        });
        out.wait_for("[monitor] connected to");
        master.write_all(b"[INFO  kernel] Mote 0.1.0 on b\r\n[WARN  ping] la").unwrap();
        master.write_all(b"te by 3 ms\r\n").unwrap();
        out.wait_for("[WARN  ping] late by 3 ms\n");

        // Unplugged: the port vanishes; the monitor says so and waits.
        drop((master, slave));
        std::fs::remove_file(&link).unwrap();
        out.wait_for("disconnected");
        std::thread::sleep(Duration::from_millis(300));

        // Plugged in again (a new pty behind the same name), as after a reset.
        let (mut master, _slave) = plug(&link);
        out.wait_for("[monitor] reconnected to");
        let banner = b"[INFO  kernel] Mote 0.1.0 on b: Cortex-M4\n";
        master.write_all(banner).unwrap();
        master.write_all(b"[ERROR kernel] panic at x.rs:1: boom\n[INFO  pong] hidden\n").unwrap();
        out.wait_for("[ERROR kernel] panic at x.rs:1: boom\n");
        assert!(!out.text().contains("booted again"), "the boot after a replug is expected:\n{}", out.text());

        // A reset behind a port that stays open shows as a second boot banner.
        master.write_all(banner).unwrap();
        out.wait_for("[monitor] the board booted again (reset); still connected\n");
        stop.store(true, Ordering::SeqCst);
        monitor.join().unwrap().unwrap();
        let text = out.text();
        assert!(!text.contains("INFO"), "the level filter lets info through:\n{text}");
        let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("[monitor]")).collect();
        assert_eq!(notes.len(), 4, "{text}");
        assert!(notes[1].contains("disconnected") && notes[2].contains("reconnected"), "{text}");
    }

    #[test]
    fn a_missing_port_fails_at_once_naming_it() {
        let stop = AtomicBool::new(false);
        let mut printer = Printer::new(Vec::new(), Filter::default(), false);
        let start = Instant::now();
        let e = serial(&PortChoice::Named("/dev/mote-no-such-port".into()), 115_200, &mut printer, &stop).unwrap_err();
        assert!(format!("{e:#}").contains("cannot open serial port /dev/mote-no-such-port"), "{e:#}");
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(printer.into_inner().is_empty());
    }
}
