//! Writing log records to the console.
//!
//! Every line the kernel prints has the form `[LEVEL tag] text`, where the tag is `kernel` or the
//! name of the process that sent the record. Text from processes is untrusted: control characters
//! and invalid UTF-8 are escaped (`\x1b`), so a process cannot forge other lines or move the
//! terminal's cursor.

use core::fmt;

use mote_abi::LogLevel;
use mote_hal::embedded_io;

/// Adapts an `embedded-io` writer to `core::fmt::Write`, ignoring write errors: a console that
/// fails loses log output, never kernel state.
pub struct ConsoleWriter<'a, W: embedded_io::Write>(pub &'a mut W);

impl<W: embedded_io::Write> fmt::Write for ConsoleWriter<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let _ = self.0.write_all(s.as_bytes());
        Ok(())
    }
}

/// Writes one record from the kernel.
pub fn kernel_record<W: embedded_io::Write>(console: &mut W, level: LogLevel, args: fmt::Arguments<'_>) {
    let mut w = ConsoleWriter(console);
    let _ = fmt::write(&mut w, format_args!("[{} kernel] {}\n", level.tag(), args));
}

/// Writes the report of a kernel panic (one line: location and message). Board packages call it
/// from their panic handler, on a console they take over for good.
pub fn panic_record<W: embedded_io::Write>(console: &mut W, info: &core::panic::PanicInfo<'_>) {
    let mut w = ConsoleWriter(console);
    let _ = match info.location() {
        Some(at) => fmt::write(&mut w, format_args!("[ERROR kernel] panic at {}:{}: {}\n", at.file(), at.line(), info.message())),
        None => fmt::write(&mut w, format_args!("[ERROR kernel] panic: {}\n", info.message())),
    };
}

/// Writes one record sent by process `tag`, escaping what it must.
pub fn process_record<W: embedded_io::Write>(console: &mut W, level: LogLevel, tag: &str, text: &[u8]) {
    let mut w = ConsoleWriter(console);
    let _ = fmt::write(&mut w, format_args!("[{} {}] ", level.tag(), tag));
    write_escaped(&mut w, text);
    let _ = fmt::Write::write_str(&mut w, "\n");
}

/// Writes `text` with control characters and invalid UTF-8 shown as `\xNN`.
pub fn write_escaped(w: &mut impl fmt::Write, text: &[u8]) {
    for chunk in text.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() && c != '\t' {
                let _ = write!(w, "\\x{:02x}", c as u32);
            } else {
                let _ = w.write_char(c);
            }
        }
        for b in chunk.invalid() {
            let _ = write!(w, "\\x{b:02x}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf(std::string::String);
    impl fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.push_str(s);
            Ok(())
        }
    }

    fn escaped(text: &[u8]) -> std::string::String {
        let mut b = Buf(std::string::String::new());
        write_escaped(&mut b, text);
        b.0
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
    }

    #[test]
    fn invalid_utf8_is_escaped() {
        assert_eq!(escaped(b"a\xffb\xc3"), "a\\xffb\\xc3");
    }
}
