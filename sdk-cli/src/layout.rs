//! Placing the kernel and the processes in a board's memory.
//!
//! The kernel takes the reservation of `board.toml` at the start of flash and RAM. Each process
//! gets one flash region and one RAM region, shaped for the board's protection unit
//! ([`RegionRule`]), packed after the kernel: regions are placed largest first, so with
//! power-of-two regions each one starts aligned to its size without padding.
//!
//! ```text
//! flash: | kernel | P1 flash (largest) | P2 flash | ... |        free        |
//! RAM:   | kernel | P2 RAM (largest)   | P1 RAM   | ... |        free        |
//! ```

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::manifest::{Board, RegionRule};

/// An address range `[base, base + size)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub base: u64,
    pub size: u64,
}

impl Span {
    pub fn end(&self) -> u64 {
        self.base + self.size
    }
}

/// What a process needs, measured from its linked ELF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub name: String,
    pub flash: u64,
    pub ram: u64,
}

/// Where one process lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub name: String,
    pub flash: Span,
    pub ram: Span,
}

/// Where everything lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub kernel_flash: Span,
    pub kernel_ram: Span,
    pub processes: Vec<Placement>,
}

/// The flash and RAM left for processes once the kernel has its reservation.
pub fn process_areas(board: &Board) -> (Span, Span) {
    let m = &board.file.memory;
    let k = &board.file.kernel;
    let flash = Span { base: m.flash.origin + k.flash.0, size: m.flash.size.0 - k.flash.0 };
    let ram = Span { base: m.ram.origin + k.ram.0, size: m.ram.size.0 - k.ram.0 };
    (flash, ram)
}

/// The kernel's reservation.
pub fn kernel_spans(board: &Board) -> (Span, Span) {
    let m = &board.file.memory;
    let k = &board.file.kernel;
    (Span { base: m.flash.origin, size: k.flash.0 }, Span { base: m.ram.origin, size: k.ram.0 })
}

/// A layout used only to measure processes: each gets all of the process areas.
pub fn provisional(board: &Board, names: &[String]) -> Layout {
    let (flash, ram) = process_areas(board);
    let (kernel_flash, kernel_ram) = kernel_spans(board);
    let processes = names.iter().map(|n| Placement { name: n.clone(), flash, ram }).collect();
    Layout { kernel_flash, kernel_ram, processes }
}

/// Rounds a need up to a region the protection unit can express.
pub fn region_size(rule: RegionRule, min: u64, need: u64) -> u64 {
    let need = need.max(min);
    match rule {
        RegionRule::PowerOfTwo => need.next_power_of_two(),
        RegionRule::Granule => need.div_ceil(min) * min,
    }
}

/// Places processes with the given needs, in the board's memory.
pub fn place(board: &Board, needs: &[Need]) -> Result<Layout> {
    let rule = board.file.protection.rule;
    let min = board.file.protection.min_region;
    let (flash_area, ram_area) = process_areas(board);
    let flash_sizes: Vec<u64> = needs.iter().map(|n| region_size(rule, min, n.flash)).collect();
    let ram_sizes: Vec<u64> = needs.iter().map(|n| region_size(rule, min, n.ram)).collect();
    let flash = pack(rule, min, flash_area, &flash_sizes)
        .map_err(|short| exhausted(board, "flash", needs, &flash_sizes, flash_area, short))?;
    let ram = pack(rule, min, ram_area, &ram_sizes)
        .map_err(|short| exhausted(board, "RAM", needs, &ram_sizes, ram_area, short))?;
    let (kernel_flash, kernel_ram) = kernel_spans(board);
    let processes = needs
        .iter()
        .enumerate()
        .map(|(i, n)| Placement { name: n.name.clone(), flash: flash[i], ram: ram[i] })
        .collect();
    Ok(Layout { kernel_flash, kernel_ram, processes })
}

fn exhausted(board: &Board, what: &str, needs: &[Need], sizes: &[u64], area: Span, short: u64) -> anyhow::Error {
    let list: Vec<String> = needs.iter().zip(sizes).map(|(n, s)| format!("{} {} B", n.name, s)).collect();
    anyhow::anyhow!(
        "the processes do not fit in {}'s {what}: their regions ({}), aligned as the protection unit requires, would end {short} bytes past the end of {what}; {} bytes are left after the kernel",
        board.name(),
        list.join(", "),
        area.size
    )
}

/// Packs regions of the given sizes into `area`, largest first, each aligned as the rule needs.
/// Returns the spans in input order, or by how many bytes the area is too small.
fn pack(rule: RegionRule, min: u64, area: Span, sizes: &[u64]) -> Result<Vec<Span>, u64> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut spans = vec![Span { base: 0, size: 0 }; sizes.len()];
    let mut next = area.base;
    for &i in &order {
        let align = match rule {
            RegionRule::PowerOfTwo => sizes[i],
            RegionRule::Granule => min,
        };
        let base = next.div_ceil(align) * align;
        spans[i] = Span { base, size: sizes[i] };
        next = base + sizes[i];
    }
    if next > area.end() {
        return Err(next - area.end());
    }
    Ok(spans)
}

/// Checks a layout is sane: everything inside the board's memory, nothing overlapping.
pub fn verify(board: &Board, layout: &Layout) -> Result<()> {
    let (flash_area, ram_area) = process_areas(board);
    let mut all: Vec<(String, Span)> = Vec::new();
    for p in &layout.processes {
        if p.flash.base < flash_area.base || p.flash.end() > flash_area.end() {
            bail!("process '{}' flash {:#x}+{:#x} is outside the process flash area", p.name, p.flash.base, p.flash.size);
        }
        if p.ram.base < ram_area.base || p.ram.end() > ram_area.end() {
            bail!("process '{}' RAM {:#x}+{:#x} is outside the process RAM area", p.name, p.ram.base, p.ram.size);
        }
        all.push((format!("{} flash", p.name), p.flash));
        all.push((format!("{} RAM", p.name), p.ram));
    }
    for (i, (a, sa)) in all.iter().enumerate() {
        for (b, sb) in &all[i + 1..] {
            if sa.base < sb.end() && sb.base < sa.end() {
                bail!("{a} and {b} overlap");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;
    use std::path::Path;

    fn board(rule: &str, min: u64) -> Board {
        let text = crate::manifest::tests_support::board_text(rule, min);
        Board { file: parse(Path::new("board.toml"), &text).unwrap(), dir: "bsp/b".into() }
    }

    fn need(name: &str, flash: u64, ram: u64) -> Need {
        Need { name: name.into(), flash, ram }
    }

    #[test]
    fn power_of_two_regions_are_aligned_and_disjoint() {
        let b = board("power-of-two", 32);
        let needs = [need("a", 5000, 1500), need("b", 20_000, 3000), need("c", 10, 10)];
        let l = place(&b, &needs).unwrap();
        verify(&b, &l).unwrap();
        for p in &l.processes {
            for s in [p.flash, p.ram] {
                assert!(s.size.is_power_of_two() && s.base % s.size == 0, "{p:?}");
            }
        }
        assert_eq!(l.processes[0].flash.size, 8192);
        assert_eq!(l.processes[1].flash, Span { base: 0x8000, size: 0x8000 }, "largest first, right after the kernel");
        assert_eq!(l.processes[2].ram.size, 32, "minimum region");
        assert_eq!(l.kernel_flash, Span { base: 0, size: 0x8000 });
    }

    #[test]
    fn granule_regions_round_to_the_granule() {
        let b = board("granule", 32);
        let l = place(&b, &[need("a", 33, 100), need("b", 64, 1)]).unwrap();
        verify(&b, &l).unwrap();
        assert_eq!(l.processes[0].flash.size, 64);
        assert_eq!(l.processes[0].ram.size, 128);
        assert_eq!(l.processes[1].ram.size, 32);
        assert!(l.processes.iter().all(|p| p.flash.base % 32 == 0 && p.ram.base % 32 == 0));
    }

    #[test]
    fn exhaustion_says_by_how_much() {
        let b = board("power-of-two", 32);
        let err = place(&b, &[need("big", 1000, 60 * 1024)]).unwrap_err().to_string();
        assert!(err.contains("do not fit in b's RAM"), "{err}");
        assert!(err.contains("big 65536 B") && err.contains("65536 bytes past the end of RAM"), "{err}");
        assert!(err.contains("57344 bytes are left"), "{err}");
    }

    #[test]
    fn placement_is_deterministic_and_stable_for_ties() {
        let b = board("power-of-two", 32);
        let needs = [need("a", 100, 100), need("b", 100, 100)];
        let l1 = place(&b, &needs).unwrap();
        let l2 = place(&b, &needs).unwrap();
        assert_eq!(l1, l2);
        assert!(l1.processes[0].flash.base < l1.processes[1].flash.base, "ties keep manifest order");
    }
}
