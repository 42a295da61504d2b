//! Writing log records to the console.
//!
//! Every line the kernel prints has the form `[LEVEL tag] text`, where the tag is `kernel` or the
//! name of the process that sent the record. Text from processes is untrusted: control characters
//! and invalid UTF-8 are escaped (`\x1b`), so a process cannot forge other lines or move the
//! terminal's cursor.
//!
//! Lines are written with [`Line`], a writer of strings and integers, not with `core::fmt`: the
//! formatting machinery (its `Display` implementations, padding and the `Arguments` tables) costs
//! several kilobytes of flash, more than the rest of the log path together. Its methods are
//! kept out of line (`inline(never)`): a call costs a few instructions at each of the many places
//! that log.

use mote_abi::LogLevel;
use mote_hal::{embedded_io, FaultKind, KernelFault, Region};

use crate::log_ring::{LogRing, LOG_RING_SIZE};

/// Somewhere a line goes: any `embedded-io` writer, its errors ignored (a console that fails
/// loses log output, never kernel state). [`Line`] writes through `dyn Out`, so its code exists
/// once whatever the console's type.
pub trait Out {
    /// Writes all of `bytes`, or what the writer takes of them.
    fn out(&mut self, bytes: &[u8]);
}

impl<W: embedded_io::Write> Out for W {
    fn out(&mut self, bytes: &[u8]) {
        let _ = self.write_all(bytes);
    }
}

/// One log line being written: the `[LEVEL tag] ` prefix is written when it starts, the newline
/// when it is dropped.
pub struct Line<'a> {
    out: &'a mut dyn Out,
    /// Where a copy goes: the log ring, for the kernel's own records.
    ring: Option<&'a mut LogRing<LOG_RING_SIZE>>,
}

impl<'a> Line<'a> {
    /// Starts a record of `level` from `tag` (`kernel` or a process name) on `out`, and into
    /// `ring` if given.
    #[inline(never)]
    pub fn start(out: &'a mut dyn Out, ring: Option<&'a mut LogRing<LOG_RING_SIZE>>, level: LogLevel, tag: &str) -> Self {
        let mut line = Self { out, ring };
        line.str("[").str(level.tag()).str(" ").str(tag).str("] ");
        line
    }

    /// Writes `s`.
    #[inline(never)]
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Writes `s`, then spaces up to `width` characters (`{:<width}`; widths count bytes, which
    /// for the ASCII names and numbers padded is the number of characters).
    #[inline(never)]
    pub fn left(&mut self, s: &str, width: usize) -> &mut Self {
        self.str(s).spaces(width.saturating_sub(s.len()))
    }

    /// Writes spaces, then `s`, to fill `width` characters (`{:>width}`).
    #[inline(never)]
    pub fn right(&mut self, s: &str, width: usize) -> &mut Self {
        self.right_bytes(s.as_bytes(), width)
    }

    /// Writes `n` in decimal (`{}`).
    pub fn dec(&mut self, n: impl Into<u64>) -> &mut Self {
        self.dec_right(n, 0)
    }

    /// Writes `n` in decimal, right-aligned in `width` characters (`{:>width}`).
    pub fn dec_right(&mut self, n: impl Into<u64>, width: usize) -> &mut Self {
        self.number(n.into(), false, 1, width)
    }

    /// Writes `n` in lower-case hexadecimal, at least `digits` of them, no prefix (`{:0digits$x}`).
    pub fn hex(&mut self, n: usize, digits: usize) -> &mut Self {
        self.number(n as u64, true, digits, 0)
    }

    /// Writes `n` in hexadecimal or decimal with at least `digits` digits (leading zeros), then
    /// right-aligned in `width` characters. Hexadecimal digits come from shifts, decimal ones from
    /// 32-bit division while the number fits: a core without a divide instruction (ARMv6-M)
    /// divides in software, a 64-bit division costing hundreds of cycles, and a crash report
    /// writes about thirty numbers.
    #[inline(never)]
    fn number(&mut self, mut n: u64, hex: bool, digits: usize, width: usize) -> &mut Self {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        let floor = buf.len() - digits.min(buf.len());
        while n != 0 || start > floor {
            let (rest, digit) = match (hex, u32::try_from(n)) {
                (true, _) => (n >> 4, n & 0xf),
                (false, Ok(small)) => (u64::from(small / 10), u64::from(small % 10)),
                (false, Err(_)) => (n / 10, n % 10),
            };
            start -= 1;
            buf[start] = b"0123456789abcdef"[digit as usize];
            n = rest;
        }
        self.right_bytes(&buf[start..], width)
    }

    fn right_bytes(&mut self, b: &[u8], width: usize) -> &mut Self {
        self.spaces(width.saturating_sub(b.len())).bytes(b)
    }

    #[inline(never)]
    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.out.out(b);
        if let Some(ring) = &mut self.ring {
            ring.push(b);
        }
        self
    }

    /// Writes `n` as `0x` and eight or more hexadecimal digits (`{:#010x}`), as addresses are shown.
    #[inline(never)]
    pub fn addr(&mut self, n: usize) -> &mut Self {
        self.str("0x").hex(n, 8)
    }

    /// Writes a memory region as `0xBASE-0xEND` (the `Display` form of [`Region`]).
    #[inline(never)]
    pub fn region(&mut self, r: Region) -> &mut Self {
        self.addr(r.base).str("-").addr(r.end())
    }

    /// Writes a fault kind as its `Display` form does: its name, and the raw cause of an
    /// unclassified fault.
    #[inline(never)]
    pub fn fault_kind(&mut self, kind: FaultKind) -> &mut Self {
        self.str(kind.as_str());
        if let FaultKind::Other(code) = kind {
            self.str(" (cause 0x").hex(code as usize, 1).str(")");
        }
        self
    }

    /// Writes `count` spaces.
    #[inline(never)]
    fn spaces(&mut self, count: usize) -> &mut Self {
        for _ in 0..count {
            self.str(" ");
        }
        self
    }

    /// Writes `text` with control characters (Unicode's `Cc` but tab) and invalid UTF-8 shown as
    /// `\xNN`: the code point of a control character, each byte of an invalid sequence. Runs of
    /// plain text go out in one write.
    #[inline(never)]
    pub fn escaped(&mut self, text: &[u8]) -> &mut Self {
        let (mut from, mut at) = (0, 0);
        while at < text.len() {
            let len = utf8_len(&text[at..]);
            // The control characters are U+0000..U+001F and U+007F..U+009F: one or two bytes.
            let code = match len {
                0 | 1 => u32::from(text[at]),
                2 => u32::from(text[at] & 0x1f) << 6 | u32::from(text[at + 1] & 0x3f),
                _ => u32::MAX,
            };
            if len == 0 || (code < 0x20 && code != 0x09) || (0x7f..=0x9f).contains(&code) {
                self.bytes(&text[from..at]).str("\\x").hex(code as usize, 2);
                from = at + len.max(1);
            }
            at += len.max(1);
        }
        self.bytes(&text[from..])
    }
}

/// The length of the well-formed UTF-8 sequence at the start of `b` (not empty), or 0 if none
/// starts there (Unicode's table of well-formed byte sequences: no overlong forms, no surrogates,
/// nothing above U+10FFFF).
fn utf8_len(b: &[u8]) -> usize {
    let (len, second) = match b[0] {
        0x00..=0x7f => return 1,
        0xc2..=0xdf => (2, 0x80..=0xbf),
        0xe0 => (3, 0xa0..=0xbf),
        0xed => (3, 0x80..=0x9f),
        0xe1..=0xef => (3, 0x80..=0xbf),
        0xf0 => (4, 0x90..=0xbf),
        0xf4 => (4, 0x80..=0x8f),
        0xf1..=0xf3 => (4, 0x80..=0xbf),
        _ => return 0,
    };
    if b.len() < len || !second.contains(&b[1]) || b[2..len].iter().any(|&c| c & 0xc0 != 0x80) {
        return 0;
    }
    len
}

impl Drop for Line<'_> {
    #[inline(never)]
    fn drop(&mut self) {
        self.str("\n");
    }
}

/// Writes the report of a kernel panic: where, and the message. Board packages call it from
/// their panic handler, on a console they take over for good.
///
/// On Cortex-M only constant messages are written: messages that format values (`core`'s failed
/// bounds checks, say) would bring `core::fmt` into the kernel (about 1.5 KB of flash); the
/// location names the check that failed, and kernel faults come with their registers through
/// [`kernel_fault_record`]. The RISC-V and Xtensa kernels still report their kernel faults as
/// formatted panics, so there every message is written.
pub fn panic_record(console: &mut impl embedded_io::Write, info: &core::panic::PanicInfo<'_>) {
    let mut line = panic_line(console, info.location());
    if let Some(message) = info.message().as_str() {
        line.str(": ").str(message);
    } else if cfg!(not(target_arch = "arm")) {
        line.str(": ");
        let _ = core::fmt::write(&mut FmtLine(&mut line), format_args!("{}", info.message()));
    }
}

/// `core::fmt::Write` onto a [`Line`], for formatted panic messages where they are written.
struct FmtLine<'l, 'a>(&'l mut Line<'a>);

impl core::fmt::Write for FmtLine<'_, '_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.str(s);
        Ok(())
    }
}

/// Writes the report of a fault of the kernel itself, taken at `at` in the architecture's fault
/// handler, as a panic: `panic at FILE:LINE: kernel fault: KIND [at ADDRESS] (NAME 0x..., ...)`.
pub fn kernel_fault_record(console: &mut impl embedded_io::Write, fault: &KernelFault<'_>, at: &core::panic::Location<'_>) {
    let mut line = panic_line(console, Some(at));
    line.str(": kernel fault: ").fault_kind(fault.kind);
    if let Some(address) = fault.address {
        line.str(" at ").addr(address);
    }
    for (k, (name, value)) in fault.registers.iter().enumerate() {
        line.str(if k == 0 { " (" } else { ", " }).str(name).str(" ").addr(*value);
    }
    if !fault.registers.is_empty() {
        line.str(")");
    }
}

/// Starts a panic line: `[ERROR kernel] panic[ at FILE:LINE]`.
fn panic_line<'a>(console: &'a mut dyn Out, at: Option<&core::panic::Location<'_>>) -> Line<'a> {
    let mut line = Line::start(console, None, LogLevel::Error, "kernel");
    line.str("panic");
    if let Some(at) = at {
        line.str(" at ").str(at.file()).str(":").dec(at.line());
    }
    line
}

/// Writes one record sent by process `tag`, escaping what it must.
pub fn process_record<W: embedded_io::Write>(console: &mut W, level: LogLevel, tag: &str, text: &[u8]) {
    Line::start(console, None, level, tag).escaped(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{format, string::String, vec, vec::Vec};

    struct Buf(Vec<u8>);
    impl embedded_io::ErrorType for Buf {
        type Error = core::convert::Infallible;
    }
    impl embedded_io::Write for Buf {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    /// The text of one line (without prefix and newline) written by `f`.
    fn line(f: impl FnOnce(&mut Line<'_>)) -> String {
        let mut b = Buf(Vec::new());
        f(&mut Line::start(&mut b, None, LogLevel::Info, "t"));
        let s = String::from_utf8(b.0).unwrap();
        s.strip_prefix("[INFO  t] ").unwrap().strip_suffix('\n').unwrap().into()
    }

    fn escaped(text: &[u8]) -> String {
        line(|l| {
            l.escaped(text);
        })
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(escaped(b"hello, world\t!"), "hello, world\t!");
        assert_eq!(escaped("caf\u{e9}".as_bytes()), "caf\u{e9}");
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        assert_eq!(escaped(b"a\n[ERROR kernel] b"), "a\\x0a[ERROR kernel] b");
        assert_eq!(escaped(b"\x1b[2J"), "\\x1b[2J");
        assert_eq!(escaped("\u{85}x\u{7f}".as_bytes()), "\\x85x\\x7f");
    }

    /// What `escaped` writes, as `core` decodes UTF-8 (the implementation it replaced).
    fn reference(text: &[u8]) -> String {
        let mut out = String::new();
        for chunk in text.utf8_chunks() {
            for c in chunk.valid().chars() {
                if c.is_control() && c != '\t' {
                    out += &format!("\\x{:02x}", c as u32);
                } else {
                    out.push(c);
                }
            }
            for b in chunk.invalid() {
                out += &format!("\\x{b:02x}");
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_agrees_with_core_utf8_decoding(text in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24)) {
            proptest::prop_assert_eq!(escaped(&text), reference(&text));
        }

        #[test]
        fn escaping_agrees_on_text_near_the_edges(text in proptest::collection::vec(proptest::sample::select(vec![
            0x00u8, 0x09, 0x0a, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
        ]), 0..16)) {
            proptest::prop_assert_eq!(escaped(&text), reference(&text));
        }
    }

    #[test]
    fn every_code_point_is_escaped_as_core_would() {
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let text = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(escaped(text), reference(text), "{c:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_escaped() {
        assert_eq!(escaped(b"a\xffb\xc3"), "a\\xffb\\xc3");
    }

    #[test]
    fn numbers_and_padding_read_as_core_fmt_writes_them() {
        let values = [0u64, 1, 9, 10, 99, 1000, 4096, 65535, 1 << 31, u32::MAX as u64, u64::MAX];
        for v in values {
            assert_eq!(line(|l| { l.dec(v); }), format!("{v}"));
            assert_eq!(line(|l| { l.dec_right(v, 6); }), format!("{v:>6}"));
            let u = v as u32 as usize;
            assert_eq!(line(|l| { l.hex(u, 8); }), format!("{u:08x}"));
            assert_eq!(line(|l| { l.hex(u, 2); }), format!("{u:02x}"));
            assert_eq!(line(|l| { l.str("0x").hex(u, 1); }), format!("{u:#x}"));
            assert_eq!(line(|l| { l.addr(u); }), format!("{u:#010x}"));
        }
        for s in ["", "pc", "ping", "a-much-longer-name-than-16"] {
            assert_eq!(line(|l| { l.left(s, 16); }), format!("{s:<16}"));
            assert_eq!(line(|l| { l.right(s, 4); }), format!("{s:>4}"));
        }
        let r = Region { base: 0x2000_0000, size: 0x4000 };
        assert_eq!(line(|l| { l.region(r); }), format!("{r}"));
    }

    #[test]
    fn kernel_faults_read_as_the_panic_message_they_replace() {
        let at = core::panic::Location::caller();
        let (pc, lr, cfsr, hfsr, addr) = (0x1a60usize, 0x3d3fusize, 0x10000usize, 0usize, 0x2000_4000usize);
        let registers = [("pc", pc), ("lr", lr), ("cfsr", cfsr), ("hfsr", hfsr)];
        let mut b = Buf(Vec::new());
        let fault = KernelFault { kind: FaultKind::DataAccess, address: Some(addr), registers: &registers };
        kernel_fault_record(&mut b, &fault, at);
        let kind = FaultKind::DataAccess;
        let old = format!(
            "[ERROR kernel] panic at {}:{}: kernel fault: {kind} at {addr:#010x} (pc {pc:#010x}, lr {lr:#010x}, cfsr {cfsr:#010x}, hfsr {hfsr:#010x})\n",
            at.file(),
            at.line()
        );
        assert_eq!(String::from_utf8(b.0).unwrap(), old);
        let mut b = Buf(Vec::new());
        let fault = KernelFault { kind: FaultKind::Other(0x1c), address: None, registers: &registers[..2] };
        kernel_fault_record(&mut b, &fault, at);
        let kind = FaultKind::Other(0x1c);
        let old = format!("[ERROR kernel] panic at {}:{}: kernel fault: {kind} (pc {pc:#010x}, lr {lr:#010x})\n", at.file(), at.line());
        assert_eq!(String::from_utf8(b.0).unwrap(), old);
    }

    #[test]
    fn records_have_the_prefix_and_end_the_line() {
        let mut b = Buf(Vec::new());
        process_record(&mut b, LogLevel::Warn, "ping", b"x\n");
        assert_eq!(b.0, b"[WARN  ping] x\\x0a\n");
    }
}
