//! Running cargo for a board's target: linking processes and building kernels.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};

use crate::toolchain::FirmwareCargo;

/// The `firmware` profile every kernel and process is built with, defined here (not in a
/// workspace's Cargo.toml) so process crates of any workspace build the same way: small code,
/// whole-program optimisation, symbols kept in the ELF (they cost no flash).
const FIRMWARE_PROFILE: &[&str] = &[
    "profile.firmware.inherits=\"release\"",
    "profile.firmware.opt-level=\"s\"",
    "profile.firmware.lto=\"fat\"",
    "profile.firmware.codegen-units=1",
    "profile.firmware.debug=true",
    "profile.firmware.panic=\"abort\"",
    "profile.firmware.incremental=false",
    "profile.firmware-speed.inherits=\"firmware\"",
    "profile.firmware-speed.opt-level=2",
];

/// What an image's code is optimised for (`image.optimize` in `mote.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimize {
    /// Small code (`opt-level = "s"`): the default.
    #[default]
    Size,
    /// Fast code (`opt-level = 2`, as the peers' Thread-Metric builds use `-O2`): larger.
    Speed,
}

impl Optimize {
    /// The cargo profile of [`FIRMWARE_PROFILE`] that builds it (each has its own build
    /// directory, so switching does not rebuild the other).
    pub const fn profile(self) -> &'static str {
        match self {
            Optimize::Size => "firmware",
            Optimize::Speed => "firmware-speed",
        }
    }
}

/// Builds firmware crates for one target into one target directory.
pub struct Firmware<'a> {
    pub cargo: &'a FirmwareCargo,
    pub target: &'a str,
    pub target_dir: PathBuf,
    /// Print cargo's progress lines (`Compiling ...`).
    pub verbose: bool,
    /// Size or speed: which profile builds kernel and processes.
    pub optimize: Optimize,
}

impl Firmware<'_> {
    /// Runs `cargo <subcommand>` for the crate at `manifest` with `features`, `rustc_args` after
    /// `--` (for `cargo rustc`) and `envs`; returns the path of the executable it produced.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        subcommand: &str,
        manifest: &Path,
        bin: &str,
        features: &[String],
        rustc_args: &[String],
        envs: &[(&str, &Path)],
        show_errors: bool,
    ) -> Result<PathBuf> {
        let mut cmd = self.cargo.command();
        for setting in FIRMWARE_PROFILE {
            cmd.args(["--config", setting]);
        }
        cmd.arg(subcommand)
            .arg("--manifest-path")
            .arg(manifest)
            .args(["--bin", bin, "--profile", self.optimize.profile(), "--target"])
            .arg(self.cargo.target_arg(self.target))
            .arg("--target-dir")
            .arg(&self.target_dir)
            .args(["--message-format", "json-render-diagnostics"])
            .args(self.cargo.build_std_args());
        if !self.verbose {
            cmd.arg("--quiet");
        }
        if !features.is_empty() {
            cmd.arg("--features").arg(features.join(","));
        }
        if !rustc_args.is_empty() {
            cmd.arg("--").args(rustc_args);
        }
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.stdout(Stdio::piped()).stderr(if show_errors { Stdio::inherit() } else { Stdio::null() });
        let mut child = cmd.spawn().with_context(|| format!("cannot run {}", self.cargo.program.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut executable = None;
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            if msg["reason"] == "compiler-artifact" {
                if let Some(exe) = msg["executable"].as_str() {
                    executable = Some(PathBuf::from(exe));
                }
            }
        }
        let status = child.wait()?;
        if !status.success() {
            bail!("cargo {subcommand} for {} failed ({} toolchain)", manifest.display(), self.cargo.kind);
        }
        executable.with_context(|| format!("cargo built no executable for {}", manifest.display()))
    }

    /// Links process crate `manifest` (binary `bin`) with the memory script in `memory_dir`.
    /// `show_errors: false` for attempts that may fail and will be retried.
    pub fn link_process(&self, manifest: &Path, bin: &str, memory_dir: &Path, show_errors: bool) -> Result<PathBuf> {
        let extra = vec![
            "-C".to_string(),
            "link-arg=-Tprocess.x".to_string(),
            "-C".to_string(),
            format!("link-arg=-L{}", memory_dir.display()),
            // No page alignment: otherwise the linker may load the ELF headers into the page
            // below the process's flash, which belongs to someone else.
            "-C".to_string(),
            "link-arg=--nmagic".to_string(),
        ];
        self.run("rustc", manifest, bin, &[], &extra, &[], show_errors)
    }

    /// Builds the kernel of the board package at `manifest` for the layout in `layout_dir`, with
    /// the given features of `mote-kernel`.
    pub fn build_kernel(&self, manifest: &Path, layout_dir: &Path, kernel_features: &[String]) -> Result<PathBuf> {
        let features: Vec<String> = kernel_features.iter().map(|f| format!("mote-kernel/{f}")).collect();
        self.run("build", manifest, "kernel", &features, &[], &[("MOTE_LAYOUT_DIR", layout_dir)], true)
    }
}
