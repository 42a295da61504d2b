//! `mote bench latency`: builds `bench/latency.toml`, boots it in QEMU with `-icount shift=4`
//! and turns the probe's lines into instructions.
//!
//! `lat-probe` owns the board's spare timer and prints, for each figure, nanoseconds of virtual
//! time over its samples:
//!
//! ```text
//! [INFO  lat-probe] latency yield samples 200 total_ns 2536000 min_ns 12680 max_ns 12680
//! ```
//!
//! Under `-icount shift=4` one instruction is 16 ns, so instructions are nanoseconds / 16. The
//! figures timed between two timer reads (`yield`, `now`, `round_trip`) have the cost of the reads
//! themselves (`overhead`, two reads back to back) subtracted. See `docs/performance.md`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::qemu;

/// Nanoseconds of virtual time per instruction under `-icount shift=4`.
pub const NS_PER_INSTRUCTION: f64 = 16.0;

/// Wall time after which QEMU is stopped (the image runs well under a second of virtual time).
const TIMEOUT: Duration = Duration::from_secs(300);

/// What the probe measures, by the name it prints.
const RAW: [&str; 5] = ["overhead", "irq", "yield", "now", "round_trip"];

/// One raw figure as the probe printed it, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Raw {
    pub samples: u64,
    pub total_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
}

/// One figure in instructions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    pub samples: u64,
}

impl Figure {
    /// `raw` in instructions, less `minus` instructions, halved if `per` is 2.
    fn of(raw: &Raw, minus: f64, per: f64) -> Figure {
        let i = |ns: f64| round1((ns / NS_PER_INSTRUCTION - minus) / per);
        Figure {
            mean: i(raw.total_ns as f64 / raw.samples as f64),
            min: i(raw.min_ns as f64),
            max: i(raw.max_ns as f64),
            samples: raw.samples,
        }
    }

    fn less(self, other: &Figure) -> Figure {
        Figure {
            mean: round1(self.mean - other.mean),
            min: round1(self.min - other.mean),
            max: round1(self.max - other.mean),
            ..self
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The figures the command reports, in its order: name, what it is, the figure.
pub type Figures = Vec<(&'static str, &'static str, Figure)>;

/// Builds and runs the latency image on `board`, then prints the figures.
pub fn run(sdk: &Path, board: Option<String>, json: bool, verbose: bool) -> Result<ExitCode> {
    let (built, board) = super::build(sdk, "latency.toml", board, verbose)?;
    eprintln!("running the latency probe on {}", board.name());
    let run = qemu::run_captured(&board, &built.image_elf, TIMEOUT)?;
    let figures = match (run.status, parse(&run.output)) {
        (Some(0), Ok(raw)) => figures(&raw),
        (status, parsed) => bail!("{}", super::failure("latency", status, &run, parsed.err())),
    };
    let again = delivered_again(&run.output);
    if json {
        let mut v = to_json(board.name(), &figures);
        v["interrupts_delivered_again"] = json!(again);
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "Latency on {}, in instructions (-icount shift=4: 16 ns each), {} samples each",
            board.name(),
            figures[0].2.samples
        );
        println!(
            "{:<22} {:>9} {:>9} {:>9}  what",
            "figure", "mean", "min", "max"
        );
        for (name, what, f) in &figures {
            println!(
                "{name:<22} {:>9.1} {:>9.1} {:>9.1}  {what}",
                f.mean, f.min, f.max
            );
        }
        if let Some(n) = again.filter(|n| *n > 0) {
            println!("(the timer's interrupt was delivered again after irq_ack {n} times: latched by the interrupt controller while masked)");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How many times the probe saw its interrupt delivered again after acknowledging it (on
/// Cortex-M, a level interrupt the NVIC latched while the line was masked).
pub fn delivered_again(output: &str) -> Option<u64> {
    let line = output
        .lines()
        .find(|l| l.contains("interrupts delivered again after irq_ack"))?;
    line.split("latency: ")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The probe's raw figures, in [`RAW`] order.
pub fn parse(output: &str) -> Result<Vec<Raw>> {
    RAW.iter()
        .map(|name| {
            let line = output
                .lines()
                .find(|l| {
                    l.split("latency ")
                        .nth(1)
                        .is_some_and(|r| r.split_whitespace().next() == Some(name))
                })
                .with_context(|| format!("the probe printed no `latency {name}` line"))?;
            let words: Vec<&str> = line
                .split("latency ")
                .nth(1)
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let field = |key: &str| -> Result<u64> {
                let at = words
                    .iter()
                    .position(|w| *w == key)
                    .with_context(|| format!("no {key} in: {line}"))?;
                words
                    .get(at + 1)
                    .and_then(|v| v.parse().ok())
                    .with_context(|| format!("bad {key} in: {line}"))
            };
            let raw = Raw {
                samples: field("samples")?,
                total_ns: field("total_ns")?,
                min_ns: field("min_ns")?,
                max_ns: field("max_ns")?,
            };
            if raw.samples == 0 || raw.min_ns > raw.max_ns {
                bail!("`latency {name}`: no samples or min above max: {line}");
            }
            Ok(raw)
        })
        .collect()
}

/// The reported figures, from the raw ones in [`RAW`] order.
pub fn figures(raw: &[Raw]) -> Figures {
    let overhead = Figure::of(&raw[0], 0.0, 1.0);
    let syscall = Figure::of(&raw[2], overhead.mean, 1.0);
    let yield_switching = Figure::of(&raw[4], overhead.mean, 2.0);
    vec![
        ("interrupt_to_process", "timer interrupt raised -> owner's first timer read after notify_wait returns (CPU idle)", Figure::of(&raw[1], 0.0, 1.0)),
        ("syscall_yield", "yield with nothing else ready: syscall entry to return (null syscall)", syscall),
        ("syscall_now", "now (read the clock): syscall entry to return", Figure::of(&raw[3], overhead.mean, 1.0)),
        ("yield_with_switch", "yield to the other process: syscall + context switch (MPU/PMP), half a round trip", yield_switching),
        ("context_switch", "yield_with_switch - syscall_yield: the switch alone", yield_switching.less(&syscall)),
        ("measurement_overhead", "two timer reads back to back (subtracted above)", overhead),
    ]
}

/// `{"board": B, "unit": "instructions", "figures": {NAME: {"mean": X, "min": X, "max": X, "samples": N}}}`.
pub fn to_json(board: &str, figures: &Figures) -> Value {
    let map: serde_json::Map<String, Value> = figures
        .iter()
        .map(|(name, _, f)| {
            (
                name.to_string(),
                json!({"mean": f.mean, "min": f.min, "max": f.max, "samples": f.samples}),
            )
        })
        .collect();
    json!({"board": board, "unit": "instructions", "figures": map})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output() -> String {
        [
            "[INFO  lat-probe] latency: 200 samples per figure, timer at 0x40002000",
            "[INFO  lat-probe] latency overhead samples 2 total_ns 64 min_ns 32 max_ns 32",
            "[INFO  lat-probe] latency irq samples 2 total_ns 3200 min_ns 1600 max_ns 1600",
            "[INFO  lat-probe] latency: 3 interrupts delivered again after irq_ack",
            "[INFO  lat-probe] latency yield samples 2 total_ns 1664 min_ns 800 max_ns 864",
            "[INFO  lat-probe] latency now samples 2 total_ns 2000 min_ns 1000 max_ns 1000",
            "[INFO  lat-probe] latency round_trip samples 2 total_ns 6464 min_ns 3232 max_ns 3232",
            "[INFO  lat-probe] latency done",
        ]
        .join("\n")
    }

    #[test]
    fn figures_are_instructions_less_the_overhead() {
        let f = figures(&parse(&output()).unwrap());
        let get = |n: &str| f.iter().find(|(name, ..)| *name == n).unwrap().2;
        assert_eq!(get("measurement_overhead").mean, 2.0);
        assert_eq!(
            get("interrupt_to_process"),
            Figure {
                mean: 100.0,
                min: 100.0,
                max: 100.0,
                samples: 2
            }
        );
        assert_eq!(
            get("syscall_yield"),
            Figure {
                mean: 50.0,
                min: 48.0,
                max: 52.0,
                samples: 2
            }
        );
        assert_eq!(get("yield_with_switch").mean, 100.0);
        assert_eq!(get("context_switch").mean, 50.0);
        assert_eq!(get("syscall_now").mean, 60.5);
        assert_eq!(delivered_again(&output()), Some(3));
    }

    #[test]
    fn a_missing_figure_is_an_error_naming_it() {
        let out: String = output()
            .lines()
            .filter(|l| !l.contains("round_trip"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(parse(&out)
            .unwrap_err()
            .to_string()
            .contains("latency round_trip"));
    }

    #[test]
    fn json_names_every_figure() {
        let v = to_json("qemu-virt-rv32", &figures(&parse(&output()).unwrap()));
        assert_eq!(v["board"], "qemu-virt-rv32");
        assert_eq!(v["figures"].as_object().unwrap().len(), 6);
        assert_eq!(v["figures"]["syscall_yield"]["mean"], 50.0);
    }
}
