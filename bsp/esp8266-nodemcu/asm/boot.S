/* The ESP8266's entry from the boot ROM, in instruction RAM: maps the flash into the address
 * space (irom0 at 0x4020_0000, through the flash cache) with the ROM's Cache_Read_Enable, then
 * jumps to the kernel's `_start` there. The ROM copied only this stub from the image; the
 * kernel and the processes run from flash. */
    .section .text.mote_esp8266_boot, "ax"
    .balign 4
.Lcache_read_enable:
    .word   0x40004678                  /* ROM: Cache_Read_Enable(odd_even, mb_count, size) */
.Lstart:
    .word   _start
    .global mote_esp8266_boot
    .type   mote_esp8266_boot, @function
mote_esp8266_boot:
    movi    a2, 0                       /* the even 2 MiB half of the flash */
    movi    a3, 0                       /* its first MiB, at 0x4020_0000..0x4030_0000 */
    movi    a4, 1                       /* 32 KiB of cache (0x4010_8000..0x4011_0000) */
    l32r    a0, .Lcache_read_enable
    callx0  a0
    l32r    a0, .Lstart
    jx      a0
