//! Bounding what reading holds in memory: a per-file cap enforced while a file streams in (decompression stops at
//! the first byte past it), and a [`Budget`] of decompressed bytes shared by every read worker, so that gzip bombs
//! read in parallel cannot together hold more than it whatever the number of threads.
//!
//! A buffer's whole capacity is taken from the budget before it is allocated and given back when the buffer is
//! dropped ([`Held`]). A worker never waits for budget: a file whose next step does not fit while other files hold
//! budget is [`Shortfall::Busy`] and is read again later on its own (`ingest::load_files`), where only its own size
//! decides — so whether a file is read never depends on scheduling, and no set of workers can wait on each other.
//! This module knows nothing of paths or formats.

use std::io::{ErrorKind, Read};
use std::sync::atomic::{AtomicU64, Ordering};

/// Decompressed bytes the read workers of one load may hold at once.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    held: AtomicU64,
}

/// Why a buffer could not have the bytes it needed.
#[derive(Debug)]
pub enum Shortfall {
    /// More than the per-file cap.
    OverCap,
    /// More than the whole budget: the file cannot be read even alone.
    OverBudget,
    /// Other files hold the budget now; reading it alone later may succeed.
    Busy,
    /// The allocator refused.
    OutOfMemory,
    /// Reading failed.
    Io(std::io::Error),
}

impl Budget {
    pub fn new(limit: u64) -> Budget {
        Budget {
            limit,
            held: AtomicU64::new(0),
        }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Bytes held now by all buffers.
    #[cfg(test)]
    pub fn held(&self) -> u64 {
        self.held.load(Ordering::Acquire)
    }

    /// Take `more` bytes for a buffer that already holds `have`.
    fn take(&self, have: u64, more: u64) -> Result<(), Shortfall> {
        if have.saturating_add(more) > self.limit {
            return Err(Shortfall::OverBudget);
        }
        let mut cur = self.held.load(Ordering::Acquire);
        loop {
            if cur.saturating_add(more) > self.limit {
                return Err(Shortfall::Busy);
            }
            match self
                .held
                .compare_exchange_weak(cur, cur + more, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Ok(()),
                Err(now) => cur = now,
            }
        }
    }

    fn give_back(&self, n: u64) {
        self.held.fetch_sub(n, Ordering::AcqRel);
    }
}

/// Bytes whose capacity is covered by the budget until they are dropped.
#[derive(Debug)]
pub struct Held<'b> {
    bytes: Vec<u8>,
    budget: &'b Budget,
    taken: u64,
}

impl std::ops::Deref for Held<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.budget.give_back(self.taken);
    }
}

impl<'b> Held<'b> {
    fn new(budget: &'b Budget) -> Held<'b> {
        Held {
            bytes: Vec::new(),
            budget,
            taken: 0,
        }
    }

    /// Grow the capacity to `cap` bytes, budget first.
    fn grow_to(&mut self, cap: usize) -> Result<(), Shortfall> {
        let more = (cap as u64).saturating_sub(self.taken);
        self.budget.take(self.taken, more)?;
        self.taken += more;
        if self.bytes.try_reserve_exact(cap - self.bytes.len()).is_err() {
            return Err(Shortfall::OutOfMemory);
        }
        self.cover_capacity();
        Ok(())
    }

    /// The allocator may round a capacity up: whatever the buffer really has is counted.
    fn cover_capacity(&mut self) {
        let cap = self.bytes.capacity() as u64;
        if cap > self.taken {
            self.budget.held.fetch_add(cap - self.taken, Ordering::AcqRel);
            self.taken = cap;
        }
    }
}

/// Smallest step a buffer grows by when the size is unknown.
const MIN_STEP: usize = 64 << 10;

/// What one [`Held::read_chunk`] read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Bytes appended.
    pub n: usize,
    /// The reader is at its end.
    pub eof: bool,
}

impl<'b> Held<'b> {
    /// An empty buffer whose first allocation is `first` bytes (or less when that is 0), budget first.
    pub fn with_first(budget: &'b Budget, first: usize) -> Result<Held<'b>, Shortfall> {
        let mut held = Held::new(budget);
        if first > 0 {
            held.grow_to(first)?;
        }
        Ok(held)
    }

    /// Make room for `total` bytes at once (a size now known), within the budget; never past `cap`.
    pub fn reserve_total(&mut self, total: u64, cap: u64) -> Result<(), Shortfall> {
        let want = usize::try_from(total.min(cap)).unwrap_or(usize::MAX);
        if want > self.bytes.capacity() {
            self.grow_to(want)?;
        }
        Ok(())
    }

    /// Append up to `limit` bytes of `r` (fewer only at its end), growing the buffer (budget first) when it is
    /// full; the buffer never passes `cap` bytes: a reader with more is [`Shortfall::OverCap`].
    pub fn read_chunk<R: Read>(&mut self, r: &mut R, cap: u64, limit: usize) -> Result<Chunk, Shortfall> {
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        loop {
            if self.bytes.len() == self.bytes.capacity() {
                if self.bytes.len() >= cap {
                    return match probe_end(r) {
                        Ok(true) => Ok(Chunk { n: 0, eof: true }),
                        Ok(false) => Err(Shortfall::OverCap),
                        Err(e) => Err(Shortfall::Io(e)),
                    };
                }
                let next = self.bytes.capacity().saturating_mul(2).max(MIN_STEP).min(cap);
                self.grow_to(next)?;
            }
            let want = (self.bytes.capacity() - self.bytes.len()).min(limit);
            // `take(want)` keeps `read_to_end` inside the capacity already paid for (it only grows a full buffer,
            // and a full one has no more to take).
            match (&mut *r).take(want as u64).read_to_end(&mut self.bytes) {
                Ok(n) => {
                    self.cover_capacity();
                    return Ok(Chunk { n, eof: n < want });
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Shortfall::Io(e)),
            }
        }
    }

    /// Append the rest of `r`, at most up to `cap` bytes in all.
    pub fn read_rest<R: Read>(mut self, mut r: R, cap: u64) -> Result<Held<'b>, Shortfall> {
        while !self.read_chunk(&mut r, cap, usize::MAX)?.eof {}
        Ok(self)
    }

    /// Append `more`, growing (budget first); a buffer that would pass `cap` bytes is [`Shortfall::OverCap`].
    pub fn extend_capped(&mut self, more: &[u8], cap: u64) -> Result<(), Shortfall> {
        let len = self.bytes.len() + more.len();
        if len as u64 > cap {
            return Err(Shortfall::OverCap);
        }
        if len > self.bytes.capacity() {
            let next = self.bytes.capacity().saturating_mul(2).max(MIN_STEP).max(len);
            self.grow_to(usize::try_from((next as u64).min(cap)).unwrap_or(len).max(len))?;
        }
        self.bytes.extend_from_slice(more);
        Ok(())
    }

    /// Empty the buffer, keeping (and still holding budget for) its capacity.
    pub fn clear(&mut self) {
        self.bytes.clear();
    }
}

/// Read `r` to its end into a budgeted buffer of at most `cap` bytes; `hint` is the expected size (a first
/// allocation of that much avoids growing). Stops reading at the first byte past `cap`.
pub fn read_capped<'b, R: Read>(r: R, cap: u64, hint: u64, budget: &'b Budget) -> Result<Held<'b>, Shortfall> {
    Held::with_first(budget, first_allocation(cap, hint))?.read_rest(r, cap)
}

/// The first allocation for a file expected to hold `hint` bytes: one byte more than the hint, so a file of exactly
/// that size meets its end without growing, at least one growth step, never past `cap`.
pub fn first_allocation(cap: u64, hint: u64) -> usize {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let first = usize::try_from(hint.saturating_add(1)).unwrap_or(usize::MAX).min(cap);
    if first > 0 { first.max(MIN_STEP.min(cap)) } else { 0 }
}

/// Whether `r` is at its end (reads at most one byte).
fn probe_end<R: Read>(r: &mut R) -> std::io::Result<bool> {
    let mut b = [0u8; 1];
    loop {
        match r.read(&mut b) {
            Ok(n) => return Ok(n == 0),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A byte count as people say it: `2 GiB`, `160 MiB`, `64 KiB`, else bytes.
pub fn human(n: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_stream_stops_at_the_cap_and_gives_its_budget_back() {
        let budget = Budget::new(8 << 20);
        let r = read_capped(std::io::repeat(b' '), 3 << 20, 0, &budget);
        assert!(matches!(r, Err(Shortfall::OverCap)), "{r:?}");
        assert_eq!(budget.held(), 0);
    }

    #[test]
    fn a_file_at_exactly_the_cap_is_read_and_one_byte_more_is_not() {
        let budget = Budget::new(1 << 20);
        let data = vec![7u8; 100_000];
        for hint in [0, 100_000, 5] {
            let held = read_capped(&data[..], 100_000, hint, &budget).unwrap();
            assert_eq!(&held[..], &data[..]);
            // Reading never grew the buffer past what the budget paid for, nor past the cap.
            assert!(held.bytes.capacity() <= 100_000, "{}", held.bytes.capacity());
            assert_eq!(held.taken, held.bytes.capacity() as u64);
            assert!(budget.held() >= 100_000 && budget.held() <= 1 << 20);
            drop(held);
            assert_eq!(budget.held(), 0);
            let over = read_capped(&[7u8; 100_001][..], 100_000, hint, &budget);
            assert!(matches!(over, Err(Shortfall::OverCap)), "{over:?}");
        }
    }

    #[test]
    fn held_bytes_are_bounded_by_the_shared_budget() {
        let budget = Budget::new(1 << 20);
        let a = read_capped(&vec![1u8; 700_000][..], 4 << 20, 700_000, &budget).unwrap();
        // Another file that would fit alone waits its turn; one that could never fit is refused for good.
        let b = read_capped(&vec![2u8; 700_000][..], 4 << 20, 700_000, &budget);
        assert!(matches!(b, Err(Shortfall::Busy)), "{b:?}");
        let c = read_capped(&vec![3u8; 2 << 20][..], 4 << 20, 2 << 20, &budget);
        assert!(matches!(c, Err(Shortfall::OverBudget)), "{c:?}");
        assert!(budget.held() <= budget.limit());
        drop(a);
        assert_eq!(budget.held(), 0);
        let b = read_capped(&vec![2u8; 700_000][..], 4 << 20, 0, &budget).unwrap();
        assert_eq!(b.len(), 700_000);
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human(2 << 30), "2 GiB");
        assert_eq!(human(160 << 20), "160 MiB");
        assert_eq!(human(1000), "1000 bytes");
    }
}
