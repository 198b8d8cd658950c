//! [`Interner`]: every distinct string the store names kept once, looked up by text and by [`Sym`]; one buffer
//! of text with an end offset per symbol, and a hash table over them.

use super::Sym;
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
        let hash = self.hash(s);
        self.table
            .find(hash, |&id| Self::at(&self.text, &self.ends, id as usize) == s)
            .map(|&id| Sym(id))
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
    /// being `""` ([`Sym::NONE`]); `None` when an end goes backwards, past the text or inside a character, when a
    /// string other than the first is empty, or when a string repeats (each symbol must name one distinct string).
    pub fn from_parts(text: String, ends: Vec<usize>) -> Option<Interner> {
        if ends.first() != Some(&0) || ends.last().is_some_and(|&e| e > text.len()) {
            return None;
        }
        if ends.windows(2).any(|w| w[1] <= w[0]) || !ends.iter().all(|&e| text.is_char_boundary(e)) {
            return None;
        }
        let mut i = Interner {
            table: HashTable::with_capacity(ends.len()),
            text,
            ends,
            hasher: new_hasher(),
        };
        let (text, ends, hasher) = (&i.text, &i.ends, &i.hasher);
        for id in 1..ends.len() {
            let s = Self::at(text, ends, id);
            let hash = hasher.hash_one(s);
            if i.table.find(hash, |&x| Self::at(text, ends, x as usize) == s).is_some() {
                return None;
            }
            i.table
                .insert_unique(hash, id as u32, |&x| hasher.hash_one(Self::at(text, ends, x as usize)));
        }
        Some(i)
    }

    /// Bytes held by the interned strings and the table (for the memory benchmark).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
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

    /// An interner rebuilt from its text and end offsets (how the case index stores it) resolves and finds every
    /// string as the original does; offsets that go backwards, past the text or inside a character, an empty or
    /// repeated string, or a first string that is not `""` are refused.
    #[test]
    fn interner_from_parts_round_trips_and_refuses_what_is_not_one() {
        let mut i = Interner::new();
        for s in ["sts.amazonaws.com", "名前", "a\u{202e}b", "x"] {
            i.intern(s);
        }
        let (mut text, mut ends) = (String::new(), Vec::new());
        for (_, s) in i.iter() {
            text.push_str(s);
            ends.push(text.len());
        }
        let back = Interner::from_parts(text.clone(), ends.clone()).unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), i.iter().collect::<Vec<_>>());
        for (sym, s) in i.iter() {
            assert_eq!(back.get(s), Some(sym));
            assert_eq!(back.resolve(sym), s);
        }
        assert_eq!(back.resolve(Sym(99)), "");
        let refused = |text: &str, ends: &[usize]| Interner::from_parts(text.to_string(), ends.to_vec()).is_none();
        assert!(!refused("ab", &[0, 1, 2]));
        assert!(refused("ab", &[1, 2]), "the first string is not empty");
        assert!(refused("ab", &[0, 2, 1]), "backwards");
        assert!(refused("ab", &[0, 1, 1, 2]), "an empty string after the first");
        assert!(refused("ab", &[0, 1, 3]), "past the text");
        assert!(refused("名", &[0, 1, 3]), "inside a character");
        assert!(refused("aa", &[0, 1, 2]), "a repeated string");
        assert!(refused("", &[]), "no symbol 0");
    }
}
