//! Build-script support shared by every board package under `bsp/`.
//!
//! `cargo mote build` lays out an image and writes, into the directory named by `MOTE_LAYOUT_DIR`:
//! `memory.x` (the kernel's flash and RAM), `layout.rs` (the process table, included by the
//! board's `main.rs`) and `mote-rodata-flash.x` / `mote-rodata-ram.x` (where the RISC-V and Xtensa
//! kernel scripts put constant data). A board's `build.rs` is one call:
//!
//! ```ignore
//! fn main() {
//!     mote_bsp_build::use_layout("link.x"); // the arch's linker script: cortex-m-rt's link.x, or kernel.x
//! }
//! ```

use std::{env, fs, path::PathBuf, process::Command};

/// Copies the layout files into `OUT_DIR`, puts them on the link search path and links the
/// board's kernel binary with `linker_script` (which `INCLUDE`s `memory.x`).
pub fn use_layout(linker_script: &str) {
    println!("cargo:rerun-if-env-changed=MOTE_LAYOUT_DIR");
    let Some(dir) = env::var_os("MOTE_LAYOUT_DIR").map(PathBuf::from) else {
        panic!(
            "MOTE_LAYOUT_DIR is not set: board kernels are built by `cargo mote build --board <board>`, which lays out the image first"
        );
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for file in ["memory.x", "layout.rs", "mote-rodata-flash.x", "mote-rodata-ram.x"] {
        let src = dir.join(file);
        println!("cargo:rerun-if-changed={}", src.display());
        fs::copy(&src, out.join(file)).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    }
    println!("cargo:rustc-link-search={}", out.display());
    // No page alignment: the ELF headers must not be loaded below the kernel's flash.
    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rustc-link-arg-bins=-T{linker_script}");
}

/// The prefix of the Xtensa GNU tools (`xtensa-lx106-elf-`), or `MOTE_XTENSA_TOOLS` if set.
pub fn xtensa_tools() -> String {
    println!("cargo:rerun-if-env-changed=MOTE_XTENSA_TOOLS");
    env::var("MOTE_XTENSA_TOOLS").unwrap_or_else(|_| "xtensa-lx106-elf-".into())
}

/// Assembles `sources` (`.S` files relative to the package, run through the C preprocessor) with
/// the Xtensa GNU assembler into `lib<name>.a` in `OUT_DIR`, and links it into whatever depends on
/// this package. Rust has no Xtensa inline assembly, so Xtensa arch code and the user library's
/// syscall stub are assembled this way. The archive is not bundled into the rlib: the final link
/// is GNU ld's (see `sdk-cli/src/xtensa`).
pub fn assemble(name: &str, sources: &[&str]) {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let tools = xtensa_tools();
    let mut objects = Vec::new();
    for src in sources {
        println!("cargo:rerun-if-changed={src}");
        let obj = out.join(format!("{}.o", src.replace(['/', '.'], "_")));
        run(Command::new(format!("{tools}gcc")).args(["-c", "-x", "assembler-with-cpp", "-o"]).arg(&obj).arg(src));
        objects.push(obj);
    }
    let lib = out.join(format!("lib{name}.a"));
    let _ = fs::remove_file(&lib);
    run(Command::new(format!("{tools}ar")).arg("crs").arg(&lib).args(&objects));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static:-bundle={name}");
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| {
        panic!("cannot run {:?}: {e} (the Xtensa GNU tools come from Debian's binutils-xtensa-lx106 and gcc-xtensa-lx106; `cargo mote setup` installs them)", cmd.get_program())
    });
    assert!(status.success(), "{cmd:?} failed");
}
