//! Takes the image layout that `cargo mote build` generated (see `mote-bsp-build`).

fn main() {
    mote_bsp_build::use_layout("link.x");
}
