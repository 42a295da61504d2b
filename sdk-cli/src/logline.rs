//! Decoding the kernel's log lines for `cargo mote monitor`.
//!
//! The kernel prints every record as one line `[LEVEL tag] text` (see `kernel/src/log.rs`): the
//! level is five characters wide (`ERROR`, `WARN `, `INFO `, `DEBUG`, `TRACE`) and the tag is
//! `kernel` or the name of the process that sent the record. Anything else a device prints (a boot
//! ROM's banner, QEMU's own messages) is passed through as it is.

use std::fmt::Write as _;

/// A log level, from the most to the least severe. Ordered by severity: `Error < Warn < ...`,
/// so "at least as severe as `warn`" is `level <= Level::Warn`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl Level {
    /// The level a line's five-character tag names (`WARN ` or `WARN`).
    fn from_tag(tag: &str) -> Option<Level> {
        Some(match tag.trim_end() {
            "ERROR" => Level::Error,
            "WARN" => Level::Warn,
            "INFO" => Level::Info,
            "DEBUG" => Level::Debug,
            "TRACE" => Level::Trace,
            _ => return None,
        })
    }

    /// Parses a level as typed on the command line (`warn`, `WARN`, `warning`).
    pub fn parse(s: &str) -> Result<Level, String> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Level::Error),
            "warn" | "warning" => Ok(Level::Warn),
            "info" => Ok(Level::Info),
            "debug" => Ok(Level::Debug),
            "trace" => Ok(Level::Trace),
            _ => Err(format!("unknown level \"{s}\": use error, warn, info, debug or trace")),
        }
    }

    /// ANSI colour of the level's tag.
    fn colour(self) -> &'static str {
        match self {
            Level::Error => "\x1b[1;31m",
            Level::Warn => "\x1b[1;33m",
            Level::Info => "\x1b[32m",
            Level::Debug => "\x1b[34m",
            Level::Trace => "\x1b[2m",
        }
    }
}

/// One decoded kernel log line.
#[derive(Debug, PartialEq, Eq)]
pub struct LogLine<'a> {
    pub level: Level,
    /// `kernel` or the process's name.
    pub tag: &'a str,
    /// The rest of the line after `] `.
    pub text: &'a str,
    /// The level exactly as printed (`WARN `), kept to reproduce the line's columns.
    raw_level: &'a str,
}

impl<'a> LogLine<'a> {
    /// Decodes `line` (without its newline), or `None` if it is not a kernel log line.
    pub fn parse(line: &'a str) -> Option<LogLine<'a>> {
        let rest = line.strip_prefix('[')?;
        let raw_level = rest.get(..5)?;
        let level = Level::from_tag(raw_level)?;
        let rest = rest[5..].strip_prefix(' ')?;
        let close = rest.find(']')?;
        let tag = &rest[..close];
        if tag.is_empty() || tag.contains(char::is_whitespace) {
            return None;
        }
        let text = rest[close + 1..].strip_prefix(' ').unwrap_or(&rest[close + 1..]);
        Some(LogLine { level, tag, text, raw_level })
    }
}

/// Which lines `monitor` shows: `--level` and `--process`.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Show only records at least this severe.
    pub level: Option<Level>,
    /// Show only records from this process (`kernel` for the kernel's own).
    pub process: Option<String>,
}

impl Filter {
    /// Whether any filter is set. Lines that are not log records are shown only when none is.
    pub fn is_set(&self) -> bool {
        self.level.is_some() || self.process.is_some()
    }

    /// Whether `line` passes.
    pub fn shows(&self, line: &str) -> bool {
        match LogLine::parse(line) {
            None => !self.is_set(),
            Some(l) => self.level.is_none_or(|max| l.level <= max) && self.process.as_deref().is_none_or(|p| p == l.tag),
        }
    }
}

/// Renders `line` for the terminal: the level coloured and the process tag highlighted when
/// `colour` is on (a terminal without `NO_COLOR`), the line unchanged otherwise.
pub fn render(line: &str, colour: bool) -> String {
    let Some(l) = LogLine::parse(line) else { return line.to_string() };
    if !colour {
        return line.to_string();
    }
    let tag_style = if l.tag == "kernel" { "\x1b[1;35m" } else { "\x1b[1;36m" };
    let mut out = String::with_capacity(line.len() + 24);
    let _ = write!(out, "[{}{}\x1b[0m {tag_style}{}\x1b[0m] ", l.level.colour(), l.raw_level, l.tag);
    if l.level <= Level::Warn {
        let _ = write!(out, "{}{}\x1b[0m", l.level.colour(), l.text);
    } else {
        out.push_str(l.text);
    }
    out
}

/// Cuts a byte stream into lines. Bytes arrive in arbitrary pieces (a serial read returns what
/// the UART had); a line is complete at `\n`, and a `\r` before it is dropped.
#[derive(Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
}

/// The longest line kept whole; a device that never sends a newline cannot grow memory forever.
const MAX_LINE: usize = 4096;

impl LineSplitter {
    /// Adds `bytes` and returns the lines they complete (invalid UTF-8 shown as U+FFFD).
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut lines = Vec::new();
        for &b in bytes {
            if b == b'\n' || self.partial.len() >= MAX_LINE {
                if self.partial.last() == Some(&b'\r') {
                    self.partial.pop();
                }
                lines.push(String::from_utf8_lossy(&self.partial).into_owned());
                self.partial.clear();
                if b == b'\n' {
                    continue;
                }
            }
            self.partial.push(b);
        }
        lines
    }

    /// The unfinished line, if any (at a disconnect or when the device exits).
    pub fn flush(&mut self) -> Option<String> {
        if self.partial.is_empty() {
            return None;
        }
        let line = String::from_utf8_lossy(&self.partial).into_owned();
        self.partial.clear();
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_and_process_lines_are_decoded() {
        let l = LogLine::parse("[INFO  kernel] mote 0.1.0 on qemu-mps2-an385").unwrap();
        assert_eq!((l.level, l.tag, l.text), (Level::Info, "kernel", "mote 0.1.0 on qemu-mps2-an385"));
        let l = LogLine::parse("[WARN  ping] late by 3 ms").unwrap();
        assert_eq!((l.level, l.tag, l.text), (Level::Warn, "ping", "late by 3 ms"));
        let l = LogLine::parse("[ERROR kernel] panic at kernel/src/x.rs:3: boom").unwrap();
        assert_eq!((l.level, l.tag), (Level::Error, "kernel"));
        assert_eq!(LogLine::parse("[TRACE p] ").unwrap().text, "");
        assert_eq!(LogLine::parse("[DEBUG a-b_c] x ] y").unwrap().text, "x ] y");
    }

    #[test]
    fn other_lines_are_not_log_records() {
        for line in ["", "hello", "[INFO kernel] one space", "[NOTE  kernel] x", "[INFO  ] empty tag", "[INFO  a b] x", "[INFO  kernel", "ets Jan  8 2013,rst cause:2"] {
            assert!(LogLine::parse(line).is_none(), "{line:?}");
        }
    }

    #[test]
    fn levels_parse_and_order_by_severity() {
        assert_eq!(Level::parse("WARN"), Ok(Level::Warn));
        assert_eq!(Level::parse("warning"), Ok(Level::Warn));
        assert!(Level::parse("loud").unwrap_err().contains("error, warn, info"));
        assert!(Level::Error < Level::Warn && Level::Warn < Level::Info && Level::Debug < Level::Trace);
    }

    #[test]
    fn filters_select_by_level_and_process() {
        let all = Filter::default();
        assert!(all.shows("[TRACE ping] x") && all.shows("boot banner"));
        let warn = Filter { level: Some(Level::Warn), process: None };
        assert!(warn.shows("[WARN  ping] x") && warn.shows("[ERROR kernel] y"));
        assert!(!warn.shows("[INFO  kernel] z") && !warn.shows("boot banner"));
        let ping = Filter { level: None, process: Some("ping".into()) };
        assert!(ping.shows("[INFO  ping] x") && !ping.shows("[INFO  pong] x") && !ping.shows("[INFO  kernel] x"));
        let both = Filter { level: Some(Level::Info), process: Some("kernel".into()) };
        assert!(both.shows("[INFO  kernel] x") && !both.shows("[DEBUG kernel] x") && !both.shows("[INFO  ping] x"));
    }

    #[test]
    fn rendering_colours_only_when_asked() {
        let line = "[WARN  ping] late";
        assert_eq!(render(line, false), line);
        let c = render(line, true);
        assert_eq!(c, "[\x1b[1;33mWARN \x1b[0m \x1b[1;36mping\x1b[0m] \x1b[1;33mlate\x1b[0m");
        assert!(render("[INFO  kernel] up", true).contains("\x1b[1;35mkernel\x1b[0m] up"));
        assert_eq!(render("plain \x1b text", true), "plain \x1b text");
    }

    #[test]
    fn lines_are_reassembled_from_pieces() {
        let mut s = LineSplitter::default();
        assert!(s.push(b"[INFO  ker").is_empty());
        assert_eq!(s.push(b"nel] a\r\n[WARN  p] b\nrest"), vec!["[INFO  kernel] a", "[WARN  p] b"]);
        assert_eq!(s.flush().as_deref(), Some("rest"));
        assert_eq!(s.flush(), None);
        assert_eq!(s.push(b"\xff\n"), vec!["\u{fffd}"]);
        let long = vec![b'x'; MAX_LINE + 10];
        let lines = s.push(&long);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), MAX_LINE);
        assert_eq!(s.flush().unwrap().len(), 10);
    }
}
