//! The ready set: which processes are ready, filed by priority level, so the scheduler finds the
//! most important level with a ready process in one instruction (count trailing zeros) and the
//! processes at that level in one load, however many processes the image has.

/// Priority levels (`process.toml` allows 0 to 31; 0 is the most important).
pub const LEVELS: usize = 32;

/// Processes the set can hold (task indices 0 to 31: `mote_abi::MAX_PROCESSES`).
const CAPACITY: usize = 32;

/// The ready processes, one bit per task index, filed by priority level.
#[derive(Clone, Debug)]
pub struct ReadySet {
    /// Every ready process.
    all: u32,
    /// Bit `l` is set while some process is ready at level `l`.
    levels: u32,
    /// The ready processes at each level.
    at: [u32; LEVELS],
    /// The level each ready process is filed at.
    level_of: [u8; CAPACITY],
}

impl Default for ReadySet {
    fn default() -> Self {
        Self::new()
    }
}

impl ReadySet {
    /// The empty set.
    pub const fn new() -> Self {
        Self { all: 0, levels: 0, at: [0; LEVELS], level_of: [0; CAPACITY] }
    }

    /// Adds process `i` at `level` (moving it if it was at another). `i < 32`, `level < LEVELS`.
    pub fn insert(&mut self, i: usize, level: usize) {
        self.remove(i);
        let level = level.min(LEVELS - 1);
        self.all |= 1 << i;
        self.at[level] |= 1 << i;
        self.levels |= 1 << level;
        self.level_of[i] = level as u8;
    }

    /// Removes process `i`, if it is in the set.
    pub fn remove(&mut self, i: usize) {
        let bit = 1u32 << i;
        if self.all & bit == 0 {
            return;
        }
        self.all &= !bit;
        let level = usize::from(self.level_of[i]);
        self.at[level] &= !bit;
        if self.at[level] == 0 {
            self.levels &= !(1 << level);
        }
    }

    /// Whether process `i` is in the set.
    pub const fn contains(&self, i: usize) -> bool {
        self.all & (1 << i) != 0
    }

    /// The level process `i` is filed at, if it is in the set.
    pub fn level_of(&self, i: usize) -> Option<usize> {
        self.contains(i).then(|| usize::from(self.level_of[i]))
    }

    /// Every ready process, one bit per task index.
    pub const fn all(&self) -> u32 {
        self.all
    }

    /// The most important level with a ready process, and the processes ready at it.
    pub fn most_important(&self) -> Option<(usize, u32)> {
        if self.levels == 0 {
            return None;
        }
        let level = self.levels.trailing_zeros() as usize;
        Some((level, self.at[level]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// After any inserts and removes, the set holds what a plain map would, and the most
        /// important level is the smallest level of a member.
        #[test]
        fn agrees_with_a_map(ops in prop::collection::vec((0usize..32, prop::option::of(0usize..40)), 0..80)) {
            let mut set = ReadySet::new();
            let mut map: [Option<usize>; 32] = [None; 32];
            for (i, op) in ops {
                match op {
                    Some(level) => { set.insert(i, level); map[i] = Some(level.min(LEVELS - 1)); }
                    None => { set.remove(i); map[i] = None; }
                }
                for k in 0..32 {
                    prop_assert_eq!(set.level_of(k), map[k]);
                }
                let best = map.iter().flatten().min().copied();
                match set.most_important() {
                    None => prop_assert!(best.is_none()),
                    Some((level, members)) => {
                        prop_assert_eq!(Some(level), best);
                        let expected = (0..32).filter(|&k| map[k] == Some(level)).fold(0u32, |m, k| m | 1 << k);
                        prop_assert_eq!(members, expected);
                    }
                }
            }
        }
    }
}
