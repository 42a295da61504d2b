//! The static description of an image: where the kernel and each process live.
//!
//! `cargo mote build` generates one [`ImageDesc`] per image from the board's `board.toml`, the
//! image's `mote.toml`, each process's `process.toml` and the linked process ELF files. The kernel
//! never trusts it blindly: [`ImageDesc::check`] verifies at boot that every process's memory is
//! self-consistent, expressible by the protection unit, and disjoint from the kernel and the
//! other processes.
//!
//! Memory of one process (flash, then RAM; addresses grow to the right):
//!
//! ```text
//!   flash region                          RAM region
//!  +-----------------------+------+      +-----------+-------+-----+---------------+----+
//!  | .text .rodata         | .data|      | stack     | .data | .bss| heap (quota)  |    |
//!  |   entry --^           | image|      | <-grows   |       |     | grows ->      |    |
//!  +-----------------------+------+      +-----------+-------+-----+---------------+----+
//!  ^ flash.base   data_load ^            ^ ram.base  ^ stack top   ^ heap.base
//! ```
//!
//! The stack sits at the bottom of the RAM region, so a stack overflow runs into the region's
//! lower edge and faults in the protection unit instead of silently corrupting `.data`.

use core::fmt;

use mote_abi::LogLevel;
use mote_hal::{Arch, Region, RegionError};

use crate::priority::Priority;

/// A set of processes, by task index (images have at most 32 processes).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskSet(pub u32);

impl TaskSet {
    /// No process.
    pub const EMPTY: TaskSet = TaskSet(0);

    /// Whether process `i` is in the set.
    pub const fn contains(self, i: usize) -> bool {
        i < 32 && self.0 & (1 << i) != 0
    }
}

/// What a process may do to others, from the `[capabilities]` of its `process.toml`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Processes it may `send` to.
    pub send: TaskSet,
    /// Processes it may `spawn` (and, with `kill`, `restart`).
    pub spawn: TaskSet,
    /// Processes it may `kill` (and, with `spawn`, `restart`).
    pub kill: TaskSet,
    /// Processes whose memory it may read with `inspect` (a monitor's or debugger's right).
    pub inspect: TaskSet,
    /// Whether it may read the kernel log ring (`log_read`).
    pub log_read: bool,
}

/// What the kernel does when the process faults, from `[fault]` in its `process.toml`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FaultPolicy {
    /// Leave it stopped.
    Stop,
    /// Restart it at once, as long as it faulted at most `max_restarts` times in the last
    /// `window_us`; beyond that, wait `backoff_us` before restarting, doubling with every further
    /// fault in the window (up to 64 times `backoff_us`).
    Restart {
        /// Immediate restarts allowed per window.
        max_restarts: u8,
        /// The window, in microseconds.
        window_us: u64,
        /// The first delay once the window's budget is spent, in microseconds.
        backoff_us: u64,
    },
}

/// A device a process owns: its registers (mapped into the process) and its interrupt, which the
/// kernel delivers to the process as a notification bit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceDesc {
    /// Name, as the board's `board.toml` declares it.
    pub name: &'static str,
    /// Its register block.
    pub region: Region,
    /// Its interrupt line, if it has one.
    pub irq: Option<u32>,
    /// The notification bit its interrupt sets (0..31).
    pub notify_bit: u8,
    /// Urgency of its interrupt line: 1 (the most urgent a process may have) to 3; level 0 is
    /// the kernel clock's.
    pub irq_priority: u8,
}

/// A periodic (deadline-class) process's timing, from `[realtime]` in its `process.toml`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct RealtimeDesc {
    /// Time between job releases, in microseconds.
    pub period_us: u32,
    /// Each job's deadline, relative to its release (at most the period).
    pub deadline_us: u32,
    /// The worst-case time a job needs (for admission control).
    pub budget_us: u32,
    /// A process to notify of each missed deadline, and the notification bit.
    pub supervisor: Option<(u16, u8)>,
}

impl RealtimeDesc {
    /// The share of the CPU the process may need, in millionths: budget / min(deadline, period).
    pub const fn density_ppm(&self) -> u64 {
        let window = if self.deadline_us < self.period_us { self.deadline_us } else { self.period_us };
        if window == 0 {
            return u64::MAX;
        }
        (self.budget_us as u64 * 1_000_000).div_ceil(window as u64)
    }
}

/// Whether periodic processes with these densities (millionths of the CPU) can all meet their
/// deadlines under earliest-deadline-first scheduling: their sum is at most one CPU. (Exact when
/// deadlines equal periods; safe, perhaps pessimistic, when they are shorter.)
pub fn admissible(densities: impl Iterator<Item = u64>) -> bool {
    densities.fold(0u64, |sum, d| sum.saturating_add(d)) <= 1_000_000
}

/// Most devices one process may own.
pub const MAX_DEVICES: usize = mote_hal::MAX_PROCESS_REGIONS - 2;

/// One process of the image, as laid out by the build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessDesc {
    /// Name, from `process.toml` (at most [`mote_abi::MAX_NAME_LEN`] bytes).
    pub name: &'static str,
    /// Scheduling priority.
    pub priority: Priority,
    /// Flash holding the process's code, constants and the initial image of `.data`.
    pub flash: Region,
    /// RAM holding stack, `.data`, `.bss` and heap.
    pub ram: Region,
    /// Address of the first instruction.
    pub entry: usize,
    /// The stack, at the bottom of `ram`; the initial stack pointer is `stack.end()`.
    pub stack: Region,
    /// Where `.data` lives at run time (inside `ram`).
    pub data: Region,
    /// Where the initial contents of `.data` are stored (inside `flash`).
    pub data_load: usize,
    /// `.bss`, zeroed at start (inside `ram`).
    pub bss: Region,
    /// The heap quota, after `.bss` (inside `ram`); grown by `heap_grow`.
    pub heap: Region,
    /// Whether the kernel starts it at boot (otherwise a supervisor `spawn`s it).
    pub start_at_boot: bool,
    /// What happens when it faults.
    pub fault_policy: FaultPolicy,
    /// What it may do to other processes.
    pub capabilities: Capabilities,
    /// Its records less severe than this are dropped.
    pub log_level: LogLevel,
    /// The devices it owns.
    pub devices: &'static [DeviceDesc],
    /// Periodic timing, for a deadline-class process (periodic from its start).
    pub realtime: Option<RealtimeDesc>,
}

/// What kind of synchronisation object, and its parameters.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A mutex with priority inheritance.
    Mutex,
    /// A counting semaphore.
    Semaphore {
        /// Units available at start.
        initial: u32,
        /// Most units it may hold.
        max: u32,
    },
    /// 32 event flags.
    EventFlags,
    /// A queue of fixed-size messages, stored in the kernel's queue arena.
    Queue {
        /// Largest message, in bytes.
        message_size: u16,
        /// Messages it holds.
        depth: u16,
        /// Where its storage starts in the arena.
        offset: u32,
    },
}

/// A synchronisation object of the image, from `mote.toml`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ObjectDesc {
    /// Name processes look it up by.
    pub name: &'static str,
    /// What it is.
    pub kind: ObjectKind,
    /// The processes that may use it.
    pub users: TaskSet,
}

impl ObjectDesc {
    /// Bytes one queue slot takes in the arena: a 2-byte length, then the message.
    pub const fn slot_size(message_size: u16) -> usize {
        2 + message_size as usize
    }
}

/// The whole image: the kernel's own memory, the process table (`N` processes) and the
/// synchronisation objects (`M` objects, whose queues need `Q` bytes of kernel RAM).
#[derive(Clone, Debug)]
pub struct ImageDesc<const N: usize, const M: usize = 0, const Q: usize = 0> {
    /// Name of the image (from `mote.toml`).
    pub name: &'static str,
    /// Flash reserved for the kernel.
    pub kernel_flash: Region,
    /// RAM reserved for the kernel (its stack and statics).
    pub kernel_ram: Region,
    /// Round-robin time slice among equally important processes, in microseconds (0: none;
    /// equals then take turns only when one yields or blocks).
    pub time_slice_us: u32,
    /// The processes, in task-index order.
    pub processes: [ProcessDesc; N],
    /// The synchronisation objects, by handle.
    pub objects: [ObjectDesc; M],
}

/// What is wrong with an image description, and in which process.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LayoutError {
    /// The process concerned (`"kernel"` for the kernel's own regions).
    pub process: &'static str,
    /// What is wrong.
    pub problem: &'static str,
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "process '{}': {}", self.process, self.problem)
    }
}

impl<const N: usize, const M: usize, const Q: usize> ImageDesc<N, M, Q> {
    /// Verifies the description before any process runs.
    pub fn check(&self, arch: &impl Arch) -> Result<(), LayoutError> {
        let err = |process, problem| Err(LayoutError { process, problem });
        if self.kernel_flash.overlaps(&self.kernel_ram) {
            return err("kernel", "kernel flash and RAM overlap");
        }
        for (i, p) in self.processes.iter().enumerate() {
            if p.name.is_empty() || p.name.len() > mote_abi::MAX_NAME_LEN {
                return err(p.name, "name is empty or longer than 16 bytes");
            }
            for region in [p.flash, p.ram] {
                match arch.check_region(region) {
                    Ok(()) => {}
                    Err(RegionError::Misaligned) => {
                        return err(p.name, "region not expressible by the protection unit")
                    }
                    Err(RegionError::Wraps) => return err(p.name, "region wraps the address space"),
                }
                if region.overlaps(&self.kernel_flash) || region.overlaps(&self.kernel_ram) {
                    return err(p.name, "region overlaps the kernel");
                }
            }
            if p.flash.overlaps(&p.ram) {
                return err(p.name, "flash and RAM regions overlap");
            }
            if !p.flash.contains_range(p.entry, 2) {
                return err(p.name, "entry point outside its flash");
            }
            if p.stack.base != p.ram.base || !p.ram.contains_range(p.stack.base, p.stack.size) {
                return err(p.name, "stack not at the bottom of its RAM");
            }
            if p.stack.size == 0 || p.stack.end() % 8 != 0 {
                return err(p.name, "stack empty or its top not 8-byte aligned");
            }
            if !p.ram.contains_range(p.heap.base, p.heap.size) || p.heap.base < p.bss.end() || p.heap.base < p.data.end() {
                return err(p.name, "heap outside its RAM or below .data/.bss");
            }
            if usize::from(p.priority.0) >= crate::ready::LEVELS {
                return err(p.name, "priority not 0 to 31");
            }
            let caps = p.capabilities;
            let limit = if N >= 32 { u32::MAX } else { (1u32 << N) - 1 };
            if N > mote_abi::MAX_PROCESSES || (caps.send.0 | caps.spawn.0 | caps.kill.0) & !limit != 0 {
                return err(p.name, "capability names a process outside the image");
            }
            if !p.ram.contains_range(p.data.base, p.data.size)
                || !p.ram.contains_range(p.bss.base, p.bss.size)
                || p.data.overlaps(&p.stack)
                || p.bss.overlaps(&p.stack)
                || p.bss.overlaps(&p.data)
            {
                return err(p.name, ".data or .bss outside its RAM or overlapping the stack");
            }
            if !p.flash.contains_range(p.data_load, p.data.size) {
                return err(p.name, "initial .data image outside its flash");
            }
            if p.devices.len() > MAX_DEVICES {
                return err(p.name, "more than two devices");
            }
            for (k, d) in p.devices.iter().enumerate() {
                if arch.check_region(d.region).is_err() {
                    return err(p.name, "device region not expressible by the protection unit");
                }
                let memory = [self.kernel_flash, self.kernel_ram, p.flash, p.ram];
                if memory.iter().any(|m| m.overlaps(&d.region)) {
                    return err(p.name, "device region overlaps memory");
                }
                if d.notify_bit >= 32 || p.devices[..k].iter().any(|e| e.notify_bit == d.notify_bit) {
                    return err(p.name, "device notification bit out of range or used twice");
                }
                if !(1..=3).contains(&d.irq_priority) {
                    return err(p.name, "device interrupt priority not 1 to 3");
                }
            }
            for other in &self.processes[..i] {
                if other.name == p.name {
                    return err(p.name, "two processes share this name");
                }
                for d in p.devices {
                    let shared_irq = |e: &DeviceDesc| d.irq.is_some() && e.irq == d.irq;
                    if other.devices.iter().any(|e| e.region.overlaps(&d.region) || shared_irq(e)) {
                        return err(p.name, "device owned by another process too");
                    }
                }
                for a in [p.flash, p.ram] {
                    for b in [other.flash, other.ram] {
                        if a.overlaps(&b) {
                            return err(p.name, "region overlaps another process");
                        }
                    }
                }
            }
        }
        // A kernel built without a service (see Cargo.toml's features) refuses an image that
        // declares a use of it: `cargo mote build` derives the features from these declarations.
        let declared = |uses: fn(&ProcessDesc) -> bool| self.processes.iter().any(uses);
        let has = |kind: fn(&ObjectKind) -> bool| self.objects.iter().any(|o| kind(&o.kind));
        let left_out = [
            (cfg!(feature = "realtime") || !declared(|p| p.realtime.is_some()), "periodic process, kernel without `realtime`"),
            (cfg!(feature = "ipc") || !declared(|p| p.capabilities.send.0 != 0), "send capability, kernel without `ipc`"),
            (cfg!(feature = "devices") || !declared(|p| !p.devices.is_empty()), "device claimed, kernel without `devices`"),
            (
                cfg!(feature = "process-control") || !declared(|p| p.capabilities.spawn.0 | p.capabilities.kill.0 != 0),
                "spawn or kill capability, kernel without `process-control`",
            ),
            (cfg!(feature = "log-read") || !declared(|p| p.capabilities.log_read), "log_read capability, kernel without `log-read`"),
            (cfg!(feature = "mutex") || !has(|k| matches!(k, ObjectKind::Mutex)), "mutex, kernel without `mutex`"),
            (cfg!(feature = "semaphore") || !has(|k| matches!(k, ObjectKind::Semaphore { .. })), "semaphore, kernel without `semaphore`"),
            (cfg!(feature = "flags") || !has(|k| matches!(k, ObjectKind::EventFlags)), "event flags, kernel without `flags`"),
            (cfg!(feature = "queue") || !has(|k| matches!(k, ObjectKind::Queue { .. })), "queue, kernel without `queue`"),
        ];
        if let Some((_, problem)) = left_out.iter().find(|(built_in, _)| !built_in) {
            return err("kernel", problem);
        }
        let periodic = self.processes.iter().filter_map(|p| p.realtime);
        if periodic.clone().any(|r| r.budget_us == 0 || r.budget_us > r.deadline_us || r.deadline_us > r.period_us)
            || !admissible(periodic.map(|r| r.density_ppm()))
        {
            return err("kernel", "periodic processes with bad timing, or more than the CPU can schedule");
        }
        let limit = if N >= 32 { u32::MAX } else { (1u32 << N) - 1 };
        for (k, o) in self.objects.iter().enumerate() {
            if o.users.0 & !limit != 0 || self.objects[..k].iter().any(|e| e.name == o.name) {
                return err("kernel", "object with a duplicate name or a user outside the image");
            }
            match o.kind {
                ObjectKind::Semaphore { initial, max } if initial > max || max == 0 => {
                    return err("kernel", "semaphore whose initial count exceeds its maximum");
                }
                ObjectKind::Queue { message_size, depth, offset } => {
                    let end = offset as usize + depth as usize * ObjectDesc::slot_size(message_size);
                    if message_size == 0 || depth == 0 || end > Q {
                        return err("kernel", "queue outside the kernel's queue storage");
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}
