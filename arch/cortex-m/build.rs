//! Tells the crate which Cortex-M architecture it is built for: `rustc --print cfg` is the same
//! for every `thumbv*` target (stable rustc reports no ARM target features to `cfg`), but the
//! architectures need different code.
//!
//! * `cfg(armv6m)` for `thumbv6m-*` (Cortex-M0/M0+/M1): the Thumb-1 instruction set, HardFault as
//!   the only fault exception, no fault status registers.
//! * `cfg(armv8m)` for `thumbv8m.main-*` (Cortex-M33...): the PMSAv8 MPU and the stack limit
//!   registers.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
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
