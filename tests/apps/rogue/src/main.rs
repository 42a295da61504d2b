//! Isolation test: writes one word just past the end of this process's RAM region, which belongs
//! to another process or to nobody. The protection unit must stop the write; the kernel must
//! report the fault and keep the other processes running. If the write goes through, it says so.

#![no_std]
#![no_main]

mote::entry!(main);

fn main() {
    let target = mote::memory::ram().end as *mut u32;
    mote::info!("writing to {:#010x}, outside my memory", target as usize);
    // SAFETY: none; this is the attack under test. The protection unit must refuse the store.
    unsafe { target.write_volatile(0xdead_beef) };
    mote::error!("the write went through: isolation broken");
}
