//! Leases: buffers a client lends the server for the duration of one `send_leased` call.
//!
//! The client describes the call in its own memory: a [`SendCall`] (message, reply buffer and
//! lease table) and a table of [`LeaseDesc`]s. Every field is a machine word (32 bits on every
//! supported target), in the CPU's byte order. The kernel reads the table again at each borrow,
//! so nothing of it is kept in the kernel; it checks every lease against the client's regions,
//! both at `send_leased` and at each borrow.

/// Most leases one call may carry.
pub const MAX_LEASES: usize = 8;

/// Bit of [`LeaseDesc::access`]: the server may read the lent buffer.
pub const LEASE_READ: usize = 1;
/// Bit of [`LeaseDesc::access`]: the server may write the lent buffer.
pub const LEASE_WRITE: usize = 2;

const WORD: usize = core::mem::size_of::<usize>();

/// What `send_leased`'s `call_ptr` points to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct SendCall {
    /// The message: where it is and its length (at most [`crate::MAX_MESSAGE_LEN`]).
    pub message: (usize, usize),
    /// Where the reply goes and how much room it has.
    pub reply: (usize, usize),
    /// Where the lease table is and how many [`LeaseDesc`]s it holds (at most [`MAX_LEASES`]).
    pub leases: (usize, usize),
}

impl SendCall {
    /// Size in memory: six words.
    pub const SIZE: usize = 6 * WORD;

    /// The in-memory form.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        let words = [self.message.0, self.message.1, self.reply.0, self.reply.1, self.leases.0, self.leases.1];
        for (chunk, w) in out.chunks_exact_mut(WORD).zip(words) {
            chunk.copy_from_slice(&w.to_ne_bytes());
        }
        out
    }

    /// Parses the in-memory form.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Self {
        let w = words::<6>(bytes);
        Self { message: (w[0], w[1]), reply: (w[2], w[3]), leases: (w[4], w[5]) }
    }
}

/// One lent buffer: where it is, its length, and what the server may do ([`LEASE_READ`],
/// [`LEASE_WRITE`] or both).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct LeaseDesc {
    /// Address of the buffer in the client's memory.
    pub addr: usize,
    /// Its length in bytes.
    pub len: usize,
    /// [`LEASE_READ`] and/or [`LEASE_WRITE`].
    pub access: usize,
}

impl LeaseDesc {
    /// Size in memory: three words.
    pub const SIZE: usize = 3 * WORD;

    /// The in-memory form.
    pub fn to_bytes(&self) -> [u8; Self::SIZE] {
        let mut out = [0u8; Self::SIZE];
        for (chunk, w) in out.chunks_exact_mut(WORD).zip([self.addr, self.len, self.access]) {
            chunk.copy_from_slice(&w.to_ne_bytes());
        }
        out
    }

    /// Parses the in-memory form.
    pub fn from_bytes(bytes: &[u8; Self::SIZE]) -> Self {
        let [addr, len, access] = words::<3>(bytes);
        Self { addr, len, access }
    }

    /// Whether `access` names at least one right and nothing else.
    pub const fn access_valid(&self) -> bool {
        self.access != 0 && self.access & !(LEASE_READ | LEASE_WRITE) == 0
    }
}

fn words<const K: usize>(bytes: &[u8]) -> [usize; K] {
    let mut out = [0usize; K];
    for (w, chunk) in out.iter_mut().zip(bytes.chunks_exact(WORD)) {
        let mut b = [0u8; WORD];
        b.copy_from_slice(chunk);
        *w = usize::from_ne_bytes(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_round_trip() {
        let call = SendCall { message: (1, 2), reply: (3, 4), leases: (5, 6) };
        assert_eq!(SendCall::from_bytes(&call.to_bytes()), call);
        let lease = LeaseDesc { addr: 0x2000_0000, len: 64, access: LEASE_READ | LEASE_WRITE };
        assert_eq!(LeaseDesc::from_bytes(&lease.to_bytes()), lease);
        assert!(lease.access_valid());
        assert!(!LeaseDesc { access: 0, ..lease }.access_valid());
        assert!(!LeaseDesc { access: 4, ..lease }.access_valid());
    }
}
