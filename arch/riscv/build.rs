//! Puts the kernel linker script `kernel.x` on the link search path (the board package passes
//! `-Tkernel.x`; its `memory.x` comes from `cargo mote build`).

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("kernel.x"), include_str!("kernel.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=kernel.x");
}
