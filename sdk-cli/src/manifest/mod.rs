//! The three manifests: `board.toml` (a board), `mote.toml` (an image), `process.toml` (a process).
//!
//! Every error names the file and the field, and says what would be accepted. This module has
//! what the three share (sizes, parsing with field paths); each manifest has its own module.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result};
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

/// A span of time written with its unit: `"250us"`, `"10ms"`, `"2s"`; held in microseconds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Micros(pub u64);

impl<'de> Deserialize<'de> for Micros {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Micros;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time with its unit, like \"250us\", \"10ms\" or \"2s\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Micros, E> {
                parse_micros(v).map(Micros).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_str(V)
    }
}

/// Parses `"250us"`, `"10ms"`, `"2s"` into microseconds.
pub fn parse_micros(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, mult) = if let Some(d) = s.strip_suffix("us") {
        (d, 1)
    } else if let Some(d) = s.strip_suffix("ms") {
        (d, 1_000)
    } else if let Some(d) = s.strip_suffix('s') {
        (d, 1_000_000)
    } else {
        return None;
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(mult)
}

/// Reads and parses a TOML file; errors name the file and the path of the offending field.
pub(crate) fn load<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
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
pub(crate) fn field_error(path: &Path, field: &str, problem: impl fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{}: field `{field}`: {problem}", path.display())
}

mod board;
mod image;
mod process;

pub use board::*;
pub use image::*;
pub use process::*;

#[cfg(test)]
pub mod tests_support {
    use std::path::PathBuf;

    /// A valid board.toml for board "b" with the given region rule.
    pub fn board_text(rule: &str, min: u64) -> String {
        format!(
            "[board]\nname = \"b\"\ndescription = \"d\"\narch = \"cortex-m\"\ncpu = \"c\"\ntarget = \"thumbv7em-none-eabihf\"\nstatus = \"hardware\"\n\
             [memory]\nflash = {{ origin = 0, size = \"256K\" }}\nram = {{ origin = 0x20000000, size = \"64K\" }}\n\
             [kernel]\nflash = \"32K\"\nram = \"8K\"\n[protection]\nunit = \"u\"\nrule = \"{rule}\"\nmin_region = {min}\n\
             [flash]\ntool = \"probe-rs\"\nchip = \"c\"\n[console]\nkind = \"rtt\"\n"
        )
    }

    /// A fresh scratch directory for a test.
    pub fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mote-cli-test-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
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
    fn times_need_a_unit() {
        assert_eq!(parse_micros("250us"), Some(250));
        assert_eq!(parse_micros("10ms"), Some(10_000));
        assert_eq!(parse_micros("2s"), Some(2_000_000));
        assert_eq!(parse_micros("10"), None);
        assert_eq!(parse_micros("ms"), None);
        assert_eq!(parse_micros("1.5ms"), None);
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
}
