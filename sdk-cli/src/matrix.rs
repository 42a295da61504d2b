//! `mote test`: the board matrix.
//!
//! Every board under `bsp/` is one row. A QEMU board builds every QEMU test image that selects
//! it and boots each one; a hardware board builds the SDK's demo image (proof that it yields a
//! flashable image). The host unit tests run once, first. Then one table, and the closing line
//! `N passed, N failed`, which CI reads: it stays the last line.
//!
//! ```text
//!  builders (--jobs), a target each:  set up board ─ build test 1 ─ build test 2 ─ ... ─ next board
//!                                                        │ job          │ job
//!  runners (--jobs):                                     └─► QEMU ──────┴─► QEMU ...
//! ```
//!
//! A firmware build spends most of its time in one single-threaded step (fat LTO with one codegen
//! unit), so builds for different targets run side by side, each in its own cargo target
//! directory; QEMU runs overlap them, so a board's long tests (the fuzz test) run while the next
//! image builds.

use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

use anyhow::{bail, Result};

use crate::image;
use crate::manifest::{Board, Image};
use crate::testing::{self, Job, Tally, Test};
use crate::toolchain::{self, FirmwareCargo};

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
    /// How many builds, and how many QEMU runs, at a time.
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
    /// The other QEMU tests: passed, and run or failed to build (or a failed setup).
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

    // Setup installs packages (apt, rustup): one board at a time, before any builder starts.
    // With --image, hardware boards are not built, so not set up either.
    let cargos: Vec<Result<FirmwareCargo, String>> = boards
        .iter()
        .map(|b| match req.image.is_some() && b.file.board.status != "qemu" {
            true => Err("not set up".into()),
            false => toolchain::ensure_board(b, &mut |m| eprintln!("setup: {m}")).map_err(|e| format!("{e:#}")),
        })
        .collect();

    // (board, test, passed) from the runners; (board, what was built) from the builders.
    let results: Mutex<Vec<(String, String, bool)>> = Mutex::new(Vec::new());
    let built: Mutex<Vec<(String, Builds)>> = Mutex::new(Vec::new());
    let groups = Mutex::new(by_target(&boards).into_iter());
    let (send, receive) = mpsc::channel::<Job>();
    let receive = Mutex::new(receive);
    let (tests, demo, boards, cargos) = (&tests, &demo, &boards, &cargos);
    std::thread::scope(|s| {
        for _ in 0..req.jobs.max(1) {
            s.spawn(|| loop {
                let next = receive.lock().unwrap().recv();
                let Ok(job) = next else { break };
                let ok = testing::run_one(&job);
                results.lock().unwrap().push((job.board.name().to_string(), job.test.clone(), ok));
            });
        }
        for _ in 0..req.jobs.max(1) {
            let send = send.clone();
            let (groups, built) = (&groups, &built);
            s.spawn(move || loop {
                let next = groups.lock().unwrap().next();
                let Some(group) = next else { break };
                for i in group {
                    let b = build_board(&boards[i], &cargos[i], tests, demo, req, &send);
                    built.lock().unwrap().push((boards[i].name().to_string(), b));
                }
            });
        }
        drop(send);
    });

    for (board, b) in built.into_inner().unwrap() {
        let row = rows.iter_mut().find(|r| r.name == board).expect("a row per board");
        // A hardware board's build is a test; a QEMU test image that does not build, a failed test.
        if !row.qemu {
            tally.passed += b.ok;
        }
        tally.failed += b.failed;
        row.builds = (b.ok, b.failed);
        if row.qemu {
            // A test that did not build is one of the suite's failures.
            row.suite.1 += b.failed - usize::from(b.demo_failed);
        }
        if b.demo_failed {
            row.boot = Some(false);
        }
    }
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

/// Boards grouped by Rust target, the largest group first. Image builds for one target share a
/// cargo target directory (and its lock): a builder takes a whole group, so builders for different
/// targets never wait on each other.
fn by_target(boards: &[Board]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, b) in boards.iter().enumerate() {
        match groups.iter_mut().find(|g| boards[g[0]].target() == b.target()) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.len()));
    groups
}

/// What a builder made for one board.
#[derive(Default)]
struct Builds {
    ok: usize,
    /// Images that did not build (or the toolchain that did not set up).
    failed: usize,
    /// The `demo` test image did not build: the board did not boot.
    demo_failed: bool,
}

/// Builds what a board's row needs with the toolchain set up for it, handing QEMU tests to the
/// runners.
fn build_board(board: &Board, cargo: &Result<FirmwareCargo, String>, tests: &[Test], demo: &Image, req: &Request, runners: &mpsc::Sender<Job>) -> Builds {
    let mut b = Builds::default();
    let hardware = board.file.board.status != "qemu";
    if hardware && req.image.is_some() {
        return b;
    }
    let cargo = match cargo {
        Ok(c) => c,
        Err(e) => {
            println!("FAIL {:<18} setup: {e}", board.name());
            b.failed += 1;
            return b;
        }
    };
    if hardware {
        match image::build(cargo, board, demo, req.verbose) {
            Ok(built) => {
                println!("ok   {:<18} {:<14} built {}", board.name(), demo.name(), built.image_elf.display());
                b.ok += 1;
            }
            Err(e) => {
                println!("FAIL {:<18} {:<14} build failed: {e:#}", board.name(), demo.name());
                b.failed += 1;
            }
        }
        return b;
    }
    for t in tests.iter().filter(|t| testing::selects(&t.expect, board)) {
        match image::build(cargo, board, &t.image, req.verbose) {
            Ok(built) => {
                b.ok += 1;
                let job = Job { board: board.clone(), test: t.image.name().to_string(), expect: t.expect.clone(), elf: built.image_elf };
                // The runners outlive the builders: this cannot fail.
                let _ = runners.send(job);
            }
            Err(e) => {
                println!("FAIL {:<18} {:<14} build failed: {e:#}", board.name(), t.image.name());
                b.failed += 1;
                b.demo_failed |= t.image.name() == BOOT_TEST;
            }
        }
    }
    b
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
