//! Takes the layout that `cargo mote build` generated for this image (`MOTE_LAYOUT_DIR`):
//! `memory.x` (the kernel's flash and RAM, for the RISC-V `kernel.x`) and `layout.rs` (the
//! process table).

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=MOTE_LAYOUT_DIR");
    let Some(dir) = env::var_os("MOTE_LAYOUT_DIR").map(PathBuf::from) else {
        panic!("MOTE_LAYOUT_DIR is not set: board kernels are built by `cargo mote build --board <board>`, which lays out the image first");
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    for file in ["memory.x", "layout.rs"] {
        let src = dir.join(file);
        println!("cargo:rerun-if-changed={}", src.display());
        fs::copy(&src, out.join(file)).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    }
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rustc-link-arg-bins=-Tkernel.x");
}
