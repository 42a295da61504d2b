//! Host tests of the whole kernel, with a scripted stand-in for the CPU.
//!
//! This module is the harness; the tests are in its submodules, by subject.
//!
//! Each fake process is a script of steps: write bytes into its own RAM, make a syscall, fault.
//! Process memory is ordinary host memory, so the real `umem` checks and copies run unchanged.

use std::boxed::Box;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::string::String;
use std::vec;
use std::vec::Vec;

use mote_abi::{Ending, LogLevel, ProcessRecord, ProcessState, Sysno, SyscallError, TaskId, Timeout};
use mote_hal::embedded_io;
use mote_hal::{Access, Arch, Board, Clock, ExitStatus, Fault, FaultKind, InterruptController, MemoryProtection, ProtectionInfo, Region, RegionError, Trap, UserContext};

use crate::descriptor::{Capabilities, DeviceDesc, FaultPolicy, ImageDesc, ObjectDesc, ObjectKind, ProcessDesc, RealtimeDesc, TaskSet};
use crate::process::State;
use crate::{Kernel, Priority};

/// An argument of a scripted call.
#[derive(Clone, Copy, Debug)]
pub(super) enum Arg {
    /// A plain value.
    Val(usize),
    /// The address at this offset in the caller's RAM.
    Ram(usize),
    /// The address at this offset in the caller's flash.
    Flash(usize),
    /// The current task id of the named process (as `find` would return).
    Task(&'static str),
    /// The address at this offset in the named process's RAM.
    RamOf(&'static str, usize),
}

#[derive(Clone, Debug)]
pub(super) enum Step {
    /// Write bytes at an offset of the process's RAM (the process doing its own work).
    Write(usize, Vec<u8>),
    /// Write machine words at an offset of the process's RAM (descriptors holding addresses).
    WriteWords(usize, Vec<Arg>),
    /// Make a syscall.
    Call(Sysno, Vec<Arg>),
    /// Make a syscall with a raw number.
    RawCall(usize, [usize; 6]),
    /// Take a fault.
    Fault(FaultKind, usize),
    /// Compute for this many microseconds (fake ticks) without a syscall; an alarm that falls due
    /// meanwhile interrupts it at the alarm's time (each resumption is recorded in `computed`).
    Compute(u64),
    /// A device raises this interrupt line (if it is enabled), interrupting the process.
    Raise(u32),
}

#[derive(Default, Debug)]
pub(super) struct FakeContext {
    entry: usize,
    sp: usize,
    next: usize,
    number: usize,
    args: [usize; 7],
    results: Vec<[usize; 4]>,
    /// What is left of a `Compute` step an alarm interrupted.
    remaining: Option<u64>,
}

impl UserContext for FakeContext {
    const STACKED_WORDS: usize = 0;
    fn start(&mut self, entry: usize, stack_top: usize, _stacked: &mut [usize]) {
        self.entry = entry;
        self.sp = stack_top;
    }
    fn stack_pointer(&self) -> usize {
        self.sp
    }
    fn syscall(&self, _stacked: &[usize]) -> (usize, [usize; 7]) {
        (self.number, self.args)
    }
    fn set_results(&mut self, _stacked: &mut [usize], results: [usize; 4]) {
        self.results.push(results);
    }
    fn program_counter(&self, _stacked: &[usize]) -> usize {
        self.entry + 2 * self.next
    }
    fn registers(&self, _stacked: &[usize], f: &mut dyn FnMut(&'static str, usize)) {
        f("pc", self.entry + 2 * self.next);
        f("sp", self.sp);
    }
}

pub(super) struct FakeArch {
    /// Script, RAM base and table of names, by entry point.
    scripts: HashMap<usize, (Vec<Step>, usize)>,
    names: Vec<(&'static str, usize)>,
    /// RAM base of each process, by task index.
    rams: Vec<usize>,
    protected: Vec<Vec<(Region, Access)>>,
    /// The generation of each task, as the test expects the kernel to have it.
    generations: Vec<u16>,
    /// Shared with the board's clock: sleeping advances time to the alarm.
    time: Rc<FakeTime>,
    /// Times the kernel idled waiting for an interrupt.
    pub(super) sleeps: usize,
    /// The RAM base of the process that ran each `Compute` step, in order.
    pub(super) computed: Vec<usize>,
    /// Interrupt lines raised and not yet taken by the kernel.
    pub(super) raised: Vec<u32>,
    /// Interrupt lines currently enabled (a line appears once per enable).
    pub(super) enabled: Vec<u32>,
    /// Lines pended from software while masked: raised when next enabled.
    pub(super) held: Vec<u32>,
}

/// Fake time, in ticks of 1 MHz (one tick per microsecond).
#[derive(Default, Debug)]
pub(super) struct FakeTime {
    now: Cell<u64>,
    alarm: Cell<Option<u64>>,
}

impl FakeArch {
    /// The value of a scripted argument for the process whose RAM starts at `ram`.
    fn resolve(&self, a: &Arg, ram: usize, flash: usize) -> usize {
        match *a {
            Arg::Val(v) => v,
            Arg::Ram(off) => ram + off,
            Arg::Flash(off) => flash + off,
            Arg::Task(name) => {
                let idx = self.names.iter().find(|(n, _)| *n == name).expect("name").1;
                TaskId { index: idx as u16, generation: self.generations[idx] }.to_raw() as usize
            }
            Arg::RamOf(name, off) => self.rams[self.names.iter().find(|(n, _)| *n == name).expect("name").1] + off,
        }
    }
}

impl Arch for FakeArch {
    type Context = FakeContext;

    fn cpu_name(&self) -> &'static str {
        "host"
    }

    fn run(&mut self, ctx: &mut FakeContext) -> Trap {
        let (script, ram) = self.scripts.get(&ctx.entry).cloned().expect("script");
        loop {
            let Some(step) = script.get(ctx.next).cloned() else {
                ctx.number = Sysno::Exit as usize;
                ctx.args = [0; 7];
                return Trap::Syscall;
            };
            ctx.next += 1;
            match step {
                Step::Write(off, bytes) => {
                    // SAFETY: test RAM is a leaked host buffer owned by this fake process.
                    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), (ram + off) as *mut u8, bytes.len()) };
                }
                Step::WriteWords(off, words) => {
                    let bytes: Vec<u8> = words.iter().flat_map(|a| self.resolve(a, ram, ctx.entry).to_ne_bytes()).collect();
                    // SAFETY: as for `Write`.
                    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), (ram + off) as *mut u8, bytes.len()) };
                }
                Step::Call(no, args) => {
                    ctx.number = no as usize;
                    ctx.args = [0; 7];
                    for (k, a) in args.iter().enumerate() {
                        ctx.args[k] = self.resolve(a, ram, ctx.entry);
                    }
                    return Trap::Syscall;
                }
                Step::RawCall(number, args) => {
                    ctx.number = number;
                    ctx.args = [0; 7];
                    ctx.args[..6].copy_from_slice(&args);
                    return Trap::Syscall;
                }
                Step::Raise(irq) => {
                    if let Some(k) = self.enabled.iter().position(|&e| e == irq) {
                        // The line is masked from now until the kernel enables it again.
                        self.enabled.remove(k);
                        self.raised.push(irq);
                        return Trap::Interrupt;
                    }
                }
                Step::Compute(us) => {
                    // An alarm that falls due meanwhile interrupts the step at its time; the rest
                    // of the step runs when the process runs again.
                    let us = ctx.remaining.take().unwrap_or(us);
                    let now = self.time.now.get();
                    let end = now + us;
                    self.computed.push(ram);
                    match self.time.alarm.get() {
                        Some(a) if a <= end => {
                            let at = a.max(now);
                            self.time.now.set(at);
                            if end > at {
                                ctx.remaining = Some(end - at);
                                ctx.next -= 1;
                            }
                            return Trap::Interrupt;
                        }
                        _ => self.time.now.set(end),
                    }
                }
                Step::Fault(kind, addr) => {
                    return Trap::Fault(Fault { kind, pc: Some(ctx.entry), address: Some(addr) })
                }
            }
        }
    }

    fn provoke_kernel_fault(&mut self) {
        panic!("kernel fault provoked");
    }
}

impl InterruptController for FakeArch {
    fn wait_for_interrupt(&mut self) {
        self.sleeps += 1;
        if let Some(at) = self.time.alarm.get() {
            self.time.now.set(self.time.now.get().max(at));
        }
    }

    fn take_interrupt(&mut self) -> Option<u32> {
        self.raised.pop()
    }

    fn enable_interrupt(&mut self, irq: u32) {
        if let Some(k) = self.held.iter().position(|&h| h == irq) {
            // A pended line fires as soon as it is unmasked, and is masked again by doing so.
            self.held.remove(k);
            self.raised.push(irq);
        } else {
            self.enabled.push(irq);
        }
    }

    fn disable_interrupt(&mut self, irq: u32) {
        self.enabled.retain(|&e| e != irq);
    }
    fn pend_interrupt(&mut self, irq: u32) {
        if let Some(k) = self.enabled.iter().position(|&e| e == irq) {
            self.enabled.remove(k);
            self.raised.push(irq);
        } else if !self.held.contains(&irq) {
            self.held.push(irq);
        }
    }
    fn set_interrupt_priority(&mut self, _irq: u32, _priority: u8) {}

    fn interrupt_pending(&self) -> bool {
        !self.raised.is_empty()
    }
}

impl MemoryProtection for FakeArch {
    fn protection_info(&self) -> ProtectionInfo {
        ProtectionInfo { name: "fake", isolates: true, regions: 2 }
    }

    fn check_region(&self, region: Region) -> Result<(), RegionError> {
        if region.base % 8 == 0 && region.size % 8 == 0 {
            Ok(())
        } else {
            Err(RegionError::Misaligned)
        }
    }

    /// The regions themselves (as many as the fake unit's `MAX_PROCESS_REGIONS`).
    type Plan = ([(Region, Access); mote_hal::MAX_PROCESS_REGIONS], usize);

    fn plan(&self, regions: &[(Region, Access)]) -> Self::Plan {
        let mut plan = ([(Region { base: 0, size: 0 }, Access::READ_ONLY); mote_hal::MAX_PROCESS_REGIONS], regions.len());
        plan.0[..regions.len()].copy_from_slice(regions);
        plan
    }

    fn load(&mut self, plan: &Self::Plan) {
        self.protected.push(plan.0[..plan.1].to_vec());
    }
}

pub(super) struct FakeClock(pub(super) Rc<FakeTime>);

impl Clock for FakeClock {
    fn frequency(&self) -> u32 {
        1_000_000
    }
    fn now(&mut self) -> u64 {
        self.0.now.get()
    }
    fn set_alarm(&mut self, at: Option<u64>) {
        self.0.alarm.set(at);
    }
    fn interrupts(&self) -> &[u32] {
        &[]
    }
    fn on_interrupt(&mut self) {}
}

pub(super) struct FakeBoard {
    out: Vec<u8>,
    clock: FakeClock,
}

impl embedded_io::ErrorType for FakeBoard {
    type Error = core::convert::Infallible;
}
impl embedded_io::Write for FakeBoard {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
impl Board for FakeBoard {
    type Console = FakeBoard;
    type Clock = FakeClock;
    fn clock(&mut self) -> &mut FakeClock {
        &mut self.clock
    }
    fn name(&self) -> &'static str {
        "host-test"
    }
    fn console(&mut self) -> &mut FakeBoard {
        self
    }
    fn exit(&mut self, status: ExitStatus) -> ! {
        panic!("exit {status:?}")
    }
}

pub(super) const RAM: usize = 1024;
pub(super) const STACK: usize = 256;

pub(super) fn leak(size: usize) -> usize {
    let v: Box<[u64]> = vec![0u64; size / 8].into_boxed_slice();
    Box::leak(v).as_mut_ptr() as usize
}

pub(super) struct Sim {
    k: Kernel<FakeArch, FakeBoard, 3, 5, 32>,
}

/// How the three test processes are configured beyond their scripts.
#[derive(Clone)]
pub(super) struct Config {
    prios: [u8; 3],
    start: [bool; 3],
    policy: [FaultPolicy; 3],
    caps: [Capabilities; 3],
    log_level: LogLevel,
    heap: usize,
    slice_us: u32,
    devices: [&'static [DeviceDesc]; 3],
    realtime: [Option<RealtimeDesc>; 3],
}

/// Every process may do everything to every other.
/// The objects every test image has, by handle: mutexes 0 and 1, a semaphore (1 of 2 units),
/// event flags and a queue of three 8-byte messages. Everyone may use them.
pub(super) const OBJECTS: [ObjectDesc; 5] = [
    ObjectDesc { name: "m0", kind: ObjectKind::Mutex, users: TaskSet(0b111) },
    ObjectDesc { name: "m1", kind: ObjectKind::Mutex, users: TaskSet(0b111) },
    ObjectDesc { name: "sem", kind: ObjectKind::Semaphore { initial: 1, max: 2 }, users: TaskSet(0b111) },
    ObjectDesc { name: "flags", kind: ObjectKind::EventFlags, users: TaskSet(0b111) },
    ObjectDesc { name: "queue", kind: ObjectKind::Queue { message_size: 8, depth: 3, offset: 0 }, users: TaskSet(0b011) },
];

pub(super) const ALL: Capabilities =
    Capabilities { send: TaskSet(0b111), spawn: TaskSet(0b111), kill: TaskSet(0b111), inspect: TaskSet(0b111), log_read: true };

impl Config {
    fn new(prios: [u8; 3]) -> Self {
        Self { prios, start: [true; 3], policy: [FaultPolicy::Stop; 3], caps: [ALL; 3], log_level: LogLevel::Trace, heap: 128, slice_us: 0, devices: [&[]; 3], realtime: [None; 3] }
    }
}

/// Builds a kernel with three processes `a`, `b`, `c` (priorities given) running the scripts.
pub(super) fn sim(prios: [u8; 3], scripts: [Vec<Step>; 3]) -> Sim {
    sim_with(Config::new(prios), scripts)
}

pub(super) fn sim_with(config: Config, scripts: [Vec<Step>; 3]) -> Sim {
    let prios = config.prios;
    let names = ["a", "b", "c"];
    let mut descs = Vec::new();
    let mut map = HashMap::new();
    for (i, script) in scripts.into_iter().enumerate() {
        let flash = leak(64);
        let ram = leak(RAM);
        descs.push(ProcessDesc {
            name: names[i],
            priority: Priority(prios[i]),
            flash: Region::new(flash, 64).unwrap(),
            ram: Region::new(ram, RAM).unwrap(),
            entry: flash,
            stack: Region::new(ram, STACK).unwrap(),
            data: Region::new(ram + STACK, 0).unwrap(),
            data_load: flash,
            bss: Region::new(ram + STACK, 0).unwrap(),
            heap: Region::new(ram + RAM - config.heap, config.heap).unwrap(),
            start_at_boot: config.start[i],
            fault_policy: config.policy[i],
            capabilities: config.caps[i],
            log_level: config.log_level,
            devices: config.devices[i],
            realtime: config.realtime[i],
        });
        map.insert(flash, (script, ram));
    }
    let kflash = leak(64);
    let kram = leak(64);
    let image = Box::leak(Box::new(ImageDesc {
        name: "test",
        kernel_flash: Region::new(kflash, 64).unwrap(),
        kernel_ram: Region::new(kram, 64).unwrap(),
        time_slice_us: config.slice_us,
        processes: [descs[0].clone(), descs[1].clone(), descs[2].clone()],
        objects: OBJECTS,
    }));
    let time = Rc::new(FakeTime::default());
    let arch = FakeArch {
        scripts: map,
        names: names.iter().enumerate().map(|(i, n)| (*n, i)).collect(),
        rams: descs.iter().map(|d| d.ram.base).collect(),
        protected: Vec::new(),
        generations: vec![0; 3],
        time: time.clone(),
        sleeps: 0,
        computed: Vec::new(),
        raised: Vec::new(),
        enabled: Vec::new(),
        held: Vec::new(),
    };
    let board = FakeBoard { out: Vec::new(), clock: FakeClock(time) };
    let mut k = Kernel::new(arch, board, image);
    k.boot().expect("boot");
    Sim { k }
}

impl Sim {
    /// Runs to the end; returns the exit status.
    fn run(&mut self) -> ExitStatus {
        for _ in 0..10_000 {
            if let Some(s) = self.k.step() {
                return s;
            }
        }
        panic!("did not finish:\n{}", self.output());
    }
    fn results(&self, i: usize) -> &[[usize; 4]] {
        &self.k.procs[i].context.results
    }
    fn ram(&self, i: usize, off: usize, len: usize) -> Vec<u8> {
        let base = self.k.image.processes[i].ram.base + off;
        // SAFETY: reads a leaked test buffer.
        unsafe { std::slice::from_raw_parts(base as *const u8, len).to_vec() }
    }
    fn output(&self) -> String {
        String::from_utf8_lossy(&self.k.board.out).into_owned()
    }
}

pub(super) fn idle() -> Vec<Step> {
    vec![]
}

pub(super) fn err(e: SyscallError) -> [usize; 4] {
    [e as usize, 0, 0, 0]
}


/// The timeout argument that waits forever.
pub(super) const FOREVER: Arg = Arg::Val(u32::MAX as usize);

mod ipc;
mod leases;
mod left_out;
mod lifecycle;
mod logging;
mod notify;
mod periodic;
mod properties;
mod scheduling;
mod sync;
mod time;
