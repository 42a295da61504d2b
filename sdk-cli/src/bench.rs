//! `mote bench`: benchmarks that boot an image in QEMU with deterministic virtual time
//! (`-icount`), so that every run of the same image prints the same figures.

mod idle;
mod latency;
mod thread_metric;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use crate::image::Built;
use crate::manifest::Board;
use crate::qemu::Captured;
use crate::{Target, DEFAULT_BOARD};

/// The benchmarks.
#[derive(Subcommand)]
pub enum Bench {
    /// The eight Thread-Metric tests as isolated processes: score per 2-second period,
    /// instructions per iteration, ratio to the best of FreeRTOS and ThreadX.
    ThreadMetric(Options),
    /// Instructions from an interrupt to its process, of a null syscall and of a context switch,
    /// timed by a process with the spare timer it owns.
    Latency(Options),
    /// Instructions executed and wake-ups during 10 s of virtual time with every process
    /// blocked, counted in QEMU's execution log.
    Idle(Options),
}

/// Board, output and verbosity: what every benchmark takes.
#[derive(clap::Args)]
pub struct Options {
    /// Board to run on (default qemu-mps2-an385, where Thread-Metric's peers were measured).
    #[arg(long, short)]
    board: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Show cargo's progress.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs one benchmark.
pub fn run(sdk: &Path, bench: Bench) -> Result<ExitCode> {
    match bench {
        Bench::ThreadMetric(o) => thread_metric::run(sdk, o.board, o.json, o.verbose),
        Bench::Latency(o) => latency::run(sdk, o.board, o.json, o.verbose),
        Bench::Idle(o) => idle::run(sdk, o.board, o.json, o.verbose),
    }
}

/// Builds the benchmark image `bench/IMAGE` for `board` (default qemu-mps2-an385).
fn build(sdk: &Path, image: &str, board: Option<String>, verbose: bool) -> Result<(Built, Board)> {
    let target = Target { board: Some(board.unwrap_or_else(|| DEFAULT_BOARD.into())), image: Some(sdk.join("bench").join(image)), verbose };
    crate::build(sdk, &target)
}

/// Why a benchmark image did not give figures: how it ended, what the parser said, its last lines.
fn failure(bench: &str, status: Option<i32>, run: &Captured, parsed: Option<anyhow::Error>) -> String {
    let tail: Vec<&str> = run.output.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
    let why = match status {
        None => format!("timed out after {} s", run.elapsed.as_secs()),
        Some(s) => format!("exited with status {s}"),
    };
    let parsed = parsed.map(|e| format!("; {e}")).unwrap_or_default();
    format!("the {bench} image {why}{parsed}; its last lines:\n{}", tail.join("\n"))
}
