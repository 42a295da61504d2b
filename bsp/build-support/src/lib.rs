//! Build-script support shared by every board package under `bsp/`.
//!
//! `cargo mote build` lays out an image and writes, into the directory named by `MOTE_LAYOUT_DIR`:
//! `memory.x` (the kernel's flash and RAM), `layout.rs` (the process table, included by the
//! board's `main.rs`) and `mote-rodata-flash.x` / `mote-rodata-ram.x` (where the RISC-V and Xtensa
//! kernel scripts put constant data). A board's `build.rs` is one call:
//!
//! ```ignore
//! fn main() {
//!     mote_bsp_build::use_layout("link.x"); // the arch's linker script: cortex-m-rt's link.x, or kernel.x
//! }
//! ```

use std::{env, fs, path::PathBuf, process::Command};

/// Copies the layout files into `OUT_DIR`, puts them on the link search path and links the
/// board's kernel binary with `linker_script` (which `INCLUDE`s `memory.x`).
pub fn use_layout(linker_script: &str) {
    println!("cargo:rerun-if-env-changed=MOTE_LAYOUT_DIR");
    let Some(dir) = env::var_os("MOTE_LAYOUT_DIR").map(PathBuf::from) else {
        panic!(
            "MOTE_LAYOUT_DIR is not set: board kernels are built by `cargo mote build --board <board>`, which lays out the image first"
        );
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for file in ["memory.x", "layout.rs", "mote-rodata-flash.x", "mote-rodata-ram.x"] {
        let src = dir.join(file);
        println!("cargo:rerun-if-changed={}", src.display());
        fs::copy(&src, out.join(file)).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    }
    println!("cargo:rustc-link-search={}", out.display());
    // No page alignment: the ELF headers must not be loaded below the kernel's flash.
    println!("cargo:rustc-link-arg-bins=--nmagic");
    println!("cargo:rustc-link-arg-bins=-T{linker_script}");
}

/// As [`use_layout`], for a chip whose boot ROM runs a boot block of `size` bytes from the start
/// of flash (the RP2040's second-stage boot loader, 256 bytes) before the kernel's vector table.
///
/// The kernel's flash reservation (`kernel.flash` in `board.toml`) still starts at the flash
/// origin and includes the block: `memory.x` is rewritten so that region `BOOT2` holds the first
/// `size` bytes, with the input sections `.boot2` (the board package provides the block there),
/// and `FLASH`, where cortex-m-rt puts the vector table, starts right after it:
///
/// ```text
/// flash origin                 + size
/// | BOOT2: .boot2 (boot block) | FLASH: vector table, .text, .rodata ... | processes ...
/// ```
pub fn use_layout_after_boot_block(linker_script: &str, size: u32) {
    use_layout(linker_script);
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = out.join("memory.x");
    let memory = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    fs::write(&path, with_boot_block(&memory, size).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Splits the `FLASH` region of a `memory.x` written by `cargo mote build` into `BOOT2` (`size`
/// bytes) and the rest, and places the `.boot2` sections in `BOOT2`.
fn with_boot_block(memory: &str, size: u32) -> Result<String, String> {
    let hex = |field: &str| -> Result<u32, String> {
        let value = field.trim().trim_end_matches(',');
        u32::from_str_radix(value.trim_start_matches("0x"), 16).map_err(|_| format!("cannot read {value:?} as a hexadecimal number"))
    };
    let mut text = String::new();
    let mut found = false;
    for line in memory.lines() {
        if let Some(rest) = line.trim().strip_prefix("FLASH : ORIGIN = ") {
            let (origin, length) = rest.split_once(", LENGTH = ").ok_or("the FLASH line has no LENGTH")?;
            let (origin, length) = (hex(origin)?, hex(length)?);
            if length <= size {
                return Err(format!("the kernel's flash ({length} bytes) leaves no room after a boot block of {size} bytes"));
            }
            text += &format!("  BOOT2 : ORIGIN = {origin:#010x}, LENGTH = {size:#x}\n");
            text += &format!("  FLASH : ORIGIN = {:#010x}, LENGTH = {:#x}\n", origin + size, length - size);
            found = true;
        } else {
            text += line;
            text += "\n";
        }
    }
    if !found {
        return Err("no `FLASH : ORIGIN = ..., LENGTH = ...` line".into());
    }
    text += "SECTIONS\n{\n  .boot2 ORIGIN(BOOT2) :\n  {\n    KEEP(*(.boot2));\n  } > BOOT2\n} INSERT BEFORE .text;\n";
    Ok(text)
}

/// The prefix of the Xtensa GNU tools (`xtensa-lx106-elf-`), or `MOTE_XTENSA_TOOLS` if set.
pub fn xtensa_tools() -> String {
    println!("cargo:rerun-if-env-changed=MOTE_XTENSA_TOOLS");
    env::var("MOTE_XTENSA_TOOLS").unwrap_or_else(|_| "xtensa-lx106-elf-".into())
}

/// Assembles `sources` (`.S` files relative to the package, run through the C preprocessor) with
/// the Xtensa GNU assembler into `lib<name>.a` in `OUT_DIR`, and links it into whatever depends on
/// this package. Rust has no Xtensa inline assembly, so Xtensa arch code and the user library's
/// syscall stub are assembled this way. The archive is not bundled into the rlib: the final link
/// is GNU ld's (see `sdk-cli/src/xtensa`).
pub fn assemble(name: &str, sources: &[&str]) {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let tools = xtensa_tools();
    let mut objects = Vec::new();
    for src in sources {
        println!("cargo:rerun-if-changed={src}");
        let obj = out.join(format!("{}.o", src.replace(['/', '.'], "_")));
        run(Command::new(format!("{tools}gcc")).args(["-c", "-x", "assembler-with-cpp", "-o"]).arg(&obj).arg(src));
        objects.push(obj);
    }
    let lib = out.join(format!("lib{name}.a"));
    let _ = fs::remove_file(&lib);
    run(Command::new(format!("{tools}ar")).arg("crs").arg(&lib).args(&objects));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static:-bundle={name}");
}

fn run(cmd: &mut Command) {
    let status = cmd.status().unwrap_or_else(|e| {
        panic!("cannot run {:?}: {e} (the Xtensa GNU tools come from Debian's binutils-xtensa-lx106 and gcc-xtensa-lx106; `cargo mote setup` installs them)", cmd.get_program())
    });
    assert!(status.success(), "{cmd:?} failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boot_block_comes_first_and_flash_after_it() {
        let memory = "MEMORY\n{\n  FLASH : ORIGIN = 0x10000000, LENGTH = 0x10000\n  RAM : ORIGIN = 0x20000000, LENGTH = 0x4000\n}\n";
        let text = with_boot_block(memory, 0x100).unwrap();
        assert!(text.contains("BOOT2 : ORIGIN = 0x10000000, LENGTH = 0x100\n"), "{text}");
        assert!(text.contains("FLASH : ORIGIN = 0x10000100, LENGTH = 0xff00\n"), "{text}");
        assert!(text.contains("RAM : ORIGIN = 0x20000000, LENGTH = 0x4000"), "{text}");
        assert!(text.contains("KEEP(*(.boot2))") && text.contains("INSERT BEFORE .text"), "{text}");
        assert!(with_boot_block("MEMORY {}", 0x100).is_err());
        assert!(with_boot_block(memory.replace("0x10000", "0x100").as_str(), 0x100).is_err(), "no room");
    }
}
