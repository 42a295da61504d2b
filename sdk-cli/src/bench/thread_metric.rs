//! `mote bench thread-metric`: builds `bench/thread-metric.toml` (the eight Thread-Metric tests
//! as isolated processes, see `docs/performance.md`), boots it in QEMU with `-icount shift=4`,
//! and turns the reporter's lines into scores.
//!
//! The reporter prints, for every test and each of its four 2-second periods:
//!
//! ```text
//! [INFO  tm-reporter] thread-metric synchronization period 2 score 33508 counters 67018 ok
//! ```
//!
//! A test's score is the mean of periods 2 to 4 (period 1 includes start-up). Under
//! `-icount shift=4` every instruction takes 16 ns of virtual time, so a 2 s period is
//! 125,000,000 instructions, and 125,000,000 / score is the instructions one iteration takes.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::qemu;

/// Instructions in one 2-second period at 16 ns each (`-icount shift=4`).
const INSTRUCTIONS_PER_PERIOD: f64 = 125_000_000.0;

/// The periods the reporter prints per test; the score is the mean of the ones after the first.
const PERIODS: u32 = 4;

/// The board the peers were measured on: ratios are given only there.
const PEER_BOARD: &str = "qemu-mps2-an385";

/// Wall time after which QEMU is stopped: the image runs 64 s of virtual time.
const TIMEOUT: Duration = Duration::from_secs(1200);

/// The peers' scores per 2-second period on QEMU mps2-an385 with `-icount shift=4`, as measured
/// in `thread-metric.md` (the shared anchors of this project, table "Peer scores per 2-second
/// period"): FreeRTOS 11.3 and ThreadX 6.4.2, both GCC 12.2 -O2. Test names in the reporter's
/// order.
pub const PEERS: [Peer; 8] = [
    Peer { test: "basic_processing", freertos: 13_548, threadx: 13_548 },
    Peer { test: "cooperative_context_switch", freertos: 2_153_916, threadx: 1_892_807 },
    Peer { test: "preemptive_context_switch", freertos: 476_107, threadx: 582_687 },
    Peer { test: "interrupt_processing", freertos: 1_249_304, threadx: 2_153_925 },
    Peer { test: "interrupt_preemption", freertos: 375_166, threadx: 452_640 },
    Peer { test: "message_processing", freertos: 653_402, threadx: 999_421 },
    Peer { test: "synchronization", freertos: 1_115_450, threadx: 2_498_552 },
    Peer { test: "memory_allocation", freertos: 529_314, threadx: 2_117_418 },
];

/// One test's peer scores.
pub struct Peer {
    pub test: &'static str,
    pub freertos: u64,
    pub threadx: u64,
}

impl Peer {
    fn best(&self) -> u64 {
        self.freertos.max(self.threadx)
    }
}

/// One test's result.
#[derive(Debug, PartialEq)]
pub struct Score {
    pub test: &'static str,
    /// Iterations per period, the mean of periods 2 to 4, rounded.
    pub score: u64,
    /// Whether the reporter found the counters in step in every period.
    pub in_step: bool,
}

impl Score {
    /// Instructions per iteration, to one decimal.
    pub fn instructions_per_iteration(&self) -> Option<f64> {
        (self.score > 0).then(|| (INSTRUCTIONS_PER_PERIOD / self.score as f64 * 10.0).round() / 10.0)
    }

    /// Mote's score over the best peer's, to three decimals.
    pub fn ratio(&self, peer: &Peer) -> f64 {
        (self.score as f64 / peer.best() as f64 * 1000.0).round() / 1000.0
    }
}

/// Builds and runs the benchmark image on `board`, then prints the scores.
pub fn run(sdk: &Path, board: Option<String>, json: bool, verbose: bool) -> Result<ExitCode> {
    let (built, board) = super::build(sdk, "thread-metric.toml", board, verbose)?;
    eprintln!("running Thread-Metric on {} (64 s of virtual time; a minute or two of wall time)", board.name());
    let run = qemu::run_captured(&board, &built.image_elf, TIMEOUT)?;
    let scores = match (run.status, parse(&run.output)) {
        (Some(0), Ok(scores)) => scores,
        (status, parsed) => bail!("{}", super::failure("Thread-Metric", status, &run, parsed.err())),
    };
    let with_peers = board.name() == PEER_BOARD;
    if json {
        println!("{}", serde_json::to_string_pretty(&to_json(board.name(), &scores, with_peers))?);
    } else {
        print_table(board.name(), &scores, with_peers);
    }
    Ok(if scores.iter().all(|s| s.in_step) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The scores in the reporter's output, one per test in [`PEERS`] order.
pub fn parse(output: &str) -> Result<Vec<Score>> {
    PEERS
        .iter()
        .map(|peer| {
            let mut periods = Vec::new();
            let mut in_step = true;
            for line in output.lines() {
                let Some(rest) = line.split("thread-metric ").nth(1) else { continue };
                let words: Vec<&str> = rest.split_whitespace().collect();
                if words.len() < 8 || words[0] != peer.test || words[1] != "period" || words[3] != "score" {
                    continue;
                }
                let period: u32 = words[2].parse().with_context(|| format!("bad period in: {line}"))?;
                let score: u64 = words[4].parse().with_context(|| format!("bad score in: {line}"))?;
                in_step &= words[7] == "ok";
                periods.push((period, score));
            }
            let scored: Vec<u64> = periods.iter().filter(|(p, _)| *p > 1).map(|(_, s)| *s).collect();
            if periods.len() != PERIODS as usize || scored.len() != PERIODS as usize - 1 {
                bail!("test {}: expected {PERIODS} periods, found {}", peer.test, periods.len());
            }
            let score = (scored.iter().sum::<u64>() as f64 / scored.len() as f64).round() as u64;
            Ok(Score { test: peer.test, score, in_step })
        })
        .collect()
}

fn print_table(board: &str, scores: &[Score], with_peers: bool) {
    println!("Thread-Metric on {board}: iterations per 2 s period (mean of periods 2-4), -icount shift=4 (16 ns per instruction)");
    println!("{:<28} {:>10} {:>11} {:>10} {:>7}  counters", "test", "score", "instr/iter", "best peer", "ratio");
    for (s, peer) in scores.iter().zip(&PEERS) {
        let ipi = s.instructions_per_iteration().map(|x| format!("{x:.1}")).unwrap_or_else(|| "-".into());
        let (best, ratio) = if with_peers { (peer.best().to_string(), format!("{:.3}", s.ratio(peer))) } else { ("-".into(), "-".into()) };
        let check = if s.in_step { "ok" } else { "OUT OF STEP" };
        println!("{:<28} {:>10} {:>11} {:>10} {:>7}  {check}", s.test, s.score, ipi, best, ratio);
    }
    if !with_peers {
        println!("(the peers were measured on {PEER_BOARD} only: no ratios here)");
    }
}

/// `{"board": B, "tests": {NAME: {"score": N, "instructions_per_iteration": X, "ratio_to_best_peer": R}}}`.
pub fn to_json(board: &str, scores: &[Score], with_peers: bool) -> Value {
    let tests: serde_json::Map<String, Value> = scores
        .iter()
        .zip(&PEERS)
        .map(|(s, peer)| {
            let ratio = if with_peers { json!(s.ratio(peer)) } else { Value::Null };
            (s.test.to_string(), json!({"score": s.score, "instructions_per_iteration": s.instructions_per_iteration(), "ratio_to_best_peer": ratio}))
        })
        .collect();
    json!({"board": board, "tests": tests})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reporter lines for every test: period 1 differs (start-up), periods 2 to 4 score 100, 101, 102.
    fn output(status: &str) -> String {
        let mut out = String::from("[INFO  kernel] Mote 0.1.0\n[INFO  tm-reporter] thread-metric: 8 tests, 4 periods of 2000 ms each\n");
        for peer in &PEERS {
            for (p, score) in [(1, 7), (2, 100), (3, 101), (4, 102)] {
                out += &format!("[INFO  tm-reporter] thread-metric {} period {p} score {score} counters 5,5 {status}\n", peer.test);
            }
        }
        out + "[INFO  tm-reporter] thread-metric done\n"
    }

    #[test]
    fn scores_are_the_mean_of_periods_2_to_4() {
        let scores = parse(&output("ok")).unwrap();
        assert_eq!(scores.len(), 8);
        assert!(scores.iter().all(|s| s.score == 101 && s.in_step), "{scores:?}");
        assert_eq!(scores[6].test, "synchronization");
    }

    #[test]
    fn counters_out_of_step_are_reported() {
        let scores = parse(&output("ERROR counters out of step")).unwrap();
        assert!(scores.iter().all(|s| !s.in_step));
    }

    #[test]
    fn a_missing_test_is_an_error_naming_it() {
        let out: String = output("ok").lines().filter(|l| !l.contains("memory_allocation period 3")).map(|l| format!("{l}\n")).collect();
        let e = parse(&out).unwrap_err().to_string();
        assert!(e.contains("memory_allocation") && e.contains("found 3"), "{e}");
    }

    #[test]
    fn instructions_per_iteration_and_ratios() {
        let s = Score { test: "synchronization", score: 2_498_552, in_step: true };
        assert_eq!(s.instructions_per_iteration(), Some(50.0));
        assert_eq!(s.ratio(&PEERS[6]), 1.0);
        let half = Score { test: "basic_processing", score: 6_774, in_step: true };
        assert_eq!(half.ratio(&PEERS[0]), 0.5);
        assert_eq!(Score { test: "x", score: 0, in_step: true }.instructions_per_iteration(), None);
    }

    #[test]
    fn json_has_every_test_and_no_ratio_off_the_peer_board() {
        let scores = parse(&output("ok")).unwrap();
        let v = to_json("qemu-virt-rv32", &scores, false);
        assert_eq!(v["board"], "qemu-virt-rv32");
        let tests = v["tests"].as_object().unwrap();
        assert_eq!(tests.len(), 8);
        assert_eq!(tests["message_processing"]["score"], 101);
        assert_eq!(tests["message_processing"]["instructions_per_iteration"], 1237623.8);
        assert!(tests["message_processing"]["ratio_to_best_peer"].is_null());
        let v = to_json(PEER_BOARD, &scores, true);
        assert!(v["tests"]["basic_processing"]["ratio_to_best_peer"].is_number());
    }
}
