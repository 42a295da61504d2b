//! Special registers and single instructions, through the leaf functions of `asm/sregs.S`
//! (upstream Rust has no Xtensa inline assembly).

extern "C" {
    fn mote_xtensa_ccount() -> u32;
    fn mote_xtensa_set_ccompare0(value: u32);
    fn mote_xtensa_interrupt() -> u32;
    fn mote_xtensa_intenable() -> u32;
    fn mote_xtensa_set_intenable(value: u32);
    fn mote_xtensa_wait();
    fn mote_xtensa_simcall(call: u32, a: u32, b: u32, c: u32) -> u32;
    fn mote_xtensa_ill();
}

/// The cycle counter `CCOUNT`.
pub fn ccount() -> u32 {
    // SAFETY: reads a special register; no memory is touched.
    unsafe { mote_xtensa_ccount() }
}

/// Sets `CCOMPARE0`, which also clears the timer interrupt.
pub fn set_ccompare0(value: u32) {
    // SAFETY: the timer compare register belongs to the kernel's clock, its only user.
    unsafe { mote_xtensa_set_ccompare0(value) }
}

/// The pending interrupts (`INTERRUPT`).
pub fn interrupt() -> u32 {
    // SAFETY: reads a special register.
    unsafe { mote_xtensa_interrupt() }
}

/// The enabled interrupts (`INTENABLE`).
pub fn intenable() -> u32 {
    // SAFETY: reads a special register.
    unsafe { mote_xtensa_intenable() }
}

/// Sets `INTENABLE`.
pub fn set_intenable(value: u32) {
    // SAFETY: which interrupts are enabled only decides what can trap a process (and wake the
    // kernel from `waiti`); the kernel itself runs with level-1 interrupts masked.
    unsafe { mote_xtensa_set_intenable(value) }
}

/// `waiti 0`: sleeps until an enabled interrupt is pending, which the kernel vector returns from
/// with interrupts masked again (the interrupt stays pending).
pub fn wait() {
    // SAFETY: see `asm/vectors.S`, `kernel_exception`: the interrupt is taken and returned from
    // without touching any state but PS, which is the kernel's again afterwards.
    unsafe { mote_xtensa_wait() }
}

/// A simulator call (`simcall`, QEMU's semihosting) with its arguments in `a2`..`a5`.
///
/// # Safety
///
/// The call may read or write memory its arguments designate: the caller must pass valid ones.
pub unsafe fn simcall(call: u32, a: u32, b: u32, c: u32) -> u32 {
    // SAFETY: the caller guarantees the arguments, as this function's contract says.
    unsafe { mote_xtensa_simcall(call, a, b, c) }
}

/// Executes an illegal instruction (`ill`).
pub fn illegal_instruction() {
    // SAFETY: the exception is the point; the kernel vector reports it as a kernel fault.
    unsafe { mote_xtensa_ill() }
}
