//! The process heap (feature `heap`): a global allocator in the process's own RAM.
//!
//! The heap starts empty at the end of `.bss` and grows with the `heap_grow` syscall, within the
//! `heap` quota of `process.toml`; past the quota, allocation fails (and `alloc` reports it as an
//! allocation error, which panics the process: the kernel then applies its fault policy).
//! The free list is `linked_list_allocator`'s.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::{self, NonNull};

use linked_list_allocator::Heap;
use mote_abi::Sysno;

use crate::arch::syscall;

/// Smallest growth step: fewer syscalls for many small allocations.
const GROW_STEP: usize = 256;

/// The global allocator.
pub struct ProcessHeap {
    heap: UnsafeCell<Heap>,
    started: UnsafeCell<bool>,
}

// SAFETY: a Mote process is a single thread of execution (no threads, no signal handlers), so
// the allocator is never entered concurrently.
unsafe impl Sync for ProcessHeap {}

impl ProcessHeap {
    const fn new() -> Self {
        Self { heap: UnsafeCell::new(Heap::empty()), started: UnsafeCell::new(false) }
    }
}

/// Asks the kernel for `bytes` more heap; returns the old end, or `None` past the quota.
fn grow(bytes: usize) -> Option<usize> {
    let r = syscall(Sysno::HeapGrow, [bytes, 0, 0, 0, 0, 0, 0]);
    (r[0] == 0).then_some(r[1])
}

/// How many bytes are allocated and how many the heap has grown to.
pub fn usage() -> (usize, usize) {
    // SAFETY: single-threaded (see `Sync`); a shared read of the heap's counters.
    let heap = unsafe { &*HEAP.heap.get() };
    (heap.used(), heap.size())
}

// SAFETY: `alloc` returns either null or a block from the free list, which hands out each byte
// to one allocation at a time, inside memory the kernel granted to this heap.
unsafe impl GlobalAlloc for ProcessHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: single-threaded (see `Sync`): this is the only reference while it lives.
        let (heap, started) = unsafe { (&mut *self.heap.get(), &mut *self.started.get()) };
        loop {
            if let Ok(p) = heap.allocate_first_fit(layout) {
                return p.as_ptr();
            }
            let want = (layout.size() + layout.align()).max(GROW_STEP).next_multiple_of(8);
            let Some(old_end) = grow(want) else { return ptr::null_mut() };
            if !*started {
                // SAFETY: the kernel just granted `[old_end, old_end + want)`, inside this
                // process's RAM region and used by nothing else.
                unsafe { heap.init(old_end as *mut u8, want) };
                *started = true;
            } else {
                // SAFETY: the granted bytes follow the heap's current top directly.
                unsafe { heap.extend(want) };
            }
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: single-threaded; `p` came from `alloc` with this `layout` (GlobalAlloc contract).
        let heap = unsafe { &mut *self.heap.get() };
        if let Some(p) = NonNull::new(p) {
            unsafe { heap.deallocate(p, layout) };
        }
    }
}

#[global_allocator]
static HEAP: ProcessHeap = ProcessHeap::new();
