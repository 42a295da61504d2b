//! Tells the crate which Cortex-M architecture it is built for: `rustc --print cfg` is the same
//! for every `thumbv*` target (stable rustc reports no ARM target features to `cfg`), but the
//! architectures need different code.
//!
//! * `cfg(armv6m)` for `thumbv6m-*` (Cortex-M0/M0+/M1): the Thumb-1 instruction set, HardFault as
//!   the only fault exception, no fault status registers.
//! * `cfg(armv8m)` for `thumbv8m.main-*` (Cortex-M33...): the PMSAv8 MPU and the stack limit
//!   registers.

//!
//! It also writes the `device.x` that cortex-m-rt's `link.x` includes with its `device` feature:
//! empty, since every interrupt vector is [`DefaultHandler`](../src/irq.rs), named directly by
//! `interrupt_vectors!`.

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("device.x"), "/* Written by mote-arch-cortex-m: every interrupt vector is DefaultHandler (interrupt_vectors!). */\n")
        .expect("cannot write device.x into OUT_DIR");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-check-cfg=cfg(armv6m)");
    println!("cargo:rustc-check-cfg=cfg(armv8m)");
    let target = env::var("TARGET").unwrap_or_default();
    if target.starts_with("thumbv6m-") {
        println!("cargo:rustc-cfg=armv6m");
    }
    if target.starts_with("thumbv8m.main") {
        println!("cargo:rustc-cfg=armv8m");
    }
}
