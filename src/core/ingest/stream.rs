//! JSON-lines files of any size, read line by line instead of whole.
//!
//! A file is streamed when its first bytes show it is JSON lines by the same rule the whole-file parse uses to
//! fall back to lines (`parse::recover`): its first value is an object that closes on its first line, and more
//! follows on a later line (or more than 64 KiB of blank lines does). Anything else (an S3 `{"Records":[…]}` object, an array, one document over many
//! lines) is read whole as before, under the per-file cap. [`Classify`] decides on the head of the file as it
//! streams in, so the common single-line S3 object costs one `memchr` pass and nothing else.
//!
//! What bounds a streamed file: each line is held on its own in one budgeted buffer (`budget::Held`) and may be at
//! most the per-file cap (a longer line is skipped to its end and reported); the shared read budget thus covers the
//! head read before the decision and then one line at a time, however long the file. A gzip stream that keeps
//! expanding more than [`MAX_GZIP_RATIO`] times its compressed size past the per-file cap is stopped (a gzip bomb of
//! blank or repeated lines would otherwise cost time and, for repeated records, memory without end); the lines
//! before are kept. Each file keeps at most `MAX_ERRORS_KEPT` errors and counts the rest.

use super::budget::{Budget, Held, Shortfall, human};
use super::parse::{FileOutcome, LineParser};
use super::read::ReadError;
use super::scan;
use std::cell::Cell;
use std::io::{BufRead, ErrorKind, Read};
use std::path::Path;
use std::rc::Rc;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Past the per-file cap, a gzip JSON-lines stream is read on only while it has expanded at most this many times
/// its compressed bytes. CloudTrail JSON gzips 8–15 to 1; a gzip bomb expands about 1000 to 1.
pub const MAX_GZIP_RATIO: u64 = 100;

/// What the head of a file says about how to read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Head {
    /// Read it whole (one document, or anything that is not plainly JSON lines).
    Document,
    /// Stream it line by line.
    Lines,
    /// Read more first.
    Undecided,
}

/// Decides [`Head`] over a buffer that grows as the file is read; each byte is searched once.
#[derive(Debug, Default)]
pub struct Classify {
    /// Bytes of the body (after a BOM) already searched for the first line's end or what follows it.
    searched: usize,
    /// The first line ended (at this line feed) with a complete object and only whitespace after it.
    first_line_ok: bool,
    /// Where the first line ended.
    first_line_end: usize,
}

/// Whitespace after a complete first line, past which the file is taken for JSON lines without waiting for the next
/// record: a whole document would need nothing after that whitespace, and holding it all could cost the per-file
/// limit (blank lines of a gzip bomb).
const BLANK_AFTER_FIRST_LINE: usize = 64 << 10;

impl Classify {
    /// Look at `buf`, the file's first bytes (`eof`: all of it).
    pub fn step(&mut self, buf: &[u8], eof: bool) -> Head {
        let more = |eof: bool| if eof { Head::Document } else { Head::Undecided };
        if !eof && buf.len() < BOM.len() && BOM.starts_with(buf) {
            return Head::Undecided;
        }
        let body = buf.strip_prefix(BOM).unwrap_or(buf);
        if !self.first_line_ok {
            let first = scan::skip_ws(body, 0);
            if first == body.len() {
                return more(eof);
            }
            if body[first] != b'{' {
                return Head::Document;
            }
            let from = self.searched.max(first);
            let Some(nl) = memchr::memchr(b'\n', &body[from..]).map(|i| from + i) else {
                self.searched = body.len();
                return more(eof);
            };
            let line = &body[..nl];
            let top = scan::container(line, first);
            if !top.closed || scan::skip_ws(line, top.end) < nl {
                return Head::Document;
            }
            self.first_line_ok = true;
            self.first_line_end = nl;
            self.searched = nl + 1;
        }
        if scan::skip_ws(body, self.searched) < body.len() {
            return Head::Lines;
        }
        self.searched = body.len();
        if !eof && body.len() - self.first_line_end > BLANK_AFTER_FIRST_LINE {
            return Head::Lines;
        }
        more(eof)
    }
}

/// A line as [`LineReader`] hands it out.
pub enum Line<'a> {
    /// The line's bytes, without its line feed.
    Text(&'a [u8]),
    /// Longer than the cap: skipped to its end, not held.
    TooLong,
}

/// The lines of a stream, each held alone in one budgeted buffer of at most `cap` bytes.
pub struct LineReader<'b, R> {
    r: R,
    line: Held<'b>,
    cap: u64,
    /// Index and offset of the next line.
    index: u64,
    offset: u64,
    /// Bytes of the next line read with the head (in the buffer unless already too long); 0 after the first line.
    carried: u64,
    /// The line being read is longer than `cap`: its bytes are skipped, not held.
    too_long: bool,
    done: bool,
}

impl<'b, R: BufRead> LineReader<'b, R> {
    /// Read the lines of `r`, whose next line is number `index`, starts at `offset` and begins with `partial`.
    pub fn new(
        r: R,
        budget: &'b Budget,
        cap: u64,
        (index, offset): (u64, u64),
        partial: &[u8],
    ) -> Result<LineReader<'b, R>, Shortfall> {
        let mut line = Held::with_first(budget, 0)?;
        let too_long = match line.extend_capped(partial, cap) {
            Ok(()) => false,
            Err(Shortfall::OverCap) => true,
            Err(e) => return Err(e),
        };
        Ok(LineReader {
            r,
            line,
            cap,
            index,
            offset,
            carried: partial.len() as u64,
            too_long,
            done: false,
        })
    }

    /// Offset of the next line (after the last one handed out).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The next line: its index, its offset and its bytes; `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(u64, u64, Line<'_>)>, Shortfall> {
        if self.done {
            return Ok(None);
        }
        let start = self.offset;
        let mut len = std::mem::take(&mut self.carried);
        if len == 0 {
            self.line.clear();
            self.too_long = false;
        }
        let mut ended = false;
        loop {
            let avail = match self.r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Shortfall::Io(e)),
            };
            if avail.is_empty() {
                self.done = true;
                break;
            }
            let (take, newline) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i, true),
                None => (avail.len(), false),
            };
            if !self.too_long {
                match self.line.extend_capped(&avail[..take], self.cap) {
                    Ok(()) => {}
                    Err(Shortfall::OverCap) => {
                        self.too_long = true;
                        self.line.clear();
                    }
                    Err(e) => return Err(e),
                }
            }
            len += take as u64;
            self.r.consume(take + usize::from(newline));
            if newline {
                ended = true;
                break;
            }
        }
        if !ended && len == 0 {
            // Nothing after the last line feed.
            return Ok(None);
        }
        self.offset = start + len + u64::from(ended);
        let index = self.index;
        self.index += 1;
        let line = if self.too_long {
            Line::TooLong
        } else {
            Line::Text(&self.line)
        };
        Ok(Some((index, start, line)))
    }
}

/// A reader that counts the bytes taken from it (the compressed side of a gzip stream).
pub struct Counted<R> {
    inner: R,
    taken: Rc<Cell<u64>>,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> (Counted<R>, Rc<Cell<u64>>) {
        let taken = Rc::new(Cell::new(0));
        (
            Counted {
                inner,
                taken: Rc::clone(&taken),
            },
            taken,
        )
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken.set(self.taken.get() + n as u64);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.taken.set(self.taken.get() + n as u64);
        self.inner.consume(n);
    }
}

/// How a streamed file was read.
pub struct Stream<'a> {
    /// Bytes on the compressed side so far, for a gzip file.
    pub compressed: Option<&'a Cell<u64>>,
    /// Whether the bytes are decompressed from gzip (how a read error is named).
    pub gzip: bool,
}

/// Parse a JSON-lines file: `head` holds its first bytes (whole lines and the start of the next), `r` the rest.
/// Only [`ReadError::Busy`] fails the file (it is read again alone); any other trouble stops reading with an error
/// for the file and keeps the lines before it.
pub fn parse_lines<R: Read>(
    path: &Path,
    file: u32,
    head: Held<'_>,
    r: R,
    cap: u64,
    budget: &Budget,
    how: Stream<'_>,
) -> Result<FileOutcome, ReadError> {
    let mut p = LineParser::new(path, file);
    let bom = if head.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &head[bom..];
    let mut index = 0u64;
    let mut start = 0usize;
    for end in memchr::memchr_iter(b'\n', body) {
        p.line(index as usize, (bom + start) as u64, &body[start..end]);
        index += 1;
        start = end + 1;
    }
    let mut lines = LineReader::new(
        std::io::BufReader::with_capacity(256 << 10, r),
        budget,
        cap,
        (index, (bom + start) as u64),
        &body[start..],
    )
    .map_err(|s| read_error(s, budget, how.gzip, cap))?;
    drop(head);
    loop {
        let offset = lines.offset();
        match lines.next_line() {
            Ok(None) => break,
            Ok(Some((index, offset, line))) => {
                let Ok(i) = u32::try_from(index) else {
                    p.stopped(offset, "more than 4,294,967,295 lines; the rest was not read".into());
                    break;
                };
                match line {
                    Line::Text(t) => p.line(i as usize, offset, t),
                    Line::TooLong => p.too_long(i as usize, offset, cap),
                }
                if let Some(c) = how.compressed
                    && offset > cap
                    && offset / c.get().max(1) > MAX_GZIP_RATIO
                {
                    p.stopped(
                        lines.offset(),
                        format!(
                            "gzip data expands more than {MAX_GZIP_RATIO} times past {} (a gzip bomb?); the lines \
                             before were read, the rest was not",
                            human(cap)
                        ),
                    );
                    break;
                }
            }
            Err(s) => match stop_reason(s, budget, &how, cap) {
                Ok(reason) => {
                    p.stopped(offset, format!("{reason}; the lines before were read"));
                    break;
                }
                Err(busy) => return Err(busy),
            },
        }
    }
    Ok(p.finish())
}

/// Why reading a stream stopped, as the file's error; `Err` for the one reason that fails the file instead.
fn stop_reason(s: Shortfall, budget: &Budget, how: &Stream<'_>, cap: u64) -> Result<String, ReadError> {
    match read_error(s, budget, how.gzip, cap) {
        ReadError::Busy => Err(ReadError::Busy),
        e => Ok(e.to_string()),
    }
}

/// A shortfall as the error a file is reported with (the one mapping of `read`, shared).
pub fn read_error(s: Shortfall, budget: &Budget, gzip: bool, cap: u64) -> ReadError {
    match s {
        Shortfall::Busy => ReadError::Busy,
        Shortfall::Io(e) if gzip => ReadError::Gzip(e),
        Shortfall::Io(e) => ReadError::Io(e),
        Shortfall::OverBudget => ReadError::OverBudget { budget: budget.limit() },
        Shortfall::OutOfMemory => ReadError::OutOfMemory,
        Shortfall::OverCap if gzip => ReadError::DecompressesTooLarge { limit: cap },
        Shortfall::OverCap => ReadError::TooLarge { limit: cap },
    }
}

/// Line `index` of a JSON-lines stream (its line feed and a leading BOM removed); `None` when the stream has
/// fewer lines or that line is longer than `cap`.
pub fn line_at<R: BufRead>(r: R, index: u64, cap: u64, budget: &Budget) -> Result<Option<Vec<u8>>, Shortfall> {
    let mut lines = LineReader::new(r, budget, cap, (0, 0), &[])?;
    while let Some((i, _, line)) = lines.next_line()? {
        if i == index {
            return Ok(match line {
                Line::Text(t) if i == 0 => Some(t.strip_prefix(BOM).unwrap_or(t).to_vec()),
                Line::Text(t) => Some(t.to_vec()),
                Line::TooLong => None,
            });
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_of(text: &[u8]) -> Head {
        Classify::default().step(text, true)
    }

    #[test]
    fn only_plain_json_lines_are_streamed() {
        assert_eq!(head_of(b"{\"a\":1}\n{\"b\":2}\n"), Head::Lines);
        assert_eq!(
            head_of(b"\xEF\xBB\xBF\n\n  {\"a\":\"}\\\"\"} \r\n\n{\"b\":2}"),
            Head::Lines
        );
        // One document: a single line (an S3 object), one line and a line feed, pretty-printed, an array.
        assert_eq!(head_of(b"{\"Records\":[{\"a\":1}]}"), Head::Document);
        assert_eq!(head_of(b"{\"Records\":[]}\n  \n"), Head::Document);
        assert_eq!(head_of(b"{\n  \"Records\": []\n}\n"), Head::Document);
        assert_eq!(head_of(b"[{\"a\":1}]\n[{\"b\":2}]\n"), Head::Document);
        // Something after the first value on its line: left to the whole-file parse, as before.
        assert_eq!(head_of(b"{\"a\":1} x\n{\"b\":2}\n"), Head::Document);
        assert_eq!(head_of(b"   \n "), Head::Document);
        assert_eq!(head_of(b""), Head::Document);
    }

    #[test]
    fn the_decision_waits_for_enough_of_the_file_and_searches_each_byte_once() {
        let text = b"{\"a\":1}\n   \n{\"b\":2}\n";
        let mut c = Classify::default();
        for end in 0..text.len() {
            let h = c.step(&text[..end], false);
            let want = if end > 12 { Head::Lines } else { Head::Undecided };
            assert_eq!(h, want, "after {end} bytes");
            if h == Head::Lines {
                return;
            }
        }
        unreachable!("never decided");
    }

    /// Reads `parts` in order, each `(bytes, times)`, without holding them: a stream of any length.
    struct Synthetic {
        parts: Vec<(Vec<u8>, u64)>,
        part: usize,
        done: u64,
        at: usize,
    }

    impl Read for Synthetic {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            while let Some((bytes, times)) = self.parts.get(self.part) {
                if self.done == *times {
                    (self.part, self.done, self.at) = (self.part + 1, 0, 0);
                    continue;
                }
                let n = (bytes.len() - self.at).min(buf.len());
                buf[..n].copy_from_slice(&bytes[self.at..self.at + n]);
                self.at += n;
                if self.at == bytes.len() {
                    (self.done, self.at) = (self.done + 1, 0);
                }
                return Ok(n);
            }
            Ok(0)
        }
    }

    fn record(name: &str) -> Vec<u8> {
        format!(
            "{{\"eventTime\":\"2026-11-05T14:10:00Z\",\"eventName\":\"{name}\",\"eventSource\":\"s3.amazonaws.com\",\
             \"recipientAccountId\":\"111122223333\",\"userIdentity\":{{\"type\":\"AWSService\"}}}}\n"
        )
        .into_bytes()
    }

    #[test]
    fn a_stream_of_more_than_2_gib_is_read_line_by_line_at_the_default_limit() {
        let cap = crate::core::ingest::LoadOptions::default().max_file_bytes;
        assert_eq!(cap, 2 << 30);
        // A record, 2.25 GiB of blank lines of 1 MiB each, another record (a line past the limit is tested with a
        // smaller one: it would be held up to the limit first).
        let mut blank = vec![b' '; 1 << 20];
        *blank.last_mut().unwrap() = b'\n';
        let stream = Synthetic {
            parts: vec![(record("First"), 1), (blank, 2304), (record("Last"), 1)],
            part: 0,
            done: 0,
            at: 0,
        };
        let budget = Budget::new(cap);
        let head = Held::with_first(&budget, 0).unwrap();
        let how = Stream {
            compressed: None,
            gzip: false,
        };
        let path = Path::new("synthetic.jsonl");
        let out = parse_lines(path, 0, head, stream, cap, &budget, how)
            .map_err(|e| e.to_string())
            .unwrap();
        let names: Vec<&str> = out
            .batch
            .events
            .iter()
            .map(|e| out.batch.strings.resolve(e.event_name))
            .collect();
        assert_eq!(names, ["First", "Last"]);
        let lines: Vec<u32> = out.batch.events.iter().map(|e| e.locator.index).collect();
        assert_eq!(lines, [0, 2305]);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.records_seen, 2);
        assert_eq!(budget.held(), 0);
    }

    #[test]
    fn a_line_is_found_by_its_index_without_reading_the_rest() {
        let text = b"\xEF\xBB\xBF{\"a\":0}\n{\"a\":1}\r\n\n{\"a\":3}";
        let budget = Budget::new(1 << 20);
        let at = |i| {
            line_at(&text[..], i, 1 << 20, &budget)
                .map_err(|e| format!("{e:?}"))
                .unwrap()
        };
        assert_eq!(at(0).as_deref(), Some(&b"{\"a\":0}"[..]));
        assert_eq!(at(1).as_deref(), Some(&b"{\"a\":1}\r"[..]));
        assert_eq!(at(3).as_deref(), Some(&b"{\"a\":3}"[..]));
        assert_eq!(at(4), None);
        let long = line_at(&b"{}\nxxxxxxxx\n"[..], 1, 4, &budget)
            .map_err(|e| format!("{e:?}"))
            .unwrap();
        assert_eq!(long, None);
    }
}
