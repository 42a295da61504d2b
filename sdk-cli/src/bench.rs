//! `mote bench`: benchmarks that boot an image in QEMU with deterministic virtual time
//! (`-icount`), so that every run of the same image prints the same figures.

mod thread_metric;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

/// The benchmarks.
#[derive(Subcommand)]
pub enum Bench {
    /// The eight Thread-Metric tests as isolated processes: score per 2-second period,
    /// instructions per iteration, ratio to the best of FreeRTOS and ThreadX.
    ThreadMetric {
        /// Board to run on (default qemu-mps2-an385, where the peers were measured).
        #[arg(long, short)]
        board: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Show cargo's progress.
        #[arg(long, short)]
        verbose: bool,
    },
}

/// Runs one benchmark.
pub fn run(sdk: &Path, bench: Bench) -> Result<ExitCode> {
    match bench {
        Bench::ThreadMetric { board, json, verbose } => thread_metric::run(sdk, board, json, verbose),
    }
}
