//! A pool of fixed-size byte blocks, as RTOS block pools are (ThreadX's `tx_block_allocate`,
//! Zephyr's memory slabs): `N` blocks of `SIZE` bytes in the process's own memory, no heap.
//!
//! Allocating and freeing take constant time: free blocks form a list. Nothing is copied in or
//! out: a block holds whatever its last user left in it (zeros the first time). Exhaustion is an
//! error the caller sees, never a panic, and a [`Block`] handle that was freed is refused from
//! then on (its generation no longer matches), so a stale handle cannot reach the block's next
//! user.
//!
//! For typed values with nothing to recycle, [`crate::pool::Pool`] stores and returns `T`.

/// Marks the end of the free list.
const NONE: u16 = u16::MAX;

/// `N` blocks of `SIZE` bytes (`N` < 65,535).
pub struct BlockPool<const SIZE: usize, const N: usize> {
    blocks: [[u8; SIZE]; N],
    /// For a free block, the next free one (or [`NONE`]).
    next: [u16; N],
    /// Per block: odd while allocated; bumped at every allocation and every free.
    generations: [u16; N],
    /// The first free block (or [`NONE`]).
    free: u16,
    /// Blocks allocated.
    used: u16,
}

/// Names an allocated block of a [`BlockPool`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Block {
    index: u16,
    generation: u16,
}

impl<const SIZE: usize, const N: usize> BlockPool<SIZE, N> {
    /// A pool with every block free.
    pub const fn new() -> Self {
        assert!(N < NONE as usize, "a block pool holds fewer than 65,535 blocks");
        let mut next = [NONE; N];
        let mut k = 0;
        while k + 1 < N {
            next[k] = (k + 1) as u16;
            k += 1;
        }
        Self { blocks: [[0; SIZE]; N], next, generations: [0; N], free: if N == 0 { NONE } else { 0 }, used: 0 }
    }

    /// Takes a free block; `None` when every block is allocated.
    #[inline]
    pub fn alloc(&mut self) -> Option<Block> {
        let i = usize::from(self.free);
        if i >= N {
            return None;
        }
        self.free = self.next[i];
        let generation = self.generations[i].wrapping_add(1);
        self.generations[i] = generation;
        self.used += 1;
        Some(Block { index: i as u16, generation })
    }

    /// The index of `block` if it is allocated now (not freed since).
    fn valid(&self, block: Block) -> Option<usize> {
        let i = usize::from(block.index);
        (i < N && self.generations[i] == block.generation && block.generation % 2 == 1).then_some(i)
    }

    /// Gives `block` back; `false` (and nothing changes) for a stale handle.
    #[inline]
    pub fn free(&mut self, block: Block) -> bool {
        let Some(i) = self.valid(block) else { return false };
        self.generations[i] = self.generations[i].wrapping_add(1);
        self.next[i] = self.free;
        self.free = i as u16;
        self.used -= 1;
        true
    }

    /// The bytes of `block`, if it is still allocated.
    pub fn get(&self, block: Block) -> Option<&[u8; SIZE]> {
        self.valid(block).map(|i| &self.blocks[i])
    }

    /// The bytes of `block`, mutably, if it is still allocated.
    pub fn get_mut(&mut self, block: Block) -> Option<&mut [u8; SIZE]> {
        self.valid(block).map(|i| &mut self.blocks[i])
    }

    /// Blocks allocated.
    pub fn len(&self) -> usize {
        usize::from(self.used)
    }

    /// Whether no block is allocated.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }
}

impl<const SIZE: usize, const N: usize> Default for BlockPool<SIZE, N> {
    fn default() -> Self {
        Self::new()
    }
}
