//! `mote new-board NAME --chip CHIP`: scaffolds `bsp/NAME/`, a board package that builds at once.
//!
//! A known chip ([`chips::CHIPS`]) gives real values: memory map, target, protection unit, probe
//! and console, and the SDK's drivers where it has them. An unknown chip needs `--arch`; its
//! `board.toml` then carries the architecture's defaults, each marked `FILL IN`. `--from BOARD`
//! starts from an existing board's files (its wiring) instead of the templates.

mod chips;
mod templates;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::manifest::Board;
use templates::Spec;

/// What `new-board` was asked for.
pub struct Request<'a> {
    pub name: &'a str,
    pub chip: &'a str,
    pub arch: Option<&'a str>,
    /// An existing board to copy the wiring of.
    pub from: Option<&'a str>,
}

/// What was made, for the message to the porter.
pub struct Scaffolded {
    pub board: Board,
    pub files: Vec<PathBuf>,
    /// What the porter must do next, in order.
    pub todo: Vec<String>,
}

impl Scaffolded {
    /// Tells the porter what was made (paths relative to `sdk`) and what to do next.
    pub fn print(&self, sdk: &Path) {
        println!("created board {} ({}, {}):", self.board.name(), self.board.file.board.arch, self.board.file.board.status);
        for f in &self.files {
            println!("  {}", f.strip_prefix(sdk).unwrap_or(f).display());
        }
        println!("next:");
        for (i, step) in self.todo.iter().enumerate() {
            println!("  {}. {step}", i + 1);
        }
    }
}

/// Writes `bsp_dir/NAME/` and checks that its manifest loads; on any error nothing is left behind.
pub fn new_board(bsp_dir: &Path, req: &Request) -> Result<Scaffolded> {
    check_name(req.name)?;
    let dir = bsp_dir.join(req.name);
    if dir.exists() {
        bail!("{} already exists: choose another name (a board's name is its directory under bsp/)", dir.display());
    }
    let chip = chips::find(req.chip);
    let from = match req.from {
        Some(f) => Some(Board::load(&bsp_dir.join(f)).with_context(|| format!("--from {f}: not a board under {}", bsp_dir.display()))?),
        None => reference_board(bsp_dir, chip)?,
    };
    let arch = resolve_arch(req, chip, from.as_ref())?;
    let spec = Spec { name: req.name, chip_name: req.chip, chip, arch: &arch };
    let files = match &from {
        Some(b) => copy_board(&dir, b, &spec),
        None => write_templates(&dir, &spec),
    };
    let files = match files.and_then(|f| Board::load(&dir).map(|b| (f, b))) {
        Ok(done) => done,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e.context(format!("scaffolding {} failed (nothing was left behind)", req.name)));
        }
    };
    let (files, board) = files;
    let todo = todo(&spec, from.as_ref());
    Ok(Scaffolded { board, files, todo })
}

/// The SDK's board with `chip` ([`chips::Wiring::Board`]), if it is under `bsp_dir`: a new board
/// for the chip starts as a copy of it.
fn reference_board(bsp_dir: &Path, chip: Option<&chips::Chip>) -> Result<Option<Board>> {
    let Some(chips::Wiring::Board(name)) = chip.map(|c| c.wiring) else { return Ok(None) };
    let dir = bsp_dir.join(name);
    if !dir.join("board.toml").exists() {
        return Ok(None);
    }
    Board::load(&dir).map(Some).with_context(|| format!("the SDK's board for this chip, {name}, does not load"))
}

/// Whether `from` is the SDK's board for the chip of `s` (then its `board.toml` is the chip's).
fn is_reference(s: &Spec, from: &Board) -> bool {
    s.chip.is_some_and(|c| matches!(c.wiring, chips::Wiring::Board(name) if name == from.name()))
}

/// A board name: lowercase letters, digits and dashes, starting with a letter.
fn check_name(name: &str) -> Result<()> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !["all", "build-support", "mps2-support"].contains(&name);
    if !ok {
        bail!("\"{name}\" cannot name a board: use lowercase letters, digits and dashes, starting with a letter (like nrf52840-dk)");
    }
    Ok(())
}

/// The architecture: the chip's, or `--from`'s board's, or `--arch` for an unknown chip.
fn resolve_arch(req: &Request, chip: Option<&chips::Chip>, from: Option<&Board>) -> Result<String> {
    let known = chip.map(|c| c.arch).or(from.map(|b| b.file.board.arch.as_str()));
    if let (Some(c), Some(b)) = (chip, from) {
        if c.arch != b.file.board.arch {
            bail!("--chip {} is {}, but --from {} is {}: copy the wiring of a board of the same architecture", c.name, c.arch, b.name(), b.file.board.arch);
        }
    }
    match (known, req.arch) {
        (Some(k), Some(a)) if k != a => bail!("--arch {a} contradicts --chip/--from, which say {k}"),
        (Some(k), _) => Ok(k.to_string()),
        (None, Some(a)) if ["cortex-m", "riscv", "xtensa"].contains(&a) => Ok(a.to_string()),
        (None, Some(a)) => bail!("--arch {a}: must be cortex-m, riscv or xtensa"),
        (None, None) => bail!(
            "unknown chip \"{}\": give its architecture with --arch cortex-m|riscv|xtensa (known chips: {})",
            req.chip,
            chips::names()
        ),
    }
}

fn write(dir: &Path, rel: &str, text: &str, files: &mut Vec<PathBuf>) -> Result<()> {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    files.push(path);
    Ok(())
}

/// The board from the templates.
fn write_templates(dir: &Path, s: &Spec) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    write(dir, "board.toml", &templates::board_toml(s), &mut files)?;
    write(dir, "Cargo.toml", &templates::cargo_toml(s), &mut files)?;
    write(dir, "build.rs", &templates::build_rs(s.arch), &mut files)?;
    write(dir, "src/main.rs", &templates::main_rs(s), &mut files)?;
    if s.wiring() == chips::Wiring::Placeholder {
        let clock = if s.arch == "xtensa" { "" } else { templates::PLACEHOLDER_CLOCK_RS };
        write(dir, "src/placeholder.rs", &format!("{}{clock}", templates::PLACEHOLDER_RS), &mut files)?;
    }
    Ok(files)
}

/// The board from `from`'s files, renamed; a known chip's `board.toml` replaces `from`'s.
fn copy_board(dir: &Path, from: &Board, s: &Spec) -> Result<Vec<PathBuf>> {
    let old = from.name();
    let mut files = Vec::new();
    let board_toml = match s.chip {
        Some(c) if is_reference(s, from) => {
            let text = std::fs::read_to_string(from.dir.join("board.toml"))?;
            let description = format!("description = \"{}: a board started from {old}\"", c.summary);
            text.replacen(&format!("name = \"{old}\""), &format!("name = \"{}\"", s.name), 1)
                .replacen(&format!("description = \"{}\"", from.file.board.description), &description, 1)
        }
        Some(_) => templates::board_toml(s),
        None => {
            let text = std::fs::read_to_string(from.dir.join("board.toml"))?;
            let description = format!("description = \"{} (copied from {old}: FILL IN)\"", s.chip_name);
            text.replacen(&format!("name = \"{old}\""), &format!("name = \"{}\"", s.name), 1)
                .replacen(&format!("description = \"{}\"", from.file.board.description), &description, 1)
        }
    };
    write(dir, "board.toml", &board_toml, &mut files)?;
    let cargo = std::fs::read_to_string(from.dir.join("Cargo.toml"))?;
    write(dir, "Cargo.toml", &cargo.replacen(&format!("mote-bsp-{old}"), &format!("mote-bsp-{}", s.name), 1), &mut files)?;
    let mut sources = vec![PathBuf::from("build.rs")];
    for e in std::fs::read_dir(from.dir.join("src"))?.filter_map(|e| e.ok()) {
        sources.push(Path::new("src").join(e.file_name()));
    }
    for rel in sources {
        let text = std::fs::read_to_string(from.dir.join(&rel))?;
        // The board's name as the kernel reports it.
        let text = text.replace(&format!("\"{old}\""), &format!("\"{}\"", s.name));
        write(dir, &rel.to_string_lossy(), &text, &mut files)?;
    }
    Ok(files)
}

/// What the porter does next.
fn todo(s: &Spec, from: Option<&Board>) -> Vec<String> {
    let mut todo = Vec::new();
    let board_toml = format!("bsp/{}/board.toml", s.name);
    match (s.chip, from) {
        (None, None) => todo.push(format!(
            "{board_toml}: \"{}\" is not a chip the SDK knows, so these fields hold {}'s defaults, marked FILL IN: \
             board.cpu, board.target, memory.flash, memory.ram (origin and size), protection.unit/rule/min_region, \
             flash.chip (the probe-rs or espflash name), console.device and console.pins",
            s.chip_name, s.arch
        )),
        (None, Some(b)) => todo.push(format!(
            "{board_toml}: copied from {}: set board.description, board.cpu, board.target, memory.flash, memory.ram and \
             protection.* to the {}'s values (and [flash], [console] for a real board)",
            b.name(),
            s.chip_name
        )),
        (Some(c), Some(b)) if is_reference(s, b) => todo.push(format!(
            "{board_toml}: {}'s, for the {} ({}): change what differs on your board (memory sizes, console pins, [flash])",
            b.name(),
            c.name,
            c.summary
        )),
        (Some(c), _) => todo.push(format!("{board_toml}: filled in for the {} ({}); check kernel.flash and kernel.ram with `cargo mote size`", c.name, c.summary)),
    }
    if s.chip.is_some_and(|c| c.qemu.is_some()) && !s.name.starts_with("qemu-") {
        todo.push(format!("a QEMU board's name starts with qemu- (the demo test checks the banner for it): consider qemu-{}", s.name));
    }
    if let Some(b) = from.filter(|b| is_reference(s, b)) {
        todo.push(format!("bsp/{}/src/: {}'s drivers, for the same chip: change the pins and clocks your board wires differently", s.name, b.name()));
    } else if let Some(b) = from {
        todo.push(format!("bsp/{}/src/: {}'s wiring: check every address in it against the {}", s.name, b.name(), s.chip_name));
    } else if s.wiring() == chips::Wiring::Placeholder {
        let what = if s.arch == "xtensa" { "the console is a placeholder" } else { "the console and the clock are placeholders" };
        todo.push(format!(
            "bsp/{}/src/main.rs: {what} (src/placeholder.rs): write the drivers (docs/porting.md, steps 2 and 3){}",
            s.name,
            s.chip.map(|c| format!("; {}", c.notes)).unwrap_or_default()
        ));
    }
    todo.push(format!("cargo mote build --board {}   (builds now)", s.name));
    todo.push(format!("cargo mote test --board {}    (the board's row of the test matrix)", s.name));
    todo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests_support::temp_dir;

    fn sdk_bsp() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../bsp")
    }

    #[test]
    fn every_known_chip_scaffolds_a_board_that_loads() {
        let bsp = temp_dir("scaffold-chips");
        for c in chips::CHIPS {
            let name = format!("my-{}", c.name);
            let made = new_board(&bsp, &Request { name: &name, chip: c.name, arch: None, from: None }).unwrap();
            assert_eq!(made.board.name(), name);
            assert_eq!(made.board.file.board.target, c.target);
            assert_eq!(made.board.file.memory.flash.origin, c.flash.0);
            assert_eq!(made.board.file.board.status == "qemu", c.qemu.is_some(), "{}", c.name);
            let main = std::fs::read_to_string(bsp.join(&name).join("src/main.rs")).unwrap();
            assert!(main.contains(&format!("\"{name}\"")), "{main}");
            // No SDK boards in this directory: a chip with one gets the placeholders.
            let placeholders = matches!(c.wiring, chips::Wiring::Placeholder | chips::Wiring::Board(_));
            assert_eq!(bsp.join(&name).join("src/placeholder.rs").exists(), placeholders, "{}", c.name);
        }
    }

    #[test]
    fn a_chip_with_an_sdk_board_starts_from_that_board() {
        let bsp = temp_dir("scaffold-reference");
        for c in chips::CHIPS {
            let chips::Wiring::Board(reference) = c.wiring else { continue };
            copy_dir(&sdk_bsp().join(reference), &bsp.join(reference));
            let name = format!("my-{}", c.name);
            let made = new_board(&bsp, &Request { name: &name, chip: c.name, arch: None, from: None }).unwrap();
            let original = Board::load(&sdk_bsp().join(reference)).unwrap();
            assert_eq!(made.board.name(), name);
            assert_eq!(made.board.file.board.target, original.file.board.target, "{}", c.name);
            assert!(made.board.file.board.description.contains(reference), "{}", made.board.file.board.description);
            assert!(!bsp.join(&name).join("src/placeholder.rs").exists(), "{}: the real drivers, no placeholders", c.name);
            let main = std::fs::read_to_string(bsp.join(&name).join("src/main.rs")).unwrap();
            assert!(main.contains(&format!("\"{name}\"")) && !main.contains(&format!("\"{reference}\"")), "{main}");
            assert!(made.todo[0].contains(reference) && made.todo[1].contains("drivers"), "{:?}", made.todo);
        }
    }

    #[test]
    fn unknown_chips_need_an_arch_and_say_what_to_fill_in() {
        let bsp = temp_dir("scaffold-unknown");
        let req = |arch| Request { name: "mystery", chip: "xyz123", arch, from: None };
        assert!(new_board(&bsp, &req(None)).err().unwrap().to_string().contains("--arch cortex-m|riscv|xtensa"));
        assert!(new_board(&bsp, &req(Some("mips"))).is_err());
        assert!(!bsp.join("mystery").exists(), "nothing is left behind");
        for arch in ["cortex-m", "riscv", "xtensa"] {
            let bsp = temp_dir(&format!("scaffold-unknown-{arch}"));
            let made = new_board(&bsp, &req(Some(arch))).unwrap();
            assert_eq!(made.board.file.board.arch, arch);
            assert!(made.todo[0].contains("memory.flash, memory.ram"), "{:?}", made.todo);
            let text = std::fs::read_to_string(bsp.join("mystery/board.toml")).unwrap();
            assert!(text.contains("chip = \"xyz123\"  # FILL IN"), "{text}");
        }
    }

    #[test]
    fn existing_names_and_bad_names_are_refused() {
        let bsp = temp_dir("scaffold-refuse");
        let req = |name| Request { name, chip: "nrf52840", arch: None, from: None };
        new_board(&bsp, &req("twice")).unwrap();
        assert!(new_board(&bsp, &req("twice")).err().unwrap().to_string().contains("already exists"));
        assert!(new_board(&bsp, &req("Bad_Name")).is_err());
        assert!(new_board(&bsp, &req("all")).is_err());
        let wrong_arch = Request { name: "x", chip: "esp32c3", arch: Some("cortex-m"), from: None };
        assert!(new_board(&bsp, &wrong_arch).err().unwrap().to_string().contains("contradicts"));
    }

    #[test]
    fn from_copies_a_boards_wiring_under_the_new_name() {
        let bsp = temp_dir("scaffold-from");
        for f in ["qemu-mps2-an385", "qemu-virt-rv32"] {
            copy_dir(&sdk_bsp().join(f), &bsp.join(f));
        }
        let made = new_board(&bsp, &Request { name: "my-an385", chip: "an385-like", arch: None, from: Some("qemu-mps2-an385") }).unwrap();
        assert_eq!(made.board.file.board.status, "qemu");
        let main = std::fs::read_to_string(bsp.join("my-an385/src/main.rs")).unwrap();
        assert!(main.contains("\"my-an385\"") && !main.contains("\"qemu-mps2-an385\""), "{main}");
        let cargo = std::fs::read_to_string(bsp.join("my-an385/Cargo.toml")).unwrap();
        assert!(cargo.contains("name = \"mote-bsp-my-an385\""), "{cargo}");
        let wrong = Request { name: "y", chip: "nrf52840", arch: None, from: Some("qemu-virt-rv32") };
        assert!(new_board(&bsp, &wrong).err().unwrap().to_string().contains("same architecture"));
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().filter_map(|e| e.ok()) {
            if e.path().is_dir() {
                copy_dir(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
}
