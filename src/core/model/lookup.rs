//! [`Lookup`]: the interner's text → symbol table in a form a case index stores as it is. An open-addressing table
//! of symbol ids (0 marks an empty slot, since symbol 0 is `""` and never looked up), a power of two at least twice
//! the number of strings, probed linearly from the string's xxh3-64 hash.
//!
//! Why not the interner's hashbrown table: hashbrown cannot be rebuilt from its memory, so a reopened case hashed and
//! inserted every string again, which at 10 million events (6.3 million strings, 424 MB) was the longest part of
//! reading the index (about 0.9 s of one core, one cache miss a string). This table is written once when the index
//! is written and read back as one column. xxh3-64 is a specified, versioned algorithm, so the slots mean the same
//! to every build that reads them (`docs/case-index.md`).

/// The hash the slots are placed by (stable across builds: the table is stored on disk).
fn hash(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

/// A read-only text → symbol table over symbols `1..=count` of one interner.
#[derive(Clone, Debug, Default)]
pub struct Lookup {
    slots: Vec<u32>,
}

impl Lookup {
    /// The table of the `count` strings `text(1)..=text(count)`, which must be distinct.
    pub fn build<'t>(count: usize, text: impl Fn(u32) -> &'t str) -> Lookup {
        let len = (count * 2).max(1).next_power_of_two();
        let mask = len - 1;
        let mut slots = vec![0u32; len];
        for id in 1..=count as u32 {
            let mut i = hash(text(id)) as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = id;
        }
        Lookup { slots }
    }

    /// A table read back from its slots, for an interner of `symbols` symbols (`""` included); `None` unless the
    /// slots are a power of two in number, every symbol `1..symbols` is in exactly one slot and nothing else is, and
    /// at least one slot is empty (so a probe always ends). Where each symbol sits is not checked (that is the
    /// hashing this table saves): the index's checksum vouches for it as for every other column.
    pub fn from_slots(slots: Vec<u32>, symbols: usize) -> Option<Lookup> {
        if !slots.len().is_power_of_two() {
            return None;
        }
        let mut seen = vec![false; symbols];
        let mut filled = 0usize;
        for &id in slots.iter().filter(|&&id| id != 0) {
            let slot = seen.get_mut(id as usize)?;
            if *slot {
                return None;
            }
            *slot = true;
            filled += 1;
        }
        (filled + 1 == symbols.max(1) && filled < slots.len()).then_some(Lookup { slots })
    }

    /// The symbol id of `s` among the table's strings (`text` gives a symbol's string).
    pub fn find<'t>(&self, s: &str, text: impl Fn(u32) -> &'t str) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash(s) as usize & mask;
        // Bounded by the table's size: from_slots and build both leave a slot empty, so this ends sooner.
        for _ in 0..self.slots.len() {
            match self.slots[i] {
                0 => return None,
                id if text(id) == s => return Some(id),
                _ => i = (i + 1) & mask,
            }
        }
        None
    }

    /// The slots, as the case index writes them.
    pub fn slots(&self) -> &[u32] {
        &self.slots
    }

    /// Heap bytes held (for the memory benchmark).
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(n: usize) -> Vec<String> {
        // Symbol 0 is "", as in an interner.
        std::iter::once(String::new())
            .chain((1..=n).map(|k| format!("arn:aws:s3:::bucket/object-{k}")))
            .collect()
    }

    #[test]
    fn every_string_is_found_and_nothing_else_is() {
        for n in [0, 1, 2, 7, 1000] {
            let s = strings(n);
            let t = Lookup::build(n, |id| s[id as usize].as_str());
            assert!(t.slots().len() >= 2 * n && t.slots().len().is_power_of_two());
            for (id, text) in s.iter().enumerate().skip(1) {
                assert_eq!(t.find(text, |id| s[id as usize].as_str()), Some(id as u32), "{text}");
            }
            assert_eq!(t.find("absent", |id| s[id as usize].as_str()), None);
            assert_eq!(t.find("", |id| s[id as usize].as_str()), None);
            let back = Lookup::from_slots(t.slots().to_vec(), n + 1).expect("its own slots are accepted");
            assert_eq!(back.slots(), t.slots());
        }
    }

    #[test]
    fn slots_that_are_not_a_table_of_the_symbols_are_refused() {
        let s = strings(3);
        let good = Lookup::build(3, |id| s[id as usize].as_str()).slots().to_vec();
        assert!(Lookup::from_slots(good.clone(), 4).is_some());
        assert!(Lookup::from_slots(good.clone(), 5).is_none(), "a symbol missing");
        assert!(Lookup::from_slots(good.clone(), 3).is_none(), "a symbol past the end");
        let mut twice = good.clone();
        let empty = twice.iter().position(|&x| x == 0).unwrap();
        twice[empty] = 1;
        assert!(Lookup::from_slots(twice, 4).is_none(), "a symbol twice");
        assert!(Lookup::from_slots(vec![0; 6], 1).is_none(), "not a power of two");
        assert!(Lookup::from_slots(vec![1, 2, 3, 4], 5).is_none(), "no empty slot");
        assert!(Lookup::from_slots(Vec::new(), 1).is_none(), "no slot at all");
        assert!(Lookup::from_slots(vec![0], 1).is_some(), "the table of no string");
    }

    /// A full table (only reachable through a damaged file that passed `from_slots`, which it cannot) still ends.
    #[test]
    fn a_probe_always_ends() {
        let t = Lookup { slots: vec![1, 1] };
        assert_eq!(t.find("x", |_| "y"), None);
    }
}
