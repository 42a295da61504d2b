//! `mote bench idle`: builds `bench/idle.toml` (one process, `idle-probe`, sleeping 10 s of
//! virtual time while nothing else runs), boots it in QEMU with `-icount shift=4` and QEMU's
//! execution log (`-d in_asm,exec,nochain,int`), and counts in that log what the CPU did while
//! the probe slept.
//!
//! The log holds every translated block (`IN:`, one line per instruction, so its length), every
//! block executed (`Trace 0: HOST [CS_BASE/PC/FLAGS/CFLAGS]`, each execution as `nochain` keeps
//! blocks from jumping straight into each other) and every interrupt taken. The sleep is the run
//! of blocks outside the processes' code around the first `wfi` after the probe has run: from
//! the probe's `sleep` call to its return.
//!
//! ```text
//!  process blocks ... | kernel: sleep syscall, idle (wfi ... wake-ups ...), deadline, return | process blocks
//!                     |<----------------------- the window counted ------------------------>|
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::json;

use crate::qemu;

/// Virtual time the probe sleeps (`bench/idle/probe`).
pub const SLEEP_S: u32 = 10;

/// Wall time after which QEMU is stopped: 10 s of idle virtual time pass at once with
/// `sleep=off`; a busy kernel would take longer.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The low bits of a block's `cflags`: when not zero, it was cut to that many instructions
/// (QEMU's `CF_COUNT_MASK`: the end of an `-icount` budget, or an I/O access re-executed).
const CF_COUNT_MASK: u64 = 0x1ff;

/// What the CPU did while the probe slept.
#[derive(Debug, PartialEq)]
pub struct Idle {
    /// Instructions executed, from the probe's `sleep` call to its return.
    pub instructions: u64,
    /// Of those, the instructions between the first `wfi` and the last (the work of the
    /// wake-ups before the deadline): 0 for a tickless kernel.
    pub asleep: u64,
    /// Times the CPU left `wfi`: the last one is the probe's deadline.
    pub wfi_exits: u64,
    /// Interrupts the CPU took (on RISC-V the kernel's `wfi` wakes without taking them).
    pub interrupts: u64,
}

impl Idle {
    /// Wake-ups before the deadline that ends the sleep: the tickless goal is 0.
    pub fn timer_wakeups(&self) -> u64 {
        self.wfi_exits.saturating_sub(1)
    }
}

/// Builds and runs the idle image on `board`, then prints what the CPU did while idle.
pub fn run(sdk: &Path, board: Option<String>, json: bool, verbose: bool) -> Result<ExitCode> {
    let (built, board) = super::build(sdk, "idle.toml", board, verbose)?;
    let log = built.dir.join("idle-exec.log");
    let log_arg = log.to_str().context("the image's directory is not UTF-8")?;
    eprintln!(
        "running the idle probe on {} ({SLEEP_S} s of virtual time), QEMU's log in {}",
        board.name(),
        log.display()
    );
    let run = qemu::run_captured_with(
        &board,
        &built.image_elf,
        TIMEOUT,
        &["-d", "in_asm,exec,nochain,int", "-D", log_arg],
    )?;
    if run.status != Some(0) || !run.output.contains("idle: awake") {
        bail!("{}", super::failure("idle", run.status, &run, None));
    }
    let text = std::fs::read_to_string(&log)
        .with_context(|| format!("cannot read QEMU's log {}", log.display()))?;
    let processes: Vec<(u64, u64)> = built
        .processes
        .iter()
        .map(|p| (p.flash.base, p.flash.end()))
        .collect();
    let idle = count(&text, &processes)?;
    if json {
        let v = json!({"board": board.name(), "virtual_seconds": SLEEP_S, "instructions": idle.instructions, "instructions_asleep": idle.asleep, "timer_wakeups": idle.timer_wakeups(), "wfi_exits": idle.wfi_exits, "interrupts": idle.interrupts});
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("Idle on {}: {SLEEP_S} s of virtual time, every process blocked (counted in QEMU's execution log)", board.name());
        println!(
            "instructions      {:>8}  from the probe's sleep call to its return",
            idle.instructions
        );
        println!(
            "  while asleep    {:>8}  from the first wfi to the last (goal 0)",
            idle.asleep
        );
        println!(
            "timer wake-ups    {:>8}  wfi exits before the deadline (goal 0: tickless)",
            idle.timer_wakeups()
        );
        println!(
            "wfi exits         {:>8}  including the deadline's",
            idle.wfi_exits
        );
        println!("interrupts taken  {:>8}", idle.interrupts);
    }
    Ok(ExitCode::SUCCESS)
}

/// One event of the log, in order.
enum Event {
    /// A block executed at `pc`, cut to `count` instructions if not 0.
    Block {
        pc: u64,
        count: u64,
    },
    Interrupt,
}

/// Counts the window of `log` (QEMU's `-d in_asm,exec,nochain,int`) around the first `wfi`
/// executed after code in one of `processes` (flash ranges) ran.
pub fn count(log: &str, processes: &[(u64, u64)]) -> Result<Idle> {
    // Pass 1: each block's length (the longest translation at that address), and the blocks that
    // sleep, counted up to their `wfi` (execution resumes after it, in a new block).
    let mut length = std::collections::HashMap::<u64, u64>::new();
    let mut sleeps = std::collections::HashSet::<u64>::new();
    let mut lines = log.lines().peekable();
    let mut events = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with("IN:") {
            // RISC-V logs the privilege level first.
            lines.next_if(|l| l.starts_with("Priv:"));
            let (mut start, mut n, mut wfi) = (None, 0, None);
            while let Some(insn) = lines.peek().filter(|l| l.starts_with("0x")) {
                let addr = hex(insn.split(':').next().unwrap_or(""))?;
                start.get_or_insert(addr);
                n += 1;
                if wfi.is_none() && insn.split_whitespace().any(|w| w == "wfi") {
                    wfi = Some(n);
                }
                lines.next();
            }
            let Some(pc) = start else { continue };
            if let Some(upto) = wfi {
                sleeps.insert(pc);
                n = upto;
            }
            let l = length.entry(pc).or_default();
            *l = (*l).max(n);
        } else if let Some(rest) = line.strip_prefix("Trace ") {
            let fields: Vec<&str> = rest
                .split(['[', ']'])
                .nth(1)
                .unwrap_or("")
                .split('/')
                .collect();
            if fields.len() != 4 {
                bail!("unexpected trace line in QEMU's log: {line}");
            }
            events.push(Event::Block {
                pc: hex(fields[1])?,
                count: hex(fields[3])? & CF_COUNT_MASK,
            });
        } else if line.starts_with("Taking exception 5 [IRQ]")
            || (line.starts_with("riscv_cpu_do_interrupt") && line.contains("async:1"))
        {
            events.push(Event::Interrupt);
        }
    }
    // Pass 2: the blocks executed, with how many instructions each cut one ran (0: whole). A block
    // logged and then re-executed cut short at the same address did not run (QEMU stopped it
    // before its first instruction). Interrupts are marked by the address `u64::MAX`.
    let mut executed: Vec<(u64, Option<u64>)> = Vec::new();
    for e in events {
        match e {
            Event::Interrupt => executed.push((u64::MAX, Some(0))),
            Event::Block { pc, count } => {
                if count != 0 {
                    if let Some(last) = executed
                        .iter_mut()
                        .rev()
                        .find(|(p, _)| *p != u64::MAX)
                        .filter(|(p, _)| *p == pc)
                    {
                        last.1 = Some(0);
                    }
                }
                executed.push((pc, (count != 0).then_some(count)));
            }
        }
    }
    let in_process = |pc: u64| processes.iter().any(|&(a, b)| (a..b).contains(&pc));
    let first_process = executed
        .iter()
        .position(|(pc, _)| in_process(*pc))
        .context("no process code ran (QEMU's log)")?;
    let first_wfi = executed[first_process..]
        .iter()
        .position(|(pc, _)| sleeps.contains(pc))
        .map(|k| k + first_process)
        .context("the CPU never slept (no wfi) after the probe ran")?;
    let start = executed[..first_wfi]
        .iter()
        .rposition(|(pc, _)| in_process(*pc))
        .map_or(0, |k| k + 1);
    let end = executed[first_wfi..]
        .iter()
        .position(|(pc, _)| in_process(*pc))
        .map_or(executed.len(), |k| k + first_wfi);
    let window = &executed[start..end];
    let last_wfi = window
        .iter()
        .rposition(|(pc, _)| sleeps.contains(pc))
        .unwrap_or(0)
        + start;
    let (mut instructions, mut asleep) = (0, 0);
    for (k, &(pc, cut)) in executed.iter().enumerate().take(end).skip(start) {
        if pc == u64::MAX {
            continue;
        }
        let full = *length.get(&pc).with_context(|| {
            format!("block {pc:#x} executed but never translated in QEMU's log")
        })?;
        let n = cut.map_or(full, |n| n.min(full));
        instructions += n;
        if k > first_wfi && k <= last_wfi {
            asleep += n;
        }
    }
    Ok(Idle {
        instructions,
        asleep,
        wfi_exits: window.iter().filter(|(pc, _)| sleeps.contains(pc)).count() as u64,
        interrupts: window.iter().filter(|(pc, _)| *pc == u64::MAX).count() as u64,
    })
}

fn hex(s: &str) -> Result<u64> {
    u64::from_str_radix(s.trim().trim_start_matches("0x"), 16)
        .with_context(|| format!("not a hexadecimal number in QEMU's log: {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log in QEMU 7.2's format: process block 0x10000 (2 instructions), kernel blocks 0x400
    /// (3) and 0x500 (wfi, then one more), an interrupt, 0x400 cut to 1, the process again.
    const LOG: &str = "\
----------------
IN: 
0x00010000:  b580       push     {r7, lr}
0x00010002:  df00       svc      #0

Trace 0: 0x7f00 [00800400/00010000/00000110/ff020200] 
----------------
IN: 
0x00000400:  b580       push     {r7, lr}
0x00000402:  466f       mov      r7, sp
0x00000404:  e7fe       b        #0x404

Trace 0: 0x7f01 [00800400/00000400/00000110/ff020200] 
----------------
IN: 
0x00000500:  bf30       wfi      
0x00000502:  e7fe       b        #0x502

Trace 0: 0x7f02 [00800400/00000500/00000110/ff020200] 
Taking exception 5 [IRQ] on CPU 0
...taking pending nonsecure exception 25
Trace 0: 0x7f01 [00800400/00000400/00000110/ff020200] 
Trace 0: 0x7f03 [00800400/00000400/00000110/ff020201] 
Trace 0: 0x7f02 [00800400/00000500/00000110/ff020200] 
Trace 0: 0x7f00 [00800400/00010000/00000110/ff020200] 
";

    #[test]
    fn counts_the_window_between_the_process_blocks() {
        let idle = count(LOG, &[(0x10000, 0x12000)]).unwrap();
        // 0x400 (3) + wfi block (1, up to the wfi) + 0x400 cut short (1; the run before it did
        // not happen) + wfi block (1).
        assert_eq!(
            idle,
            Idle {
                instructions: 6,
                asleep: 2,
                wfi_exits: 2,
                interrupts: 1
            }
        );
        assert_eq!(idle.timer_wakeups(), 1);
    }

    #[test]
    fn a_log_without_process_code_is_an_error() {
        assert!(count(LOG, &[(0x20000, 0x22000)])
            .unwrap_err()
            .to_string()
            .contains("no process code"));
    }
}
