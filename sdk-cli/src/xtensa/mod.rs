//! Building for Xtensa, where neither rustup nor upstream LLVM's object files can be used.
//!
//! Debian's Rust (LLVM 22) compiles `core` for Xtensa with a JSON target specification
//! (`arch/xtensa/<target>.json`), but GNU ld (Debian's `binutils-xtensa-lx106`) cannot link the
//! objects LLVM writes (it rejects their literal relocations), and there is no other Xtensa
//! linker. What works is LLVM's *assembly*: so every crate is compiled with `--emit=asm` as well,
//! and this command is the "linker" rustc runs (`-C linker`, see [`link`]). It assembles the
//! assembly of what rustc asked to link with `xtensa-lx106-elf-as` and links that with
//! `xtensa-lx106-elf-ld` and `libgcc.a`, so cargo gets a real ELF file as for any other target:
//!
//! ```text
//!   cargo (Debian's, -Z build-std=core,alloc, --emit=asm, codegen-units=1, fat LTO)
//!     └─ rustc ── "link" ──▶ mote (MOTE_XTENSA_LINK set)
//!                              ├─ xtensa-lx106-elf-as  <crate>.s, compiler_builtins.s
//!                              └─ xtensa-lx106-elf-ld  ... -Tkernel.x / -Tprocess.x  libgcc.a
//! ```
//!
//! Assembly sources of the arch crate and of the user library (`asm/*.S`) are assembled by their
//! build scripts (`mote_bsp_build::assemble`) with the same tools.

pub mod link;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::manifest::Board;
use crate::toolchain::{self, Check, FirmwareCargo};

/// The prefix of the GNU tools for the lx106 (call0 ABI), from Debian.
pub const TOOLS: &str = "xtensa-lx106-elf-";
/// Debian packages with those tools: binutils, and GCC for `libgcc.a`.
const PACKAGES: &[&str] = &["binutils-xtensa-lx106", "gcc-xtensa-lx106"];

/// Whether `board` is built the Xtensa way.
pub fn is_xtensa(board: &Board) -> bool {
    board.file.board.arch == "xtensa"
}

/// The JSON target specification of `board`: `arch/xtensa/<board.target>.json` of the SDK.
pub fn target_spec(board: &Board) -> Result<PathBuf> {
    let sdk = board.dir.parent().and_then(Path::parent).context("a board directory is bsp/<name>")?;
    let spec = sdk.join("arch/xtensa").join(format!("{}.json", board.target()));
    if !spec.is_file() {
        bail!(
            "{}: field `board.target`: \"{}\" has no target specification {} (Xtensa targets are JSON specifications in arch/xtensa/)",
            board.dir.join("board.toml").display(),
            board.target(),
            spec.display()
        );
    }
    Ok(spec)
}

fn tools_ready() -> bool {
    ["as", "ld", "gcc", "ar"].iter().all(|t| toolchain::which(&format!("{TOOLS}{t}")).is_some())
}

/// Installs what an Xtensa build needs (Debian's Rust, the GNU tools) and returns how to run
/// cargo for `board`.
pub fn ensure(board: &Board, log: &mut dyn FnMut(&str)) -> Result<FirmwareCargo> {
    let spec = target_spec(board)?;
    toolchain::ensure_debian(log)?;
    if !tools_ready() {
        log(&format!("installing the Xtensa GNU tools ({})", PACKAGES.join(", ")));
        toolchain::apt_install(PACKAGES, &[])?;
        if !tools_ready() {
            bail!("{} were installed but {TOOLS}as, ld, gcc and ar are still not on PATH", PACKAGES.join(", "));
        }
    }
    let me = std::env::current_exe().context("cannot find this program, which links Xtensa builds")?;
    let rustflags = ["--emit=asm", "-C", "codegen-units=1", "-C", "debuginfo=0", "-C", "force-unwind-tables=no", "-C", &format!("linker={}", me.display())].join("\u{1f}");
    let mut cargo = toolchain::debian_cargo();
    cargo.envs.extend([
        ("CARGO_ENCODED_RUSTFLAGS".to_string(), rustflags),
        (link::ENV.to_string(), "1".to_string()),
        ("MOTE_XTENSA_TOOLS".to_string(), TOOLS.to_string()),
    ]);
    cargo.remove_envs.push("RUSTFLAGS".into());
    cargo.target_spec = Some(spec);
    cargo.kind = "debian-xtensa";
    Ok(cargo)
}

/// `mote doctor` lines for the Xtensa boards among `boards`.
pub fn doctor(boards: &[Board], debian: bool) -> Vec<Check> {
    let mut checks = Vec::new();
    for b in boards.iter().filter(|b| is_xtensa(b)) {
        let (ok, detail) = match target_spec(b) {
            Err(e) => (false, e.to_string()),
            Ok(_) if !debian => (false, "missing: `cargo mote setup` installs Debian's rustc-web".to_string()),
            Ok(spec) => (true, format!("Debian Rust with -Z build-std, {}", spec.display())),
        };
        checks.push(Check { what: format!("target {}", b.target()), ok, detail });
    }
    if boards.iter().any(is_xtensa) {
        let version = Command::new(format!("{TOOLS}as")).arg("--version").output().ok();
        let detail = match version {
            Some(v) if tools_ready() => String::from_utf8_lossy(&v.stdout).lines().next().unwrap_or_default().to_string(),
            _ => format!("missing: `cargo mote setup` installs {}", PACKAGES.join(" ")),
        };
        checks.push(Check { what: format!("Xtensa GNU tools ({TOOLS}*)"), ok: tools_ready(), detail });
    }
    checks
}
