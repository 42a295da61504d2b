//! The linker rustc runs for Xtensa builds: this program, with `MOTE_XTENSA_LINK` set.
//!
//! rustc hands it a GNU ld command line naming LLVM object files (`<crate>-<hash>.<cgu>.rcgu.o`)
//! and rlibs (`lib<crate>-<hash>.rlib`, here only `compiler_builtins`, which LTO leaves out).
//! Each of those is replaced by an object assembled from the assembly rustc wrote next to it
//! (`<crate>-<hash>.s`, from `--emit=asm` with one codegen unit); every other argument (linker
//! scripts, search paths, native libraries, `-o`) is kept, linker scripts moved to the end.
//! `libgcc.a` is added, then GNU ld runs. Its exit status and messages are rustc's.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

/// The environment variable that makes `mote` act as the Xtensa linker.
pub const ENV: &str = "MOTE_XTENSA_LINK";

/// Whether rustc started this program as the linker.
pub fn requested() -> bool {
    std::env::var_os(ENV).is_some()
}

/// Links, with the command line rustc gave; prints what went wrong for rustc to show.
pub fn main() -> ExitCode {
    let tools = std::env::var("MOTE_XTENSA_TOOLS").unwrap_or_else(|_| super::TOOLS.to_string());
    match link(&tools, std::env::args_os().skip(1).collect()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mote (Xtensa linker): {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn link(tools: &str, args: Vec<OsString>) -> Result<ExitCode> {
    let mut ld_args = Vec::new();
    let mut assembled: Vec<PathBuf> = Vec::new();
    for arg in args {
        let Some(source) = assembly_for(Path::new(&arg))? else {
            ld_args.push(arg);
            continue;
        };
        let object = source.with_extension("gnu.o");
        if !assembled.contains(&object) {
            assemble(tools, &source, &object)?;
            ld_args.push(object.clone().into());
            assembled.push(object);
        }
    }
    let libgcc = output(Command::new(format!("{tools}gcc")).arg("-print-libgcc-file-name"))?;
    ld_args.push(libgcc.into());
    // GNU ld reads a linker script where `-T` appears, and its INCLUDEs search only the `-L`
    // directories seen before it (lld, for which the other boards' arguments are written, reads
    // them all first): so scripts go last.
    let (scripts, mut ld_args): (Vec<OsString>, Vec<OsString>) =
        ld_args.into_iter().partition(|a| a.to_str().is_some_and(|a| a.starts_with("-T") && a.len() > 2));
    ld_args.extend(scripts);
    let status = Command::new(format!("{tools}ld")).args(&ld_args).status().with_context(|| format!("cannot run {tools}ld"))?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The assembly file rustc wrote for an LLVM object file or rlib on its command line, if `arg`
/// is one.
fn assembly_for(arg: &Path) -> Result<Option<PathBuf>> {
    let Some(name) = arg.file_name().and_then(|n| n.to_str()) else { return Ok(None) };
    let stem = if name.ends_with(".rcgu.o") {
        // <crate>-<hash>.<crate>.<cgu hash>-cgu.0.rcgu.o
        name.split('.').next().unwrap_or(name)
    } else if let Some(rlib) = name.strip_suffix(".rlib") {
        rlib.strip_prefix("lib").unwrap_or(rlib)
    } else {
        return Ok(None);
    };
    let source = arg.with_file_name(format!("{stem}.s"));
    if !source.is_file() {
        bail!("{} has no assembly {} (is --emit=asm with one codegen unit in RUSTFLAGS?)", arg.display(), source.display());
    }
    Ok(Some(source))
}

/// Assembles `source` into `object`, unless `object` is newer.
fn assemble(tools: &str, source: &Path, object: &Path) -> Result<()> {
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    if let (Some(s), Some(o)) = (modified(source), modified(object)) {
        if o >= s {
            return Ok(());
        }
    }
    let status = Command::new(format!("{tools}as"))
        .arg("-o")
        .arg(object)
        .arg(source)
        .status()
        .with_context(|| format!("cannot run {tools}as"))?;
    if !status.success() {
        bail!("{tools}as failed on {}", source.display());
    }
    Ok(())
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    if !out.status.success() {
        bail!("{:?} failed", cmd.get_program());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_rlibs_map_to_their_assembly() {
        let dir = std::env::temp_dir().join(format!("mote-xtensa-link-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["kernel-0123.s", "compiler_builtins-abcd.s"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let object = dir.join("kernel-0123.kernel.77aa-cgu.0.rcgu.o");
        assert_eq!(assembly_for(&object).unwrap(), Some(dir.join("kernel-0123.s")));
        let rlib = dir.join("libcompiler_builtins-abcd.rlib");
        assert_eq!(assembly_for(&rlib).unwrap(), Some(dir.join("compiler_builtins-abcd.s")));
        assert_eq!(assembly_for(Path::new("-Tkernel.x")).unwrap(), None);
        assert_eq!(assembly_for(Path::new("libmote_xtensa_asm.a")).unwrap(), None);
        let missing = dir.join("libcore-ffff.rlib");
        assert!(assembly_for(&missing).unwrap_err().to_string().contains("core-ffff.s"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
