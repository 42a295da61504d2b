//! `mote`: the Mote SDK command line. From a checkout of the SDK, `cargo mote <command>`.

mod bench;
mod elf;
mod firmware;
mod flash;
mod image;
mod layout;
mod logline;
mod manifest;
mod monitor;
mod ports;
mod probe;
mod matrix;
mod qemu;
mod scaffold;
mod size;
mod testing;
mod toolchain;
mod xtensa;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

use manifest::{Board, Image};

/// Exit status when `mote` itself fails (bad manifest, build error), distinct from the statuses
/// an image exits with (0 to 4, 130 for Ctrl-C).
const EXIT_CLI_ERROR: u8 = 100;

/// The board used when neither the command line nor the image names one.
const DEFAULT_BOARD: &str = "qemu-mps2-an385";

#[derive(Parser)]
#[command(name = "mote", version, about = "Build, run and test Mote images", propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::Args, Clone)]
struct Target {
    /// Board to build for (a directory under bsp/); default: the image's, else qemu-mps2-an385.
    #[arg(long, short)]
    board: Option<String>,
    /// Image manifest; default: ./mote.toml, else the SDK's demo.
    #[arg(long, short)]
    image: Option<PathBuf>,
    /// Show cargo's progress.
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Install what building and running need (Rust targets, QEMU); quick when all is there.
    Setup {
        /// Only what this board needs (default: every board).
        #[arg(long, short)]
        board: Option<String>,
    },
    /// Report what is installed and what is missing, without changing anything.
    Doctor,
    /// List the boards and their status.
    Boards,
    /// Build an image: kernel and processes, packed into one ELF file.
    Build(Target),
    /// Build an image and boot it in QEMU, console on this terminal (Ctrl-C stops it).
    Run(Target),
    /// Build an image and write it to the board (probe-rs or espflash); on a QEMU board, boot it.
    Flash {
        #[command(flatten)]
        target: Target,
        /// espflash boards: the serial port (default: the USB serial bridge found).
        #[arg(long)]
        port: Option<String>,
    },
    /// Show the board's log (serial port, RTT, or QEMU's console), decoded and coloured.
    Monitor {
        #[command(flatten)]
        target: Target,
        /// Serial port of a `uart` console (default: the USB serial bridge of the probe found).
        #[arg(long)]
        port: Option<String>,
        /// Only records at least this severe: error, warn, info, debug, trace.
        #[arg(long, value_parser = logline::Level::parse)]
        level: Option<logline::Level>,
        /// Only records of this process (`kernel` for the kernel's own).
        #[arg(long)]
        process: Option<String>,
        /// QEMU boards: boot the image again each time it exits.
        #[arg(long)]
        restart: bool,
    },
    /// Report kernel and per-process flash and RAM use.
    Size {
        #[command(flatten)]
        target: Target,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Measure the minimal configuration (kernel, two processes, one queue:
        /// tests/qemu/minimal.toml) and compare its kernel with FreeRTOS's and ThreadX's.
        #[arg(long, conflicts_with = "image")]
        minimal: bool,
    },
    /// Run a benchmark in QEMU with deterministic virtual time.
    #[command(subcommand)]
    Bench(bench::Bench),
    /// Scaffold a new board package, bsp/NAME/, that builds at once (docs/porting.md).
    NewBoard {
        /// The board's name, its directory under bsp/ (like nrf52840-dk).
        name: String,
        /// The chip: a known one fills in the memory map, target, protection unit, probe and console.
        #[arg(long)]
        chip: String,
        /// cortex-m, riscv or xtensa: needed for a chip the SDK does not know.
        #[arg(long)]
        arch: Option<String>,
        /// Copy this board's wiring (src/, Cargo.toml) instead of the templates.
        #[arg(long)]
        from: Option<String>,
    },
    /// The board matrix: host unit tests, the QEMU tests on every QEMU board, a build of every
    /// hardware board; one table, then `N passed, N failed`.
    Test {
        /// Only this board ("all", the default: every board under bsp/).
        #[arg(long, short)]
        board: Option<String>,
        /// Only the QEMU tests whose image name contains this (host tests and hardware builds are skipped).
        #[arg(long, short)]
        image: Option<String>,
        /// How many QEMU tests run at a time, alongside the builds (default: the number of cores).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Show cargo's progress.
        #[arg(long, short)]
        verbose: bool,
    },
}

/// The SDK checkout: `MOTE_SDK`, or where this CLI was built from.
fn sdk_root() -> Result<PathBuf> {
    let root = match std::env::var_os("MOTE_SDK") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    let root = root.canonicalize().with_context(|| format!("the Mote SDK is not at {}; set MOTE_SDK", root.display()))?;
    if !root.join("bsp").is_dir() {
        bail!("{} is not a Mote SDK checkout (no bsp/); set MOTE_SDK", root.display());
    }
    Ok(root)
}

fn log_setup(msg: &str) {
    eprintln!("setup: {msg}");
}

/// Loads the image and board a command works on.
fn resolve(sdk: &Path, t: &Target) -> Result<(Image, Board)> {
    let path = match &t.image {
        Some(p) => p.clone(),
        None if Path::new("mote.toml").exists() => PathBuf::from("mote.toml"),
        None => sdk.join("mote.toml"),
    };
    let image = Image::load(&path)?;
    let name = t.board.clone().or_else(|| image.file.image.board.clone()).unwrap_or_else(|| DEFAULT_BOARD.into());
    let board = manifest::find_board(sdk, &name)?;
    Ok((image, board))
}

fn build(sdk: &Path, t: &Target) -> Result<(image::Built, Board)> {
    let (image, board) = resolve(sdk, t)?;
    let cargo = toolchain::ensure_board(&board, &mut log_setup)?;
    let built = image::build(&cargo, &board, &image, t.verbose)?;
    Ok((built, board))
}

fn main() -> ExitCode {
    // Run by rustc as the linker of an Xtensa build (see `xtensa`), not by a person.
    if xtensa::link::requested() {
        return xtensa::link::main();
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_CLI_ERROR)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let sdk = sdk_root()?;
    match cli.command {
        Cmd::Setup { board } => {
            let boards = match board.as_deref() {
                None | Some("all") => manifest::all_boards(&sdk)?,
                Some(name) => vec![manifest::find_board(&sdk, name)?],
            };
            for b in &boards {
                toolchain::ensure_board(b, &mut log_setup)?;
            }
            for c in toolchain::doctor(&boards) {
                println!("{} {:<40} {}", if c.ok { "ok  " } else { "MISS" }, c.what, c.detail);
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Doctor => {
            let boards = manifest::all_boards(&sdk)?;
            let checks = toolchain::doctor(&boards);
            for c in &checks {
                println!("{} {:<40} {}", if c.ok { "ok  " } else { "MISS" }, c.what, c.detail);
            }
            Ok(if checks.iter().all(|c| c.ok) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Cmd::Boards => {
            println!("{:<20} {:<9} {:<10} {:<9} {:<9} description", "board", "arch", "cpu", "status", "isolation");
            for b in manifest::all_boards(&sdk)? {
                let f = &b.file;
                println!(
                    "{:<20} {:<9} {:<10} {:<9} {:<9} {}",
                    f.board.name, f.board.arch, f.board.cpu, f.board.status, f.protection.unit, f.board.description
                );
                if let Some(c) = &f.console {
                    let device = c.device.as_deref().map(|d| format!(" {d}")).unwrap_or_default();
                    let baud = c.baud.map(|b| format!(", {b} baud")).unwrap_or_default();
                    let pins = c.pins.as_deref().map(|p| format!(", {p}")).unwrap_or_default();
                    println!("{:<20} console {}{device}{baud}{pins}", "", c.kind);
                }
                if let Some(fl) = &f.flash {
                    println!("{:<20} flash with {} (chip {})", "", fl.tool, fl.chip);
                }
                for (name, d) in &f.devices {
                    let irq = d.irq.map(|n| format!(", irq {n}")).unwrap_or_default();
                    println!("{:<20} device {name}: {} at {:#010x}{irq}", "", d.kind, d.base);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Build(t) => {
            let (built, board) = build(&sdk, &t)?;
            size::print_table(&built, &board);
            println!("image:  {}", built.image_elf.display());
            println!("kernel: {} (with symbols, for a debugger)", built.kernel_elf.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Run(t) => {
            let (built, board) = build(&sdk, &t)?;
            eprintln!("booting {} on {} (Ctrl-C to stop)", built.image_elf.display(), board.name());
            let code = qemu::run_interactive(&board, &built.image_elf)?;
            Ok(ExitCode::from(code.clamp(0, 255) as u8))
        }
        Cmd::Flash { target, port } => {
            let (built, board) = build(&sdk, &target)?;
            let code = flash::flash(&board, &built, port.as_deref())?;
            Ok(ExitCode::from(code.clamp(0, 255) as u8))
        }
        Cmd::Monitor { target, port, level, process, restart } => {
            let filter = logline::Filter { level, process };
            let code = monitor::run(&sdk, &target, port, filter, restart)?;
            Ok(ExitCode::from(code.clamp(0, 255) as u8))
        }
        Cmd::Size { mut target, json, minimal } => {
            if minimal {
                target.image = Some(sdk.join(size::MINIMAL_IMAGE));
            }
            let (built, board) = build(&sdk, &target)?;
            let mut report = size::json(&built, &board);
            if minimal {
                report["peers"] = size::peers_json(built.kernel_sizes.text);
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                size::print_table(&built, &board);
                if minimal {
                    size::print_peers(built.kernel_sizes.text);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Bench(b) => bench::run(&sdk, b),
        Cmd::NewBoard { name, chip, arch, from } => {
            let req = scaffold::Request { name: &name, chip: &chip, arch: arch.as_deref(), from: from.as_deref() };
            scaffold::new_board(&sdk.join("bsp"), &req)?.print(&sdk);
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Test { board, image, jobs, verbose } => {
            let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
            let req = matrix::Request { board: board.as_deref(), image: image.as_deref(), verbose, jobs: jobs.unwrap_or(cores) };
            let tally = matrix::run(&sdk, &req)?;
            Ok(if tally.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}
