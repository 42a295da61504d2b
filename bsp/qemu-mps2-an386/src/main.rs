//! The Mote kernel for QEMU's MPS2 AN386 board (Cortex-M4): console on CMSDK UART0, clock on CMSDK
//! TIMER0 and TIMER1, exit through semihosting (see `mote-bsp-mps2`).

#![no_std]
#![no_main]

mote_bsp_mps2::kernel!(mote_bsp_mps2::AN386, "qemu-mps2-an386");
