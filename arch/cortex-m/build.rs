//! Tells the crate which Cortex-M architecture it is built for. No `target_feature` tells
//! ARMv8-M Mainline from ARMv7-M (`rustc --print cfg` is the same for both targets), and the
//! two need different code: the PMSAv8 MPU and the stack limit registers.
//!
//! Emits `cfg(armv8m)` for `thumbv8m.main-*` targets.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(armv8m)");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("thumbv8m.main") {
        println!("cargo:rustc-cfg=armv8m");
    }
}
