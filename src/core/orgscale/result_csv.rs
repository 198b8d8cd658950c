//! Athena's result CSV (the `<query id>.csv` it writes to the output location), parsed as its bytes arrive: a
//! header row of column names, then one record per row, fields separated by `,`, records by `\n` (a `\r` right
//! before it is accepted too). A value in double quotes is a value (an inner quote doubled: `""`), so `""` is the
//! empty string; an empty field **without** quotes is NULL. Quoted values may hold commas, quotes and newlines.
//! What was relied on, and where it is from: `docs/org-scale.md` ("Reading results from the output location").
//!
//! Hand-written rather than through the `csv` / `csv-core` crates already in the tree: neither tells a quoted
//! empty field from an unquoted one, and that difference is the one between `""` and NULL (a field present and
//! empty, or absent from the record). The parser is a four-state machine fed any slicing of the input (chunk
//! boundaries anywhere, even inside `""`), tested against the `csv` crate for the values it does give.
//! Anything else is refused with the record and the reason, never guessed: text after a closing quote, a quote
//! inside an unquoted value, a `\r` not followed by `\n` outside quotes, a quote left open at the end, a record
//! longer than [`MAX_RECORD_BYTES`]. Bytes that are not UTF-8 are replaced (U+FFFD), as a JSON reader would not
//! accept them either.

/// The longest record accepted: a record is held whole until its end, so this bounds memory on a hostile or
/// broken object (CloudTrail caps an event at 256 KB; a row of the plan's columns is about as long).
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// Why the bytes are not Athena's CSV.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("result CSV record {record}: {what}")]
pub struct CsvError {
    /// 1-based, the header being record 1.
    pub record: u64,
    /// What is wrong with it.
    pub what: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the first byte of a field.
    FieldStart,
    /// Inside a value without quotes.
    Unquoted,
    /// Inside a quoted value.
    Quoted,
    /// A quote inside a quoted value: either the first of `""` or the closing one.
    QuoteInQuoted,
    /// A `\r` outside quotes: only `\n` may follow.
    Cr,
}

/// One field's place in the record buffer, and whether it was quoted.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    quoted: bool,
}

/// A push parser: [`feed`](CsvReader::feed) it the bytes as they come, then [`finish`](CsvReader::finish).
#[derive(Debug)]
pub struct CsvReader {
    state: State,
    /// The current record's values, back to back.
    buf: Vec<u8>,
    spans: Vec<Span>,
    /// Where the current field starts in `buf`, and whether it is quoted.
    field_start: usize,
    field_quoted: bool,
    /// Records completed so far.
    records: u64,
}

impl Default for CsvReader {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvReader {
    /// A reader before the first byte.
    pub fn new() -> CsvReader {
        CsvReader {
            state: State::FieldStart,
            buf: Vec::with_capacity(4096),
            spans: Vec::with_capacity(64),
            field_start: 0,
            field_quoted: false,
            records: 0,
        }
    }

    /// Records completed so far (the header included).
    pub fn records(&self) -> u64 {
        self.records
    }

    fn err(&self, what: &'static str) -> CsvError {
        CsvError {
            record: self.records + 1,
            what,
        }
    }

    fn end_field(&mut self) {
        self.spans.push(Span {
            start: self.field_start,
            end: self.buf.len(),
            quoted: self.field_quoted,
        });
        self.field_start = self.buf.len();
        self.field_quoted = false;
        self.state = State::FieldStart;
    }

    /// The record is complete: hand its values to `each`, then start the next. A line with nothing on it is no
    /// record (the file's end, or a stray blank line).
    fn end_record<E>(&mut self, each: &mut impl FnMut(&[Option<&str>]) -> Result<(), E>) -> Result<(), ReadError<E>> {
        let blank = self.spans.is_empty() && self.buf.is_empty() && !self.field_quoted;
        if blank {
            self.state = State::FieldStart;
            return Ok(());
        }
        self.end_field();
        self.records += 1;
        let present = |s: &Span| s.quoted || s.start != s.end;
        // Each value is checked on its own: the record's bytes can be UTF-8 as a whole while a value ends inside a
        // character another begins (`\xcd` `,` `\xac`), so a whole-record check cannot borrow by field. A valid
        // value is borrowed, an invalid one replaced (`U+FFFD`).
        let fields: Vec<Option<std::borrow::Cow<'_, str>>> = self
            .spans
            .iter()
            .map(|s| present(s).then(|| String::from_utf8_lossy(&self.buf[s.start..s.end])))
            .collect();
        let values: Vec<Option<&str>> = fields.iter().map(Option::as_deref).collect();
        let outcome = each(&values);
        drop(fields);
        outcome.map_err(ReadError::Stopped)?;
        self.buf.clear();
        self.spans.clear();
        self.field_start = 0;
        self.field_quoted = false;
        self.state = State::FieldStart;
        Ok(())
    }

    /// Parse `bytes` (any slice of the input, in order), handing every record completed to `each` (a value per
    /// field, `None` for NULL). An error from `each` stops the parse and comes back as [`ReadError::Stopped`].
    pub fn feed<E>(
        &mut self,
        bytes: &[u8],
        each: &mut impl FnMut(&[Option<&str>]) -> Result<(), E>,
    ) -> Result<(), ReadError<E>> {
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::Quoted => {
                    // The bulk of the bytes: copy up to the next quote at once.
                    let rest = &bytes[i..];
                    match memchr::memchr(b'"', rest) {
                        Some(n) => {
                            self.buf.extend_from_slice(&rest[..n]);
                            self.state = State::QuoteInQuoted;
                            i += n + 1;
                        }
                        None => {
                            self.buf.extend_from_slice(rest);
                            i = bytes.len();
                        }
                    }
                }
                State::Unquoted => {
                    match bytes[i] {
                        b',' => self.end_field(),
                        b'\n' => self.end_record(each)?,
                        b'\r' => self.state = State::Cr,
                        b'"' => return Err(ReadError::Csv(self.err("a quote inside a value without quotes"))),
                        b => self.buf.push(b),
                    }
                    i += 1;
                }
                State::FieldStart => {
                    match bytes[i] {
                        b'"' => {
                            self.field_quoted = true;
                            self.state = State::Quoted;
                        }
                        b',' => self.end_field(),
                        b'\n' => self.end_record(each)?,
                        b'\r' => self.state = State::Cr,
                        b => {
                            self.buf.push(b);
                            self.state = State::Unquoted;
                        }
                    }
                    i += 1;
                }
                State::QuoteInQuoted => {
                    match bytes[i] {
                        b'"' => {
                            self.buf.push(b'"');
                            self.state = State::Quoted;
                        }
                        b',' => self.end_field(),
                        b'\n' => self.end_record(each)?,
                        b'\r' => self.state = State::Cr,
                        _ => return Err(ReadError::Csv(self.err("text after a closing quote"))),
                    }
                    i += 1;
                }
                State::Cr => {
                    if bytes[i] != b'\n' {
                        return Err(ReadError::Csv(
                            self.err("a carriage return not followed by a line feed"),
                        ));
                    }
                    self.end_record(each)?;
                    i += 1;
                }
            }
            if self.buf.len() > MAX_RECORD_BYTES {
                return Err(ReadError::Csv(self.err("longer than 16 MiB")));
            }
        }
        Ok(())
    }

    /// The input ended: a last record without a final newline is handed over; a quote still open is an error.
    pub fn finish<E>(&mut self, each: &mut impl FnMut(&[Option<&str>]) -> Result<(), E>) -> Result<(), ReadError<E>> {
        match self.state {
            State::Quoted => Err(ReadError::Csv(self.err("the input ended inside quotes"))),
            State::Cr => Err(ReadError::Csv(
                self.err("a carriage return not followed by a line feed"),
            )),
            State::FieldStart if self.spans.is_empty() && self.buf.is_empty() && !self.field_quoted => Ok(()),
            _ => self.end_record(each),
        }
    }
}

/// Why a parse stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadError<E> {
    /// The bytes are not Athena's CSV.
    Csv(CsvError),
    /// The caller's handler said stop.
    Stopped(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `input` fed in pieces of `step` bytes.
    fn parse(input: &[u8], step: usize) -> Result<Vec<Vec<Option<String>>>, CsvError> {
        let mut out = Vec::new();
        let mut r = CsvReader::new();
        let mut each = |v: &[Option<&str>]| -> Result<(), ()> {
            out.push(v.iter().map(|x| x.map(String::from)).collect());
            Ok(())
        };
        for chunk in input.chunks(step.max(1)) {
            r.feed(chunk, &mut each).map_err(unwrap_csv)?;
        }
        r.finish(&mut each).map_err(unwrap_csv)?;
        Ok(out)
    }

    fn unwrap_csv(e: ReadError<()>) -> CsvError {
        match e {
            ReadError::Csv(c) => c,
            ReadError::Stopped(()) => unreachable!("the test's handler never stops"),
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    /// Athena's writing of one row: every value quoted, inner quotes doubled, NULL as nothing.
    fn athena_row(values: &[Option<&str>]) -> String {
        values
            .iter()
            .map(|v| match v {
                Some(t) => format!("\"{}\"", t.replace('"', "\"\"")),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join(",")
            + "\n"
    }

    const HOSTILE: &[Option<&str>] = &[
        Some("plain"),
        Some(""),
        None,
        Some("a,b"),
        Some("say \"hi\""),
        Some("\"\""),
        Some("line\nbreak\r\nand cr"),
        Some("\u{1b}]0;title\u{7}\u{1b}[31m"),
        Some("sessión\u{202e}名前\u{e0041}"),
        Some("\""),
        Some(","),
        None,
    ];

    #[test]
    fn nulls_empty_strings_and_hostile_values_round_trip_in_any_slicing() {
        let header: Vec<Option<&str>> = (0..HOSTILE.len()).map(|_| Some("c")).collect();
        let mut text = athena_row(&header);
        text += &athena_row(HOSTILE);
        text += &athena_row(&HOSTILE.iter().rev().copied().collect::<Vec<_>>());
        let want: Vec<Vec<Option<String>>> = vec![
            header.iter().map(|v| v.map(String::from)).collect(),
            HOSTILE.iter().map(|v| v.map(String::from)).collect(),
            HOSTILE.iter().rev().map(|v| v.map(String::from)).collect(),
        ];
        for step in [1, 2, 3, 5, 7, 64, usize::MAX] {
            assert_eq!(parse(text.as_bytes(), step).unwrap(), want, "pieces of {step}");
        }
        // No final newline, CRLF line ends, and unquoted values are read too.
        assert_eq!(
            parse(b"\"a\",b\r\n,\"\"", 1).unwrap(),
            vec![vec![s("a"), s("b")], vec![None, s("")]]
        );
    }

    #[test]
    fn the_values_are_the_csv_crates_where_it_can_tell() {
        let mut text = String::new();
        for i in 0..50 {
            let row: Vec<Option<&str>> = HOSTILE.iter().cycle().skip(i).take(HOSTILE.len()).copied().collect();
            text += &athena_row(&row);
        }
        let ours = parse(text.as_bytes(), 13).unwrap();
        let theirs: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let ours_flat: Vec<Vec<String>> = ours
            .iter()
            .map(|r| r.iter().map(|v| v.clone().unwrap_or_default()).collect())
            .collect();
        assert_eq!(ours_flat, theirs);
    }

    #[test]
    fn what_is_not_athenas_csv_is_refused_with_its_record() {
        let bad: &[(&[u8], u64, &str)] = &[
            (b"\"a\"\n\"b\"x\n", 2, "text after a closing quote"),
            (b"\"a\"\nab\"c\n", 2, "a quote inside a value without quotes"),
            (b"\"a\nb", 1, "the input ended inside quotes"),
            (b"\"a\"\r\"b\"\n", 1, "a carriage return not followed by a line feed"),
        ];
        for (input, record, what) in bad {
            for step in [1, 4, usize::MAX] {
                assert_eq!(
                    parse(input, step).unwrap_err(),
                    CsvError { record: *record, what },
                    "{:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_and_a_handler_can_stop() {
        assert_eq!(
            parse(b"\"a\xffb\",\"ok\"\n", 2).unwrap(),
            vec![vec![s("a\u{fffd}b"), s("ok")]]
        );
        // A character cut by a comma: the record is UTF-8 as a whole, each value is not (found by the fuzz target
        // `result_csv`, which panicked slicing the record's text inside the character).
        for step in [1, 2, usize::MAX] {
            assert_eq!(
                parse(b"=,*\xcd,\xac\n\"\xe2\x82\",\"\xac\"\n", step).unwrap(),
                vec![
                    vec![s("="), s("*\u{fffd}"), s("\u{fffd}")],
                    vec![s("\u{fffd}"), s("\u{fffd}")]
                ],
                "pieces of {step}"
            );
        }
        let mut r = CsvReader::new();
        let mut n = 0;
        let got = r.feed(b"\"1\"\n\"2\"\n\"3\"\n", &mut |_: &[Option<&str>]| {
            n += 1;
            if n == 2 { Err("enough") } else { Ok(()) }
        });
        assert_eq!(got, Err(ReadError::Stopped("enough")));
        assert_eq!(n, 2);
    }

    /// Arbitrary bytes (a fixed pseudo-random sequence over the bytes that matter) never panic, and the outcome
    /// does not depend on how the input is sliced.
    #[test]
    fn any_bytes_in_any_slicing_give_one_outcome() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"\"\",\n\r ab\xff";
        for _ in 0..2000 {
            let len = (next() % 40) as usize;
            let input: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let whole = parse(&input, usize::MAX);
            for step in [1, 2, 3] {
                assert_eq!(
                    parse(&input, step),
                    whole,
                    "{:?} in pieces of {step}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }

    #[test]
    fn a_record_past_the_limit_is_refused() {
        let mut r = CsvReader::new();
        let chunk = vec![b'x'; 1 << 20];
        let mut each = |_: &[Option<&str>]| -> Result<(), ()> { Ok(()) };
        r.feed(b"\"", &mut each).unwrap();
        let mut failed = None;
        for _ in 0..20 {
            if let Err(e) = r.feed(&chunk, &mut each) {
                failed = Some(e);
                break;
            }
        }
        assert_eq!(
            failed,
            Some(ReadError::Csv(CsvError {
                record: 1,
                what: "longer than 16 MiB"
            }))
        );
    }
}
