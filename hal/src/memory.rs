//! Address ranges and access rights.

use core::fmt;

/// A contiguous range of addresses `[base, base + size)`.
///
/// `size` may be zero; an empty region contains no address. A region never wraps around the end
/// of the address space: [`Region::new`] refuses one that would.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Region {
    /// First address.
    pub base: usize,
    /// Length in bytes.
    pub size: usize,
}

/// Why an address range is not acceptable.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum RegionError {
    /// `base + size` overflows the address space.
    Wraps,
    /// The protection unit cannot express the region (size or alignment).
    Misaligned,
}

impl Region {
    /// Creates a region, refusing one whose end would wrap past the top of the address space.
    pub const fn new(base: usize, size: usize) -> Result<Self, RegionError> {
        match base.checked_add(size) {
            Some(_) => Ok(Self { base, size }),
            None => Err(RegionError::Wraps),
        }
    }

    /// One past the last address.
    pub const fn end(&self) -> usize {
        self.base + self.size
    }

    /// Whether `[addr, addr + len)` lies entirely inside this region. An empty range is
    /// contained if `addr` is inside the region or at its end.
    pub const fn contains_range(&self, addr: usize, len: usize) -> bool {
        let Some(end) = addr.checked_add(len) else { return false };
        addr >= self.base && end <= self.end()
    }

    /// Whether the two regions share at least one address.
    pub const fn overlaps(&self, other: &Region) -> bool {
        self.size != 0 && other.size != 0 && self.base < other.end() && other.base < self.end()
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}-{:#010x}", self.base, self.end())
    }
}

/// What a process may do with a region (by default: nothing).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Loads allowed.
    pub read: bool,
    /// Stores allowed.
    pub write: bool,
    /// Instruction fetches allowed.
    pub execute: bool,
    /// Device registers (never cached, reordered or merged), not memory.
    pub device: bool,
}

impl Access {
    /// Code and constants: read and execute.
    pub const READ_EXECUTE: Self = Self { read: true, write: false, execute: true, device: false };
    /// Data: read and write, never execute.
    pub const READ_WRITE: Self = Self { read: true, write: true, execute: false, device: false };
    /// Read only.
    pub const READ_ONLY: Self = Self { read: true, write: false, execute: false, device: false };
    /// A device's registers: read and write, never execute.
    pub const DEVICE: Self = Self { read: true, write: true, execute: false, device: true };

    /// Whether every right in `needed` is granted here.
    pub const fn allows(&self, needed: Access) -> bool {
        (self.read || !needed.read) && (self.write || !needed.write) && (self.execute || !needed.execute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_checks_both_ends_and_overflow() {
        let r = Region::new(0x1000, 0x100).unwrap();
        assert!(r.contains_range(0x1000, 0x100));
        assert!(r.contains_range(0x10ff, 1));
        assert!(r.contains_range(0x1100, 0));
        assert!(!r.contains_range(0x10ff, 2));
        assert!(!r.contains_range(0xfff, 1));
        assert!(!r.contains_range(usize::MAX, 2));
        assert!(!r.contains_range(0x1000, usize::MAX));
    }

    #[test]
    fn new_refuses_wrapping_regions() {
        assert_eq!(Region::new(usize::MAX, 2), Err(RegionError::Wraps));
        assert!(Region::new(usize::MAX - 1, 1).is_ok());
    }

    #[test]
    fn overlap_is_symmetric_and_ignores_empty() {
        let a = Region::new(0x100, 0x100).unwrap();
        let b = Region::new(0x1ff, 0x10).unwrap();
        let c = Region::new(0x200, 0x10).unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a));
        assert!(!a.overlaps(&c) && !c.overlaps(&a));
        assert!(!a.overlaps(&Region::new(0x150, 0).unwrap()));
    }

    #[test]
    fn access_allows_subsets_only() {
        assert!(Access::READ_WRITE.allows(Access::READ_ONLY));
        assert!(!Access::READ_ONLY.allows(Access::READ_WRITE));
        assert!(!Access::READ_WRITE.allows(Access::READ_EXECUTE));
    }
}
