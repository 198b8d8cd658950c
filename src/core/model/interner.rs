//! [`Interner`]: every distinct string the store names kept once, looked up by text and by [`Sym`]; one buffer
//! of text with an end offset per symbol, and a hash table over them. A case index's strings come back with the
//! index's stored [`Lookup`] table over them and the hash table empty: strings interned after that go to the hash
//! table.

use super::Sym;
use super::lookup::Lookup;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// String interner: each distinct string is stored once; lookups by string and by [`Sym`].
/// Hand-written on hashbrown's `HashTable` rather than a crate (lasso is unmaintained, string-interner is
/// single-threaded and stores strings in its own buffer kinds) because it is a few dozen lines and sits on the
/// ingest hot path.
///
/// The strings are one buffer with an end offset per symbol, not an allocation each: a 10-million-event case holds
/// millions of strings, and a reopened case's strings are the index's string section copied in one piece.
pub struct Interner {
    /// Every string, one after the other.
    text: String,
    /// Where each symbol's string ends in `text`; symbol 0 (`""`) ends at 0, symbol `n` starts where `n − 1` ends.
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    /// The stored table over the first symbols (those a case index held), when the interner came from one; the
    /// hash table then holds only the symbols after them.
    stored: Option<Lookup>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner::new()
    }
}

fn new_hasher() -> foldhash::fast::FixedState {
    foldhash::fast::FixedState::with_seed(0x7472_6169_6c68_6f75)
}

impl Interner {
    /// An interner holding only the empty string, as [`Sym::NONE`].
    pub fn new() -> Self {
        Interner {
            text: String::new(),
            ends: vec![0],
            table: HashTable::new(),
            hasher: new_hasher(),
            stored: None,
        }
    }

    fn hash(&self, s: &str) -> u64 {
        self.hasher.hash_one(s)
    }

    /// The string of symbol `id` (which must exist).
    fn at<'t>(text: &'t str, ends: &[usize], id: usize) -> &'t str {
        let start = if id == 0 { 0 } else { ends[id - 1] };
        &text[start..ends[id]]
    }

    /// Intern `s`; the empty string is [`Sym::NONE`].
    pub fn intern(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            return Sym::NONE;
        }
        if let Some(id) = self.find_stored(s) {
            return Sym(id);
        }
        let hash = self.hash(s);
        let (text, ends) = (&self.text, &self.ends);
        if let Some(&id) = self.table.find(hash, |&id| Self::at(text, ends, id as usize) == s) {
            return Sym(id);
        }
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len());
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table
            .insert_unique(hash, id, |&id| hasher.hash_one(Self::at(text, ends, id as usize)));
        Sym(id)
    }

    /// The symbol of `s` if it was ever interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        if s.is_empty() {
            return Some(Sym::NONE);
        }
        if let Some(id) = self.find_stored(s) {
            return Some(Sym(id));
        }
        let hash = self.hash(s);
        self.table
            .find(hash, |&id| Self::at(&self.text, &self.ends, id as usize) == s)
            .map(|&id| Sym(id))
    }

    /// The symbol of `s` in the stored table, if there is one and it holds `s`.
    fn find_stored(&self, s: &str) -> Option<u32> {
        let (text, ends) = (&self.text, &self.ends);
        self.stored.as_ref()?.find(s, |id| Self::at(text, ends, id as usize))
    }

    /// The string `sym` names; `""` for [`Sym::NONE`] and for a symbol past the end (one from another interner).
    pub fn resolve(&self, sym: Sym) -> &str {
        let id = sym.0 as usize;
        if id < self.ends.len() {
            Self::at(&self.text, &self.ends, id)
        } else {
            ""
        }
    }

    /// `None` for [`Sym::NONE`], the string otherwise.
    pub fn opt(&self, sym: Sym) -> Option<&str> {
        if sym.is_none() { None } else { Some(self.resolve(sym)) }
    }

    /// Number of symbols, [`Sym::NONE`] included.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every interned string with its symbol, in symbol order (starting with `Sym::NONE` = "").
    pub fn iter(&self) -> impl Iterator<Item = (Sym, &str)> {
        (0..self.ends.len()).map(|i| (Sym(i as u32), Self::at(&self.text, &self.ends, i)))
    }

    /// True when nothing but the empty string has been interned.
    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }

    /// An interner over the strings `text` holds one after the other, symbol `n` ending at `ends[n]`, the first
    /// being `""` ([`Sym::NONE`]), found through `slots`, the stored [`Lookup`] table of every one of its strings
    /// (what [`Interner::lookup`] gave when it was written): no string is hashed. `None` when an end goes
    /// backwards, past the text or inside a character, when a string other than the first is empty, or when the
    /// slots are not a table of its symbols ([`Lookup::from_slots`]).
    pub fn from_stored(text: String, ends: Vec<usize>, slots: Vec<u32>) -> Option<Interner> {
        if ends.first() != Some(&0) || ends.last().is_some_and(|&e| e > text.len()) {
            return None;
        }
        if ends.windows(2).any(|w| w[1] <= w[0]) || !ends.iter().all(|&e| text.is_char_boundary(e)) {
            return None;
        }
        let stored = Lookup::from_slots(slots, ends.len())?;
        Some(Interner {
            text,
            ends,
            table: HashTable::new(),
            hasher: new_hasher(),
            stored: Some(stored),
        })
    }

    /// The [`Lookup`] table of every string, for a case index to store. The stored table is handed back as it is
    /// when nothing was interned after it; otherwise one is built (every string hashed once).
    pub fn lookup(&self) -> std::borrow::Cow<'_, Lookup> {
        match &self.stored {
            Some(t) if self.table.is_empty() => std::borrow::Cow::Borrowed(t),
            _ => std::borrow::Cow::Owned(Lookup::build(self.ends.len() - 1, |id| {
                Self::at(&self.text, &self.ends, id as usize)
            })),
        }
    }

    /// Bytes held by the interned strings and the tables (for the memory benchmark).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
            + self.stored.as_ref().map_or(0, Lookup::heap_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_round_trips_and_dedups() {
        let mut i = Interner::new();
        let a = i.intern("sts.amazonaws.com");
        let b = i.intern("iam.amazonaws.com");
        assert_ne!(a, b);
        assert_eq!(i.intern("sts.amazonaws.com"), a);
        assert_eq!(i.resolve(a), "sts.amazonaws.com");
        assert_eq!(i.intern(""), Sym::NONE);
        assert_eq!(i.get("iam.amazonaws.com"), Some(b));
        assert_eq!(i.get("nope"), None);
        for n in 0..10_000 {
            i.intern(&format!("k{n}"));
        }
        assert_eq!(i.resolve(i.get("k9999").unwrap()), "k9999");
        assert_eq!(i.resolve(a), "sts.amazonaws.com");
    }

    fn parts(i: &Interner) -> (String, Vec<usize>) {
        let (mut text, mut ends) = (String::new(), Vec::new());
        for (_, s) in i.iter() {
            text.push_str(s);
            ends.push(text.len());
        }
        (text, ends)
    }

    /// An interner read back from its text, end offsets and lookup table (how the case index stores it) resolves
    /// and finds every string as the original does, and goes on interning after them without repeating one;
    /// offsets that go backwards, past the text or inside a character, an empty string, a first string that is not
    /// `""` or a table that is not one of its symbols are refused.
    #[test]
    fn interner_from_stored_parts_round_trips_and_refuses_what_is_not_one() {
        let mut i = Interner::new();
        for s in ["sts.amazonaws.com", "名前", "a\u{202e}b", "x"] {
            i.intern(s);
        }
        let (text, ends) = parts(&i);
        let slots = i.lookup().slots().to_vec();
        let mut back = Interner::from_stored(text.clone(), ends.clone(), slots.clone()).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), i.iter().collect::<Vec<_>>());
        for (sym, s) in i.iter() {
            assert_eq!(back.get(s), Some(sym));
            assert_eq!(back.resolve(sym), s);
        }
        assert_eq!(back.get("y"), None);
        assert_eq!(back.resolve(Sym(99)), "");
        // The stored table is handed back as it is while nothing was added.
        assert!(matches!(back.lookup(), std::borrow::Cow::Borrowed(_)));
        // Interning after the stored strings: an old string keeps its symbol, a new one gets the next.
        assert_eq!(back.intern("名前"), i.get("名前").unwrap());
        let y = back.intern("y");
        assert_eq!(y, Sym(i.len() as u32));
        assert_eq!((back.get("y"), back.intern("y"), back.len()), (Some(y), y, i.len() + 1));
        // The table written next covers the new string too, and reads back.
        let (text2, ends2) = parts(&back);
        let again = Interner::from_stored(text2, ends2, back.lookup().slots().to_vec()).unwrap();
        assert_eq!(again.get("y"), Some(y));
        assert_eq!(again.get("sts.amazonaws.com"), i.get("sts.amazonaws.com"));

        let table = |text: &str, ends: &[usize]| {
            let n = ends.len().saturating_sub(1);
            // Offsets that are not an interner's give some string: the offsets are refused whatever the table.
            let at = |id: u32| text.get(ends[id as usize - 1]..ends[id as usize]).unwrap_or("?");
            Lookup::build(n, at).slots().to_vec()
        };
        let refused = |text: &str, ends: &[usize]| {
            Interner::from_stored(text.to_string(), ends.to_vec(), table(text, ends)).is_none()
        };
        assert!(!refused("ab", &[0, 1, 2]));
        assert!(
            Interner::from_stored(text.clone(), ends.clone(), vec![0; 8]).is_none(),
            "a table without the strings"
        );
        assert!(refused("ab", &[1, 2]), "the first string is not empty");
        assert!(refused("ab", &[0, 2, 1]), "backwards");
        assert!(refused("ab", &[0, 1, 1, 2]), "an empty string after the first");
        assert!(refused("ab", &[0, 1, 3]), "past the text");
        assert!(refused("名", &[0, 1, 3]), "inside a character");
        assert!(refused("", &[]), "no symbol 0");
    }
}
