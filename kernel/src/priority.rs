//! Scheduling priority.

/// How important a process is: `Priority(0)` is the most important.
///
/// Deliberately not `Ord`: "numerically smaller" is easy to confuse with "less important", so
/// comparisons go through [`Priority::is_more_important_than`], which says what it means.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Priority(pub u8);

impl Priority {
    /// Whether a process at `self` should run in preference to one at `other`.
    pub const fn is_more_important_than(self, other: Priority) -> bool {
        self.0 < other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_most_important() {
        assert!(Priority(0).is_more_important_than(Priority(1)));
        assert!(!Priority(1).is_more_important_than(Priority(0)));
        assert!(!Priority(3).is_more_important_than(Priority(3)));
    }
}
