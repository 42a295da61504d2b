//! Build-script support shared by every board package under `bsp/`.
//!
//! `cargo mote build` lays out an image and writes, into the directory named by `MOTE_LAYOUT_DIR`:
//! `memory.x` (the kernel's flash and RAM) and `layout.rs` (the process table, included by the
//! board's `main.rs`). A board's `build.rs` is one call:
//!
//! ```ignore
//! fn main() {
//!     mote_bsp_build::use_layout("link.x"); // the arch's linker script: cortex-m-rt's link.x, or kernel.x
//! }
//! ```

use std::{env, fs, path::PathBuf};

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
    for file in ["memory.x", "layout.rs"] {
        let src = dir.join(file);
        println!("cargo:rerun-if-changed={}", src.display());
        fs::copy(&src, out.join(file)).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    }
    println!("cargo:rustc-link-search={}", out.display());
    // No page alignment: the ELF headers must not be loaded below the kernel's flash.
    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rustc-link-arg-bins=-T{linker_script}");
}
