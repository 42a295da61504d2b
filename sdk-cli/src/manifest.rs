//! The three manifests: `board.toml` (a board), `mote.toml` (an image), `process.toml` (a process).
//!
//! Every error names the file and the field, and says what would be accepted.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::de::{self, Deserializer};
use serde::Deserialize;

/// A byte count written as an integer (`4096`) or with a binary suffix (`"4K"`, `"1M"`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a byte count: an integer, or a string like \"4K\" or \"1M\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Size, E> {
                u64::try_from(v).map(Size).map_err(|_| E::custom("a size cannot be negative"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Size, E> {
                Ok(Size(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Size, E> {
                parse_size(v).map(Size).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses `"64K"`, `"4M"`, `"512"`, `"0x400"`.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, mult) = match s.as_bytes().last()? {
        b'K' | b'k' => (&s[..s.len() - 1], 1024),
        b'M' | b'm' => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    let n = match digits.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<u64>().ok()?,
    };
    n.checked_mul(mult)
}

/// Reads and parses a TOML file; errors name the file and the path of the offending field.
fn load<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(path, &text)
}

/// Parses TOML text read from `path`.
pub fn parse<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T> {
    let de = toml::de::Deserializer::parse(text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.message().to_string();
        let at = inner
            .span()
            .map(|span| {
                let line = text[..span.start].matches('\n').count() + 1;
                format!(" (line {line})")
            })
            .unwrap_or_default();
        if field == "." {
            anyhow::anyhow!("{}: {msg}{at}", path.display())
        } else {
            anyhow::anyhow!("{}: field `{field}`: {msg}{at}", path.display())
        }
    })
}

/// A validation error for one field of one manifest.
fn field_error(path: &Path, field: &str, problem: impl fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{}: field `{field}`: {problem}", path.display())
}

// ---------------------------------------------------------------------------------------------
// board.toml

/// `board.toml`: what a board is and how to build for and run it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardFile {
    pub board: BoardInfo,
    pub memory: BoardMemory,
    pub kernel: KernelReservation,
    pub protection: Protection,
    pub qemu: Option<Qemu>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardInfo {
    pub name: String,
    pub description: String,
    /// Architecture family: `cortex-m` or `riscv`.
    pub arch: String,
    pub cpu: String,
    /// Rust target triple.
    pub target: String,
    /// `qemu` (emulated, tested in CI) or `hardware`.
    pub status: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryRange {
    pub origin: u64,
    pub size: Size,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardMemory {
    pub flash: MemoryRange,
    pub ram: MemoryRange,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KernelReservation {
    pub flash: Size,
    pub ram: Size,
}

/// How process regions must be shaped for the board's protection unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionRule {
    /// A power of two in size, aligned to its size (ARMv7-M MPU, RISC-V PMP NAPOT).
    PowerOfTwo,
    /// Any multiple of `min_region`, aligned to it (ARMv8-M MPU).
    Granule,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// Name of the unit (informational): `pmsav7`, `pmp`, `none`.
    pub unit: String,
    pub rule: RegionRule,
    pub min_region: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qemu {
    pub binary: String,
    pub machine: String,
    pub cpu: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
}

/// A board, loaded from `bsp/<name>/board.toml`.
#[derive(Debug, Clone)]
pub struct Board {
    pub file: BoardFile,
    /// The BSP package directory.
    pub dir: PathBuf,
}

impl Board {
    /// The board's name.
    pub fn name(&self) -> &str {
        &self.file.board.name
    }

    /// The Rust target triple.
    pub fn target(&self) -> &str {
        &self.file.board.target
    }

    /// Loads and checks `dir/board.toml`.
    pub fn load(dir: &Path) -> Result<Board> {
        let path = dir.join("board.toml");
        let file: BoardFile = load(&path)?;
        let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if file.board.name != dir_name {
            return Err(field_error(
                &path,
                "board.name",
                format!("is \"{}\" but the BSP directory is \"{dir_name}\"; they must match", file.board.name),
            ));
        }
        if !["cortex-m", "riscv"].contains(&file.board.arch.as_str()) {
            return Err(field_error(&path, "board.arch", "must be \"cortex-m\" or \"riscv\""));
        }
        if !["qemu", "hardware"].contains(&file.board.status.as_str()) {
            return Err(field_error(&path, "board.status", "must be \"qemu\" or \"hardware\""));
        }
        let m = &file.memory;
        for (field, r) in [("memory.flash", &m.flash), ("memory.ram", &m.ram)] {
            if r.size.0 == 0 || r.origin.checked_add(r.size.0).is_none_or(|end| end > 1 << 32) {
                return Err(field_error(&path, field, "must be a non-empty range inside the 32-bit address space"));
            }
        }
        let overlap = m.flash.origin < m.ram.origin + m.ram.size.0 && m.ram.origin < m.flash.origin + m.flash.size.0;
        if overlap {
            return Err(field_error(&path, "memory.ram", "overlaps memory.flash"));
        }
        if file.kernel.flash.0 >= m.flash.size.0 {
            return Err(field_error(&path, "kernel.flash", "leaves no flash for processes (must be less than memory.flash.size)"));
        }
        if file.kernel.ram.0 >= m.ram.size.0 {
            return Err(field_error(&path, "kernel.ram", "leaves no RAM for processes (must be less than memory.ram.size)"));
        }
        let min = file.protection.min_region;
        if min < 4 || !min.is_power_of_two() {
            return Err(field_error(&path, "protection.min_region", "must be a power of two, at least 4"));
        }
        if file.board.status == "qemu" && file.qemu.is_none() {
            return Err(field_error(&path, "qemu", "a board with status \"qemu\" needs a [qemu] table"));
        }
        Ok(Board { file, dir: dir.to_path_buf() })
    }
}

/// Every board of the SDK, by name.
pub fn all_boards(sdk: &Path) -> Result<Vec<Board>> {
    let mut boards = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(sdk.join("bsp"))?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        if dir.join("board.toml").exists() {
            boards.push(Board::load(&dir)?);
        }
    }
    Ok(boards)
}

/// The board called `name`, with a helpful error listing the known boards.
pub fn find_board(sdk: &Path, name: &str) -> Result<Board> {
    let dir = sdk.join("bsp").join(name);
    if dir.join("board.toml").exists() {
        return Board::load(&dir);
    }
    let known: Vec<String> = all_boards(sdk)?.iter().map(|b| b.name().to_string()).collect();
    bail!("unknown board \"{name}\"; known boards: {}", known.join(", "))
}

// ---------------------------------------------------------------------------------------------
// process.toml

/// `process.toml`, next to a process crate's `Cargo.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessFile {
    pub process: ProcessInfo,
    #[serde(default)]
    pub fault: FaultSection,
    #[serde(default)]
    pub capabilities: CapabilitySection,
}

/// When the kernel starts a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Start {
    /// At boot.
    #[default]
    Boot,
    /// Only when a process with the `spawn` capability starts it.
    Manual,
}

/// Log levels accepted in manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

/// `[fault]`: what the kernel does when the process faults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSection {
    pub policy: Policy,
    /// Restarts allowed at once within `window_ms` (policy `restart`).
    #[serde(default = "default_max_restarts")]
    pub max_restarts: u8,
    #[serde(default = "default_window_ms")]
    pub window_ms: u64,
    /// First delay once `max_restarts` is spent; doubles with each further fault in the window.
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
}

impl Default for FaultSection {
    fn default() -> Self {
        Self { policy: Policy::Stop, max_restarts: default_max_restarts(), window_ms: default_window_ms(), backoff_ms: default_backoff_ms() }
    }
}

fn default_max_restarts() -> u8 {
    3
}
fn default_window_ms() -> u64 {
    10_000
}
fn default_backoff_ms() -> u64 {
    1_000
}

/// Fault policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    Stop,
    Restart,
}

/// `[capabilities]`: what the process may do to others, by process name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilitySection {
    #[serde(default)]
    pub send: Vec<String>,
    #[serde(default)]
    pub spawn: Vec<String>,
    #[serde(default)]
    pub kill: Vec<String>,
    /// May read the kernel log ring.
    #[serde(default)]
    pub log_read: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessInfo {
    /// Name: 1 to 16 of `a-z 0-9 - _`, starting with a letter.
    pub name: String,
    /// 0 is the most important.
    pub priority: u8,
    /// Stack size in bytes.
    pub stack: Size,
    /// Heap quota in bytes (placed after .bss in the process's RAM).
    #[serde(default = "zero_size")]
    pub heap: Size,
    /// RAM to reserve in all, if more than the process needs (stack + .data + .bss + heap).
    pub ram: Option<Size>,
    /// When it starts.
    #[serde(default)]
    pub start: Start,
    /// Its log records less severe than this are dropped by the kernel.
    #[serde(default)]
    pub log: Level,
}

fn zero_size() -> Size {
    Size(0)
}

/// A process of an image: its manifest, crate directory and binary name.
#[derive(Debug, Clone)]
pub struct Process {
    pub info: ProcessInfo,
    pub fault: FaultSection,
    pub capabilities: CapabilitySection,
    pub dir: PathBuf,
    pub bin: String,
}

/// Highest priority number accepted.
pub const MAX_PRIORITY: u8 = 31;
/// Most processes in one image.
pub const MAX_PROCESSES: usize = 32;
/// Smallest stack accepted.
pub const MIN_STACK: u64 = 256;

impl Process {
    /// Loads `dir/process.toml` and the crate's package name from `dir/Cargo.toml`.
    pub fn load(dir: &Path) -> Result<Process> {
        let manifest = dir.join("process.toml");
        if !manifest.exists() {
            bail!("{}: missing; every process crate needs a process.toml (see docs/processes.md)", manifest.display());
        }
        let file: ProcessFile = load(&manifest)?;
        let info = file.process;
        if file.fault.policy == Policy::Restart && file.fault.window_ms == 0 {
            return Err(field_error(&manifest, "fault.window_ms", "must be more than 0"));
        }
        let name_ok = (1..=16).contains(&info.name.len())
            && info.name.starts_with(|c: char| c.is_ascii_lowercase())
            && info.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !name_ok {
            return Err(field_error(
                &manifest,
                "process.name",
                format!("\"{}\" is not a process name: use 1 to 16 of a-z, 0-9, '-', '_', starting with a letter", info.name),
            ));
        }
        if info.priority > MAX_PRIORITY {
            return Err(field_error(&manifest, "process.priority", format!("{} is out of range 0..={MAX_PRIORITY} (0 is the most important)", info.priority)));
        }
        if info.stack.0 < MIN_STACK || info.stack.0 % 8 != 0 {
            return Err(field_error(&manifest, "process.stack", format!("{} bytes: must be a multiple of 8, at least {MIN_STACK}", info.stack.0)));
        }
        if info.ram.is_some_and(|r| r.0 < info.stack.0 + info.heap.0 || r.0 % 8 != 0) {
            return Err(field_error(&manifest, "process.ram", "must be a multiple of 8, at least stack + heap"));
        }
        if info.heap.0 % 8 != 0 {
            return Err(field_error(&manifest, "process.heap", format!("{} bytes: must be a multiple of 8", info.heap.0)));
        }
        let cargo_toml = dir.join("Cargo.toml");
        let cargo: CargoManifest = load(&cargo_toml)?;
        let bin = match cargo.bin.as_deref() {
            Some([one]) => one.name.clone(),
            Some(_) => bail!("{}: field `bin`: a process crate must have exactly one [[bin]]", cargo_toml.display()),
            None => cargo.package.name.clone(),
        };
        Ok(Process { info, fault: file.fault, capabilities: file.capabilities, dir: dir.to_path_buf(), bin })
    }
}

#[derive(Deserialize)]
struct CargoManifest {
    package: CargoPackage,
    bin: Option<Vec<CargoBin>>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: String,
}

#[derive(Deserialize)]
struct CargoBin {
    name: String,
}

// ---------------------------------------------------------------------------------------------
// mote.toml

/// `mote.toml`: an image (a set of processes for a board). Test images add an `[expect]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageFile {
    pub image: ImageInfo,
    pub expect: Option<Expect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageInfo {
    pub name: String,
    /// The board used when none is given on the command line.
    pub board: Option<String>,
    /// Process crate directories, relative to this file.
    pub processes: Vec<String>,
    /// Features of `mote-kernel` to enable in this image's kernel (test images only:
    /// `fault-injection`).
    #[serde(default)]
    pub kernel_features: Vec<String>,
}

/// What a test image must print and how it must end.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// One line of description, shown in test reports.
    pub description: String,
    /// Boards to run on: names, or `["all"]` for every QEMU board.
    #[serde(default = "all_boards_list")]
    pub boards: Vec<String>,
    /// The exit status QEMU must end with.
    pub exit: i32,
    /// Regular expressions that must match lines of the output, in this order.
    #[serde(default)]
    pub output: Vec<String>,
    /// Regular expressions that must match no line.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Seconds before the run is killed and the test fails.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Run only on boards whose protection unit isolates processes.
    #[serde(default)]
    pub isolation: bool,
}

fn all_boards_list() -> Vec<String> {
    vec!["all".into()]
}

fn default_timeout() -> u64 {
    60
}

/// An image: its manifest and its processes.
#[derive(Debug, Clone)]
pub struct Image {
    pub path: PathBuf,
    pub file: ImageFile,
    pub processes: Vec<Process>,
}

impl Image {
    /// The image's name.
    pub fn name(&self) -> &str {
        &self.file.image.name
    }

    /// Loads and checks an image manifest and every process it names.
    pub fn load(path: &Path) -> Result<Image> {
        let file: ImageFile = load(path)?;
        let path = &path.canonicalize().with_context(|| format!("cannot find {}", path.display()))?;
        let name = &file.image.name;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(field_error(path, "image.name", "use letters, digits, '-' and '_'"));
        }
        for (k, f) in file.image.kernel_features.iter().enumerate() {
            if f != "fault-injection" {
                return Err(field_error(path, &format!("image.kernel_features[{k}]"), format!("unknown kernel feature \"{f}\" (known: fault-injection)")));
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let mut processes = Vec::new();
        let mut names = BTreeSet::new();
        for (k, rel) in file.image.processes.iter().enumerate() {
            let dir = base.join(rel);
            if !dir.is_dir() {
                return Err(field_error(path, &format!("image.processes[{k}]"), format!("\"{rel}\" is not a directory (paths are relative to this file)")));
            }
            let p = Process::load(&dir)?;
            if !names.insert(p.info.name.clone()) {
                return Err(field_error(path, &format!("image.processes[{k}]"), format!("a second process named \"{}\"", p.info.name)));
            }
            processes.push(p);
        }
        if processes.len() > MAX_PROCESSES {
            return Err(field_error(path, "image.processes", format!("{} processes; an image holds at most {MAX_PROCESSES}", processes.len())));
        }
        for p in &processes {
            let c = &p.capabilities;
            for (field, list) in [("send", &c.send), ("spawn", &c.spawn), ("kill", &c.kill)] {
                for (k, name) in list.iter().enumerate() {
                    if !names.contains(name) {
                        let known: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                        return Err(field_error(
                            &p.dir.join("process.toml"),
                            &format!("capabilities.{field}[{k}]"),
                            format!("no process named \"{name}\" in image '{}' ({} has: {})", file.image.name, path.display(), known.join(", ")),
                        ));
                    }
                }
            }
        }
        if let Some(expect) = &file.expect {
            let placeholder = regex_lite::Regex::new(r"\$\{[a-z_]+\}").expect("valid");
            let lists = [("expect.output", &expect.output), ("expect.absent", &expect.absent)];
            for (field, patterns) in lists {
                for (k, re) in patterns.iter().enumerate() {
                    // `${name}` refers to an earlier capture; check the rest of the pattern.
                    let re = placeholder.replace_all(re, "x");
                    if let Err(e) = regex_lite::Regex::new(&re) {
                        return Err(field_error(path, &format!("{field}[{k}]"), format!("not a valid regular expression: {e}")));
                    }
                }
            }
        }
        Ok(Image { path: path.to_path_buf(), file, processes })
    }
}

/// Helpers for tests of other modules.
#[cfg(test)]
pub mod tests_support {
    /// A valid board.toml for board "b" with the given region rule.
    pub fn board_text(rule: &str, min: u64) -> String {
        format!(
            "[board]\nname = \"b\"\ndescription = \"d\"\narch = \"cortex-m\"\ncpu = \"c\"\ntarget = \"t\"\nstatus = \"hardware\"\n\
             [memory]\nflash = {{ origin = 0, size = \"256K\" }}\nram = {{ origin = 0x20000000, size = \"64K\" }}\n\
             [kernel]\nflash = \"32K\"\nram = \"8K\"\n[protection]\nunit = \"u\"\nrule = \"{rule}\"\nmin_region = {min}\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_process(text: &str) -> Result<ProcessFile> {
        parse(Path::new("apps/x/process.toml"), text)
    }

    #[test]
    fn sizes_accept_suffixes_and_hex() {
        assert_eq!(parse_size("64K"), Some(65536));
        assert_eq!(parse_size("4M"), Some(4 << 20));
        assert_eq!(parse_size("0x400"), Some(1024));
        assert_eq!(parse_size("12"), Some(12));
        assert_eq!(parse_size("K"), None);
        assert_eq!(parse_size("lots"), None);
    }

    #[test]
    fn wrong_type_names_file_field_and_line() {
        let err = parse_process("[process]\nname = \"a\"\npriority = \"high\"\nstack = 1024\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("apps/x/process.toml: field `process.priority`:"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let err = parse_process("[process]\nname = \"a\"\nprio = 1\nstack = 1024\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `prio`") && err.contains("apps/x/process.toml"), "{err}");
        let err = parse_process("[process]\nname = \"a\"\nstack = 1024\n").unwrap_err().to_string();
        assert!(err.contains("missing field `priority`"), "{err}");
    }

    #[test]
    fn bad_size_string_is_explained() {
        let err = parse_process("[process]\nname = \"a\"\npriority = 1\nstack = \"big\"\n").unwrap_err().to_string();
        assert!(err.contains("field `process.stack`") && err.contains("\"4K\""), "{err}");
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mote-cli-test-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn process_semantics_are_checked() {
        let dir = temp_dir("proc");
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        let write = |body: &str| std::fs::write(dir.join("process.toml"), body).unwrap();
        write("[process]\nname = \"Bad Name\"\npriority = 1\nstack = 1024\n");
        assert!(Process::load(&dir).unwrap_err().to_string().contains("field `process.name`"));
        write("[process]\nname = \"ok\"\npriority = 99\nstack = 1024\n");
        assert!(Process::load(&dir).unwrap_err().to_string().contains("field `process.priority`"));
        write("[process]\nname = \"ok\"\npriority = 1\nstack = 100\n");
        assert!(Process::load(&dir).unwrap_err().to_string().contains("field `process.stack`"));
        write("[process]\nname = \"ok\"\npriority = 1\nstack = \"2K\"\n");
        let p = Process::load(&dir).unwrap();
        assert_eq!((p.info.stack.0, p.bin.as_str()), (2048, "x"));
    }

    #[test]
    fn board_inconsistencies_are_named() {
        let root = temp_dir("board");
        let dir = root.join("myboard");
        std::fs::create_dir_all(&dir).unwrap();
        let good = "[board]\nname = \"myboard\"\ndescription = \"d\"\narch = \"cortex-m\"\ncpu = \"c\"\ntarget = \"t\"\nstatus = \"hardware\"\n\
            [memory]\nflash = { origin = 0, size = \"256K\" }\nram = { origin = 0x20000000, size = \"64K\" }\n\
            [kernel]\nflash = \"32K\"\nram = \"8K\"\n[protection]\nunit = \"pmsav7\"\nrule = \"power-of-two\"\nmin_region = 32\n";
        std::fs::write(dir.join("board.toml"), good).unwrap();
        assert!(Board::load(&dir).is_ok());
        let overlapping = good.replace("0x20000000", "0x1000");
        std::fs::write(dir.join("board.toml"), overlapping).unwrap();
        let e = Board::load(&dir).unwrap_err().to_string();
        assert!(e.contains("board.toml: field `memory.ram`: overlaps"), "{e}");
        let too_big = good.replace("flash = \"32K\"", "flash = \"256K\"");
        std::fs::write(dir.join("board.toml"), too_big).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `kernel.flash`"));
        let bad_rule = good.replace("power-of-two", "any");
        std::fs::write(dir.join("board.toml"), bad_rule).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `protection.rule`"));
        let renamed = good.replace("name = \"myboard\"", "name = \"other\"");
        std::fs::write(dir.join("board.toml"), renamed).unwrap();
        assert!(Board::load(&dir).unwrap_err().to_string().contains("field `board.name`"));
    }
}
