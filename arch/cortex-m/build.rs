//! Tells the crate which Cortex-M architecture it is built for.
//!
//! Sets `cfg(armv6m)` for `thumbv6m-*` targets (Cortex-M0/M0+/M1): the Thumb-1 instruction set,
//! HardFault as the only fault exception, no fault status registers. `target_feature = "thumb2"`
//! cannot tell the two apart: stable rustc reports no ARM target features to `cfg`, so it would be
//! false on ARMv7-M too.

use std::env;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(armv6m)");
    println!("cargo:rerun-if-changed=build.rs");
    if env::var("TARGET").is_ok_and(|t| t.starts_with("thumbv6m-")) {
        println!("cargo:rustc-cfg=armv6m");
    }
}
