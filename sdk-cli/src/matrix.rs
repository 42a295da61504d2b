//! `mote test`: the board matrix.
//!
//! Every board under `bsp/` is one row. A QEMU board builds every QEMU test image that selects
//! it and boots each one; a hardware board builds the SDK's demo image (proof that it yields a
//! flashable image). The host unit tests run once, first. Then one table, and the closing line
//! `N passed, N failed`, which CI reads: it stays the last line.
//!
//! ```text
//!  main thread: set up board 1 ─ build test 1 ─ build test 2 ─ ... ─ set up board 2 ─ ...
//!                                     │ job          │ job
//!  runners (--jobs):                  └─► QEMU ──────┴─► QEMU ...
//! ```
//!
//! Builds run one at a time (cargo already uses every core); QEMU runs overlap them, so a board's
//! long tests (the fuzz test) run while the next board builds.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

use anyhow::{bail, Result};

use crate::image;
use crate::manifest::{Board, Image};
use crate::testing::{self, Job, Tally, Test};
use crate::toolchain;

/// The QEMU test whose result is the "boot" column: the demo image boots and exits cleanly.
const BOOT_TEST: &str = "demo";

/// What `mote test` was asked for.
pub struct Request<'a> {
    /// `None` or `"all"`: every board under `bsp/`.
    pub board: Option<&'a str>,
    /// Only the QEMU tests whose image name contains this; host tests and hardware builds are skipped.
    pub image: Option<&'a str>,
    /// Show cargo's progress.
    pub verbose: bool,
    /// How many QEMU runs at a time.
    pub jobs: usize,
}

/// One board's results.
#[derive(Default)]
struct Row {
    name: String,
    /// `Err` when `board.toml` did not load: nothing else was tried.
    manifest: Option<String>,
    /// Whether the board is emulated (boot and kernel suite apply).
    qemu: bool,
    /// The demo test: `None` when it was not run.
    boot: Option<bool>,
    /// The other QEMU tests: passed, and run or failed to build.
    suite: (usize, usize),
    /// Images built, images that failed to build (or the toolchain that did not set up).
    builds: (usize, usize),
}

/// Runs the matrix and prints its table; returns the totals (already printed as the last line).
pub fn run(sdk: &Path, req: &Request) -> Result<Tally> {
    let mut tally = Tally::default();
    let mut rows: Vec<Row> = Vec::new();
    let mut boards = Vec::new();
    for dir in board_dirs(sdk, req.board)? {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match Board::load(&dir) {
            Ok(b) => {
                rows.push(Row { name, qemu: b.file.board.status == "qemu", ..Row::default() });
                boards.push(b);
            }
            Err(e) => {
                println!("FAIL {name:<18} {e:#}");
                tally.failed += 1;
                rows.push(Row { name, manifest: Some(format!("{e:#}")), ..Row::default() });
            }
        }
    }
    let host = if req.image.is_none() { Some(testing::host_tests(sdk)) } else { None };
    if let Some(h) = host {
        tally.passed += h.passed;
        tally.failed += h.failed;
    }
    let tests = testing::load_tests(sdk, req.image, &mut tally)?;
    let demo = Image::load(&sdk.join("mote.toml"))?;

    // (board, test, passed) from the runners.
    let results: Mutex<Vec<(String, String, bool)>> = Mutex::new(Vec::new());
    let (send, receive) = mpsc::channel::<Job>();
    let receive = Mutex::new(receive);
    std::thread::scope(|s| {
        for _ in 0..req.jobs.max(1) {
            s.spawn(|| loop {
                let next = receive.lock().unwrap().recv();
                let Ok(job) = next else { break };
                let ok = testing::run_one(&job);
                results.lock().unwrap().push((job.board.name().to_string(), job.test.clone(), ok));
            });
        }
        for board in &boards {
            let row = rows.iter_mut().find(|r| r.name == board.name()).expect("a row per board");
            build_board(board, &tests, &demo, req, row, &mut tally, &send);
        }
        drop(send);
    });

    for (board, test, ok) in results.into_inner().unwrap() {
        let row = rows.iter_mut().find(|r| r.name == board).expect("a row per board");
        tally.add(ok);
        if test == BOOT_TEST {
            row.boot = Some(ok);
        } else {
            row.suite.0 += usize::from(ok);
            row.suite.1 += 1;
        }
    }
    println!();
    print!("{}", table(host, req.image.is_some(), &rows));
    println!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(tally)
}

/// The board directories to test: every one under `bsp/` with a `board.toml`, or the one named.
fn board_dirs(sdk: &Path, board: Option<&str>) -> Result<Vec<PathBuf>> {
    match board {
        None | Some("all") => {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(sdk.join("bsp"))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|d| d.join("board.toml").exists())
                .collect();
            dirs.sort();
            Ok(dirs)
        }
        Some(name) => {
            let dir = sdk.join("bsp").join(name);
            if !dir.join("board.toml").exists() {
                // The same message as every other command: it lists the known boards.
                crate::manifest::find_board(sdk, name)?;
                bail!("unknown board \"{name}\"");
            }
            Ok(vec![dir])
        }
    }
}

/// Sets a board up and builds what its row needs, handing QEMU tests to the runners.
/// A hardware board's build counts as one test; a QEMU test image that fails to build counts as
/// a failed test.
fn build_board(board: &Board, tests: &[Test], demo: &Image, req: &Request, row: &mut Row, tally: &mut Tally, runners: &mpsc::Sender<Job>) {
    let cargo = match toolchain::ensure_board(board, &mut |m| eprintln!("setup: {m}")) {
        Ok(c) => c,
        Err(e) => {
            println!("FAIL {:<18} setup: {e:#}", board.name());
            row.builds.1 += 1;
            tally.failed += 1;
            return;
        }
    };
    if !row.qemu {
        if req.image.is_some() {
            return;
        }
        match image::build(&cargo, board, demo, req.verbose) {
            Ok(built) => {
                println!("ok   {:<18} {:<14} built {}", board.name(), demo.name(), built.image_elf.display());
                row.builds.0 += 1;
                tally.passed += 1;
            }
            Err(e) => {
                println!("FAIL {:<18} {:<14} build failed: {e:#}", board.name(), demo.name());
                row.builds.1 += 1;
                tally.failed += 1;
            }
        }
        return;
    }
    for t in tests.iter().filter(|t| testing::selects(&t.expect, board)) {
        match image::build(&cargo, board, &t.image, req.verbose) {
            Ok(built) => {
                row.builds.0 += 1;
                let job = Job { board: board.clone(), test: t.image.name().to_string(), expect: t.expect.clone(), elf: built.image_elf };
                // The runners outlive the sender: this cannot fail.
                let _ = runners.send(job);
            }
            Err(e) => {
                println!("FAIL {:<18} {:<14} build failed: {e:#}", board.name(), t.image.name());
                row.builds.1 += 1;
                tally.failed += 1;
                if t.image.name() == BOOT_TEST {
                    row.boot = Some(false);
                }
            }
        }
    }
}

/// The table: one row per board (and one for the host unit tests), four result columns.
fn table(host: Option<Tally>, filtered: bool, rows: &[Row]) -> String {
    let mut lines: Vec<[String; 5]> = vec![["board".into(), "host tests".into(), "boot".into(), "kernel suite".into(), "build".into()]];
    let host_cell = match host {
        Some(h) => format!("{}/{} passed", h.passed, h.passed + h.failed),
        None => "skipped".into(),
    };
    lines.push(["(host unit tests)".into(), host_cell, "n/a".into(), "n/a".into(), "n/a".into()]);
    for r in rows {
        if let Some(e) = &r.manifest {
            let field = e.split('`').nth(1).map(|f| format!(" ({f})")).unwrap_or_default();
            lines.push([r.name.clone(), format!("FAIL: board.toml{field}"), "n/a".into(), "n/a".into(), "n/a".into()]);
            continue;
        }
        let boot = match (r.qemu, r.boot) {
            (false, _) => "n/a",
            (true, Some(true)) => "ok",
            (true, Some(false)) => "FAIL",
            (true, None) => "not run",
        };
        let suite = if r.qemu { format!("{}/{} passed", r.suite.0, r.suite.1) } else { "n/a".into() };
        let build = match r.builds {
            (0, 0) if filtered => "not run".to_string(),
            (0, 0) => "n/a".to_string(),
            (_, 0) => "ok".to_string(),
            (ok, failed) => format!("FAIL ({failed} of {})", ok + failed),
        };
        lines.push([r.name.clone(), "board.toml ok".into(), boot.into(), suite, build]);
    }
    let mut widths = [0; 5];
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(l) {
            *w = (*w).max(c.len());
        }
    }
    let mut out = String::new();
    for l in &lines {
        let cells: Vec<String> = l.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_a_row_per_board_and_says_what_failed() {
        let rows = vec![
            Row { name: "qemu-a".into(), qemu: true, boot: Some(true), suite: (17, 18), builds: (19, 0), ..Row::default() },
            Row { name: "real-b".into(), builds: (1, 0), ..Row::default() },
            Row { name: "real-c".into(), builds: (0, 1), ..Row::default() },
            Row { name: "bad-d".into(), manifest: Some("bsp/bad-d/board.toml: field `memory.ram`: overlaps".into()), ..Row::default() },
        ];
        let t = table(Some(Tally { passed: 200, failed: 0 }), false, &rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[0].starts_with("board") && lines[0].ends_with("build"), "{t}");
        assert!(lines[1].contains("200/200 passed"), "{t}");
        let cells = |l: &str| l.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect::<Vec<_>>();
        assert_eq!(cells(lines[2]), ["qemu-a", "board.toml ok", "ok", "17/18 passed", "ok"]);
        assert_eq!(cells(lines[3]), ["real-b", "board.toml ok", "n/a", "n/a", "ok"]);
        assert_eq!(cells(lines[4]), ["real-c", "board.toml ok", "n/a", "n/a", "FAIL (1 of 1)"]);
        assert_eq!(cells(lines[5]), ["bad-d", "FAIL: board.toml (memory.ram)", "n/a", "n/a", "n/a"]);
    }

    #[test]
    fn every_board_directory_is_a_row() {
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dirs = board_dirs(&sdk, None).unwrap();
        assert!(dirs.iter().any(|d| d.ends_with("qemu-mps2-an385")));
        assert!(!dirs.iter().any(|d| d.ends_with("build-support")), "support crates are not boards");
        assert_eq!(board_dirs(&sdk, Some("qemu-virt-rv32")).unwrap().len(), 1);
        assert!(board_dirs(&sdk, Some("no-such-board")).unwrap_err().to_string().contains("known boards"));
    }
}
