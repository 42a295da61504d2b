//! Takes the image layout that `cargo mote build` generated (see `mote-bsp-build`), with the
//! RP2040's 256-byte second-stage boot loader at the start of flash, before the vector table.

fn main() {
    mote_bsp_build::use_layout_after_boot_block("link.x", 256);
}
