//! Assembles the boot stub (`asm/boot.S`), puts the board's linker script `esp8266.x` (which
//! includes the Xtensa `kernel.x`) on the link search path and takes the image layout that
//! `cargo mote build` generated (see `mote-bsp-build`).

use std::{env, fs, path::PathBuf};

fn main() {
    mote_bsp_build::assemble("mote_esp8266_boot", &["asm/boot.S"]);
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("esp8266.x"), include_str!("esp8266.x")).unwrap();
    println!("cargo:rerun-if-changed=esp8266.x");
    println!("cargo:rustc-link-arg-bins=-emote_esp8266_boot");
    mote_bsp_build::use_layout("esp8266.x");
}
