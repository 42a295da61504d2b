//! Assembles the vectors, trap entry and special-register helpers (`asm/*.S`: Rust has no Xtensa
//! inline assembly) and puts the kernel linker script `kernel.x` on the link search path (the
//! board package passes `-Tkernel.x`; its `memory.x` comes from `cargo mote build`).

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=asm/offsets.h");
    mote_bsp_build::assemble("mote_xtensa_asm", &["asm/vectors.S", "asm/sregs.S"]);
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("kernel.x"), include_str!("kernel.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=kernel.x");
}
