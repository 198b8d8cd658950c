//! One file's bytes to a [`Batch`] of normalised events with file-local interning (runs on worker threads).
//!
//! Formats are recognised by content: `{"Records":[…]}` (S3 delivery; parsed in one pass straight into borrowed
//! records), bare arrays, JSON lines, `lookup-events` output, EventBridge envelopes, single records, CloudTrail
//! digest files (skipped), and findings (handed to `core::findings`). When the one-pass path meets a bad record
//! it falls back to record-by-record parsing so that exactly the bad records are reported and the rest are kept:
//! the file is cut into its records by a lenient scanner (`scan`), so a record holding an invalid UTF-8 byte, a NUL
//! or a syntax error is lost alone, reported with its index and the byte offset of the problem. JSON lines are read
//! line by line. The fast path never pays for this: it runs only when the whole-file parse has failed. Turning one
//! record into an event row lives in `row`.

use super::record::RawRecord;
use super::scan;
use super::{Format, IngestError, MAX_ERRORS_KEPT};
use crate::core::findings::{self, Finding, FindingsParse};
use crate::core::model::{Assumption, Event, Identity, Interner};
use hashbrown::HashMap;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer as _};
use serde_json::value::RawValue;
use std::path::Path;

/// Normalised events of one file, with symbols local to [`Batch::strings`].
#[derive(Default)]
pub struct Batch {
    pub strings: Interner,
    pub identities: Vec<Identity>,
    pub assumptions: Vec<Assumption>,
    pub events: Vec<Event>,
}

/// What parsing one file produced.
pub struct FileOutcome {
    pub format: Option<Format>,
    pub batch: Batch,
    pub findings: Vec<Finding>,
    /// The file's first [`MAX_ERRORS_KEPT`] errors (a streamed file may have any number).
    pub errors: Vec<IngestError>,
    /// Errors past those, only counted.
    pub errors_dropped: u64,
    /// Set when the whole file was skipped on purpose (digest, not CloudTrail) rather than broken.
    pub skipped: Option<String>,
    /// Records seen (good or bad), for the report.
    pub records_seen: u64,
}

struct Ctx<'p> {
    path: &'p Path,
    file: u32,
    out: FileOutcome,
    identity_cache: HashMap<Box<str>, u32>,
    missing_ids: u64,
    /// Where the file's bytes are, to turn a slice of them into its offset: `origin..origin + len` in memory holds
    /// the file's bytes from offset `base` on (the whole file, or one streamed line).
    origin: usize,
    len: usize,
    base: u64,
    /// Offset of the record being read, when known (record-by-record paths), for its errors.
    at: Option<u64>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

mod recover;
mod row;
mod stream;
use recover::not_utf8;
pub use stream::LineParser;

impl<'p> Ctx<'p> {
    fn new(path: &'p Path, file: u32) -> Ctx<'p> {
        Ctx {
            path,
            file,
            out: FileOutcome {
                format: None,
                batch: Batch {
                    strings: Interner::new(),
                    ..Default::default()
                },
                findings: Vec::new(),
                errors: Vec::new(),
                errors_dropped: 0,
                skipped: None,
                records_seen: 0,
            },
            identity_cache: HashMap::new(),
            missing_ids: 0,
            origin: 0,
            len: 0,
            base: 0,
            at: None,
        }
    }

    /// The bytes in memory from here on are the file's from offset `base` on.
    fn bytes_at(&mut self, bytes: &[u8], base: u64) {
        self.origin = bytes.as_ptr() as usize;
        self.len = bytes.len();
        self.base = base;
    }
}

/// Parse a whole (already decompressed) file.
pub fn parse_buffer(path: &Path, file: u32, buf: &[u8]) -> FileOutcome {
    let mut ctx = Ctx::new(path, file);
    ctx.bytes_at(buf, 0);
    let body = buf.strip_prefix(BOM).unwrap_or(buf);
    let first = body.get(scan::skip_ws(body, 0)).copied();
    match (first, std::str::from_utf8(body)) {
        (None, _) => ctx.out.skipped = Some("empty file".into()),
        (Some(b'{'), Ok(text)) => ctx.object_or_lines(text),
        (Some(b'['), Ok(text)) => ctx.array(text),
        (Some(b'{' | b'['), Err(_)) => ctx.recover(body),
        (Some(_), Err(e)) => {
            let at = ctx.offset_of(body).map(|o| o + e.valid_up_to() as u64);
            ctx.file_error_at(at, "not UTF-8 text: not a JSON file".into());
        }
        (Some(_), Ok(_)) => ctx.file_error("not JSON (does not start with '{' or '[')".into()),
    }
    ctx.out
}

/// A parse error's message without serde's "at line L column C": the report gives the offset in the file instead
/// (the line and column of a record cut out of a file would mislead).
fn message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&position)
        .map_or_else(|| full.clone(), str::to_string)
}

/// Byte position within `text` of where a parse error was found (serde's line is 1-based; its column counts the
/// bytes of the line up to and including the offending one).
fn error_position(text: &str, e: &serde_json::Error) -> usize {
    if e.line() == 0 {
        return 0;
    }
    let line_start = if e.line() == 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .nth(e.line() - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + e.column().saturating_sub(1)).min(text.len())
}

#[derive(Deserialize)]
struct S3DocRaw<'a> {
    #[serde(borrow, rename = "Records")]
    records: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct LookupEvents<'a> {
    #[serde(borrow, rename = "Events")]
    events: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct LookupEvent {
    #[serde(rename = "CloudTrailEvent")]
    cloudtrail_event: Option<String>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    detail: Option<&'a RawValue>,
}

/// Visits the top-level object of an S3 delivery file; `true` when it held a `Records` array (streamed).
struct S3Stream<'c, 'p> {
    ctx: &'c mut Ctx<'p>,
}

impl<'de> Visitor<'de> for S3Stream<'_, '_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "Records" && !found {
                map.next_value_seed(RecordsSeed { ctx: &mut *self.ctx })?;
                found = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The `Records` array: each record handed to the batch as soon as it is parsed.
struct RecordsSeed<'c, 'p> {
    ctx: &'c mut Ctx<'p>,
}

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of CloudTrail records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(r) = seq.next_element::<RawRecord<'de>>()? {
            self.ctx.add_record(&r, i);
            i += 1;
        }
        Ok(())
    }
}

/// The shape of one top-level JSON value, decided from its keys.
enum Shape {
    S3,
    Lookup,
    EventBridge(String),
    Digest,
    Record,
    Other,
}

fn shape_of(v: &serde_json::Value) -> Shape {
    let Some(o) = v.as_object() else {
        return Shape::Other;
    };
    if o.contains_key("Records") {
        Shape::S3
    } else if o.get("Events").is_some_and(|e| e.is_array()) {
        Shape::Lookup
    } else if let Some(dt) = o.get("detail-type").and_then(|d| d.as_str()) {
        Shape::EventBridge(dt.to_string())
    } else if o.contains_key("digestStartTime") && o.contains_key("logFiles") {
        Shape::Digest
    } else if o.contains_key("eventName") && (o.contains_key("eventTime") || o.contains_key("eventSource")) {
        Shape::Record
    } else {
        Shape::Other
    }
}

impl Ctx<'_> {
    fn file_error(&mut self, reason: String) {
        self.file_error_at(None, reason)
    }

    /// Keep an error, or only count it once the file has [`MAX_ERRORS_KEPT`] (the load keeps no more in all).
    fn push_error(&mut self, e: IngestError) {
        if self.out.errors.len() < MAX_ERRORS_KEPT {
            self.out.errors.push(e);
        } else {
            self.out.errors_dropped += 1;
        }
    }

    fn file_error_at(&mut self, offset: Option<u64>, reason: String) {
        self.push_error(IngestError {
            path: self.path.to_path_buf(),
            index: None,
            offset,
            reason,
        });
    }

    /// A bad record, at the offset of the record being read.
    fn record_error(&mut self, index: usize, reason: String) {
        self.record_error_at(index, self.at, reason)
    }

    fn record_error_at(&mut self, index: usize, offset: Option<u64>, reason: String) {
        self.push_error(IngestError {
            path: self.path.to_path_buf(),
            index: Some(index as u64),
            offset,
            reason,
        });
    }

    /// The offset of `s` in the file, when it is a slice of the file's bytes (not an unescaped copy).
    fn offset_of(&self, s: &[u8]) -> Option<u64> {
        let p = (s.as_ptr() as usize).checked_sub(self.origin)?;
        (p <= self.len).then_some(self.base + p as u64)
    }

    /// Where in the file a parse error of `text` was found: exact when `text` is a slice of the file, else the
    /// record being read.
    fn error_offset(&self, text: &str, e: &serde_json::Error) -> Option<u64> {
        match self.offset_of(text.as_bytes()) {
            Some(o) => Some(o + error_position(text, e) as u64),
            None => self.at,
        }
    }

    /// Read record `text` from here on: its errors carry its offset (kept when `text` is an unescaped copy).
    fn enter(&mut self, text: &str) {
        if let Some(o) = self.offset_of(text.as_bytes()) {
            self.at = Some(o);
        }
    }

    /// Whether the document being read is one line of a JSON-lines file (`zcat *.json.gz > all.json` makes each
    /// line a whole S3 delivery document). Then every record of the line carries the line's index, which is what
    /// reading the record again needs (`raw::raw_record` finds it within the line by its eventID).
    fn in_line(&self) -> bool {
        self.out.format == Some(Format::JsonLines)
    }

    fn set_format(&mut self, f: Format) {
        if self.out.format.is_none() {
            self.out.format = Some(f);
        }
    }

    fn object_or_lines(&mut self, text: &str) {
        // Fast path: one S3 delivery object streamed record by record straight into the batch.
        let mark = (
            self.out.batch.events.len(),
            self.out.batch.assumptions.len(),
            self.out.errors.len(),
            self.out.errors_dropped,
        );
        let seen = self.out.records_seen;
        let mut de = serde_json::Deserializer::from_str(text);
        let streamed = de
            .deserialize_map(S3Stream { ctx: self })
            .and_then(|found| de.end().map(|_| found));
        match streamed {
            Ok(true) => {
                self.set_format(Format::S3Records);
                return;
            }
            Ok(false) => {}
            Err(_) => {
                // Undo what the stream added: the file is read again record by record.
                self.out.batch.events.truncate(mark.0);
                self.out.batch.assumptions.truncate(mark.1);
                self.out.errors.truncate(mark.2);
                self.out.errors_dropped = mark.3;
                self.out.records_seen = seen;
                return self.recover(text.as_bytes());
            }
        }
        // Not an S3 object: look at it as a value.
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => self.document(text, &value, 0),
            Err(_) => self.recover(text.as_bytes()),
        }
    }

    /// One top-level document (a whole file, or one element/line) whose text and value are both at hand.
    fn document(&mut self, text: &str, value: &serde_json::Value, index: usize) {
        match shape_of(value) {
            Shape::S3 => {
                self.set_format(Format::S3Records);
                match serde_json::from_str::<S3DocRaw>(text) {
                    Ok(doc) => {
                        let in_line = self.in_line();
                        for (i, raw) in doc.records.iter().enumerate() {
                            self.at = None;
                            self.record_text(raw.get(), if in_line { index } else { i });
                        }
                    }
                    Err(e) => self.file_error(format!("\"Records\" is not an array of records: {e}")),
                }
            }
            Shape::Lookup => {
                self.set_format(Format::LookupEvents);
                match serde_json::from_str::<LookupEvents>(text) {
                    Ok(doc) => {
                        let in_line = self.in_line();
                        for (i, raw) in doc.events.iter().enumerate() {
                            self.at = None;
                            self.lookup_entry(raw.get(), if in_line { index } else { i });
                        }
                    }
                    Err(e) => self.file_error(format!("\"Events\" is not a lookup-events list: {e}")),
                }
            }
            Shape::EventBridge(dt) if dt.ends_with("via CloudTrail") => {
                self.set_format(Format::EventBridge);
                match serde_json::from_str::<Envelope>(text) {
                    Ok(Envelope { detail: Some(d), .. }) => self.record_text(d.get(), index),
                    _ => {
                        self.out.records_seen += 1;
                        self.record_error(index, format!("EventBridge {dt:?} envelope without a detail record"))
                    }
                }
            }
            Shape::Digest => {
                self.out.skipped = Some("CloudTrail digest file (integrity digest, not events)".into());
            }
            Shape::Record => {
                self.set_format(Format::SingleRecord);
                self.record_text(text, index);
            }
            Shape::EventBridge(_) | Shape::Other => self.findings_or_unknown(value, index),
        }
    }

    fn findings_or_unknown(&mut self, value: &serde_json::Value, index: usize) {
        match findings::parse_document(value) {
            FindingsParse::Parsed { findings, errors } => {
                self.set_format(Format::Findings);
                self.out.findings.extend(findings);
                for (i, reason) in errors {
                    let idx = i.unwrap_or(index);
                    self.record_error(idx, reason);
                }
            }
            FindingsParse::NotFindings => {
                let what = describe(value);
                if self.out.format.is_none() && index == 0 {
                    self.out.skipped = Some(format!("not CloudTrail or findings: {what}"));
                } else {
                    self.out.records_seen += 1;
                    self.record_error(index, format!("not a CloudTrail record or finding: {what}"));
                }
            }
        }
    }

    fn array(&mut self, text: &str) {
        let elements: Vec<&RawValue> = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(_) => return self.recover(text.as_bytes()),
        };
        self.set_format(Format::Array);
        for (i, raw) in elements.iter().enumerate() {
            self.at = None;
            self.element(raw.get(), i);
        }
    }

    /// JSON lines, each on its own: a line with a bad byte is lost alone. The index is the line number.
    fn lines(&mut self, buf: &[u8]) {
        self.set_format(Format::JsonLines);
        for (i, line) in scan::lines(buf).enumerate() {
            self.line(i, line);
        }
    }

    /// Line `index` of a JSON-lines file (without its line feed), which the file's bytes in memory hold.
    fn line(&mut self, index: usize, line: &[u8]) {
        let line = line.trim_ascii();
        if line.is_empty() {
            return;
        }
        self.at = self.offset_of(line);
        match std::str::from_utf8(line) {
            Ok(text) => self.element(text, index),
            Err(e) => {
                self.out.records_seen += 1;
                let at = self.at.map(|o| o + e.valid_up_to() as u64);
                self.record_error_at(index, at, not_utf8(line, e));
            }
        }
    }

    /// One entry of `lookup-events` output: the record is the `CloudTrailEvent` string.
    fn lookup_entry(&mut self, text: &str, index: usize) {
        self.enter(text);
        match serde_json::from_str::<LookupEvent>(text) {
            Ok(LookupEvent {
                cloudtrail_event: Some(s),
            }) => self.record_text(&s, index),
            Ok(_) => {
                self.out.records_seen += 1;
                self.record_error(index, "lookup-events entry has no CloudTrailEvent string".into())
            }
            Err(e) => {
                self.out.records_seen += 1;
                let at = self.error_offset(text, &e);
                self.record_error_at(index, at, format!("lookup-events entry: {}", message(&e)))
            }
        }
    }

    /// An element of an array or a JSON line: a record (fast), or any document.
    fn element(&mut self, text: &str, index: usize) {
        self.enter(text);
        if let Ok(r) = serde_json::from_str::<RawRecord>(text)
            && r.event_name.is_some()
            && r.event_time.is_some()
        {
            self.add_record(&r, index);
            return;
        }
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => self.document(text, &v, index),
            Err(e) => {
                self.out.records_seen += 1;
                let at = self.error_offset(text, &e);
                self.record_error_at(index, at, format!("invalid JSON: {}", message(&e)))
            }
        }
    }

    fn record_text(&mut self, text: &str, index: usize) {
        self.enter(text);
        match serde_json::from_str::<RawRecord>(text) {
            Ok(r) => self.add_record(&r, index),
            Err(e) => {
                self.out.records_seen += 1;
                let at = self.error_offset(text, &e);
                self.record_error_at(index, at, format!("malformed record: {}", message(&e)))
            }
        }
    }
}

/// A short description of an unrecognised JSON value, for skip reasons.
fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(o) => {
            let keys: Vec<&str> = o.keys().take(5).map(|k| k.as_str()).collect();
            let keys: Vec<String> = keys.iter().map(|k| clip(k)).collect();
            format!(
                "object with keys [{}{}]",
                keys.join(", "),
                if o.len() > 5 { ", …" } else { "" }
            )
        }
        serde_json::Value::Array(a) => format!("array of {}", a.len()),
        other => format!("a JSON {}", if other.is_string() { "string" } else { "scalar" }),
    }
}

/// Clip a hostile string for an error message (the message may be shown in a terminal after sanitising).
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}
