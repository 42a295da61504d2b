//! `mote size`: flash and RAM use of the kernel and of each process.

use serde_json::{json, Value};

use crate::image::Built;
use crate::manifest::Board;

/// The minimal configuration `mote size --minimal` measures, relative to the SDK: a kernel, two
/// processes and one queue of four-word messages (also a QEMU test, so it is known to work).
pub const MINIMAL_IMAGE: &str = "tests/qemu/minimal.toml";

/// A peer kernel's footprint in the same configuration (two tasks, one four-word queue, no printf,
/// GCC 12.2 -Os for Cortex-M3, after --gc-sections), as measured in
/// `shared/anchors/thread-metric.md`.
pub struct Peer {
    pub name: &'static str,
    pub text: u64,
    pub data: u64,
    pub bss: u64,
}

/// The peers' kernel footprints, smallest text first.
pub const PEERS: &[Peer] = &[
    Peer { name: "ThreadX 6.4.2, smallest options", text: 2658, data: 4, bss: 344 },
    Peer { name: "FreeRTOS 11.3, static allocation", text: 3348, data: 8, bss: 760 },
    Peer { name: "FreeRTOS 11.3, heap_1 (3 KiB heap)", text: 3504, data: 8, bss: 3276 },
    Peer { name: "ThreadX 6.4.2, defaults", text: 3678, data: 4, bss: 1608 },
];

/// Mote's kernel text against each peer's: `{NAME: {text, data, bss, mote_text_ratio}}`.
pub fn peers_json(kernel_text: u64) -> Value {
    let mut peers = serde_json::Map::new();
    for p in PEERS {
        peers.insert(
            p.name.to_string(),
            json!({ "text": p.text, "data": p.data, "bss": p.bss, "mote_text_ratio": ratio(kernel_text, p.text) }),
        );
    }
    Value::Object(peers)
}

/// Prints Mote's kernel text against each peer's.
pub fn print_peers(kernel_text: u64) {
    println!("kernel text against the peers (2 tasks + one 4-word queue, -Os, Cortex-M3; the peers do not isolate tasks):");
    for p in PEERS {
        println!(
            "  {:<36} text {:>5} data {:>3} bss {:>5}   Mote's text is {:.1}x ({:+} bytes)",
            p.name,
            p.text,
            p.data,
            p.bss,
            ratio(kernel_text, p.text),
            kernel_text as i64 - p.text as i64
        );
    }
}

/// `a / b`, rounded to two decimals.
fn ratio(a: u64, b: u64) -> f64 {
    (a as f64 / b as f64 * 100.0).round() / 100.0
}

/// The sizes as JSON: `{"board", "image", "kernel": {text, data, bss}, "processes": {NAME: {...}}}`.
pub fn json(built: &Built, board: &Board) -> Value {
    let mut processes = serde_json::Map::new();
    for p in &built.processes {
        processes.insert(
            p.name.clone(),
            json!({
                "priority": p.priority,
                "text": p.sizes.text,
                "data": p.sizes.data,
                "bss": p.sizes.bss,
                "stack": p.stack,
                "heap": p.heap,
                "flash_region": { "base": p.flash.base, "size": p.flash.size },
                "ram_region": { "base": p.ram.base, "size": p.ram.size },
            }),
        );
    }
    let k = &built.kernel_sizes;
    json!({
        "board": board.name(),
        "image": built.dir.file_name().and_then(|n| n.to_str()).unwrap_or_default(),
        "kernel": {
            "text": k.text,
            "data": k.data,
            "bss": k.bss,
            "flash_region": { "base": built.layout.kernel_flash.base, "size": built.layout.kernel_flash.size },
            "ram_region": { "base": built.layout.kernel_ram.base, "size": built.layout.kernel_ram.size },
        },
        "processes": processes,
    })
}

/// The sizes as a table.
pub fn print_table(built: &Built, board: &Board) {
    println!("{:<16} {:>4} {:>7} {:>6} {:>6} {:>6} {:>6}  {:<21}  {:<21}", "", "prio", "text", "data", "bss", "stack", "heap", "flash region", "ram region");
    let k = &built.kernel_sizes;
    let (kf, kr) = (built.layout.kernel_flash, built.layout.kernel_ram);
    println!(
        "{:<16} {:>4} {:>7} {:>6} {:>6} {:>6} {:>6}  {:#010x}-{:#010x}  {:#010x}-{:#010x}",
        "kernel", "-", k.text, k.data, k.bss, "-", "-", kf.base, kf.end(), kr.base, kr.end()
    );
    for p in &built.processes {
        println!(
            "{:<16} {:>4} {:>7} {:>6} {:>6} {:>6} {:>6}  {:#010x}-{:#010x}  {:#010x}-{:#010x}",
            p.name, p.priority, p.sizes.text, p.sizes.data, p.sizes.bss, p.stack, p.heap, p.flash.base, p.flash.end(), p.ram.base, p.ram.end()
        );
    }
    println!("board {} ({}), bytes", board.name(), board.file.board.cpu);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::Sizes;
    use crate::image::BuiltProcess;
    use crate::layout::{Layout, Span};

    #[test]
    fn json_has_kernel_and_per_process_sizes() {
        let span = |base, size| Span { base, size };
        let built = Built {
            dir: "target/mote/images/b/demo".into(),
            image_elf: "image.elf".into(),
            kernel_elf: "kernel.elf".into(),
            kernel_sizes: Sizes { text: 100, data: 4, bss: 8 },
            layout: Layout { kernel_flash: span(0, 0x1000), kernel_ram: span(0x2000_0000, 0x400), processes: vec![] },
            processes: vec![BuiltProcess {
                name: "ping".into(),
                priority: 2,
                elf: "ping.elf".into(),
                sizes: Sizes { text: 50, data: 0, bss: 16 },
                stack: 1024,
                heap: 0,
                flash: span(0x1000, 0x100),
                ram: span(0x2000_0400, 0x800),
            }],
        };
        let text = crate::manifest::tests_support::board_text("power-of-two", 32);
        let board = Board { file: crate::manifest::parse(std::path::Path::new("board.toml"), &text).unwrap(), dir: "bsp/b".into() };
        let v = json(&built, &board);
        assert_eq!(v["kernel"]["text"], 100);
        assert_eq!(v["kernel"]["bss"], 8);
        assert_eq!(v["processes"]["ping"]["bss"], 16);
        assert_eq!(v["processes"]["ping"]["stack"], 1024);
        assert_eq!(v["processes"]["ping"]["ram_region"]["size"], 0x800);
        assert_eq!(v["image"], "demo");
    }

    #[test]
    fn peers_compare_kernel_text() {
        let v = peers_json(5316);
        assert_eq!(v["FreeRTOS 11.3, static allocation"]["text"], 3348);
        assert_eq!(v["ThreadX 6.4.2, smallest options"]["mote_text_ratio"], 2.0);
        assert_eq!(v.as_object().unwrap().len(), PEERS.len());
    }
}
