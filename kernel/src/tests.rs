//! Host tests of the whole kernel, with a scripted stand-in for the CPU.
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
use mote_hal::{Access, Arch, Board, Clock, ExitStatus, Fault, FaultKind, ProtectionInfo, Region, RegionError, Trap, UserContext};

use crate::descriptor::{Capabilities, FaultPolicy, ImageDesc, ProcessDesc, TaskSet};
use crate::process::State;
use crate::{Kernel, Priority};

/// An argument of a scripted call.
#[derive(Clone, Copy, Debug)]
enum Arg {
    /// A plain value.
    Val(usize),
    /// The address at this offset in the caller's RAM.
    Ram(usize),
    /// The current task id of the named process (as `find` would return).
    Task(&'static str),
}

#[derive(Clone, Debug)]
enum Step {
    /// Write bytes at an offset of the process's RAM (the process doing its own work).
    Write(usize, Vec<u8>),
    /// Make a syscall.
    Call(Sysno, Vec<Arg>),
    /// Make a syscall with a raw number.
    RawCall(usize, [usize; 6]),
    /// Take a fault.
    Fault(FaultKind, usize),
}

#[derive(Default, Debug)]
struct FakeContext {
    entry: usize,
    sp: usize,
    next: usize,
    number: usize,
    args: [usize; 7],
    results: Vec<[usize; 4]>,
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

struct FakeArch {
    /// Script, RAM base and table of names, by entry point.
    scripts: HashMap<usize, (Vec<Step>, usize)>,
    names: Vec<(&'static str, usize)>,
    protected: Vec<Vec<(Region, Access)>>,
    /// The generation of each task, as the test expects the kernel to have it.
    generations: Vec<u16>,
    /// Shared with the board's clock: sleeping advances time to the alarm.
    time: Rc<FakeTime>,
    /// Every process all scripts have finished to run, in order (for scheduling tests).
    sleeps: usize,
}

/// Fake time, in ticks of 1 MHz (one tick per microsecond).
#[derive(Default, Debug)]
struct FakeTime {
    now: Cell<u64>,
    alarm: Cell<Option<u64>>,
}

impl Arch for FakeArch {
    type Context = FakeContext;
    fn cpu_name(&self) -> &'static str {
        "host"
    }
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
    fn protect(&mut self, regions: &[(Region, Access)]) {
        self.protected.push(regions.to_vec());
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
                Step::Call(no, args) => {
                    ctx.number = no as usize;
                    ctx.args = [0; 7];
                    for (k, a) in args.iter().enumerate() {
                        ctx.args[k] = match *a {
                            Arg::Val(v) => v,
                            Arg::Ram(off) => ram + off,
                            Arg::Task(name) => {
                                let idx = self.names.iter().find(|(n, _)| *n == name).expect("name").1;
                                TaskId { index: idx as u16, generation: self.generations[idx] }.to_raw() as usize
                            }
                        };
                    }
                    return Trap::Syscall;
                }
                Step::RawCall(number, args) => {
                    ctx.number = number;
                    ctx.args = [0; 7];
                    ctx.args[..6].copy_from_slice(&args);
                    return Trap::Syscall;
                }
                Step::Fault(kind, addr) => {
                    return Trap::Fault(Fault { kind, pc: Some(ctx.entry), address: Some(addr) })
                }
            }
        }
    }
    fn wait_for_interrupt(&mut self) {
        self.sleeps += 1;
        if let Some(at) = self.time.alarm.get() {
            self.time.now.set(self.time.now.get().max(at));
        }
    }
    fn take_interrupt(&mut self) -> Option<u32> {
        None
    }
    fn enable_interrupt(&mut self, _irq: u32) {}
    fn interrupt_pending(&self) -> bool {
        false
    }
    fn provoke_kernel_fault(&mut self) {
        panic!("kernel fault provoked");
    }
}

struct FakeClock(Rc<FakeTime>);

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

struct FakeBoard {
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

const RAM: usize = 1024;
const STACK: usize = 256;

fn leak(size: usize) -> usize {
    let v: Box<[u64]> = vec![0u64; size / 8].into_boxed_slice();
    Box::leak(v).as_mut_ptr() as usize
}

struct Sim {
    k: Kernel<FakeArch, FakeBoard, 3>,
}

/// How the three test processes are configured beyond their scripts.
#[derive(Clone)]
struct Config {
    prios: [u8; 3],
    start: [bool; 3],
    policy: [FaultPolicy; 3],
    caps: [Capabilities; 3],
    log_level: LogLevel,
    heap: usize,
}

/// Every process may do everything to every other.
const ALL: Capabilities = Capabilities { send: TaskSet(0b111), spawn: TaskSet(0b111), kill: TaskSet(0b111), log_read: true };

impl Config {
    fn new(prios: [u8; 3]) -> Self {
        Self { prios, start: [true; 3], policy: [FaultPolicy::Stop; 3], caps: [ALL; 3], log_level: LogLevel::Trace, heap: 128 }
    }
}

/// Builds a kernel with three processes `a`, `b`, `c` (priorities given) running the scripts.
fn sim(prios: [u8; 3], scripts: [Vec<Step>; 3]) -> Sim {
    sim_with(Config::new(prios), scripts)
}

fn sim_with(config: Config, scripts: [Vec<Step>; 3]) -> Sim {
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
        });
        map.insert(flash, (script, ram));
    }
    let kflash = leak(64);
    let kram = leak(64);
    let image = Box::leak(Box::new(ImageDesc {
        name: "test",
        kernel_flash: Region::new(kflash, 64).unwrap(),
        kernel_ram: Region::new(kram, 64).unwrap(),
        processes: [descs[0].clone(), descs[1].clone(), descs[2].clone()],
    }));
    let time = Rc::new(FakeTime::default());
    let arch = FakeArch {
        scripts: map,
        names: names.iter().enumerate().map(|(i, n)| (*n, i)).collect(),
        protected: Vec::new(),
        generations: vec![0; 3],
        time: time.clone(),
        sleeps: 0,
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

fn idle() -> Vec<Step> {
    vec![]
}

fn err(e: SyscallError) -> [usize; 4] {
    [e as usize, 0, 0, 0]
}

use Arg::*;
use Step::*;

/// The timeout argument that waits forever.
const FOREVER: Arg = Arg::Val(u32::MAX as usize);

#[test]
fn send_receive_reply_round_trip() {
    let client = vec![
        Write(300, b"ping".to_vec()),
        Call(Sysno::Send, vec![Task("b"), Val(7), Ram(300), Val(4), Ram(400), Val(16), FOREVER]),
    ];
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Write(600, b"pong!".to_vec()),
        Call(Sysno::Reply, vec![Task("a"), Val(42), Ram(600), Val(5)]),
    ];
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let a = TaskId { index: 0, generation: 0 }.to_raw() as usize;
    assert_eq!(s.results(1)[0], [0, a, 7, 4], "receive: sender, op, length");
    assert_eq!(s.ram(1, 500, 4), b"ping");
    assert_eq!(s.results(0)[0], [0, 42, 5, 0], "send: reply code and length");
    assert_eq!(s.ram(0, 400, 5), b"pong!");
    assert_eq!(s.results(1)[1], [0, 0, 0, 0], "reply succeeded");
}

#[test]
fn receive_first_then_send_also_delivers() {
    // The server (more important) runs first and blocks in receive before the client sends.
    let client = vec![
        Write(300, b"xy".to_vec()),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(2), Ram(400), Val(4), FOREVER]),
    ];
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(32), FOREVER]),
        Call(Sysno::Reply, vec![Task("a"), Val(9), Ram(500), Val(2)]),
    ];
    let mut s = sim([2, 1, 3], [client, server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], [0, 9, 2, 0]);
    assert_eq!(s.ram(0, 400, 2), b"xy");
}

#[test]
fn message_larger_than_receive_buffer_fails_the_send() {
    let client = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(64), Ram(400), Val(4), FOREVER])];
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    // The server stays blocked in receive with nobody to send: a deadlock, reported.
    assert_eq!(s.run(), ExitStatus::Failure(2));
    assert_eq!(s.results(0)[0], err(SyscallError::TooLarge));
    assert!(s.output().contains("deadlock"), "{}", s.output());
    assert!(s.output().contains("'b' waits for a message"), "{}", s.output());
}

#[test]
fn reply_larger_than_reply_buffer_fails_both_sides() {
    let client = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(2), FOREVER])];
    let server = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]),
        Call(Sysno::Reply, vec![Task("a"), Val(0), Ram(500), Val(8)]),
    ];
    let mut s = sim([1, 1, 1], [client, server, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], err(SyscallError::TooLarge));
    assert_eq!(s.results(1)[1], err(SyscallError::TooLarge));
}

#[test]
fn pointers_outside_own_memory_are_refused() {
    let calls = vec![
        // Log from the kernel's address space (address 8 is never ours).
        RawCall(Sysno::Log as usize, [3, 8, 4, 0, 0, 0]),
        // Length overflowing the address space.
        Call(Sysno::Log, vec![Val(3), Ram(0), Val(usize::MAX)]),
        // Straddling the end of RAM.
        Call(Sysno::Receive, vec![Ram(RAM - 4), Val(8), FOREVER]),
        // Receive into flash (read-only).
        RawCall(Sysno::Receive as usize, [0, 4, 0, 0, 0, 0]),
        // Unknown syscall and unknown log level.
        RawCall(999, [0; 6]),
        Call(Sysno::Log, vec![Val(77), Ram(0), Val(1)]),
        // Log longer than the limit.
        Call(Sysno::Log, vec![Val(3), Ram(0), Val(mote_abi::MAX_LOG_LEN + 1)]),
    ];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], err(SyscallError::BadAddress));
    assert_eq!(r[1], err(SyscallError::TooLarge), "oversized log is refused before its range");
    assert_eq!(r[2], err(SyscallError::BadAddress));
    assert_eq!(r[3], err(SyscallError::BadAddress));
    assert_eq!(r[4], err(SyscallError::UnknownSyscall));
    assert_eq!(r[5], err(SyscallError::InvalidArgument));
    assert_eq!(r[6], err(SyscallError::TooLarge));
}

#[test]
fn reading_another_process_memory_is_refused() {
    // `a` passes an address in `b`'s RAM, known only once the image is laid out.
    let mut s = sim([1, 1, 1], [idle(), idle(), idle()]);
    let b_ram = s.k.image.processes[1].ram.base;
    s.k.arch.scripts.get_mut(&s.k.image.processes[0].entry).unwrap().0 =
        vec![RawCall(Sysno::Log as usize, [3, b_ram, 4, 0, 0, 0])];
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], err(SyscallError::BadAddress));
}

#[test]
fn log_records_are_tagged_and_escaped() {
    let calls = vec![Write(300, b"hi\nthere".to_vec()), Call(Sysno::Log, vec![Val(2), Ram(300), Val(8)])];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    s.run();
    assert!(s.output().contains("[WARN  a] hi\\x0athere\n"), "{}", s.output());
}

#[test]
fn find_returns_task_ids_and_rejects_unknown_names() {
    let calls = vec![
        Write(300, b"cx".to_vec()),
        Call(Sysno::Find, vec![Ram(300), Val(1)]),
        Call(Sysno::Find, vec![Ram(300), Val(2)]),
        Call(Sysno::Find, vec![Ram(300), Val(0)]),
    ];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 2, 0, 0]);
    assert_eq!(s.results(0)[1], err(SyscallError::NoSuchTask));
    assert_eq!(s.results(0)[2], err(SyscallError::InvalidArgument));
}

#[test]
fn a_fault_stops_only_that_process_and_releases_its_clients() {
    let client = vec![Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER])];
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]), Fault(FaultKind::StoreAccess, 0x2000_0000)];
    let third = vec![Call(Sysno::Yield, vec![]), Call(Sysno::Yield, vec![])];
    let mut s = sim([1, 1, 1], [client, server, third]);
    assert_eq!(s.run(), ExitStatus::Failure(1));
    assert_eq!(s.results(0)[0], err(SyscallError::PeerGone), "client blocked on the dead server");
    assert!(matches!(s.k.procs[1].state, State::Faulted(f) if f.kind == FaultKind::StoreAccess));
    assert_eq!(s.k.procs[2].state, State::Exited(0), "the third process ran to completion");
    let out = s.output();
    assert!(out.contains("process 'b' (task 1) faulted: store access violation at 0x20000000"), "{out}");
}

#[test]
fn sending_to_a_dead_or_stale_task_fails() {
    let client = vec![
        Call(Sysno::Yield, vec![]),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
        RawCall(Sysno::Send as usize, [TaskId { index: 2, generation: 5 }.to_raw() as usize, 0, 0, 0, 0, 0]),
        RawCall(Sysno::Send as usize, [TaskId { index: 9, generation: 0 }.to_raw() as usize, 0, 0, 0, 0, 0]),
        Call(Sysno::Send, vec![Task("a"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
    ];
    // b exits at once; c waits for a message that never comes (and is released by nobody).
    let mut s = sim([1, 0, 2], [client, idle(), vec![Call(Sysno::Yield, vec![])]]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[1], err(SyscallError::PeerGone), "b has exited");
    assert_eq!(r[2], err(SyscallError::PeerGone), "stale generation");
    assert_eq!(r[3], err(SyscallError::NoSuchTask));
    assert_eq!(r[4], err(SyscallError::WrongState), "sending to oneself");
}

#[test]
fn reply_to_a_task_not_waiting_is_refused() {
    let calls = vec![Call(Sysno::Reply, vec![Task("b"), Val(0), Ram(0), Val(0)])];
    let mut s = sim([1, 1, 1], [calls, vec![Call(Sysno::Yield, vec![])], idle()]);
    s.run();
    assert_eq!(s.results(0)[0], err(SyscallError::WrongState));
}

#[test]
fn higher_priority_runs_first_and_equals_take_turns() {
    let mut s = sim([2, 1, 2], [vec![Call(Sysno::Yield, vec![]); 2], vec![Call(Sysno::Yield, vec![])], vec![Call(Sysno::Yield, vec![]); 2]]);
    let mut order = Vec::new();
    while s.k.step().is_none() {
        let last = s.k.last;
        order.push(last);
    }
    assert_eq!(order, vec![1, 1, 2, 0, 2, 0, 2, 0]);
}

#[test]
fn protection_is_programmed_with_exactly_the_process_regions() {
    let mut s = sim([1, 1, 1], [idle(), idle(), idle()]);
    s.run();
    let p0 = &s.k.image.processes[0];
    let first = &s.k.arch.protected[0];
    assert_eq!(first, &vec![(p0.flash, Access::READ_EXECUTE), (p0.ram, Access::READ_WRITE)]);
}

#[test]
fn image_check_rejects_overlaps_and_misalignment() {
    let s = sim([1, 1, 1], [idle(), idle(), idle()]);
    let arch = &s.k.arch;
    let mut bad = s.k.image.clone();
    bad.processes[1] = ProcessDesc { name: "b", flash: bad.processes[1].flash, entry: bad.processes[1].entry, data_load: bad.processes[1].data_load, ..bad.processes[0].clone() };
    assert_eq!(bad.check(arch).unwrap_err().problem, "region overlaps another process");
    let mut bad = s.k.image.clone();
    bad.processes[0].flash.size = 60;
    assert_eq!(bad.check(arch).unwrap_err().problem, "region not expressible by the protection unit");
    let mut bad = s.k.image.clone();
    bad.processes[2].entry = bad.processes[2].ram.base;
    assert_eq!(bad.check(arch).unwrap_err().problem, "entry point outside its flash");
    let mut bad = s.k.image.clone();
    bad.processes[2].name = "a";
    assert_eq!(bad.check(arch).unwrap_err().problem, "two processes share this name");
    let mut bad = s.k.image.clone();
    bad.processes[1].ram = bad.kernel_ram;
    bad.processes[1].ram.size = 64;
    bad.processes[1].stack = Region::new(bad.kernel_ram.base, 32).unwrap();
    bad.processes[1].data.base = bad.kernel_ram.base + 32;
    bad.processes[1].bss.base = bad.kernel_ram.base + 32;
    bad.processes[1].heap = Region::new(bad.kernel_ram.base + 32, 32).unwrap();
    assert_eq!(bad.check(arch).unwrap_err().problem, "region overlaps the kernel");
    assert!(s.k.image.check(arch).is_ok());
}

#[test]
fn ram_is_initialised_at_start() {
    let mut s = sim([1, 1, 1], [vec![Write(700, b"dirty".to_vec())], idle(), idle()]);
    s.run();
    assert_eq!(s.ram(0, 700, 5), b"dirty");
    s.k.boot().unwrap();
    assert_eq!(s.ram(0, 700, 5), [0; 5], "a restart sees zeroed RAM");
}

// ---------------------------------------------------------------------------------------------
// Time, lifecycle, capabilities, fault policies, ps, heap.

fn now_arg(us: u64) -> [Arg; 2] {
    [Val(us as u32 as usize), Val((us >> 32) as usize)]
}

#[test]
fn sleep_until_wakes_at_the_deadline_without_busy_waiting() {
    let [lo, hi] = now_arg(5_000);
    let mut s = sim([1, 1, 1], [vec![Call(Sysno::SleepUntil, vec![lo, hi]), Call(Sysno::Now, vec![])], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], [0, 0, 0, 0]);
    assert_eq!(r[1][1], 5_000, "woke exactly at the deadline (1 tick = 1 us)");
    assert_eq!(s.k.arch.sleeps, 1, "one idle wait, straight to the alarm");
}

#[test]
fn a_deadline_in_the_past_returns_at_once() {
    let mut s = sim([1, 1, 1], [vec![Call(Sysno::SleepUntil, vec![Val(0), Val(0)])], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], [0, 0, 0, 0]);
    assert_eq!(s.k.arch.sleeps, 0);
}

#[test]
fn receive_and_send_time_out() {
    let recv = vec![
        Call(Sysno::Receive, vec![Ram(500), Val(8), Val(300)]),
        Call(Sysno::Receive, vec![Ram(500), Val(8), Val(0)]),
        Call(Sysno::Now, vec![]),
    ];
    // c never receives: a's send to c times out (the whole call, until a reply).
    let send = vec![Call(Sysno::Send, vec![Task("c"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(700)])];
    let never = vec![Call(Sysno::SleepUntil, vec![Val(10_000), Val(0)])];
    let mut s = sim([1, 1, 1], [send, recv, never]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(1)[0], err(SyscallError::TimedOut));
    assert_eq!(s.results(1)[1], err(SyscallError::TimedOut), "poll does not block");
    assert_eq!(s.results(1)[2][1], 300);
    assert_eq!(s.results(0)[0], err(SyscallError::TimedOut));
}

#[test]
fn sending_needs_the_capability() {
    let mut config = Config::new([1, 1, 1]);
    config.caps[0] = Capabilities { send: TaskSet(0b100), ..Capabilities::default() };
    let client = vec![
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
        Call(Sysno::Send, vec![Task("c"), Val(1), Ram(300), Val(1), Ram(400), Val(4), FOREVER]),
    ];
    let server = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER]), Call(Sysno::Reply, vec![Task("a"), Val(5), Ram(0), Val(0)])];
    let mut s = sim_with(config, [client, idle(), server]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], err(SyscallError::NotPermitted));
    assert_eq!(s.results(0)[1], [0, 5, 0, 0]);
}

#[test]
fn spawn_wait_and_kill_follow_capabilities() {
    let mut config = Config::new([0, 1, 1]);
    config.start = [true, false, true];
    config.caps[2] = Capabilities::default();
    let supervisor = vec![
        Call(Sysno::Wait, vec![Task("b"), FOREVER]),
        Call(Sysno::Spawn, vec![Task("b")]),
        Call(Sysno::Spawn, vec![Task("b")]),
        Call(Sysno::Wait, vec![Task("b"), FOREVER]),
    ];
    let worker = vec![Call(Sysno::Yield, vec![]), Call(Sysno::Exit, vec![Val(7)])];
    let outsider = vec![Call(Sysno::Kill, vec![Task("a")]), Call(Sysno::Spawn, vec![Task("b")])];
    let mut s = sim_with(config, [supervisor, worker, outsider]);
    assert_eq!(s.run(), ExitStatus::Failure(1), "b exited with 7");
    let r = s.results(0);
    assert_eq!(r[0], [0, Ending::NotStarted as usize, 0, 0], "waiting on a process never started returns at once");
    assert_eq!(r[1][0], 0);
    assert_eq!(r[2], err(SyscallError::WrongState), "already running");
    assert_eq!(r[3], [0, Ending::Exited as usize, 7, 0]);
    let r = s.results(2);
    assert_eq!(r[0], err(SyscallError::NotPermitted));
    assert_eq!(r[1], err(SyscallError::NotPermitted));
    assert!(s.output().contains("process 'b' started by 'a'"), "{}", s.output());
}

#[test]
fn kill_releases_peers_and_waiters() {
    let killer = vec![Call(Sysno::SleepUntil, vec![Val(100), Val(0)]), Call(Sysno::Kill, vec![Task("b")])];
    let victim = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let waiter = vec![Call(Sysno::Wait, vec![Task("b"), FOREVER])];
    let mut s = sim([0, 1, 1], [killer, victim, waiter]);
    assert_eq!(s.run(), ExitStatus::Success, "a killed process is not a failure");
    assert_eq!(s.results(0)[1], [0, 0, 0, 0]);
    assert_eq!(s.results(2)[0], [0, Ending::Killed as usize, 0, 0], "killed by task 0");
    assert!(s.output().contains("process 'b' killed by 'a'"));
}

#[test]
fn restart_resets_memory_and_bumps_the_generation() {
    // b writes to its RAM, then a restarts it; b's second incarnation sees zeroed RAM.
    let supervisor = vec![
        Call(Sysno::SleepUntil, vec![Val(50), Val(0)]),
        Call(Sysno::Restart, vec![Task("b")]),
        Call(Sysno::Send, vec![Task("b"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(10)]),
    ];
    let worker = vec![Write(700, b"old".to_vec()), Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let mut config = Config::new([0, 1, 1]);
    config.start = [true, true, false];
    let mut s = sim_with(config, [supervisor, worker, idle()]);
    // Let a run its first step, b write and block, then check b's memory after the restart.
    s.k.arch.generations[1] = 0;
    let status = s.run();
    assert_eq!(s.results(0)[1][1], TaskId { index: 1, generation: 1 }.to_raw() as usize);
    assert_eq!(s.k.procs[1].generation, 1);
    assert_eq!(s.k.procs[1].restarts, 1);
    assert_eq!(s.results(0)[2], err(SyscallError::PeerGone), "the stale id (generation 0) is refused");
    // The new incarnation wrote "old" again on its first step: RAM was zeroed in between.
    assert_eq!(s.ram(1, 700, 3), b"old");
    assert_eq!(status, ExitStatus::Failure(2), "b waits forever for a message: deadlock reported");
}

#[test]
fn restart_policy_restarts_then_backs_off() {
    let mut config = Config::new([1, 1, 1]);
    config.policy[0] = FaultPolicy::Restart { max_restarts: 2, window_us: 1_000_000, backoff_us: 1000 };
    let crasher = vec![Fault(FaultKind::IllegalInstruction, 0)];
    // b lives long enough to see a few restarts, then kills the crasher.
    // By then a waits in its second backoff (its restart is due at 3000): kill cancels it.
    let observer = vec![Call(Sysno::SleepUntil, vec![Val(2500), Val(0)]), Call(Sysno::Kill, vec![Task("a")])];
    let mut s = sim_with(config, [crasher, observer, idle()]);
    s.k.arch.generations[0] = 3; // a's incarnation when b kills it
    let status = s.run();
    let out = s.output();
    // Faults 1 and 2 restart at once; fault 3 waits 1 ms, fault 4 waits 2 ms (from t=1000).
    assert_eq!(out.matches("faulted: illegal instruction").count(), 4, "{out}");
    assert!(out.contains("process 'a' faulted 3 times within 1000 ms; restarting in 1 ms"), "{out}");
    assert!(out.contains("process 'a' faulted 4 times within 1000 ms; restarting in 2 ms"), "{out}");
    assert_eq!(s.k.procs[0].restarts, 3);
    assert_eq!(s.results(1)[1], [0, 0, 0, 0]);
    assert!(matches!(s.k.procs[0].state, State::Killed { by: 1 }));
    assert_eq!(status, ExitStatus::Success);
}

#[test]
fn stop_policy_leaves_the_process_faulted() {
    let mut s = sim([1, 1, 1], [vec![Fault(FaultKind::LoadAccess, 0x10)], idle(), idle()]);
    assert_eq!(s.run(), ExitStatus::Failure(1));
    assert!(matches!(s.k.procs[0].state, State::Faulted(f) if f.kind == FaultKind::LoadAccess));
    assert!(s.output().contains("pc"), "a crash report with registers follows the fault line");
}

#[test]
fn ps_lists_every_process_with_state_and_counters() {
    let mut config = Config::new([0, 1, 2]);
    config.start = [true, true, false];
    let lister = vec![Call(Sysno::SleepUntil, vec![Val(10), Val(0)]), Call(Sysno::Ps, vec![Ram(300), Val(96)])];
    let sleeper = vec![Call(Sysno::SleepUntil, vec![Val(1000), Val(0)])];
    let mut s = sim_with(config, [lister, sleeper, idle()]);
    s.run();
    assert_eq!(s.results(0)[1], [0, 3, 0, 0]);
    let bytes = s.ram(0, 300, 96);
    let rec = |k: usize| ProcessRecord::from_bytes(bytes[k * 32..k * 32 + 32].try_into().unwrap()).unwrap();
    assert_eq!((rec(0).name_str(), rec(0).state), ("a", ProcessState::Running));
    assert_eq!((rec(1).name_str(), rec(1).state, rec(1).priority), ("b", ProcessState::Sleeping, 1));
    assert_eq!(rec(2).state, ProcessState::NotStarted);
}

#[test]
fn ps_starts_at_the_given_index() {
    let lister = vec![Call(Sysno::Ps, vec![Ram(300), Val(64), Val(2)]), Call(Sysno::Ps, vec![Ram(400), Val(64), Val(usize::MAX)])];
    let mut s = sim([1, 1, 1], [lister, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 3, 0, 0]);
    let bytes = s.ram(0, 300, 64);
    assert_eq!(ProcessRecord::from_bytes(bytes[..32].try_into().unwrap()).unwrap().name_str(), "c");
    assert_eq!(&bytes[32..64], &[0; 32], "only one record from index 2");
    assert_eq!(s.ram(0, 400, 64), [0; 64], "a start past the end writes nothing");
}

#[test]
fn ps_writes_only_what_fits() {
    let lister = vec![Call(Sysno::Ps, vec![Ram(300), Val(40)])];
    let mut s = sim([1, 1, 1], [lister, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], [0, 3, 0, 0]);
    assert_eq!(s.ram(0, 332, 8), [0; 8], "nothing beyond the first record");
}

#[test]
fn heap_grows_within_its_quota_only() {
    let grower = vec![
        Call(Sysno::HeapGrow, vec![Val(64)]),
        Call(Sysno::HeapGrow, vec![Val(64)]),
        Call(Sysno::HeapGrow, vec![Val(1)]),
        Call(Sysno::HeapGrow, vec![Val(usize::MAX)]),
    ];
    let mut s = sim([1, 1, 1], [grower, idle(), idle()]);
    s.run();
    let heap = s.k.image.processes[0].heap;
    let r = s.results(0);
    assert_eq!(r[0], [0, heap.base, 0, 0]);
    assert_eq!(r[1], [0, heap.base + 64, 0, 0]);
    assert_eq!(r[2], err(SyscallError::OutOfMemory));
    assert_eq!(r[3], err(SyscallError::OutOfMemory), "no overflow");
}

#[test]
fn log_records_below_the_process_level_are_dropped() {
    let mut config = Config::new([1, 1, 1]);
    config.log_level = LogLevel::Info;
    let calls = vec![
        Write(300, b"shown".to_vec()),
        Call(Sysno::Log, vec![Val(LogLevel::Info as usize), Ram(300), Val(5)]),
        Write(300, b"hidden".to_vec()),
        Call(Sysno::Log, vec![Val(LogLevel::Debug as usize), Ram(300), Val(6)]),
    ];
    let mut s = sim_with(config, [calls, idle(), idle()]);
    s.run();
    assert!(s.output().contains("[INFO  a] shown"));
    assert!(!s.output().contains("hidden"));
    assert_eq!(s.results(0)[1], [0, 0, 0, 0], "a dropped record is not an error");
}

#[test]
fn a_sleeping_process_is_not_a_deadlock() {
    let waiter = vec![Call(Sysno::Receive, vec![Ram(500), Val(8), FOREVER])];
    let sleeper = vec![
        Call(Sysno::SleepUntil, vec![Val(1000), Val(0)]),
        Call(Sysno::Send, vec![Task("a"), Val(1), Ram(300), Val(1), Ram(400), Val(4), Val(0)]),
    ];
    let mut s = sim([1, 1, 1], [waiter, sleeper, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.k.arch.sleeps, 1, "the kernel idled until b's deadline instead of declaring a deadlock");
    assert_eq!(s.results(0)[0][2], 1, "a received b's message after b woke");
    assert_eq!(s.results(1)[1], err(SyscallError::PeerGone), "a exited without replying");
}

#[test]
fn the_log_ring_keeps_recent_output_for_processes_allowed_to_read_it() {
    let mut config = Config::new([1, 1, 1]);
    config.caps[1] = Capabilities::default();
    let reader = vec![
        Write(300, b"hello ring".to_vec()),
        Call(Sysno::Log, vec![Val(3), Ram(300), Val(10)]),
        Call(Sysno::LogRead, vec![Ram(400), Val(512), Val(0), Val(0)]),
    ];
    let outsider = vec![Call(Sysno::LogRead, vec![Ram(400), Val(64), Val(0), Val(0)])];
    let mut s = sim_with(config, [reader, outsider, idle()]);
    s.run();
    let r = s.results(0)[1];
    assert_eq!(r[0], 0);
    let text = String::from_utf8_lossy(&s.ram(0, 400, r[3])).into_owned();
    assert!(text.contains("[INFO  a] hello ring\n"), "{text:?}");
    assert!(r[3] <= crate::log_ring::LOG_RING_SIZE);
    assert_eq!(s.results(1)[0], err(SyscallError::NotPermitted));
}

#[test]
fn the_process_table_is_logged_when_the_system_halts() {
    let mut s = sim([1, 1, 1], [idle(), vec![Fault(FaultKind::Breakpoint, 0)], idle()]);
    s.run();
    let out = s.output();
    assert!(out.contains("process          state        gen faults restarts"), "{out}");
    assert!(out.contains("  b                faulted        0      1        0"), "{out}");
}

#[test]
fn timeouts_are_relative_microseconds() {
    assert_eq!(Timeout::millis(2).0, 2000);
}
