//! Puts the process linker script `process.x` on the link search path. The memory it includes,
//! `mote-memory.x`, is written by `cargo mote build` for each process and passed with `-L`.

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("process.x"), include_str!("process.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=process.x");
}
