//! What each test process does, in each test. Priorities (in the processes' `process.toml`):
//! `tm-worker` 10, `tm-preempt-1` to `-4` 9 to 6, `tm-coop-0` to `-4` 3, `tm-isr` 1 (above every
//! thread and the reporter, as an interrupt handler is).

use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use mote::block_pool::BlockPool;
use mote::sync::{Queue, Semaphore};
use mote::{Duration, TaskId};

use crate::{IRQ_BIT, RESUME};

/// The one counter of this process, read by the reporter with `inspect`.
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The array of the basic-processing test.
static ARRAY: [AtomicU32; 1024] = [const { AtomicU32::new(0) }; 1024];

/// A test process's part in the test being run, given by the reporter's reply (its code).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Role {
    /// Basic processing: the array loop.
    Basic = 1,
    /// Cooperative context switch: `yield`, count.
    Cooperative,
    /// Preemptive context switch, thread 0: resume thread 1 (`tm-preempt-1`), count.
    PreemptFirst,
    /// Preemptive context switch, threads 1 to 3: suspended; when resumed, resume the next
    /// thread, count and suspend again.
    PreemptMiddle,
    /// Preemptive context switch, thread 4: when resumed, count and suspend again.
    PreemptLast,
    /// Interrupt processing, the thread: raise the interrupt, take the semaphore, count.
    IrqThread,
    /// Interrupt processing, the handler: count, give the semaphore.
    IrqGive,
    /// Interrupt preemption, thread 1: raise the interrupt, count.
    IrqPreemptThread,
    /// Interrupt preemption, the handler: count, resume thread 0 (`tm-coop-0`).
    IrqResume,
    /// Interrupt preemption, thread 0: when resumed, count and suspend again.
    IrqResumed,
    /// Message processing: send a 16-byte message to a queue, receive it back, check it, count.
    Message,
    /// Synchronization processing: take a semaphore, give it back, count.
    Synchronization,
    /// Memory allocation: allocate a 128-byte block from a block pool, free it, count.
    Memory,
}

impl Role {
    /// Every role, in code order.
    const ALL: [Role; 13] = [
        Role::Basic,
        Role::Cooperative,
        Role::PreemptFirst,
        Role::PreemptMiddle,
        Role::PreemptLast,
        Role::IrqThread,
        Role::IrqGive,
        Role::IrqPreemptThread,
        Role::IrqResume,
        Role::IrqResumed,
        Role::Message,
        Role::Synchronization,
        Role::Memory,
    ];

    /// The role with code `code`.
    pub fn from_code(code: u32) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| *r as u32 == code)
    }
}

/// `counter++`, as the tests' `volatile` counters do it.
#[inline(always)]
fn count() {
    COUNTER.store(COUNTER.load(Relaxed).wrapping_add(1), Relaxed);
}

fn task(name: &str) -> TaskId {
    mote::find(name).expect("every Thread-Metric process is in the image")
}

/// Suspends the caller until another thread resumes it.
#[inline(always)]
fn suspend() {
    mote::notify_wait(RESUME, None).expect("suspend");
}

/// The main function of every test process: register, then play the role the reporter gives.
/// The reply's code is the role, its bytes the name of the peer the role acts on, if any.
pub fn thread() {
    let reporter = task("tm-reporter");
    let address = (&COUNTER as *const AtomicU32 as usize).to_ne_bytes();
    let mut name = [0u8; mote::MAX_NAME_LEN];
    let (code, len) = mote::send(reporter, 0, &address, &mut name).expect("register with tm-reporter");
    let peer = || task(core::str::from_utf8(&name[..len]).expect("a process name"));
    match Role::from_code(code).expect("a role the reporter knows") {
        Role::Basic => basic(),
        Role::Cooperative => loop {
            mote::yield_now();
            count();
        },
        Role::PreemptFirst => {
            let next = peer();
            loop {
                mote::notify(next, RESUME).expect("resume");
                count();
            }
        }
        Role::PreemptMiddle => {
            let next = peer();
            loop {
                suspend();
                mote::notify(next, RESUME).expect("resume");
                count();
            }
        }
        Role::PreemptLast | Role::IrqResumed => loop {
            suspend();
            count();
        },
        Role::IrqThread => irq_thread(peer()),
        Role::IrqGive => {
            let sem = Semaphore::find("tm-irq").expect("semaphore tm-irq");
            irq_handler(|| sem.post().expect("give"))
        }
        Role::IrqPreemptThread => {
            let isr = peer();
            loop {
                mote::irq_raise(isr, IRQ_BIT).expect("raise");
                count();
            }
        }
        Role::IrqResume => {
            let thread_0 = peer();
            irq_handler(|| mote::notify(thread_0, RESUME).expect("resume"))
        }
        Role::Message => message(),
        Role::Synchronization => {
            let sem = Semaphore::find("tm-sync").expect("semaphore tm-sync");
            loop {
                sem.wait(Some(Duration::ZERO)).expect("take");
                sem.post().expect("give");
                count();
            }
        }
        Role::Memory => memory(),
    }
}

/// In a function of its own, so that only `tm-worker` needs stack for the pool (2 KiB).
#[inline(never)]
fn memory() -> ! {
    let mut pool: BlockPool<128, 16> = BlockPool::new();
    loop {
        let block = black_box(&mut pool).alloc().expect("allocate");
        assert!(black_box(&mut pool).free(block), "free");
        count();
    }
}

fn basic() -> ! {
    loop {
        for a in &ARRAY {
            let v = a.load(Relaxed);
            a.store(v.wrapping_add(COUNTER.load(Relaxed)) ^ v, Relaxed);
        }
        count();
    }
}

fn irq_thread(isr: TaskId) -> ! {
    let sem = Semaphore::find("tm-irq").expect("semaphore tm-irq");
    sem.wait(None).expect("take");
    loop {
        mote::irq_raise(isr, IRQ_BIT).expect("raise");
        sem.wait(None).expect("take");
        count();
    }
}

/// The interrupt handler: for each interrupt, count, act, and let the line interrupt again.
fn irq_handler(mut act: impl FnMut()) -> ! {
    loop {
        mote::notify_wait(IRQ_BIT, None).expect("interrupt");
        count();
        act();
        mote::irq_ack(IRQ_BIT).expect("acknowledge");
    }
}

fn message() -> ! {
    let queue = Queue::find("tm-queue").expect("queue tm-queue");
    // Four words; word 3 changes with every message.
    let mut sent = [0u8; 16];
    let mut received = [0u8; 16];
    let mut word_3 = 0u32;
    loop {
        word_3 = word_3.wrapping_add(1);
        sent[12..16].copy_from_slice(&word_3.to_ne_bytes());
        queue.send(&sent, None).expect("send");
        queue.receive(&mut received, None).expect("receive");
        if received[12..16] != sent[12..16] {
            mote::error!("message processing: received word 3 is wrong");
            mote::exit(1);
        }
        count();
    }
}
