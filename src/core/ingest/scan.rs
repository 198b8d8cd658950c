//! A lenient scanner over JSON bytes: where values, array elements and object members start and end, found by
//! bracket depth outside strings (a backslash escapes the next byte), without validating anything else. It lets one
//! bad record — an invalid UTF-8 byte, a NUL, a syntax error that keeps brackets balanced — be cut out of a file so
//! every other record is parsed on its own, and it locates record `i` of any file the same way for the detail view.
//!
//! On valid JSON it splits exactly as a parser would. Parsing is not its job: `parse` uses it only after the
//! whole-file parse has failed.

use std::ops::Range;

/// JSON's whitespace.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first index at or after `at` that is not whitespace (`buf.len()` when none is).
pub fn skip_ws(buf: &[u8], mut at: usize) -> usize {
    while at < buf.len() && is_ws(buf[at]) {
        at += 1;
    }
    at
}

/// One past the closing quote of the string whose opening quote is at `at`; `None` when the input ends first.
///
/// Strings are most of a CloudTrail record's bytes, so the quote or backslash is found with `memchr2` (vectorised)
/// rather than byte by byte.
fn string_end(buf: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while i < buf.len() {
        let next = i + memchr::memchr2(b'"', b'\\', &buf[i..])?;
        if buf[next] == b'"' {
            return Some(next + 1);
        }
        i = next + 2;
    }
    None
}

/// The parts of a container: its elements (array) or members (object), each trimmed of whitespace.
#[derive(Debug, PartialEq, Eq)]
pub struct Parts {
    pub items: Vec<Range<usize>>,
    /// Whether the closing bracket was found (else the input ended inside the container, in its last item).
    pub closed: bool,
    /// One past the closing bracket, or the input's end.
    pub end: usize,
}

/// Split the container whose opening bracket is at `at` at its top-level commas. An empty last item (`[]`, a
/// trailing comma) is not an item; an empty one between commas is, so indices stay those of the file.
pub fn container(buf: &[u8], at: usize) -> Parts {
    let mut split = Items::new(buf, at);
    let items = split.by_ref().collect();
    Parts {
        items,
        closed: split.closed,
        end: split.end,
    }
}

/// [`container`]'s items one at a time, so a caller looking for one item can stop there without scanning the rest.
struct Items<'b> {
    buf: &'b [u8],
    /// Where the item being scanned starts (just after the bracket or the last comma).
    start: usize,
    /// Where scanning resumes.
    at: usize,
    /// Whether the container is finished (closed or cut off); `closed` and `end` are then final.
    done: bool,
    closed: bool,
    end: usize,
}

impl<'b> Items<'b> {
    fn new(buf: &'b [u8], at: usize) -> Items<'b> {
        Items {
            buf,
            start: at + 1,
            at: at + 1,
            done: false,
            closed: false,
            end: buf.len(),
        }
    }

    /// `r` without the whitespace around it.
    fn trim(&self, r: Range<usize>) -> Range<usize> {
        let s = skip_ws(self.buf, r.start).min(r.end);
        let mut e = r.end;
        while e > s && is_ws(self.buf[e - 1]) {
            e -= 1;
        }
        s..e
    }

    /// The last item, when the container ends at `end` (exclusive of the bracket); an empty one is not an item.
    fn last(&mut self, end: usize) -> Option<Range<usize>> {
        self.done = true;
        let last = self.trim(self.start..end);
        (!last.is_empty()).then_some(last)
    }
}

impl Iterator for Items<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.done {
            return None;
        }
        let buf = self.buf;
        let mut depth = 0usize;
        let mut i = self.at;
        while i < buf.len() {
            match buf[i] {
                b'"' => {
                    i = string_end(buf, i).unwrap_or(buf.len());
                    continue;
                }
                b'[' | b'{' => depth += 1,
                b']' | b'}' if depth == 0 => {
                    self.closed = true;
                    self.end = i + 1;
                    return self.last(i);
                }
                b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    let item = self.trim(self.start..i);
                    self.start = i + 1;
                    self.at = i + 1;
                    return Some(item);
                }
                _ => {}
            }
            i += 1;
        }
        self.last(buf.len())
    }
}

/// The lines of `buf` (split at `\n`, which JSON lines end with), untrimmed; the n-th is record n of a JSON-lines
/// file. `memchr` finds the breaks at memory speed: this is the JSON-lines read path, not only the fallback.
pub fn lines(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', buf)
        .chain(std::iter::once(buf.len()))
        .map(move |end| {
            let line = &buf[start..end];
            start = end + 1;
            line
        })
}

/// For an object member `"key": value`, the key's raw bytes (between the quotes) and where the value is.
pub fn member<'b>(buf: &'b [u8], m: &Range<usize>) -> Option<(&'b [u8], Range<usize>)> {
    let item = &buf[m.clone()];
    if item.first() != Some(&b'"') {
        return None;
    }
    let key_end = string_end(item, 0)?;
    let colon = skip_ws(item, key_end);
    if item.get(colon) != Some(&b':') {
        return None;
    }
    let value = skip_ws(item, colon + 1);
    Some((&item[1..key_end - 1], m.start + value..m.end))
}

/// The elements of the array that holds a file's records: the top-level array (`key` `None`), or the array under
/// `key` in the top-level object (`Records`, `Events`). `None` when there is no such array.
///
/// The object's members are looked at one by one and the first array under `key` is split where it stands, so the
/// file is scanned once (not once for the object's members and again for the array) and whatever follows the array
/// is not scanned at all. The answer is [`member_array`]'s over the object's [`container`] (a test compares them).
pub fn record_array(buf: &[u8], key: Option<&[u8]>) -> Option<Parts> {
    let start = skip_ws(buf, 0);
    match (key, buf.get(start)) {
        (None, Some(b'[')) => Some(container(buf, start)),
        (Some(key), Some(b'{')) => {
            let mut members = Items::new(buf, start);
            loop {
                // The member about to be scanned: whether it is `"key": [` is known from its first bytes.
                let from = skip_ws(buf, members.start);
                if let Some(array) = array_member_at(buf, from, key) {
                    return Some(container(buf, array));
                }
                members.next()?;
            }
        }
        _ => None,
    }
}

/// Where the array starts when the member starting at `at` is `"key": [`; [`member`]'s test on one member, made
/// before the member's end is known (its key, colon and bracket lie before any comma that could end it).
fn array_member_at(buf: &[u8], at: usize, key: &[u8]) -> Option<usize> {
    if buf.get(at) != Some(&b'"') {
        return None;
    }
    let key_end = string_end(buf, at)?;
    let colon = skip_ws(buf, key_end);
    if buf.get(colon) != Some(&b':') {
        return None;
    }
    let value = skip_ws(buf, colon + 1);
    (buf.get(value) == Some(&b'[') && same_key(buf, at, key_end, key)).then_some(value)
}

/// Whether the key whose quotes are at `open` and `close - 1` is `key`. A key may be spelled with escapes
/// (`"Rec\u006frds"`); a parser reads it as the same key.
fn same_key(buf: &[u8], open: usize, close: usize, key: &[u8]) -> bool {
    let k = &buf[open + 1..close - 1];
    k == key
        || (k.contains(&b'\\')
            && serde_json::from_slice::<String>(&buf[open..close]).is_ok_and(|k| k.as_bytes() == key))
}

/// The elements of the array under `key` in an object already split into its members.
pub fn member_array(buf: &[u8], object: &Parts, key: &[u8]) -> Option<Parts> {
    object.items.iter().find_map(|m| {
        let (k, v) = member(buf, m)?;
        let open = m.start;
        (same_key(buf, open, open + k.len() + 2, key) && buf.get(v.start) == Some(&b'['))
            .then(|| container(buf, v.start))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(buf: &'a [u8], p: &Parts) -> Vec<&'a [u8]> {
        p.items.iter().map(|r| &buf[r.clone()]).collect()
    }

    #[test]
    fn splits_as_a_parser_would_on_valid_json() {
        let buf = br#" [ {"a":"x,]}\"{"}, [1,[2]] ,"s\\",3 , null ] "#;
        let p = container(buf, 1);
        assert!(p.closed);
        assert_eq!(
            texts(buf, &p),
            [&br#"{"a":"x,]}\"{"}"#[..], b"[1,[2]]", br#""s\\""#, b"3", b"null"]
        );
        assert_eq!(&buf[p.end..], b" ");
        assert_eq!(container(b"[]", 0).items.len(), 0);
        assert_eq!(container(b"[ 1, ]", 0).items.len(), 1);
    }

    #[test]
    fn bad_bytes_inside_strings_do_not_move_the_cuts() {
        let buf = b"{\"Records\":[{\"u\":\"a\xff\x00b\"},{\"u\":\"c\"}], \"x\":1}\x00\x00";
        let p = record_array(buf, Some(b"Records")).unwrap();
        assert!(p.closed);
        assert_eq!(texts(buf, &p), [&b"{\"u\":\"a\xff\x00b\"}"[..], b"{\"u\":\"c\"}"]);
        let top = container(buf, 0);
        assert!(top.closed);
        assert_eq!(&buf[top.end..], b"\x00\x00");
    }

    #[test]
    fn a_cut_off_container_keeps_its_unfinished_last_item() {
        let buf = br#"{"Records":[{"a":1},{"b":"#;
        let p = record_array(buf, Some(b"Records")).unwrap();
        assert!(!p.closed);
        assert_eq!(texts(buf, &p), [&br#"{"a":1}"#[..], br#"{"b":"#]);
        let first_line = container(b"{\"a\":[1]}\n{}", 0);
        assert!(first_line.closed);
        assert_eq!(first_line.end, 9);
    }

    #[test]
    fn lines_are_split_at_line_feeds_only() {
        let l: Vec<&[u8]> = lines(b"a\r\n\nb\xff\n").collect();
        assert_eq!(l, [&b"a\r"[..], b"", b"b\xff", b""]);
        assert_eq!(lines(b"").count(), 1);
    }

    /// `record_array` stops at the first `"Records": [` member; it must find what splitting the whole object does.
    /// Every object opening followed by up to five tokens of JSON's structure, keys, escapes and spaces is tried.
    #[test]
    fn the_record_array_is_found_as_splitting_the_whole_object_finds_it() {
        const TOKENS: [&[u8]; 13] = [
            b"{",
            b"}",
            b"[",
            b"]",
            b",",
            b":",
            b"\"Records\"",
            b"\"Rec\\u006frds\"",
            b"\"x\"",
            b"\\",
            b"\"",
            b" ",
            b"1",
        ];
        let mut found = 0;
        for n in 0..=5u32 {
            for mut code in 0..TOKENS.len().pow(n) {
                let mut buf = b"{".to_vec();
                for _ in 0..n {
                    buf.extend_from_slice(TOKENS[code % TOKENS.len()]);
                    code /= TOKENS.len();
                }
                let whole = member_array(&buf, &container(&buf, 0), b"Records");
                let lazy = record_array(&buf, Some(b"Records"));
                assert_eq!(lazy, whole, "{}", String::from_utf8_lossy(&buf));
                found += usize::from(lazy.is_some());
            }
        }
        // The alphabet reaches the interesting cases: arrays found (escaped keys too) and not.
        assert!(found > 100, "{found}");
    }

    #[test]
    fn members_name_their_keys() {
        let buf = br#"{ "Events" : [1], "Records": "no" }"#;
        let top = container(buf, 0);
        let m: Vec<(&[u8], &[u8])> = top
            .items
            .iter()
            .filter_map(|r| member(buf, r))
            .map(|(k, v)| (k, &buf[v]))
            .collect();
        assert_eq!(m, [(&b"Events"[..], &b"[1]"[..]), (b"Records", br#""no""#)]);
        assert!(record_array(buf, Some(b"Records")).is_none());
        assert_eq!(record_array(buf, Some(b"Events")).unwrap().items.len(), 1);
        let escaped = br#"{"Rec\u006frds":[1,2]}"#;
        assert_eq!(record_array(escaped, Some(b"Records")).unwrap().items.len(), 2);
    }
}
