//! Notifications and interrupts delivered to device owners.

use super::Arg::*;
use super::Step::*;
use super::*;

/// A device with interrupt line 5, delivered as notification bit 2.
static TIMER: [DeviceDesc; 1] = [DeviceDesc {
    name: "timer",
    region: Region { base: 0x4000_0000, size: 0x1000 },
    irq: Some(5),
    notify_bit: 2,
    irq_priority: 1,
}];

#[test]
fn notifications_wake_waiters_and_wait_to_be_collected() {
    let waiter = vec![
        Call(Sysno::NotifyWait, vec![Val(0b110), FOREVER]),
        Call(Sysno::NotifyWait, vec![Val(0b001), Val(0)]),
        Call(Sysno::NotifyWait, vec![Val(0b100), FOREVER]),
    ];
    let notifier = vec![
        Call(Sysno::Notify, vec![Task("a"), Val(0b011)]),
        Call(Sysno::Notify, vec![Task("a"), Val(0b100)]),
    ];
    let mut s = sim([1, 2, 2], [waiter, notifier, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], [0, 0b010, 0, 0], "woken with the bits of its mask that were set");
    assert_eq!(r[1], [0, 0b001, 0, 0], "the other bit waited to be collected");
    assert_eq!(r[2], [0, 0b100, 0, 0], "the last bit, set while nobody waited, was kept");
}

#[test]
fn notify_needs_the_send_capability_and_wait_can_time_out() {
    let mut config = Config::new([1, 1, 1]);
    config.caps[1] = Capabilities::default();
    let waiter = vec![Call(Sysno::NotifyWait, vec![Val(1), Val(500)]), Call(Sysno::NotifyWait, vec![Val(0), FOREVER])];
    let outsider = vec![Call(Sysno::Notify, vec![Task("a"), Val(1)])];
    let mut s = sim_with(config, [waiter, outsider, idle()]);
    s.run();
    assert_eq!(s.results(1)[0], err(SyscallError::NotPermitted));
    assert_eq!(s.results(0)[0], err(SyscallError::TimedOut));
    assert_eq!(s.results(0)[1], err(SyscallError::InvalidArgument), "an empty mask waits for nothing");
}

#[test]
fn an_interrupt_reaches_its_owner_only_and_stays_masked_until_acknowledged() {
    let mut config = Config::new([1, 2, 2]);
    config.devices[0] = &TIMER;
    let owner = vec![
        Write(300, b"timer".to_vec()),
        Call(Sysno::Device, vec![Ram(300), Val(5)]),
        Call(Sysno::NotifyWait, vec![Val(1 << 2), FOREVER]),
        Call(Sysno::NotifyWait, vec![Val(1 << 2), Val(2000)]),
        Call(Sysno::IrqAck, vec![Val(1 << 2)]),
        Call(Sysno::NotifyWait, vec![Val(1 << 2), FOREVER]),
        Call(Sysno::IrqAck, vec![Val(1 << 3)]),
    ];
    // The device interrupts while b runs: twice before the owner acknowledges (the second is
    // held back by the masked line), once after.
    let bystander = vec![
        Raise(5),
        Raise(5),
        Call(Sysno::IrqAck, vec![Val(1 << 2)]),
        Call(Sysno::SleepUntil, vec![Val(5000), Val(0)]),
        Raise(5),
    ];
    let mut s = sim_with(config, [owner, bystander, idle()]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], [0, 0x4000_0000, 0x1000, 2], "device: base, size, bit");
    assert_eq!(r[1], [0, 1 << 2, 0, 0], "the interrupt arrived as bit 2");
    assert_eq!(r[2], err(SyscallError::TimedOut), "the second raise was held back by the masked line");
    assert_eq!(r[3], [0, 0, 0, 0]);
    assert_eq!(r[4], [0, 1 << 2, 0, 0], "after the acknowledgement, the next interrupt came through");
    assert_eq!(r[5], err(SyscallError::NotPermitted), "bit 3 is no interrupt of its devices");
    assert_eq!(s.results(1)[0], err(SyscallError::NotPermitted), "the bystander cannot acknowledge it");
    assert!(!s.k.arch.enabled.contains(&5), "the owner exited: its line is masked");
}

#[test]
fn device_regions_are_mapped_but_never_valid_syscall_buffers() {
    let mut config = Config::new([1, 1, 1]);
    config.devices[0] = &TIMER;
    let owner = vec![RawCall(Sysno::Log as usize, [3, 0x4000_0000, 4, 0, 0, 0])];
    let mut s = sim_with(config, [owner, idle(), idle()]);
    s.run();
    assert_eq!(s.results(0)[0], err(SyscallError::BadAddress));
    let mapped = &s.k.arch.protected[0];
    assert_eq!(mapped.len(), 3);
    assert_eq!(mapped[2], (TIMER[0].region, Access::DEVICE));
}

#[test]
fn a_raised_interrupt_reaches_the_owner_and_waits_for_its_acknowledgement() {
    let mut config = Config::new([1, 2, 2]);
    config.devices[0] = &TIMER;
    config.caps[2] = Capabilities::default();
    let owner = vec![
        Call(Sysno::NotifyWait, vec![Val(1 << 2), FOREVER]),
        Call(Sysno::NotifyWait, vec![Val(1 << 2), Val(2000)]),
        Call(Sysno::IrqAck, vec![Val(1 << 2)]),
        Call(Sysno::NotifyWait, vec![Val(1 << 2), FOREVER]),
    ];
    // b raises the owner's interrupt twice: the first is delivered at once, the second is held
    // by the masked line until the owner acknowledges the first.
    let raiser = vec![
        Call(Sysno::IrqRaise, vec![Task("a"), Val(1 << 2)]),
        Call(Sysno::IrqRaise, vec![Task("a"), Val(1 << 2)]),
        Call(Sysno::IrqRaise, vec![Task("a"), Val(1 << 3)]),
        Call(Sysno::IrqRaise, vec![Task("b"), Val(1 << 2)]),
    ];
    let outsider = vec![Call(Sysno::IrqRaise, vec![Task("a"), Val(1 << 2)])];
    let mut s = sim_with(config, [owner, raiser, outsider]);
    assert_eq!(s.run(), ExitStatus::Success);
    let r = s.results(0);
    assert_eq!(r[0], [0, 1 << 2, 0, 0], "the raised interrupt arrived as bit 2");
    assert_eq!(r[1], err(SyscallError::TimedOut), "the second raise waited for the masked line");
    assert_eq!(r[3], [0, 1 << 2, 0, 0], "and came through once the owner acknowledged");
    let r = s.results(1);
    assert_eq!(r[0], [0, 0, 0, 0]);
    assert_eq!(r[2], err(SyscallError::InvalidArgument), "bit 3 is no interrupt of a's devices");
    assert_eq!(r[3], err(SyscallError::InvalidArgument), "b owns no device");
    assert_eq!(s.results(2)[0], err(SyscallError::NotPermitted), "raising needs the send capability");
}

#[test]
fn a_process_waiting_for_its_device_keeps_the_system_idle_not_ended() {
    let mut config = Config::new([1, 1, 1]);
    config.devices[0] = &TIMER;
    let owner = vec![Call(Sysno::NotifyWait, vec![Val(1 << 2), FOREVER])];
    let mut s = sim_with(config, [owner, idle(), idle()]);
    for _ in 0..20 {
        assert_eq!(s.k.step(), None, "no deadline is pending, but the owner's interrupt can still come:\n{}", s.output());
    }
    assert!(s.k.arch.sleeps > 0, "the kernel sleeps until an interrupt");
    // The device interrupts while the kernel sleeps.
    let k = s.k.arch.enabled.iter().position(|&e| e == 5).expect("the owner's line is enabled");
    s.k.arch.enabled.remove(k);
    s.k.arch.raised.push(5);
    assert_eq!(s.run(), ExitStatus::Success);
    assert_eq!(s.results(0)[0], [0, 1 << 2, 0, 0], "the owner woke with its device's bit");
}
