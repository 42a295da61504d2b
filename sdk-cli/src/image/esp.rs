//! Espressif's flashable image format (esptool's "Firmware Image Format"), for boards flashed
//! with `espflash`: the boot ROM reads it at flash offset 0, copies each segment to its RAM
//! address and jumps to the entry point, with no second-stage bootloader.
//!
//! ```text
//!   0   e9 | segments | flash mode | size << 4 | freq | entry (u32)        common header
//!   8   wp pin | drive (3) | chip id (u16) | 0 | min rev (u16) |          ESP32 family only:
//!       max rev (u16) | reserved (4) | hash appended (1)                   extended header
//!       load address (u32) | length (u32) | bytes ...                      per segment
//!       zeros up to 15 mod 16 | checksum (0xef ^ every segment byte)
//!       SHA-256 of everything before                                      ESP32 family only
//! ```
//!
//! The ESP8266 uses the first, shorter form (no extended header, no hash). Its code may also run
//! from flash through the cache (irom0, the first MiB of flash at `0x4020_0000`): such segments
//! are not loaded by the ROM but stored raw at their flash offset, after the loaded image:
//!
//! ```text
//!   flash 0x0      [ image: header, RAM segments, checksum ] 0xff ...
//!   flash 0x10000  [ bytes for 0x4021_0000 ... ]              (offset = address - 0x4020_0000)
//! ```

use std::path::Path;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::elf::Segment;
use crate::manifest::Board;

const MAGIC: u8 = 0xe9;
/// Segments the boot ROM accepts.
const MAX_SEGMENTS: usize = 16;
const CHECKSUM_SEED: u8 = 0xef;
/// Flash mode DIO: every board's flash supports it, and the ROM reads the image with it.
const MODE_DIO: u8 = 2;
/// Flash clock 40 MHz (code 0 on every chip).
const FREQ_40M: u8 = 0;
/// The write-protect pin byte for "none".
const WP_PIN_DISABLED: u8 = 0xee;
/// Segments closer than this are joined, the gap filled with zeros, to save segment headers.
const JOIN_GAP: u64 = 16;
/// The ESP8266's irom0 window: flash offset 0 and up, read through the cache.
const ESP8266_IROM: Window = Window { base: 0x4020_0000, size: 0x10_0000 };

/// An address range, `[base, base + size)`.
#[derive(Clone, Copy, Debug)]
struct Window {
    base: u64,
    size: u64,
}

impl Window {
    fn holds(&self, address: u64, len: u64) -> bool {
        address >= self.base && address + len <= self.base + self.size
    }
}

/// The chips `cargo mote build` writes images for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chip {
    /// RISC-V, ESP32 family image (chip id 5).
    Esp32c3,
    /// Xtensa lx106, the first image version.
    Esp8266,
}

impl Chip {
    /// The chip of `board`'s `[flash]` table, if it is flashed with espflash.
    pub fn of(board: &Board) -> Result<Option<Chip>> {
        let Some(flash) = board.file.flash.as_ref().filter(|f| f.tool == "espflash") else { return Ok(None) };
        match flash.chip.as_str() {
            "esp32c3" => Ok(Some(Chip::Esp32c3)),
            "esp8266" => Ok(Some(Chip::Esp8266)),
            other => bail!(
                "{}: field `flash.chip`: `cargo mote build` writes Espressif images for \"esp32c3\" and \"esp8266\", not \"{other}\"",
                board.dir.join("board.toml").display()
            ),
        }
    }

    /// The header's flash size code for 4 MiB, the size of the boards' flash.
    fn size_4m(self) -> u8 {
        match self {
            Chip::Esp32c3 => 2,
            Chip::Esp8266 => 4,
        }
    }

    /// The RAM the boot ROM may load segments into: instruction and data RAM, short of the ROM's
    /// own data (ESP32-C3 from `0x3fcd_c710`, its instruction-bus alias from `0x403d_c710`).
    fn loadable(self) -> &'static [Window] {
        match self {
            Chip::Esp32c3 => &[
                Window { base: 0x4037_c000, size: 0x403d_c710 - 0x4037_c000 },
                Window { base: 0x3fc8_0000, size: 0x3fcd_c710 - 0x3fc8_0000 },
            ],
            Chip::Esp8266 => &[Window { base: 0x4010_0000, size: 0x8000 }, Window { base: 0x3ffe_8000, size: 0x14000 }],
        }
    }

    /// Where the chip reads code from flash in place, if Mote uses that.
    fn mapped(self) -> Option<Window> {
        match self {
            Chip::Esp32c3 => None,
            Chip::Esp8266 => Some(ESP8266_IROM),
        }
    }
}

/// Writes the flashable image of `segments` (entered at `entry`) for `board` to `path`.
pub fn write(path: &Path, board: &Board, chip: Chip, entry: u64, segments: &[Segment]) -> Result<()> {
    let bytes = flash_contents(chip, entry, segments)
        .with_context(|| format!("writing the flash image for {}", board.dir.join("board.toml").display()))?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The bytes to write at flash offset 0: the image of the segments the ROM loads, then those it
/// maps, each at its flash offset.
fn flash_contents(chip: Chip, entry: u64, segments: &[Segment]) -> Result<Vec<u8>> {
    let mut loaded = Vec::new();
    let mut mapped = Vec::new();
    for s in segments {
        let len = s.bytes.len() as u64;
        if chip.mapped().is_some_and(|w| w.holds(s.address, len)) {
            mapped.push(s);
        } else if chip.loadable().iter().any(|w| w.holds(s.address, len)) {
            loaded.push(s.clone());
        } else {
            bail!(
                "{}: segment at {:#010x}..{:#010x} is in no memory the {chip:?} boot ROM loads (or maps)",
                s.origin,
                s.address,
                s.address + len
            );
        }
    }
    let mut out = encode(chip, entry, &loaded)?;
    mapped.sort_by_key(|s| s.address);
    for s in mapped {
        let offset = (s.address - chip.mapped().map_or(0, |w| w.base)) as usize;
        if offset < out.len() {
            bail!("{}: segment at {:#010x} lies at flash offset {offset:#x}, inside the {}-byte loaded image before it", s.origin, s.address, out.len());
        }
        out.resize(offset, 0xff);
        out.extend_from_slice(&s.bytes);
    }
    Ok(out)
}

/// Joins segments that touch or nearly touch, in address order, each padded to whole words.
fn join(segments: &[Segment]) -> Vec<(u32, Vec<u8>)> {
    let mut sorted: Vec<&Segment> = segments.iter().filter(|s| !s.bytes.is_empty()).collect();
    sorted.sort_by_key(|s| s.address);
    let mut out: Vec<(u32, Vec<u8>)> = Vec::new();
    for s in sorted {
        match out.last_mut() {
            Some((base, bytes)) if s.address >= u64::from(*base) + bytes.len() as u64
                && s.address - (u64::from(*base) + bytes.len() as u64) < JOIN_GAP =>
            {
                bytes.resize((s.address - u64::from(*base)) as usize, 0);
                bytes.extend_from_slice(&s.bytes);
            }
            _ => out.push((s.address as u32, s.bytes.clone())),
        }
    }
    for (_, bytes) in &mut out {
        bytes.resize(bytes.len().next_multiple_of(4), 0);
    }
    out
}

/// The image bytes.
fn encode(chip: Chip, entry: u64, segments: &[Segment]) -> Result<Vec<u8>> {
    let joined = join(segments);
    if joined.len() > MAX_SEGMENTS {
        bail!("the image has {} separate segments; the Espressif boot ROM loads at most {MAX_SEGMENTS}", joined.len());
    }
    if let Some((address, _)) = joined.iter().find(|(a, _)| a % 4 != 0) {
        bail!("segment at {address:#010x} is not word-aligned; the boot ROM copies whole words");
    }
    let mut out = vec![MAGIC, joined.len() as u8, MODE_DIO, chip.size_4m() << 4 | FREQ_40M];
    out.extend_from_slice(&(entry as u32).to_le_bytes());
    if chip == Chip::Esp32c3 {
        out.extend_from_slice(&[WP_PIN_DISABLED, 0, 0, 0]);
        out.extend_from_slice(&5u16.to_le_bytes()); // chip id of the ESP32-C3
        out.push(0); // deprecated minimum revision
        out.extend_from_slice(&0u16.to_le_bytes()); // minimum revision: any
        out.extend_from_slice(&u16::MAX.to_le_bytes()); // maximum revision: any
        out.extend_from_slice(&[0; 4]);
        out.push(1); // a SHA-256 digest follows the checksum
    }
    let mut checksum = CHECKSUM_SEED;
    for (address, bytes) in &joined {
        out.extend_from_slice(&address.to_le_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
        checksum = bytes.iter().fold(checksum, |c, b| c ^ b);
    }
    out.resize((out.len() + 1).next_multiple_of(16) - 1, 0);
    out.push(checksum);
    if chip == Chip::Esp32c3 {
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(address: u64, bytes: &[u8]) -> Segment {
        Segment { address, bytes: bytes.to_vec(), origin: "test.elf".into() }
    }

    /// Reads an image back as the boot ROM does: segments, checksum and (ESP32 family) digest.
    fn parse(image: &[u8], extended: bool) -> (u32, Vec<(u32, Vec<u8>)>) {
        assert_eq!(image[0], MAGIC);
        let entry = u32::from_le_bytes(image[4..8].try_into().unwrap());
        let mut at = if extended { 24 } else { 8 };
        let mut segments = Vec::new();
        let mut checksum = CHECKSUM_SEED;
        for _ in 0..image[1] {
            let address = u32::from_le_bytes(image[at..at + 4].try_into().unwrap());
            let len = u32::from_le_bytes(image[at + 4..at + 8].try_into().unwrap()) as usize;
            let bytes = image[at + 8..at + 8 + len].to_vec();
            checksum = bytes.iter().fold(checksum, |c, b| c ^ b);
            segments.push((address, bytes));
            at += 8 + len;
        }
        let end = (at + 1).next_multiple_of(16);
        assert_eq!(image[end - 1], checksum, "checksum");
        if extended {
            assert_eq!(image[23], 1);
            assert_eq!(&image[end..], Sha256::digest(&image[..end]).as_slice(), "digest");
        } else {
            assert_eq!(image.len(), end);
        }
        (entry, segments)
    }

    #[test]
    fn esp32c3_images_have_the_extended_header_checksum_and_digest() {
        let segs = [seg(0x3fcb_0000, &[1, 2, 3, 4, 5]), seg(0x4038_0000, &[0x13, 0, 0, 0])];
        let image = encode(Chip::Esp32c3, 0x4038_0000, &segs).unwrap();
        assert_eq!(&image[..4], &[0xe9, 2, 2, 0x20]);
        assert_eq!(&image[12..14], &[5, 0], "chip id");
        let (entry, segments) = parse(&image, true);
        assert_eq!(entry, 0x4038_0000);
        // In address order, padded to whole words.
        assert_eq!(segments, vec![(0x3fcb_0000, vec![1, 2, 3, 4, 5, 0, 0, 0]), (0x4038_0000, vec![0x13, 0, 0, 0])]);
    }

    #[test]
    fn esp8266_images_have_the_short_header_and_no_digest() {
        let image = encode(Chip::Esp8266, 0x4010_0004, &[seg(0x4010_0000, &[9; 12])]).unwrap();
        assert_eq!(&image[..4], &[0xe9, 1, 2, 0x40]);
        let (entry, segments) = parse(&image, false);
        assert_eq!(entry, 0x4010_0004);
        assert_eq!(segments, vec![(0x4010_0000, vec![9; 12])]);
    }

    #[test]
    fn esp8266_flash_segments_are_stored_at_their_offset_and_others_refused() {
        let segs = [seg(0x4010_0000, &[7; 8]), seg(0x4021_0000, &[1, 2, 3, 4])];
        let out = flash_contents(Chip::Esp8266, 0x4010_0008, &segs).unwrap();
        assert_eq!(out.len(), 0x10004);
        assert_eq!(&out[0x10000..], &[1, 2, 3, 4]);
        assert_eq!(out[0x20], 0xff, "erased flash between the image and the mapped code");
        let (_, loaded) = parse(&out[..32], false);
        assert_eq!(loaded, vec![(0x4010_0000, vec![7; 8])]);
        let e = flash_contents(Chip::Esp8266, 0, &[seg(0x6000_0000, &[0; 4])]).unwrap_err().to_string();
        assert!(e.contains("test.elf: segment at 0x60000000..0x60000004 is in no memory"), "{e}");
        let e = flash_contents(Chip::Esp32c3, 0, &[seg(0x3fcd_c700, &[0; 32])]).unwrap_err().to_string();
        assert!(e.contains("in no memory the Esp32c3 boot ROM loads"), "{e}");
        let e = flash_contents(Chip::Esp8266, 0, &[seg(0x4010_0000, &[0; 64]), seg(0x4020_0010, &[0; 4])]).unwrap_err();
        assert!(e.to_string().contains("inside the"), "{e}");
    }

    #[test]
    fn close_segments_are_joined_and_far_ones_kept_apart() {
        let segs = [seg(0x1000, &[1; 6]), seg(0x1008, &[2; 4]), seg(0x2000, &[3; 4])];
        assert_eq!(join(&segs), vec![(0x1000, [vec![1; 6], vec![0; 2], vec![2; 4]].concat()), (0x2000, vec![3; 4])]);
        let many: Vec<Segment> = (0..17).map(|k| seg(0x1000 * k, &[0; 4])).collect();
        assert!(encode(Chip::Esp32c3, 0, &many).unwrap_err().to_string().contains("at most 16"));
        assert!(encode(Chip::Esp8266, 0, &[seg(0x1002, &[0; 4])]).unwrap_err().to_string().contains("not word-aligned"));
    }
}
