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

