//! Log records, levels, the log ring and the process table.

use super::Arg::*;
use super::Step::*;
use super::*;

#[test]
fn log_records_are_tagged_and_escaped() {
    let calls = vec![Write(300, b"hi\nthere".to_vec()), Call(Sysno::Log, vec![Val(2), Ram(300), Val(8)])];
    let mut s = sim([1, 1, 1], [calls, idle(), idle()]);
    s.run();
    assert!(s.output().contains("[WARN  a] hi\\x0athere\n"), "{}", s.output());
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
