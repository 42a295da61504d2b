//! A fixed-block pool: `N` slots of `T` in the process's own memory, no heap.
//!
//! Allocation takes a free slot and returns a [`Handle`]; freeing returns the value. Exhaustion
//! is an error the caller sees ([`PoolFull`]), never a panic. Handles carry a generation so a
//! handle to a freed slot is refused rather than aliasing the slot's next occupant.

/// A pool of `N` values of type `T`.
pub struct Pool<T, const N: usize> {
    slots: [Option<T>; N],
    generations: [u16; N],
}

/// Names an occupied slot of a [`Pool`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Handle {
    index: u16,
    generation: u16,
}

/// Every slot is taken; the value is handed back.
#[derive(Debug, PartialEq, Eq)]
pub struct PoolFull<T>(pub T);

impl<T, const N: usize> Pool<T, N> {
    /// An empty pool.
    pub const fn new() -> Self {
        Self { slots: [const { None }; N], generations: [0; N] }
    }

    /// Stores `value` in a free slot.
    pub fn alloc(&mut self, value: T) -> Result<Handle, PoolFull<T>> {
        match self.slots.iter().position(|s| s.is_none()) {
            Some(i) => {
                self.slots[i] = Some(value);
                Ok(Handle { index: i as u16, generation: self.generations[i] })
            }
            None => Err(PoolFull(value)),
        }
    }

    fn valid(&self, h: Handle) -> Option<usize> {
        let i = usize::from(h.index);
        (i < N && self.generations[i] == h.generation && self.slots[i].is_some()).then_some(i)
    }

    /// The value behind `h`, if it is still allocated.
    pub fn get(&self, h: Handle) -> Option<&T> {
        self.valid(h).and_then(|i| self.slots[i].as_ref())
    }

    /// The value behind `h`, mutably.
    pub fn get_mut(&mut self, h: Handle) -> Option<&mut T> {
        self.valid(h).and_then(|i| self.slots[i].as_mut())
    }

    /// Frees the slot and returns its value; `None` for a stale handle.
    pub fn free(&mut self, h: Handle) -> Option<T> {
        let i = self.valid(h)?;
        self.generations[i] = self.generations[i].wrapping_add(1);
        self.slots[i].take()
    }

    /// Slots in use.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// Whether no slot is in use.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T, const N: usize> Default for Pool<T, N> {
    fn default() -> Self {
        Self::new()
    }
}
