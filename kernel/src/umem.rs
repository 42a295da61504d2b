//! Process memory: the one way in.
//!
//! Every address a process hands the kernel is an *allegation*. This module is the only place
//! that turns one into memory the kernel touches: [`UserRead::new`] and [`UserWrite::new`] check the
//! whole range against the process's regions and the access asked for, with overflow and
//! wrap-around checks, and everything else in the kernel works with the resulting ranges, which
//! cannot be forged outside this module (their fields are private).
//!
//! It is also the only module of the kernel with `unsafe` code. The argument for its soundness:
//!
//! * a checked range lies inside a region of one process ([`ProcessDesc::regions`]), and
//!   [`crate::ImageDesc::check`] proved at boot that process regions are disjoint from the
//!   kernel's own memory and from each other, so no Rust object of the kernel aliases it;
//! * the kernel runs only while every process is stopped (one core, and a process only runs
//!   inside [`mote_hal::Arch::run`]), so nothing else accesses process memory while we do;
//! * accesses go through raw-pointer copies, never long-lived references.

use core::ptr;

use mote_abi::SyscallError;
use mote_hal::{Access, Region, MAX_PROCESS_REGIONS};

use crate::descriptor::ProcessDesc;

impl ProcessDesc {
    /// The memory a process may access, with its rights: what syscall arguments may point to.
    /// The protection unit is programmed from this list (and the devices), and the checks here
    /// validate against it, so the two cannot disagree.
    pub fn memory_regions(&self) -> [(Region, Access); 2] {
        [(self.flash, Access::READ_EXECUTE), (self.ram, Access::READ_WRITE)]
    }

    /// Everything the protection unit lets the process reach: its memory, then its devices'
    /// registers (which syscall arguments may never point to: the kernel does not touch devices
    /// on a process's behalf). Returns the array and how much of it is used.
    pub fn protection_regions(&self) -> ([(Region, Access); MAX_PROCESS_REGIONS], usize) {
        let mut out = [(Region { base: 0, size: 0 }, Access::READ_ONLY); MAX_PROCESS_REGIONS];
        let memory = self.memory_regions();
        out[..2].copy_from_slice(&memory);
        let mut n = 2;
        for d in self.devices.iter().take(MAX_PROCESS_REGIONS - 2) {
            out[n] = (d.region, Access::DEVICE);
            n += 1;
        }
        (out, n)
    }
}

/// A byte range of one process's memory that the process may read.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct UserRead {
    addr: usize,
    len: usize,
}

/// A byte range of one process's memory that the process may write (and read).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct UserWrite {
    addr: usize,
    len: usize,
}

/// Checks `[addr, addr + len)` against the regions of `desc` for `access`. An empty range is
/// always valid (nothing is accessed) and is normalised to address 0.
fn check(desc: &ProcessDesc, addr: usize, len: usize, access: Access) -> Result<(usize, usize), SyscallError> {
    if len == 0 {
        return Ok((0, 0));
    }
    let allowed = desc
        .memory_regions()
        .iter()
        .any(|(region, rights)| rights.allows(access) && region.contains_range(addr, len));
    if allowed {
        Ok((addr, len))
    } else {
        Err(SyscallError::BadAddress)
    }
}

impl UserRead {
    /// The empty range.
    pub const EMPTY: UserRead = UserRead { addr: 0, len: 0 };

    /// Validates `[addr, addr + len)` as memory the process of `desc` may read: it must lie
    /// entirely within one of its readable regions.
    pub fn new(desc: &ProcessDesc, addr: usize, len: usize) -> Result<Self, SyscallError> {
        check(desc, addr, len, Access::READ_ONLY).map(|(addr, len)| Self { addr, len })
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the range is empty.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The part of the range from `offset` on, at most `len` bytes long; `None` if `offset` is
    /// past the end.
    pub fn sub(&self, offset: usize, len: usize) -> Option<UserRead> {
        let rest = self.len.checked_sub(offset)?;
        Some(if rest == 0 { Self::EMPTY } else { Self { addr: self.addr + offset, len: len.min(rest) } })
    }

    /// Copies the start of the range into `out`; returns how many bytes were copied.
    pub fn read_into(&self, out: &mut [u8]) -> usize {
        let n = self.len.min(out.len());
        if n > 0 {
            // SAFETY: `[addr, addr + len)` was validated as readable process memory, disjoint
            // from kernel memory (module comment); `out` is a kernel buffer of at least `n` bytes.
            unsafe { read_process(self.addr, out.as_mut_ptr(), n) };
        }
        n
    }

    /// Copies from this range (one process) into `dst` (another process); returns the number of
    /// bytes copied, `min(self.len(), dst.len())`.
    pub fn copy_to(&self, dst: &UserWrite) -> usize {
        let n = self.len.min(dst.len);
        if n > 0 {
            // SAFETY: the source was validated readable and the destination writable; they
            // belong to different processes, whose regions `ImageDesc::check` proved disjoint.
            // On the host `ptr::copy` is used anyway, so that even an overlap could not be
            // undefined behaviour; on a device the source may be word-only memory.
            unsafe {
                if cfg!(target_os = "none") {
                    read_process(self.addr, dst.addr as *mut u8, n)
                } else {
                    ptr::copy(self.addr as *const u8, dst.addr as *mut u8, n)
                }
            };
        }
        n
    }
}

/// Copies `n` bytes of process memory at `src` to `dst`.
///
/// On a device (`target_os = "none"`) it loads only aligned words, each holding bytes of the
/// range: a process may pass a pointer into its flash, and on Espressif chips flash (and
/// instruction RAM) answers nothing but aligned 32-bit loads. Such a word never leaves the
/// process's region, whose base and size are multiples of 4 on every board (`min_region` is at
/// least 4). On the host, where the tests' process memory has no such alignment, it copies bytes.
///
/// # Safety
///
/// `[src, src + n)` must be validated, readable process memory and `dst` valid for `n` bytes of
/// writes, not overlapping it.
unsafe fn read_process(src: usize, dst: *mut u8, n: usize) {
    if !cfg!(target_os = "none") {
        // SAFETY: as the caller promises.
        unsafe { ptr::copy_nonoverlapping(src as *const u8, dst, n) };
        return;
    }
    let mut done = 0;
    while done < n {
        let at = src + done;
        // SAFETY: the aligned word holding byte `at` lies in the same region (see above).
        let word = unsafe { ((at & !3) as *const u32).read_volatile() }.to_ne_bytes();
        let first = at & 3;
        let take = (4 - first).min(n - done);
        for k in 0..take {
            // SAFETY: `done + k < n`, inside `dst` as the caller promises.
            unsafe { dst.add(done + k).write(word[first + k]) };
        }
        done += take;
    }
}

impl UserWrite {
    /// Validates `[addr, addr + len)` as memory the process of `desc` may write: it must lie
    /// entirely within one of its writable regions.
    pub fn new(desc: &ProcessDesc, addr: usize, len: usize) -> Result<Self, SyscallError> {
        check(desc, addr, len, Access::READ_WRITE).map(|(addr, len)| Self { addr, len })
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// The part of the range from `offset` on, at most `len` bytes long; `None` if `offset` is
    /// past the end.
    pub fn sub(&self, offset: usize, len: usize) -> Option<UserWrite> {
        let rest = self.len.checked_sub(offset)?;
        Some(if rest == 0 { Self { addr: 0, len: 0 } } else { Self { addr: self.addr + offset, len: len.min(rest) } })
    }

    /// The same range, to be read.
    pub const fn as_read(&self) -> UserRead {
        UserRead { addr: self.addr, len: self.len }
    }

    /// Copies `data` to the start of the range; returns how many bytes were copied.
    pub fn write_from(&self, data: &[u8]) -> usize {
        self.write_at(0, data)
    }

    /// Copies `data` to the range at `offset`; returns how many bytes were copied (none past the
    /// end of the range).
    pub fn write_at(&self, offset: usize, data: &[u8]) -> usize {
        let n = self.len.saturating_sub(offset).min(data.len());
        if n > 0 {
            // SAFETY: `[addr + offset, addr + offset + n)` lies inside the range (n is clamped to
            // what remains after `offset`), which was validated as writable process memory,
            // disjoint from the kernel's; `data` is kernel memory of at least `n` bytes.
            unsafe { ptr::copy_nonoverlapping(data.as_ptr(), (self.addr + offset) as *mut u8, n) };
        }
        n
    }
}

/// The words the hardware saved on a process's stack when it trapped (Cortex-M), copied into the
/// kernel so the arch layer can read and update them without touching process memory itself.
#[derive(Clone, Debug)]
pub struct StackedWords {
    addr: usize,
    words: [usize; Self::MAX],
    count: usize,
}

impl StackedWords {
    /// Largest hardware frame any supported architecture pushes.
    pub const MAX: usize = 8;

    /// Reads `count` words at `sp`, which must be writable memory of the process.
    pub fn read(desc: &ProcessDesc, sp: usize, count: usize) -> Result<Self, SyscallError> {
        if count > Self::MAX || sp % core::mem::align_of::<usize>() != 0 {
            return Err(SyscallError::BadAddress);
        }
        let bytes = count * core::mem::size_of::<usize>();
        // What `check` would find for `Access::READ_WRITE`, without the search: the process's
        // RAM is its only writable region (`ProcessDesc::memory_regions`).
        if bytes > 0 && !desc.ram.contains_range(sp, bytes) {
            return Err(SyscallError::BadAddress);
        }
        let addr = sp;
        let mut words = [0usize; Self::MAX];
        if bytes > 0 {
            // SAFETY: `range` is validated, writable (so readable) process memory of `bytes`
            // bytes, aligned for `usize` (checked above); `words` has room for `MAX >= count`.
            unsafe { ptr::copy_nonoverlapping(sp as *const usize, words.as_mut_ptr(), count) };
        }
        Ok(Self { addr, words, count })
    }

    /// The saved words.
    pub fn words_mut(&mut self) -> &mut [usize] {
        &mut self.words[..self.count]
    }

    /// The saved words.
    pub fn words(&self) -> &[usize] {
        &self.words[..self.count]
    }

    /// Writes the first `n` (possibly updated) words back to the process's stack: the others
    /// stay as they are there (the caller's memory may have changed since they were read).
    pub fn write_back_first(&self, n: usize) {
        // Word by word, as a handful of stores: LLVM turns a copy here into a call of the
        // general `memmove` (1.6 KB of flash for four words).
        for (k, word) in self.words[..n.min(self.count)].iter().enumerate() {
            // SAFETY: word `k` of the validated, aligned, writable range that `read` copied from.
            unsafe { (self.addr as *mut usize).add(k).write_volatile(*word) };
        }
    }

    /// Writes the (possibly updated) words back to the process's stack.
    pub fn write_back(&self) {
        self.write_back_first(self.count);
    }
}

/// Puts a process's RAM in its initial state: all zero, then `.data` copied from its flash image.
/// Used at start and at every restart, so a restarted process never sees its old state.
pub fn initialize_ram(desc: &ProcessDesc) {
    // SAFETY: `desc` passed `ImageDesc::check`: `ram` is the process's own RAM, disjoint from
    // the kernel; `data` lies inside `ram` and `data_load .. + data.size` inside its flash, which
    // does not overlap its RAM. The process is not running.
    unsafe { ptr::write_bytes(desc.ram.base as *mut u8, 0, desc.ram.size) };
    // In whole aligned words where the linker script made them so (always), because some flash
    // is readable no other way (Espressif instruction memory); `memcpy` may use byte loads.
    let words = if desc.data_load % 4 == 0 && desc.data.base % 4 == 0 { desc.data.size / 4 } else { 0 };
    for k in 0..words {
        // SAFETY: as above; `k * 4 + 4 <= data.size`, and both addresses are word-aligned.
        unsafe {
            let word = ((desc.data_load + 4 * k) as *const u32).read_volatile();
            ((desc.data.base + 4 * k) as *mut u32).write_volatile(word);
        }
    }
    let done = 4 * words;
    // SAFETY: as above; the rest of the range, if any.
    unsafe {
        ptr::copy_nonoverlapping(
            (desc.data_load + done) as *const u8,
            (desc.data.base + done) as *mut u8,
            desc.data.size - done,
        )
    };
}
