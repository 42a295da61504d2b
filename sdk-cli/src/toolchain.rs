//! Finding, checking and installing what builds and runs Mote images.
//!
//! Two ways to get a Rust toolchain for the boards' targets:
//! * **prebuilt**: the toolchain running this CLI already has the target's standard library, or
//!   `rustup target add` can fetch it. Used whenever it works.
//! * **debian**: where rustup cannot add targets (no network to its servers), Debian's packaged
//!   Rust (`rustc-web`, 1.96, with its standard library sources) builds `core` and `alloc` for any
//!   target with `-Z build-std`.
//!
//! `MOTE_TOOLCHAIN=prebuilt|debian` forces one. [`ensure`] installs what is missing, quietly and
//! idempotently; `mote setup` calls it for every board, `build`, `run` and `test` for theirs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::manifest::Board;

/// Debian packages providing Rust 1.96 with standard library sources and `rust-lld`.
const DEBIAN_RUST: &[&str] = &["rustc-web", "cargo-web", "rust-web-src", "rust-web-llvm", "lld-22"];
/// Where Debian's Rust lives.
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";
const DEBIAN_CARGO: &str = "/usr/bin/cargo";
const DEBIAN_RUST_SRC: &str = "/usr/lib/rustlib/src/rust/library/core";
/// Oldest rustc that builds Mote (naked functions).
const MIN_RUSTC_MINOR: u32 = 88;

/// How to invoke cargo for one target.
#[derive(Clone, Debug)]
pub struct FirmwareCargo {
    pub program: PathBuf,
    pub envs: Vec<(String, String)>,
    pub remove_envs: Vec<String>,
    /// Whether `core`/`alloc` must be built from source (`-Z build-std`).
    pub build_std: bool,
    /// `prebuilt` or `debian`, for messages.
    pub kind: &'static str,
    /// A JSON target specification to build for instead of the board's target name (Xtensa).
    pub target_spec: Option<PathBuf>,
}

impl FirmwareCargo {
    /// A `cargo` command with this toolchain's environment.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        for k in &self.remove_envs {
            cmd.env_remove(k);
        }
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd
    }

    /// The extra arguments to build the standard library, if needed.
    pub fn build_std_args(&self) -> Vec<&'static str> {
        let mut args = vec![];
        if self.build_std {
            args.extend(["-Z", "build-std=core,alloc", "-Z", "build-std-features=compiler-builtins-mem"]);
        }
        if self.target_spec.is_some() {
            args.extend(["-Z", "json-target-spec"]);
        }
        args
    }

    /// What to pass to `--target`: the JSON specification if there is one, else `target`.
    pub fn target_arg<'a>(&'a self, target: &'a str) -> &'a std::ffi::OsStr {
        self.target_spec.as_deref().map(Path::as_os_str).unwrap_or(target.as_ref())
    }
}

/// The cargo that is running us (or the one on PATH).
fn host_cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

fn host_rustc() -> OsString {
    std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Whether the host toolchain has the standard library for `target`.
fn prebuilt_has(target: &str) -> bool {
    let Some(sysroot) = output(Command::new(host_rustc()).args(["--print", "sysroot"])) else { return false };
    Path::new(&sysroot).join("lib/rustlib").join(target).join("lib").is_dir()
}

/// `MOTE_TOOLCHAIN`, if set: `prebuilt` or `debian`.
fn forced() -> Result<Option<String>> {
    match std::env::var("MOTE_TOOLCHAIN").ok().filter(|s| !s.is_empty()) {
        Some(v) if v != "prebuilt" && v != "debian" => {
            bail!("MOTE_TOOLCHAIN={v}: expected \"prebuilt\" or \"debian\" (or unset, to choose automatically)")
        }
        other => Ok(other),
    }
}

/// `rustc 1.96.0 (...)` → 96.
fn rustc_minor(version: &str) -> Option<u32> {
    version.split_whitespace().nth(1)?.split('.').nth(1)?.parse().ok()
}

pub(crate) fn debian_ready() -> bool {
    let version = output(Command::new(DEBIAN_RUSTC).arg("-V")).unwrap_or_default();
    rustc_minor(&version).is_some_and(|m| m >= MIN_RUSTC_MINOR)
        && Path::new(DEBIAN_CARGO).exists()
        && Path::new(DEBIAN_RUST_SRC).is_dir()
        && which("rust-lld").is_some()
}

pub(crate) fn debian_cargo() -> FirmwareCargo {
    FirmwareCargo {
        program: DEBIAN_CARGO.into(),
        envs: vec![("RUSTC".into(), DEBIAN_RUSTC.into()), ("RUSTC_BOOTSTRAP".into(), "1".into())],
        remove_envs: vec!["RUSTUP_TOOLCHAIN".into(), "RUSTC_WRAPPER".into()],
        build_std: true,
        kind: "debian",
        target_spec: None,
    }
}

fn prebuilt_cargo() -> FirmwareCargo {
    FirmwareCargo {
        program: host_cargo().into(),
        envs: vec![],
        remove_envs: vec![],
        build_std: false,
        kind: "prebuilt",
        target_spec: None,
    }
}

/// Finds `name` on PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Makes sure `target` can be built, installing what is missing; returns how to build it.
pub fn ensure_target(target: &str, log: &mut dyn FnMut(&str)) -> Result<FirmwareCargo> {
    let forced = forced()?;
    if forced.as_deref() != Some("debian") {
        if prebuilt_has(target) {
            return Ok(prebuilt_cargo());
        }
        if forced.is_none() || forced.as_deref() == Some("prebuilt") {
            if which("rustup").is_some() {
                log(&format!("adding Rust target {target} with rustup"));
                let ok = Command::new("rustup")
                    .args(["target", "add", target])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                if ok && prebuilt_has(target) {
                    return Ok(prebuilt_cargo());
                }
                log("rustup could not add the target; using Debian's Rust with -Z build-std");
            }
            if forced.as_deref() == Some("prebuilt") {
                bail!("MOTE_TOOLCHAIN=prebuilt, but the toolchain has no standard library for {target} and rustup could not add it");
            }
        }
    }
    ensure_debian(log)?;
    Ok(debian_cargo())
}

/// Installs Debian's Rust (with standard library sources) if it is not there.
pub fn ensure_debian(log: &mut dyn FnMut(&str)) -> Result<()> {
    if !debian_ready() {
        log("installing Debian's Rust toolchain (rustc-web 1.96, std sources, rust-lld)");
        apt_install(DEBIAN_RUST, &[])?;
        if !debian_ready() {
            bail!("Debian's Rust was installed but is not usable: need {DEBIAN_RUSTC} >= 1.{MIN_RUSTC_MINOR}, {DEBIAN_RUST_SRC} and rust-lld on PATH");
        }
    }
    Ok(())
}

/// The QEMU package that provides `binary`.
fn qemu_package(binary: &str) -> &'static str {
    match binary {
        "qemu-system-arm" | "qemu-system-aarch64" => "qemu-system-arm",
        _ => "qemu-system-misc",
    }
}

/// Makes sure the board's emulator is installed.
pub fn ensure_qemu(board: &Board, log: &mut dyn FnMut(&str)) -> Result<()> {
    let Some(q) = &board.file.qemu else { return Ok(()) };
    if which(&q.binary).is_some() {
        return Ok(());
    }
    let pkg = qemu_package(&q.binary);
    log(&format!("installing {pkg} for {}", q.binary));
    // The image's newer qemu-utils conflicts with Debian 12's QEMU 7.2: remove it.
    apt_install(&[pkg], &["qemu-utils"])?;
    if which(&q.binary).is_none() {
        bail!("{pkg} was installed but {} is still not on PATH", q.binary);
    }
    Ok(())
}

/// Everything a board needs to build and, for QEMU boards, to run.
pub fn ensure_board(board: &Board, log: &mut dyn FnMut(&str)) -> Result<FirmwareCargo> {
    let cargo = if crate::xtensa::is_xtensa(board) { crate::xtensa::ensure(board, log)? } else { ensure_target(board.target(), log)? };
    ensure_qemu(board, log)?;
    Ok(cargo)
}

/// Installs Debian packages (running `apt-get update` first), removing `remove` in the same
/// transaction. Uses `sudo -n` when not root.
pub(crate) fn apt_install(packages: &[&str], remove: &[&str]) -> Result<()> {
    if which("apt-get").is_none() {
        bail!(
            "missing packages {}; this machine has no apt-get: install them with your package manager",
            packages.join(" ")
        );
    }
    let root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let run = |args: &[&str]| -> Result<()> {
        let mut cmd = if root {
            Command::new("apt-get")
        } else if which("sudo").is_some() {
            let mut c = Command::new("sudo");
            c.args(["-n", "apt-get"]);
            c
        } else {
            bail!("installing {} needs root: run `sudo apt-get install {}`", packages.join(" "), packages.join(" "));
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        let out = cmd.output().context("cannot run apt-get")?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = err.lines().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
            bail!("apt-get {} failed:\n{}", args.join(" "), tail.join("\n"));
        }
        Ok(())
    };
    run(&["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(packages);
    let removals: Vec<String> = remove.iter().map(|r| format!("{r}-")).collect();
    args.extend(removals.iter().map(|s| s.as_str()));
    run(&args)
}

/// One line of `mote doctor`.
pub struct Check {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

/// Reports, without installing anything, what the given boards need.
pub fn doctor(boards: &[Board]) -> Vec<Check> {
    let mut checks = Vec::new();
    let host = output(Command::new(host_rustc()).arg("-V")).unwrap_or_else(|| "not found".into());
    checks.push(Check { what: "host Rust (builds this CLI)".into(), ok: host != "not found", detail: host });
    let debian = debian_ready();
    let forced = match forced() {
        Ok(f) => f,
        Err(e) => {
            checks.push(Check { what: "MOTE_TOOLCHAIN".into(), ok: false, detail: e.to_string() });
            None
        }
    };
    let mut targets: Vec<&str> = boards.iter().filter(|b| !crate::xtensa::is_xtensa(b)).map(|b| b.target()).collect();
    targets.sort();
    targets.dedup();
    for t in targets {
        let prebuilt = forced.as_deref() != Some("debian") && prebuilt_has(t);
        let (ok, detail) = if prebuilt {
            (true, "prebuilt standard library".to_string())
        } else if debian {
            (true, "Debian Rust with -Z build-std".to_string())
        } else {
            (false, "missing: `cargo mote setup` adds it with rustup or installs Debian's rustc-web".to_string())
        };
        checks.push(Check { what: format!("target {t}"), ok, detail });
    }
    checks.extend(crate::xtensa::doctor(boards, debian));
    let mut emulators: Vec<&str> = boards.iter().filter_map(|b| b.file.qemu.as_ref()).map(|q| q.binary.as_str()).collect();
    emulators.sort();
    emulators.dedup();
    for e in emulators {
        let found = which(e);
        let detail = match &found {
            Some(p) => output(Command::new(p).arg("--version"))
                .and_then(|v| v.lines().next().map(str::to_string))
                .unwrap_or_else(|| p.display().to_string()),
            None => format!("missing: `cargo mote setup` installs {}", qemu_package(e)),
        };
        checks.push(Check { what: e.to_string(), ok: found.is_some(), detail });
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustc_versions_parse() {
        assert_eq!(rustc_minor("rustc 1.96.0 (ac68faa20 2026-05-25) (built from a source tarball)"), Some(96));
        assert_eq!(rustc_minor("rustc 1.85.0"), Some(85));
        assert_eq!(rustc_minor("garbage"), None);
    }

    #[test]
    fn build_std_only_for_debian() {
        assert!(debian_cargo().build_std_args().contains(&"build-std=core,alloc"));
        assert!(prebuilt_cargo().build_std_args().is_empty());
    }
}
