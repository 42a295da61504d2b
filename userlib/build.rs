//! Puts the process linker script `process.x` on the link search path. The memory it includes,
//! `mote-memory.x`, is written by `cargo mote build` for each process and passed with `-L`.
//!
//! On Xtensa, assembles the syscall stub `asm/xtensa-syscall.S` (Rust has no Xtensa inline
//! assembly). Also sets `cfg(thumb1)` on ARMv6-M targets, whose Thumb-1 instruction set cannot name `r8`
//! or `r12` as inline-assembly operands (see `src/arch.rs`). `target_feature = "thumb2"` cannot
//! tell: stable Rust reports no ARM target features to `cfg`.

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("process.x"), include_str!("process.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=process.x");
    println!("cargo:rustc-check-cfg=cfg(thumb1)");
    if env::var("TARGET").is_ok_and(|t| t.starts_with("thumbv6m-")) {
        println!("cargo:rustc-cfg=thumb1");
    }
    if env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "xtensa") {
        mote_bsp_build::assemble("mote_xtensa_syscall", &["asm/xtensa-syscall.S"]);
    }
}
