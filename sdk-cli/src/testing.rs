//! The pieces of `mote test`: host unit tests, loading QEMU test images, and booting and judging
//! one (the board matrix that runs them all is in `matrix`).
//!
//! A QEMU test is an image manifest under `tests/qemu/` with an `[expect]` table: the exit status,
//! regular expressions that must match output lines in order, and ones that must match nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::Result;
use regex_lite::Regex;

use crate::manifest::{Board, Expect, Image};
use crate::qemu;

/// Crates whose unit tests run on the host.
const HOST_CRATES: &[&str] = &["mote-abi", "mote-hal", "mote-kernel", "mote-cli"];

/// Tallies of a test run.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
}

impl Tally {
    /// Counts one result.
    pub fn add(&mut self, ok: bool) {
        if ok {
            self.passed += 1
        } else {
            self.failed += 1
        }
    }
}

/// Runs the host unit tests with the host toolchain; every test case counts.
pub fn host_tests(sdk: &Path) -> Tally {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(sdk).args(["test", "--quiet", "--no-fail-fast"]);
    for c in HOST_CRATES {
        cmd.args(["-p", c]);
    }
    let out = cmd.stdin(Stdio::null()).output();
    let mut tally = Tally::default();
    let Ok(out) = out else {
        println!("FAIL host   cannot run cargo test");
        return Tally { passed: 0, failed: 1 };
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (passed, failed) = parse_libtest(&stdout);
    tally.passed += passed;
    tally.failed += failed;
    for line in stdout.lines().filter(|l| l.ends_with("FAILED") && l.starts_with("test ")) {
        println!("FAIL host   {}", line.trim_start_matches("test ").trim_end_matches(" ... FAILED"));
    }
    if !out.status.success() && failed == 0 {
        // It did not get as far as running tests: a build error.
        tally.failed += 1;
        println!("FAIL host   cargo test did not run:");
        for line in stderr.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev() {
            println!("    {line}");
        }
    }
    println!("{} host   {passed} unit tests passed, {failed} failed ({})", if failed == 0 { "ok  " } else { "FAIL" }, HOST_CRATES.join(", "));
    tally
}

/// Sums `test result: ... N passed; M failed` lines.
pub fn parse_libtest(stdout: &str) -> (usize, usize) {
    let re = Regex::new(r"test result: \w+\. (\d+) passed; (\d+) failed").expect("valid");
    re.captures_iter(stdout).fold((0, 0), |(p, f), c| (p + c[1].parse::<usize>().unwrap_or(0), f + c[2].parse::<usize>().unwrap_or(0)))
}

/// Every QEMU test image of the SDK.
pub fn qemu_tests(sdk: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(sdk.join("tests/qemu"))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Whether a test's `expect.boards` selects `board` (and `expect.exclude` does not name it).
pub fn selects(expect: &Expect, board: &Board) -> bool {
    let isolating = board.file.protection.unit != "none";
    (isolating || !expect.isolation)
        && !expect.exclude.iter().any(|b| b == board.name())
        && expect.boards.iter().any(|b| b == board.name() || (b == "all" && board.file.board.status == "qemu"))
}

/// Checks a captured run against expectations; returns the problems found.
pub fn judge(expect: &Expect, output: &str, status: Option<i32>) -> Vec<String> {
    let mut problems = Vec::new();
    match status {
        None => problems.push(format!("timed out after {} s", expect.timeout)),
        Some(code) if code != expect.exit => problems.push(format!("exited with status {code}, expected {}", expect.exit)),
        _ => {}
    }
    let lines: Vec<&str> = output.lines().collect();
    let mut at = 0;
    let mut captured: Vec<(String, String)> = Vec::new();
    for pattern in &expect.output {
        // `${name}` stands for what an earlier pattern captured as `(?P<name>...)`.
        let mut concrete = pattern.clone();
        for (name, value) in &captured {
            concrete = concrete.replace(&format!("${{{name}}}"), &regex_lite::escape(value));
        }
        let Ok(re) = Regex::new(&concrete) else {
            problems.push(format!("pattern /{concrete}/ is not a valid regular expression"));
            break;
        };
        match lines[at..].iter().position(|l| re.is_match(l)) {
            Some(k) => {
                let caps = re.captures(lines[at + k]).expect("matched");
                for name in re.capture_names().flatten() {
                    if let Some(m) = caps.name(name) {
                        captured.push((name.to_string(), m.as_str().to_string()));
                    }
                }
                at += k + 1;
            }
            None => {
                problems.push(format!("no line matching /{concrete}/ (in order)"));
                break;
            }
        }
    }
    for pattern in &expect.absent {
        let re = Regex::new(pattern).expect("checked when the manifest was loaded");
        if let Some(line) = lines.iter().find(|l| re.is_match(l)) {
            problems.push(format!("line matching /{pattern}/ must not appear: {line}"));
        }
    }
    problems
}

/// One QEMU test, built for one board, waiting to run.
pub struct Job {
    pub board: Board,
    pub test: String,
    pub expect: Expect,
    pub elf: PathBuf,
}

/// A QEMU test image and its expectations.
pub struct Test {
    pub image: Image,
    pub expect: Expect,
}

/// Loads every QEMU test whose image name contains `only` (all with `None`). A manifest that does
/// not load, lacks `[expect]` or repeats another's name is reported and counted as a failure.
pub fn load_tests(sdk: &Path, only: Option<&str>, tally: &mut Tally) -> Result<Vec<Test>> {
    let mut tests = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for path in qemu_tests(sdk)? {
        let image = match Image::load(&path) {
            Ok(i) => i,
            Err(e) => {
                println!("FAIL {}: {e:#}", path.display());
                tally.failed += 1;
                continue;
            }
        };
        if only.is_some_and(|o| !image.name().contains(o)) {
            continue;
        }
        // Outputs go to a directory named after the image: two tests must not share a name.
        if let Some(first) = seen.insert(image.name().to_string(), path.clone()) {
            println!("FAIL {}: field `image.name`: \"{}\" is also the name of {}", path.display(), image.name(), first.display());
            tally.failed += 1;
            continue;
        }
        let Some(expect) = image.file.expect.clone() else {
            println!("FAIL {}: a test image needs an [expect] table", path.display());
            tally.failed += 1;
            continue;
        };
        tests.push(Test { image, expect });
    }
    Ok(tests)
}

/// Boots one built test in QEMU and judges it, printing one line (and the output on failure).
pub fn run_one(job: &Job) -> bool {
    let captured = match qemu::run_captured(&job.board, &job.elf, Duration::from_secs(job.expect.timeout)) {
        Ok(c) => c,
        Err(e) => {
            println!("FAIL {:<18} {:<14} {e:#}", job.board.name(), job.test);
            return false;
        }
    };
    let problems = judge(&job.expect, &captured.output, captured.status);
    let secs = captured.elapsed.as_secs_f64();
    if problems.is_empty() {
        println!("ok   {:<18} {:<14} {:.1} s  {}", job.board.name(), job.test, secs, job.expect.description);
        return true;
    }
    let mut report = format!("FAIL {:<18} {:<14} {:.1} s  {}\n", job.board.name(), job.test, secs, job.expect.description);
    for p in &problems {
        report.push_str(&format!("       - {p}\n"));
    }
    report.push_str("       output:\n");
    for line in captured.output.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev() {
        report.push_str(&format!("       | {line}\n"));
    }
    print!("{report}");
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(output: &[&str], absent: &[&str], exit: i32) -> Expect {
        Expect {
            description: String::new(),
            boards: vec!["all".into()],
            exclude: vec![],
            exit,
            output: output.iter().map(|s| s.to_string()).collect(),
            absent: absent.iter().map(|s| s.to_string()).collect(),
            timeout: 5,
            isolation: false,
        }
    }

    #[test]
    fn exclude_and_isolation_deselect_boards() {
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let xtensa = Board::load(&sdk.join("bsp/qemu-xtensa-lx106")).unwrap();
        let rv32 = Board::load(&sdk.join("bsp/qemu-virt-rv32")).unwrap();
        let mut e = expect(&[], &[], 0);
        assert!(selects(&e, &xtensa) && selects(&e, &rv32));
        e.exclude = vec!["qemu-xtensa-lx106".into()];
        assert!(!selects(&e, &xtensa) && selects(&e, &rv32));
        e.exclude.clear();
        e.isolation = true;
        assert!(!selects(&e, &xtensa) && selects(&e, &rv32));
    }

    #[test]
    fn libtest_summaries_are_summed() {
        let out = "test result: ok. 4 passed; 0 failed; 0 ignored\nfoo\ntest result: FAILED. 17 passed; 2 failed; 0 ignored";
        assert_eq!(parse_libtest(out), (21, 2));
    }

    #[test]
    fn patterns_must_match_in_order() {
        let e = expect(&["^a", "^b"], &[], 0);
        assert!(judge(&e, "a\nx\nb\n", Some(0)).is_empty());
        assert_eq!(judge(&e, "b\na\n", Some(0)).len(), 1);
    }

    #[test]
    fn captures_carry_into_later_patterns() {
        let e = expect(&["at (?P<addr>0x[0-9a-f]+)$", "fault at ${addr}$"], &[], 0);
        assert!(judge(&e, "at 0x20\nfault at 0x20\n", Some(0)).is_empty());
        assert_eq!(judge(&e, "at 0x20\nfault at 0x24\n", Some(0)).len(), 1);
    }

    #[test]
    fn exit_status_timeout_and_absent_lines_fail() {
        let e = expect(&[], &["panic"], 1);
        assert!(judge(&e, "ok", Some(1)).is_empty());
        assert!(judge(&e, "ok", Some(0))[0].contains("expected 1"));
        assert!(judge(&e, "ok", None)[0].contains("timed out"));
        assert!(judge(&e, "kernel panic here", Some(1))[0].contains("must not appear"));
    }
}
