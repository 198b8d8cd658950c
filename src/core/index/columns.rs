//! Columns of unsigned integers in the narrowest little-endian width that holds their largest value (1, 2, 4 or 8
//! bytes), and symbol columns encoded through a per-column dictionary, so a column of a few dozen distinct regions
//! takes one byte an event whatever the symbol numbers are. Writing and bounds-checked reading only; what the
//! columns mean is `format`'s business.
//!
//! A column is `width: u8, len: u64, len × width bytes`. Reading never trusts a length: every slice is checked
//! against what is left, and a value past its dictionary is an error, never a panic.

use super::IndexError;

/// Append-only byte buffer with little-endian writers.
#[derive(Default)]
pub struct Out {
    pub bytes: Vec<u8>,
}

impl Out {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// A length-prefixed byte string.
    pub fn blob(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.bytes.extend_from_slice(b);
    }

    /// A column of unsigned values in the narrowest width that holds the largest.
    pub fn uints(&mut self, values: &[u64]) {
        self.uints_of(values.len(), values.iter().copied());
    }

    /// [`Out::uints`] of `u32` values (the same column, without widening them into a vector first).
    pub fn uints32(&mut self, values: &[u32]) {
        self.uints_of(values.len(), values.iter().map(|&v| u64::from(v)));
    }

    fn uints_of(&mut self, len: usize, values: impl Iterator<Item = u64> + Clone) {
        let max = values.clone().max().unwrap_or(0);
        let width: u8 = match max {
            0..=0xff => 1,
            0x100..=0xffff => 2,
            0x1_0000..=0xffff_ffff => 4,
            _ => 8,
        };
        self.u8(width);
        self.u64(len as u64);
        self.bytes.reserve(len * width as usize);
        for v in values {
            self.bytes.extend_from_slice(&v.to_le_bytes()[..width as usize]);
        }
    }

    /// A column of symbols (or any `u32` ids): mode 0, the distinct values in first-seen order then each value's
    /// position among them; mode 1 (when most values are distinct, so a dictionary would only add to them), the
    /// values themselves.
    pub fn dict(&mut self, values: impl Iterator<Item = u32>) {
        let mut dict: Vec<u64> = Vec::new();
        let mut code_of = hashbrown::HashMap::<u32, u64>::new();
        let mut raw: Vec<u64> = Vec::new();
        let codes: Vec<u64> = values
            .map(|v| {
                raw.push(u64::from(v));
                *code_of.entry(v).or_insert_with(|| {
                    dict.push(u64::from(v));
                    dict.len() as u64 - 1
                })
            })
            .collect();
        if dict.len() > codes.len() / 2 {
            self.u8(1);
            self.uints(&raw);
        } else {
            self.u8(0);
            self.uints(&dict);
            self.uints(&codes);
        }
    }
}

/// A cursor over index bytes; every read is bounds-checked.
pub struct In<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn short(what: &str) -> IndexError {
    IndexError::Damaged(format!("{what}: ends early"))
}

impl<'a> In<'a> {
    pub fn new(bytes: &'a [u8]) -> In<'a> {
        In { bytes, at: 0 }
    }
    pub fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], IndexError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| short(what))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    pub fn u8(&mut self, what: &str) -> Result<u8, IndexError> {
        Ok(self.take(1, what)?[0])
    }
    pub fn u64(&mut self, what: &str) -> Result<u64, IndexError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_le_bytes(b))
    }
    pub fn i64(&mut self, what: &str) -> Result<i64, IndexError> {
        Ok(self.u64(what)? as i64)
    }
    pub fn blob(&mut self, what: &str) -> Result<&'a [u8], IndexError> {
        let n = usize::try_from(self.u64(what)?).map_err(|_| short(what))?;
        self.take(n, what)
    }
    /// Whether every byte was read.
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// A column written by [`Out::uints`].
    pub fn uints(&mut self, what: &str) -> Result<Uints<'a>, IndexError> {
        let width = self.u8(what)?;
        if !matches!(width, 1 | 2 | 4 | 8) {
            return Err(IndexError::Damaged(format!("{what}: column width {width}")));
        }
        let len = usize::try_from(self.u64(what)?).map_err(|_| short(what))?;
        let data = self.take(len.checked_mul(width as usize).ok_or_else(|| short(what))?, what)?;
        Ok(Uints {
            width: width as usize,
            len,
            data,
        })
    }

    /// A column written by [`Out::dict`]; every value must be below `limit`.
    pub fn dict(&mut self, what: &str, limit: u64) -> Result<Dict<'a>, IndexError> {
        let mode = self.u8(what)?;
        let values = self.uints(what)?;
        let bad = |v: u64| IndexError::Damaged(format!("{what}: value {v} out of range"));
        match mode {
            0 => {}
            1 => {
                // Checked here once, so reads need no limit.
                if let Some(v) = (0..values.len).map(|i| values.get(i)).find(|&v| v >= limit) {
                    return Err(bad(v));
                }
                return Ok(Dict {
                    dict: None,
                    codes: values,
                });
            }
            m => return Err(IndexError::Damaged(format!("{what}: column mode {m}"))),
        }
        let dict: Vec<u32> = (0..values.len)
            .map(|i| values.get(i))
            .map(|v| {
                u32::try_from(v)
                    .ok()
                    .filter(|&v| u64::from(v) < limit)
                    .ok_or_else(|| bad(v))
            })
            .collect::<Result<_, _>>()?;
        let codes = self.uints(what)?;
        Ok(Dict {
            dict: Some(dict),
            codes,
        })
    }
}

/// A column of unsigned values (see [`Out::uints`]).
#[derive(Clone, Copy)]
pub struct Uints<'a> {
    width: usize,
    len: usize,
    data: &'a [u8],
}

impl Uints<'_> {
    pub fn len(&self) -> usize {
        self.len
    }
    /// The value at `i` (0 past the end; callers check [`Uints::len`] first).
    ///
    /// Each width is read as its own fixed-size integer: a copy of a width known only at run time is a `memcpy`
    /// call per value, and a reopened 10-million-event case reads a quarter of a billion values.
    pub fn get(&self, i: usize) -> u64 {
        fn read<const N: usize>(data: &[u8], i: usize) -> Option<[u8; N]> {
            data.get(i * N..i * N + N)?.try_into().ok()
        }
        match self.width {
            1 => self.data.get(i).map_or(0, |&b| u64::from(b)),
            2 => read::<2>(self.data, i).map_or(0, |b| u64::from(u16::from_le_bytes(b))),
            4 => read::<4>(self.data, i).map_or(0, |b| u64::from(u32::from_le_bytes(b))),
            _ => read::<8>(self.data, i).map_or(0, u64::from_le_bytes),
        }
    }
    /// The value at `i` as a `u32`, when it fits.
    pub fn get32(&self, i: usize) -> Option<u32> {
        u32::try_from(self.get(i)).ok()
    }
}

/// A dictionary-encoded column (see [`Out::dict`]); without a dictionary the codes are the values.
pub struct Dict<'a> {
    dict: Option<Vec<u32>>,
    codes: Uints<'a>,
}

impl Dict<'_> {
    pub fn len(&self) -> usize {
        self.codes.len()
    }
    /// The value at `i`; `None` for a code past the dictionary.
    pub fn get(&self, i: usize) -> Option<u32> {
        match &self.dict {
            Some(d) => usize::try_from(self.codes.get(i)).ok().and_then(|c| d.get(c).copied()),
            None => self.codes.get32(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_in_the_narrowest_width() {
        let mut o = Out::default();
        o.uints(&[1, 200, 3]);
        o.uints(&[1, 70_000]);
        o.uints(&[u64::MAX]);
        o.dict([7u32, 900_000, 7, 7].into_iter());
        o.dict([1u32, 2, 3].into_iter());
        // width 1: 1 + 8 + 3 bytes; width 4: 1 + 8 + 8; width 8: 1 + 8 + 8
        assert_eq!(o.bytes[0], 1);
        assert_eq!(o.bytes[12], 4);
        let mut i = In::new(&o.bytes);
        let a = i.uints("a").unwrap();
        assert_eq!((a.len(), a.get(0), a.get(1), a.get(2)), (3, 1, 200, 3));
        let b = i.uints("b").unwrap();
        assert_eq!(b.get(1), 70_000);
        assert_eq!(i.uints("c").unwrap().get(0), u64::MAX);
        let d = i.dict("d", 1_000_000).unwrap();
        assert_eq!(
            (0..4).map(|k| d.get(k)).collect::<Vec<_>>(),
            [Some(7), Some(900_000), Some(7), Some(7)]
        );
        // All distinct: stored plain (mode 1), read the same.
        let d = i.dict("e", 4).unwrap();
        assert!(d.dict.is_none());
        assert_eq!(
            (0..3).map(|k| d.get(k)).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3)]
        );
        assert!(i.is_done());
    }

    /// Every width reads back the values written, at its edges, and 0 past the end.
    #[test]
    fn each_width_reads_back_its_values() {
        for (width, values) in [
            (1u8, vec![0u64, 1, 0x7f, 0xff]),
            (2, vec![0, 0x100, 0xabcd, 0xffff]),
            (4, vec![0, 0x1_0000, 0x89ab_cdef, 0xffff_ffff]),
            (8, vec![0, 0x1_0000_0000, 0x0123_4567_89ab_cdef, u64::MAX]),
        ] {
            let mut o = Out::default();
            o.uints(&values);
            assert_eq!(o.bytes[0], width);
            let c = In::new(&o.bytes).uints("c").unwrap();
            let back: Vec<u64> = (0..c.len()).map(|k| c.get(k)).collect();
            assert_eq!(back, values, "width {width}");
            assert_eq!(c.get(values.len()), 0, "width {width}: past the end");
        }
    }

    #[test]
    fn damaged_columns_are_errors_not_panics() {
        let mut o = Out::default();
        o.uints(&[1, 2, 3]);
        o.dict([5u32, 5].into_iter());
        o.dict([6u32].into_iter());
        let full = o.bytes.clone();
        for cut in 0..full.len() {
            let mut i = In::new(&full[..cut]);
            let r = i.uints("a").and_then(|_| i.dict("d", 10)).and_then(|_| i.dict("e", 10));
            assert!(r.is_err(), "cut at {cut}");
        }
        // A value past the limit (5 symbols known, value 5; 6 known, plain 6) is refused, either mode.
        let mut i = In::new(&full);
        i.uints("a").unwrap();
        assert!(i.dict("d", 5).is_err());
        let mut i = In::new(&full);
        i.uints("a").unwrap();
        i.dict("d", 6).unwrap();
        assert!(i.dict("e", 6).is_err());
        // A width that is not 1, 2, 4 or 8.
        let mut bad = full.clone();
        bad[0] = 3;
        assert!(In::new(&bad).uints("a").is_err());
        // A length that would overflow.
        let mut huge = vec![8u8];
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(In::new(&huge).uints("a").is_err());
    }
}
