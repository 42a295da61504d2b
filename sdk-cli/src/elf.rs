//! Reading linked ELF files (symbols, sizes, loadable segments) and writing the combined image.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use object::elf;
use object::read::elf::{ElfFile32, FileHeader, ProgramHeader};
use object::{Endianness, Object, ObjectSection, ObjectSymbol, SectionFlags, SectionKind};
use serde::Serialize;

/// An ELF file read into memory.
pub struct Elf {
    data: Vec<u8>,
    path: String,
}

/// Bytes in flash (`text`: code and constants), initialised RAM (`data`, also stored in flash)
/// and zeroed RAM (`bss`), like the classic `size` tool.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub text: u64,
    pub data: u64,
    pub bss: u64,
}

/// One loadable piece of an image: bytes to place at `address`.
#[derive(Clone, Debug)]
pub struct Segment {
    pub address: u64,
    pub bytes: Vec<u8>,
    pub origin: String,
}

impl Elf {
    /// Reads an ELF file.
    pub fn read(path: &Path) -> Result<Elf> {
        let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let elf = Elf { data, path: path.display().to_string() };
        elf.file()?;
        Ok(elf)
    }

    fn file(&self) -> Result<ElfFile32<'_, Endianness>> {
        ElfFile32::parse(&*self.data).with_context(|| format!("{}: not a 32-bit ELF file", self.path))
    }

    /// Every defined symbol, by name.
    pub fn symbols(&self) -> Result<BTreeMap<String, u64>> {
        let file = self.file()?;
        let mut map = BTreeMap::new();
        for sym in file.symbols() {
            if let Ok(name) = sym.name() {
                if !name.is_empty() && !sym.is_undefined() {
                    map.insert(name.to_string(), sym.address());
                }
            }
        }
        Ok(map)
    }

    /// The value of symbol `name`, or an error naming the file.
    pub fn symbol(symbols: &BTreeMap<String, u64>, name: &str, file: &Path) -> Result<u64> {
        symbols.get(name).copied().with_context(|| {
            format!("{}: symbol `{name}` missing (is this a Mote process linked with process.x?)", file.display())
        })
    }

    /// The entry point.
    pub fn entry(&self) -> Result<u64> {
        Ok(self.file()?.entry())
    }

    /// Sizes by the classic rule; sections named in `exclude` (such as a process's `.stack`) are
    /// left out and returned separately.
    pub fn sizes(&self, exclude: &[&str]) -> Result<(Sizes, BTreeMap<String, u64>)> {
        let file = self.file()?;
        let mut sizes = Sizes::default();
        let mut excluded = BTreeMap::new();
        for section in file.sections() {
            let SectionFlags::Elf { sh_flags } = section.flags() else { continue };
            if sh_flags & u64::from(elf::SHF_ALLOC) == 0 || section.size() == 0 {
                continue;
            }
            let name = section.name().unwrap_or_default();
            if exclude.contains(&name) {
                excluded.insert(name.to_string(), section.size());
                continue;
            }
            // `.data` is initialised RAM even when it holds only constant data, which boards
            // with `memory.rodata = "ram"` copy there, and the linker then marks it read-only.
            let writable = sh_flags & u64::from(elf::SHF_WRITE) != 0 || name == ".data";
            match (section.kind(), writable) {
                (SectionKind::UninitializedData | SectionKind::UninitializedTls, _) => sizes.bss += section.size(),
                (_, true) => sizes.data += section.size(),
                (_, false) => sizes.text += section.size(),
            }
        }
        Ok((sizes, excluded))
    }

    /// Loadable bytes, at their load (physical) addresses.
    pub fn segments(&self) -> Result<Vec<Segment>> {
        let file = self.file()?;
        let endian = file.endian();
        let mut out = Vec::new();
        for ph in file.elf_program_headers() {
            if ph.p_type(endian) != elf::PT_LOAD || ph.p_filesz(endian) == 0 {
                continue;
            }
            let bytes = ph.data(endian, &*self.data).map_err(|_| anyhow::anyhow!("{}: bad program header", self.path))?;
            out.push(Segment { address: u64::from(ph.p_paddr(endian)), bytes: bytes.to_vec(), origin: self.path.clone() });
        }
        Ok(out)
    }

    /// `e_machine` and `e_flags`, copied into the combined image.
    pub fn machine_and_flags(&self) -> Result<(u16, u32)> {
        let file = self.file()?;
        let header = file.elf_header();
        let endian = file.endian();
        Ok((header.e_machine(endian), header.e_flags(endian)))
    }
}

/// Writes one ELF executable holding `segments`, entered at `entry`.
pub fn write_image(path: &Path, machine: u16, flags: u32, entry: u64, segments: &[Segment]) -> Result<()> {
    let mut sorted: Vec<&Segment> = segments.iter().collect();
    sorted.sort_by_key(|s| s.address);
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a.address + a.bytes.len() as u64 > b.address {
            bail!(
                "image segments overlap: {:#x}+{:#x} from {} and {:#x} from {}",
                a.address,
                a.bytes.len(),
                a.origin,
                b.address,
                b.origin
            );
        }
    }
    let mut buffer = Vec::new();
    let mut w = object::write::elf::Writer::new(Endianness::Little, false, &mut buffer);
    w.reserve_file_header();
    w.reserve_program_headers(sorted.len() as u32);
    let offsets: Vec<usize> = sorted.iter().map(|s| w.reserve(s.bytes.len(), 4)).collect();
    w.write_file_header(&object::write::elf::FileHeader {
        os_abi: 0,
        abi_version: 0,
        e_type: elf::ET_EXEC,
        e_machine: machine,
        e_entry: entry,
        e_flags: flags,
    })?;
    w.write_align_program_headers();
    for (s, &off) in sorted.iter().zip(&offsets) {
        w.write_program_header(&object::write::elf::ProgramHeader {
            p_type: elf::PT_LOAD,
            p_flags: elf::PF_R | elf::PF_W | elf::PF_X,
            p_offset: off as u64,
            p_vaddr: s.address,
            p_paddr: s.address,
            p_filesz: s.bytes.len() as u64,
            p_memsz: s.bytes.len() as u64,
            p_align: 4,
        });
    }
    for s in &sorted {
        w.write_align(4);
        w.write(&s.bytes);
    }
    std::fs::write(path, buffer).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_image_reads_back_with_its_segments() {
        let dir = std::env::temp_dir().join(format!("mote-elf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("image.elf");
        let segs = vec![
            Segment { address: 0x1000, bytes: vec![1, 2, 3, 4, 5], origin: "b".into() },
            Segment { address: 0x0, bytes: vec![9; 8], origin: "a".into() },
        ];
        write_image(&path, elf::EM_ARM, 0x0500_0000, 0x9, &segs).unwrap();
        let elf = Elf::read(&path).unwrap();
        assert_eq!(elf.entry().unwrap(), 0x9);
        assert_eq!(elf.machine_and_flags().unwrap(), (elf::EM_ARM, 0x0500_0000));
        let back = elf.segments().unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!((back[0].address, back[0].bytes.clone()), (0x0, vec![9; 8]));
        assert_eq!((back[1].address, back[1].bytes.clone()), (0x1000, vec![1, 2, 3, 4, 5]));
    }

    #[test]
    fn overlapping_segments_are_refused() {
        let path = std::env::temp_dir().join(format!("mote-elf-overlap-{}.elf", std::process::id()));
        let segs = vec![
            Segment { address: 0x0, bytes: vec![0; 16], origin: "kernel".into() },
            Segment { address: 0x8, bytes: vec![0; 4], origin: "ping".into() },
        ];
        let err = write_image(&path, elf::EM_ARM, 0, 0, &segs).unwrap_err().to_string();
        assert!(err.contains("overlap") && err.contains("kernel") && err.contains("ping"), "{err}");
    }
}
