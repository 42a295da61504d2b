//! `mote.toml`: an image (a set of processes for a board); test images add `[expect]`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use super::{field_error, load, Process, MAX_PROCESSES};

/// `mote.toml`: an image (a set of processes for a board). Test images add an `[expect]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageFile {
    pub image: ImageInfo,
    pub expect: Option<Expect>,
    /// Synchronisation objects, by kind; handles are given in this order: mutexes, semaphores,
    /// event flags, queues.
    #[serde(default)]
    pub mutex: Vec<ObjectSpec>,
    #[serde(default)]
    pub semaphore: Vec<ObjectSpec>,
    #[serde(default)]
    pub flags: Vec<ObjectSpec>,
    #[serde(default)]
    pub queue: Vec<ObjectSpec>,
}

/// One synchronisation object of `mote.toml` (`[[mutex]]`, `[[semaphore]]`, `[[flags]]`,
/// `[[queue]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectSpec {
    /// Name processes look it up by (1 to 16 bytes).
    pub name: String,
    /// The processes that may use it, by name.
    pub users: Vec<String>,
    /// Semaphores: units at start.
    pub initial: Option<u32>,
    /// Semaphores: most units.
    pub max: Option<u32>,
    /// Queues: largest message in bytes.
    pub message_size: Option<u16>,
    /// Queues: messages held.
    pub depth: Option<u16>,
}

/// An object's kind and parameters, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKindSpec {
    Mutex,
    Semaphore { initial: u32, max: u32 },
    Flags,
    Queue { message_size: u16, depth: u16 },
}

/// Most bytes of kernel RAM all queues of an image may take.
pub const MAX_QUEUE_BYTES: usize = 8192;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageInfo {
    pub name: String,
    /// The board used when none is given on the command line.
    pub board: Option<String>,
    /// Process crate directories, relative to this file.
    pub processes: Vec<String>,
    /// Features of `mote-kernel` to enable in this image's kernel beyond those derived from the
    /// processes' declarations (see [`Image::kernel_features`]): `full` (every service), one
    /// service (`realtime` for processes that call `set_periodic` in an image that declares no
    /// periodic process), `fault-injection` (test images only).
    #[serde(default)]
    pub kernel_features: Vec<String>,
    /// `"size"` (the default, `opt-level = "s"`) or `"speed"` (`opt-level = 2`): what kernel and
    /// processes are optimised for.
    #[serde(default)]
    pub optimize: crate::firmware::Optimize,
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
    /// Boards not to run on although `boards` selects them (the manifest says why in a comment).
    #[serde(default)]
    pub exclude: Vec<String>,
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

/// The kernel features an image may ask for in `image.kernel_features`.
const EXPLICIT_KERNEL_FEATURES: &[&str] =
    &["full", "realtime", "ipc", "devices", "process-control", "log-read", "mutex", "semaphore", "flags", "queue", "fault-injection"];

impl Image {
    /// The features of `mote-kernel` this image's kernel is built with: each optional service some
    /// process declares a use of (the kernel refuses at boot an image that declares a use of a
    /// service it lacks), plus `image.kernel_features`. A call of a service left out completes
    /// with `UnknownSyscall`.
    pub fn kernel_features(&self) -> Vec<String> {
        let declared = |uses: fn(&Process) -> bool| self.processes.iter().any(uses);
        let derived = [
            ("realtime", declared(|p| p.realtime.is_some())),
            ("ipc", declared(|p| !p.capabilities.send.is_empty())),
            ("devices", declared(|p| !p.devices.is_empty())),
            ("process-control", declared(|p| !p.capabilities.spawn.is_empty() || !p.capabilities.kill.is_empty())),
            ("log-read", declared(|p| p.capabilities.log_read)),
            ("mutex", !self.file.mutex.is_empty()),
            ("semaphore", !self.file.semaphore.is_empty()),
            ("flags", !self.file.flags.is_empty()),
            ("queue", !self.file.queue.is_empty()),
        ];
        let mut features: Vec<String> = derived.iter().filter(|(_, used)| *used).map(|(f, _)| f.to_string()).collect();
        features.extend(self.file.image.kernel_features.iter().cloned());
        features
    }

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
            if !EXPLICIT_KERNEL_FEATURES.contains(&f.as_str()) {
                let known = EXPLICIT_KERNEL_FEATURES.join(", ");
                return Err(field_error(path, &format!("image.kernel_features[{k}]"), format!("unknown kernel feature \"{f}\" (known: {known})")));
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
            for (field, list) in [("send", &c.send), ("spawn", &c.spawn), ("kill", &c.kill), ("inspect", &c.inspect)] {
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
        check_realtime(&file.image.name, &processes, &names)?;
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
        check_objects(path, &file, &names)?;
        Ok(Image { path: path.to_path_buf(), file, processes })
    }
}


impl Image {
    /// The synchronisation objects, in handle order, with their kinds.
    pub fn objects(&self) -> Vec<(&ObjectSpec, ObjectKindSpec)> {
        let f = &self.file;
        let mut out = Vec::new();
        out.extend(f.mutex.iter().map(|o| (o, ObjectKindSpec::Mutex)));
        out.extend(f.semaphore.iter().map(|o| {
            (o, ObjectKindSpec::Semaphore { initial: o.initial.unwrap_or(0), max: o.max.unwrap_or(1) })
        }));
        out.extend(f.flags.iter().map(|o| (o, ObjectKindSpec::Flags)));
        out.extend(f.queue.iter().map(|o| {
            (o, ObjectKindSpec::Queue { message_size: o.message_size.unwrap_or(0), depth: o.depth.unwrap_or(0) })
        }));
        out
    }
}

/// Checks the objects of `mote.toml`: names unique, users in the image, parameters sane.
/// Checks the periodic processes together: supervisors exist, and the set passes admission
/// control (the densities add up to at most one CPU), as the kernel checks it again at boot.
fn check_realtime(image: &str, processes: &[Process], names: &BTreeSet<String>) -> Result<()> {
    let mut total = 0u64;
    let mut shares = Vec::new();
    for p in processes {
        let Some(rt) = &p.realtime else { continue };
        if let Some(s) = &rt.supervisor {
            if !names.contains(s) {
                return Err(field_error(&p.dir.join("process.toml"), "realtime.supervisor", format!("no process named \"{s}\" in image '{image}'")));
            }
        }
        total = total.saturating_add(rt.density_ppm());
        shares.push(format!("{} {:.1}%", p.info.name, rt.density_ppm() as f64 / 10_000.0));
    }
    if total > 1_000_000 {
        anyhow::bail!(
            "image '{image}': the periodic processes need {:.1}% of the CPU (budget / deadline: {}); earliest-deadline-first can meet every deadline only up to 100%",
            total as f64 / 10_000.0,
            shares.join(", ")
        );
    }
    Ok(())
}

fn check_objects(path: &Path, file: &ImageFile, process_names: &BTreeSet<String>) -> Result<()> {
    let mut seen = BTreeSet::new();
    let mut queue_bytes = 0usize;
    let lists = [("mutex", &file.mutex), ("semaphore", &file.semaphore), ("flags", &file.flags), ("queue", &file.queue)];
    for (kind, list) in lists {
        for (k, o) in list.iter().enumerate() {
            let field = |f: &str| format!("{kind}[{k}].{f}");
            if o.name.is_empty() || o.name.len() > 16 || !seen.insert(o.name.clone()) {
                return Err(field_error(path, &field("name"), format!("\"{}\" must be 1 to 16 bytes and unique among objects", o.name)));
            }
            for (u, user) in o.users.iter().enumerate() {
                if !process_names.contains(user) {
                    return Err(field_error(path, &format!("{kind}[{k}].users[{u}]"), format!("no process named \"{user}\" in this image")));
                }
            }
            let extra = |f: &str, present: bool| -> Result<()> {
                if present {
                    return Err(field_error(path, &field(f), format!("does not apply to a {kind}")));
                }
                Ok(())
            };
            match kind {
                "semaphore" => {
                    extra("message_size", o.message_size.is_some())?;
                    extra("depth", o.depth.is_some())?;
                    let (initial, max) = (o.initial.unwrap_or(0), o.max.unwrap_or(1));
                    if max == 0 || initial > max {
                        return Err(field_error(path, &field("initial"), format!("{initial} must be at most max ({max}), and max at least 1")));
                    }
                }
                "queue" => {
                    extra("initial", o.initial.is_some())?;
                    extra("max", o.max.is_some())?;
                    let (size, depth) = (o.message_size.unwrap_or(0), o.depth.unwrap_or(0));
                    if size == 0 || depth == 0 {
                        return Err(field_error(path, &field("message_size"), "a queue needs message_size and depth, both at least 1"));
                    }
                    queue_bytes += usize::from(depth) * (2 + usize::from(size));
                }
                _ => {
                    for f in ["initial", "max", "message_size", "depth"] {
                        let present = match f {
                            "initial" => o.initial.is_some(),
                            "max" => o.max.is_some(),
                            "message_size" => o.message_size.is_some(),
                            _ => o.depth.is_some(),
                        };
                        extra(f, present)?;
                    }
                }
            }
        }
    }
    if queue_bytes > MAX_QUEUE_BYTES {
        return Err(field_error(path, "queue", format!("the queues need {queue_bytes} bytes of kernel RAM; at most {MAX_QUEUE_BYTES}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::tests_support::temp_dir;

    /// Writes a process crate named `name` with the given `[realtime]` body.
    fn process(root: &Path, name: &str, realtime: &str) {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), format!("[package]\nname = \"{name}\"\n")).unwrap();
        let body = format!("[process]\nname = \"{name}\"\npriority = 1\nstack = 1024\n[realtime]\n{realtime}");
        std::fs::write(dir.join("process.toml"), body).unwrap();
    }

    #[test]
    fn an_overloaded_periodic_set_is_refused_at_build_time() {
        let root = temp_dir("image-rt");
        process(&root, "a", "period = \"10ms\"\nbudget = \"6ms\"\n");
        process(&root, "b", "period = \"20ms\"\ndeadline = \"10ms\"\nbudget = \"5ms\"\nsupervisor = \"a\"\nnotify = 1\n");
        let manifest = root.join("mote.toml");
        std::fs::write(&manifest, "[image]\nname = \"rt\"\nprocesses = [\"a\", \"b\"]\n").unwrap();
        let err = Image::load(&manifest).unwrap_err().to_string();
        assert!(err.contains("need 110.0% of the CPU") && err.contains("a 60.0%, b 50.0%"), "{err}");
        process(&root, "b", "period = \"20ms\"\ndeadline = \"10ms\"\nbudget = \"4ms\"\nsupervisor = \"a\"\nnotify = 1\n");
        assert!(Image::load(&manifest).is_ok(), "60% + 40% fits");
        process(&root, "b", "period = \"20ms\"\nbudget = \"1ms\"\nsupervisor = \"nobody\"\nnotify = 1\n");
        let err = Image::load(&manifest).unwrap_err().to_string();
        assert!(err.contains("field `realtime.supervisor`") && err.contains("\"nobody\""), "{err}");
    }

    #[test]
    fn optimize_is_size_by_default_and_checked() {
        let dir = temp_dir("image-optimize");
        std::fs::create_dir_all(dir.join("a")).unwrap();
        let manifest = dir.join("mote.toml");
        std::fs::write(&manifest, "[image]\nname = \"o\"\nprocesses = []\n").unwrap();
        assert_eq!(Image::load(&manifest).unwrap().file.image.optimize, crate::firmware::Optimize::Size);
        std::fs::write(&manifest, "[image]\nname = \"o\"\nprocesses = []\noptimize = \"speed\"\n").unwrap();
        assert_eq!(Image::load(&manifest).unwrap().file.image.optimize.profile(), "firmware-speed");
        std::fs::write(&manifest, "[image]\nname = \"o\"\nprocesses = []\noptimize = \"fast\"\n").unwrap();
        let err = format!("{:#}", Image::load(&manifest).unwrap_err());
        assert!(err.contains("mote.toml") && err.contains("optimize") && err.contains("speed"), "{err}");
    }

    #[test]
    fn kernel_features_follow_the_declarations() {
        let root = temp_dir("image-features");
        process(&root, "a", "period = \"10ms\"\nbudget = \"1ms\"\n");
        let manifest = root.join("mote.toml");
        std::fs::write(&manifest, "[image]\nname = \"f\"\nprocesses = [\"a\"]\nkernel_features = [\"fault-injection\"]\n").unwrap();
        assert_eq!(Image::load(&manifest).unwrap().kernel_features(), ["realtime", "fault-injection"]);
        std::fs::write(&manifest, "[image]\nname = \"f\"\nprocesses = [\"a\"]\nkernel_features = [\"leases\"]\n").unwrap();
        let err = Image::load(&manifest).unwrap_err().to_string();
        assert!(err.contains("image.kernel_features[0]") && err.contains("known: full, realtime, ipc"), "{err}");
    }
}
