//! `process.toml`: one process, next to its crate's `Cargo.toml`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use serde::Deserialize;

use super::{field_error, load, Micros, Size};

/// `process.toml`, next to a process crate's `Cargo.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessFile {
    pub process: ProcessInfo,
    #[serde(default)]
    pub fault: FaultSection,
    #[serde(default)]
    pub capabilities: CapabilitySection,
    #[serde(default)]
    pub device: Vec<DeviceRequest>,
    pub realtime: Option<RealtimeSection>,
}

/// `[realtime]`: a periodic process, scheduled earliest-deadline-first among its priority.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealtimeSection {
    /// Time between job releases.
    pub period: Micros,
    /// Each job's deadline after its release; the period if not given.
    pub deadline: Option<Micros>,
    /// The most time one job needs (admission control adds these up).
    pub budget: Micros,
    /// A process of the image to notify of each missed deadline.
    pub supervisor: Option<String>,
    /// The supervisor's notification bit for the misses (0..31).
    pub notify: Option<u8>,
}

impl RealtimeSection {
    /// The relative deadline, in microseconds.
    pub fn deadline_us(&self) -> u64 {
        self.deadline.unwrap_or(self.period).0
    }

    /// The CPU share a job may need, in millionths (as the kernel computes it).
    pub fn density_ppm(&self) -> u64 {
        let window = self.deadline_us().min(self.period.0);
        if window == 0 {
            return u64::MAX;
        }
        (self.budget.0 * 1_000_000).div_ceil(window)
    }
}

/// `[[device]]`: a device of the board the process owns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRequest {
    /// The device's name in the board's `[devices]`.
    pub name: String,
    /// The notification bit its interrupt sets (0..31).
    pub notify: u8,
    /// Urgency of its interrupt: 1 (most urgent a process may have) to 3.
    #[serde(default = "default_irq_priority")]
    pub irq_priority: u8,
}

fn default_irq_priority() -> u8 {
    2
}

/// Most devices one process may own.
pub const MAX_DEVICES: usize = 2;

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
    /// Processes whose memory it may read with `inspect`.
    #[serde(default)]
    pub inspect: Vec<String>,
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
    pub devices: Vec<DeviceRequest>,
    pub realtime: Option<RealtimeSection>,
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
        if file.device.len() > MAX_DEVICES {
            return Err(field_error(&manifest, "device", format!("{} devices; a process may own at most {MAX_DEVICES}", file.device.len())));
        }
        for (k, d) in file.device.iter().enumerate() {
            if d.notify >= 32 || file.device[..k].iter().any(|e| e.notify == d.notify) {
                return Err(field_error(&manifest, &format!("device[{k}].notify"), "must be 0..31 and differ from the other devices'"));
            }
            if !(1..=3).contains(&d.irq_priority) {
                return Err(field_error(&manifest, &format!("device[{k}].irq_priority"), "must be 1 (most urgent) to 3"));
            }
        }
        if let Some(rt) = &file.realtime {
            check_realtime(&manifest, rt)?;
        }
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
        Ok(Process { info, fault: file.fault, capabilities: file.capabilities, devices: file.device, realtime: file.realtime, dir: dir.to_path_buf(), bin })
    }
}

/// Longest period accepted: the kernel counts microseconds in 32 bits.
const MAX_PERIOD_US: u64 = u32::MAX as u64;

fn check_realtime(manifest: &Path, rt: &RealtimeSection) -> Result<()> {
    if rt.period.0 == 0 || rt.period.0 > MAX_PERIOD_US {
        return Err(field_error(manifest, "realtime.period", format!("must be more than 0 and at most {MAX_PERIOD_US}us")));
    }
    if rt.deadline_us() == 0 || rt.deadline_us() > rt.period.0 {
        return Err(field_error(manifest, "realtime.deadline", "must be more than 0 and at most the period"));
    }
    if rt.budget.0 == 0 || rt.budget.0 > rt.deadline_us() {
        return Err(field_error(manifest, "realtime.budget", "must be more than 0 and at most the deadline"));
    }
    match (&rt.supervisor, rt.notify) {
        (Some(_), None) => Err(field_error(manifest, "realtime.notify", "a supervisor needs the notification bit to set (0..31)")),
        (None, Some(_)) => Err(field_error(manifest, "realtime.supervisor", "`notify` names a bit of the supervisor: name the supervisor too")),
        (_, Some(bit)) if bit >= 32 => Err(field_error(manifest, "realtime.notify", "must be 0..31")),
        _ => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests_support::temp_dir;

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
    fn realtime_timing_is_checked() {
        let dir = temp_dir("proc-rt");
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        let head = "[process]\nname = \"ok\"\npriority = 1\nstack = 1024\n[realtime]\n";
        let load = |rt: &str| {
            std::fs::write(dir.join("process.toml"), format!("{head}{rt}")).unwrap();
            Process::load(&dir).map_err(|e| e.to_string())
        };
        let p = load("period = \"10ms\"\nbudget = \"500us\"\n").unwrap();
        let rt = p.realtime.unwrap();
        assert_eq!((rt.period.0, rt.deadline_us(), rt.budget.0, rt.density_ppm()), (10_000, 10_000, 500, 50_000));
        assert!(load("period = \"10\"\nbudget = \"1ms\"\n").unwrap_err().contains("field `realtime.period`"));
        assert!(load("period = \"10ms\"\ndeadline = \"20ms\"\nbudget = \"1ms\"\n").unwrap_err().contains("field `realtime.deadline`"));
        assert!(load("period = \"10ms\"\ndeadline = \"2ms\"\nbudget = \"3ms\"\n").unwrap_err().contains("field `realtime.budget`"));
        assert!(load("period = \"10ms\"\nbudget = \"1ms\"\nsupervisor = \"s\"\n").unwrap_err().contains("field `realtime.notify`"));
        assert!(load("period = \"10ms\"\nbudget = \"1ms\"\nnotify = 3\n").unwrap_err().contains("field `realtime.supervisor`"));
    }
}
