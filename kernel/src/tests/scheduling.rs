//! Scheduling order, the protection unit, the image check and RAM initialisation.

use super::Arg::*;
use super::Step::*;
use super::*;

#[test]
fn higher_priority_runs_first_and_equals_take_turns() {
    let mut s = sim([2, 1, 2], [vec![Call(Sysno::Yield, vec![]); 2], vec![Call(Sysno::Yield, vec![])], vec![Call(Sysno::Yield, vec![]); 2]]);
    let mut order = Vec::new();
    while s.k.step().is_none() {
        let last = s.k.last;
        order.push(last);
    }
    // b first; then c and a take turns by yielding.
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
    bad.processes[1].priority = crate::Priority(32);
    assert_eq!(bad.check(arch).unwrap_err().problem, "priority not 0 to 31");
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
fn equals_share_the_cpu_in_time_slices() {
    let mut config = Config::new([1, 1, 0]);
    config.slice_us = 1000;
    // a and b compute for 3 ms each, in 500 us steps, without a syscall; c (more important) is
    // done at once. With 1 ms slices they alternate every two steps.
    let work = vec![Compute(500); 6];
    let mut s = sim_with(config, [work.clone(), work, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let a = s.k.image.processes[0].ram.base;
    let order: Vec<char> = s.k.arch.computed.iter().map(|&r| if r == a { 'a' } else { 'b' }).collect();
    let order: String = order.into_iter().collect();
    assert_eq!(order, "aabbaabbaabb");
}

#[test]
fn without_a_competitor_no_slice_timer_is_armed() {
    let mut config = Config::new([1, 2, 2]);
    config.slice_us = 1000;
    let mut s = sim_with(config, [vec![Compute(500); 6], idle(), idle()]);
    s.run();
    let a = s.k.image.processes[0].ram.base;
    assert!(s.k.arch.computed.iter().all(|&r| r == a));
    assert_eq!(s.k.arch.computed.len(), 6, "ran uninterrupted: no slice while nobody else ties");
}

#[test]
fn a_syscall_does_not_give_up_the_turn_but_yield_does() {
    let calls = |n| vec![Call(Sysno::Now, vec![]); n];
    let mut a = calls(2);
    a.push(Call(Sysno::Yield, vec![]));
    a.extend(calls(1));
    let mut s = sim([1, 1, 2], [a, calls(1), idle()]);
    let mut order = Vec::new();
    while s.k.step().is_none() {
        order.push(s.k.last);
    }
    // a: now, now, yield (then b: now, exit), a: now, exit; c last.
    assert_eq!(order, vec![0, 0, 0, 1, 1, 0, 0, 2]);
}

#[test]
fn a_preempted_process_keeps_its_turn_among_equals() {
    // a and b (priority 2) take turns; c (priority 1) wakes at 450 us, in the middle of b's
    // turn, and ends. b then finishes its turn before a gets another.
    let equal = || vec![Compute(300), Call(Sysno::Yield, vec![]), Compute(300)];
    let mut s = sim([2, 2, 1], [equal(), equal(), vec![Call(Sysno::SleepUntil, vec![Val(450), Val(0)])]]);
    assert_eq!(s.run(), ExitStatus::Success);
    let ram = |i: usize| s.k.image.processes[i].ram.base;
    let order: Vec<usize> = s.k.arch.computed.iter().map(|&r| (0..3).find(|&i| ram(i) == r).unwrap()).collect();
    assert_eq!(order, vec![0, 1, 1, 0, 1], "b resumed after c, before a's second turn");
}

#[test]
fn a_turn_given_up_as_a_more_important_process_wakes_still_passes() {
    // a's time slice ends at 100 us, just as c (more important) wakes: c runs first, then the
    // turn passes to b rather than going back to a.
    let mut config = Config::new([2, 2, 1]);
    config.slice_us = 100;
    let c = vec![Call(Sysno::SleepUntil, vec![Val(100), Val(0)])];
    let mut s = sim_with(config, [vec![Compute(250)], vec![Compute(250)], c]);
    assert_eq!(s.run(), ExitStatus::Success);
    let ram = |i: usize| s.k.image.processes[i].ram.base;
    let order: Vec<usize> = s.k.arch.computed.iter().map(|&r| (0..3).find(|&i| ram(i) == r).unwrap()).collect();
    assert_eq!(&order[..2], &[0, 1], "b's turn came after c, not a second one for a");
}
