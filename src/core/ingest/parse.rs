//! One file's bytes to a [`Batch`] of normalised events with file-local interning (runs on worker threads).
//!
//! Formats are recognised by content: `{"Records":[…]}` (S3 delivery; parsed in one pass straight into borrowed
//! records), bare arrays, JSON lines, `lookup-events` output, EventBridge envelopes, single records, CloudTrail
//! digest files (skipped), and findings (handed to `core::findings`). When the one-pass path meets a bad record
//! it falls back to record-by-record parsing so that exactly the bad records are reported and the rest are kept.

use super::fields::{assumption_of, intern_opt, resource_of};
use super::record::RawRecord;
use super::{Format, IngestError};
use crate::core::findings::{self, Finding, FindingsParse};
use crate::core::model::{
    AssumeKind, Assumption, Event, EventId, Identity, Interner, Mfa, RecordLocator, Sym, flags, parse_uuid,
};
use crate::core::time::parse_epoch;
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
    pub errors: Vec<IngestError>,
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
}

/// Parse a whole (already decompressed) file.
pub fn parse_buffer(path: &Path, file: u32, buf: &[u8]) -> FileOutcome {
    let mut ctx = Ctx {
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
            skipped: None,
            records_seen: 0,
        },
        identity_cache: HashMap::new(),
        missing_ids: 0,
    };
    let text = match std::str::from_utf8(buf) {
        Ok(t) => t.trim_start_matches('\u{feff}'),
        Err(e) => {
            ctx.file_error(format!("not UTF-8 text (byte {}): not a JSON file", e.valid_up_to()));
            return ctx.out;
        }
    };
    let trimmed = text.trim_start();
    match trimmed.as_bytes().first() {
        None => ctx.out.skipped = Some("empty file".into()),
        Some(b'{') => ctx.object_or_lines(trimmed),
        Some(b'[') => ctx.array(trimmed),
        Some(_) => ctx.file_error("not JSON (does not start with '{' or '[')".into()),
    }
    ctx.out
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
        self.out.errors.push(IngestError {
            path: self.path.to_path_buf(),
            index: None,
            reason,
        });
    }

    fn record_error(&mut self, index: usize, reason: String) {
        self.out.errors.push(IngestError {
            path: self.path.to_path_buf(),
            index: Some(index as u64),
            reason,
        });
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
            Err(e) => {
                // Undo what the stream added: the slower paths below read the file again record by record.
                self.out.batch.events.truncate(mark.0);
                self.out.batch.assumptions.truncate(mark.1);
                self.out.errors.truncate(mark.2);
                self.out.records_seen = seen;
                if e.is_syntax() && e.to_string().contains("trailing characters") {
                    return self.lines(text);
                }
            }
        }
        // Either not an S3 object, or one with a bad record somewhere: look at it as a value.
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                // A first line that parses alone means JSON lines whose first record is odd; else invalid.
                if text.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
                    return self.lines(text);
                }
                return self.file_error(format!("invalid JSON: {e}"));
            }
        };
        self.document(text, &value, 0);
    }

    /// One top-level document (a whole file, or one element/line) whose text and value are both at hand.
    fn document(&mut self, text: &str, value: &serde_json::Value, index: usize) {
        match shape_of(value) {
            Shape::S3 => {
                self.set_format(Format::S3Records);
                match serde_json::from_str::<S3DocRaw>(text) {
                    Ok(doc) => {
                        for (i, raw) in doc.records.iter().enumerate() {
                            self.record_text(raw.get(), i);
                        }
                    }
                    Err(e) => self.file_error(format!("\"Records\" is not an array of records: {e}")),
                }
            }
            Shape::Lookup => {
                self.set_format(Format::LookupEvents);
                match serde_json::from_str::<LookupEvents>(text) {
                    Ok(doc) => {
                        for (i, raw) in doc.events.iter().enumerate() {
                            match serde_json::from_str::<LookupEvent>(raw.get()) {
                                Ok(LookupEvent {
                                    cloudtrail_event: Some(s),
                                }) => self.record_text(&s, i),
                                Ok(_) => {
                                    self.out.records_seen += 1;
                                    self.record_error(i, "lookup-events entry has no CloudTrailEvent string".into())
                                }
                                Err(e) => {
                                    self.out.records_seen += 1;
                                    self.record_error(i, format!("lookup-events entry: {e}"))
                                }
                            }
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
            Err(e) => return self.file_error(format!("invalid JSON array: {e}")),
        };
        self.set_format(Format::Array);
        for (i, raw) in elements.iter().enumerate() {
            self.element(raw.get(), i);
        }
    }

    fn lines(&mut self, text: &str) {
        self.set_format(Format::JsonLines);
        for (i, line) in text.split('\n').enumerate() {
            let line = line.trim();
            if !line.is_empty() {
                self.element(line, i);
            }
        }
    }

    /// An element of an array or a JSON line: a record (fast), or any document.
    fn element(&mut self, text: &str, index: usize) {
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
                self.record_error(index, format!("invalid JSON: {e}"))
            }
        }
    }

    fn record_text(&mut self, text: &str, index: usize) {
        match serde_json::from_str::<RawRecord>(text) {
            Ok(r) => self.add_record(&r, index),
            Err(e) => {
                self.out.records_seen += 1;
                self.record_error(index, format!("malformed record: {e}"))
            }
        }
    }

    fn add_record(&mut self, r: &RawRecord, index: usize) {
        self.out.records_seen += 1;
        let Some(name) = r.event_name.as_deref() else {
            return self.record_error(index, "record has no eventName".into());
        };
        let Some(time_text) = r.event_time.as_deref() else {
            return self.record_error(index, "record has no eventTime".into());
        };
        let Some(time) = parse_epoch(time_text) else {
            return self.record_error(index, format!("eventTime {:?} is not a timestamp", clip(time_text)));
        };
        let b = &mut self.out.batch;
        let id = match r.event_id.as_deref() {
            Some(s) => match parse_uuid(s) {
                Some(u) => EventId::Uuid(u),
                None => EventId::Other(b.strings.intern(s)),
            },
            None => {
                self.missing_ids += 1;
                EventId::Missing(((self.file as u64) << 32) | self.missing_ids)
            }
        };
        let identity = match self.identity(r) {
            Ok(i) => i,
            Err(e) => return self.record_error(index, e),
        };
        let b = &mut self.out.batch;
        let mut fl = 0u8;
        if let Some(ro) = r.read_only.0 {
            fl |= flags::READ_ONLY_KNOWN;
            if ro {
                fl |= flags::READ_ONLY;
            }
        }
        if r.management_event.0 == Some(true) {
            fl |= flags::MANAGEMENT;
        }
        match r.event_category.as_deref() {
            Some("Data") => fl |= flags::DATA_EVENT,
            Some("Insight") => fl |= flags::INSIGHT,
            _ => {}
        }
        let recipient = r.recipient_account_id.as_deref().unwrap_or("");
        let source = r.event_source.as_deref().unwrap_or("");
        let resource = resource_of(r, source, recipient);
        let ev = Event {
            time,
            id,
            shared_event_id: intern_opt(&mut b.strings, r.shared_event_id.as_deref()),
            event_source: b.strings.intern(source),
            event_name: b.strings.intern(name),
            region: intern_opt(&mut b.strings, r.aws_region.as_deref()),
            recipient_account: b.strings.intern(recipient),
            source_ip: intern_opt(&mut b.strings, r.source_ip_address.as_deref()),
            user_agent: intern_opt(&mut b.strings, r.user_agent.as_deref()),
            error_code: intern_opt(&mut b.strings, r.error_code.as_deref()),
            resource: intern_opt(&mut b.strings, resource.as_deref()),
            identity,
            assumption: Event::NO_ASSUMPTION,
            event_type: r.event_type.as_deref().and_then(|t| t.parse().ok()).unwrap_or_default(),
            flags: fl,
            locator: RecordLocator {
                file: self.file,
                index: index as u32,
            },
        };
        let event_index = b.events.len() as u32;
        let mut ev = ev;
        if source == "sts.amazonaws.com"
            && let Ok(kind) = name.parse::<AssumeKind>()
        {
            ev.assumption = b.assumptions.len() as u32;
            let a = assumption_of(&mut b.strings, r, kind, event_index);
            b.assumptions.push(a);
        }
        b.events.push(ev);
    }

    /// The file-local identity index of the record's `userIdentity`, deduplicated by its exact JSON text.
    fn identity(&mut self, r: &RawRecord) -> Result<u32, String> {
        let raw = r.user_identity.map(|v| v.get()).unwrap_or("null");
        if let Some(&i) = self.identity_cache.get(raw) {
            return Ok(i);
        }
        let b = &mut self.out.batch;
        let id = if raw == "null" {
            Identity {
                creation_date: i64::MIN,
                ..Default::default()
            }
        } else {
            let ri: super::record::RawIdentity =
                serde_json::from_str(raw).map_err(|e| format!("malformed userIdentity: {e}"))?;
            let s = &mut b.strings;
            let sc = ri.session_context.get();
            let issuer = sc.and_then(|c| c.session_issuer.get());
            let attrs = sc.and_then(|c| c.attributes.get());
            let lstr = |s: &mut Interner, v: Option<&super::record::LStr>| intern_opt(s, v.and_then(|x| x.as_deref()));
            Identity {
                kind: ri.kind.as_deref().and_then(|k| k.parse().ok()).unwrap_or_default(),
                principal_id: intern_opt(s, ri.principal_id.as_deref()),
                arn: intern_opt(s, ri.arn.as_deref()),
                account_id: intern_opt(s, ri.account_id.as_deref()),
                access_key_id: intern_opt(s, ri.access_key_id.as_deref()),
                user_name: intern_opt(s, ri.user_name.as_deref()),
                invoked_by: intern_opt(s, ri.invoked_by.as_deref()),
                identity_provider: intern_opt(s, ri.identity_provider.as_deref()),
                issuer_type: lstr(s, issuer.map(|i| &i.kind)),
                issuer_principal_id: lstr(s, issuer.map(|i| &i.principal_id)),
                issuer_arn: lstr(s, issuer.map(|i| &i.arn)),
                issuer_account_id: lstr(s, issuer.map(|i| &i.account_id)),
                issuer_user_name: lstr(s, issuer.map(|i| &i.user_name)),
                mfa: match attrs.and_then(|a| a.mfa_authenticated.0) {
                    Some(true) => Mfa::Yes,
                    Some(false) => Mfa::No,
                    None => Mfa::Unknown,
                },
                creation_date: attrs
                    .and_then(|a| a.creation_date.as_deref())
                    .and_then(parse_epoch)
                    .unwrap_or(i64::MIN),
                source_identity: lstr(s, sc.map(|c| &c.source_identity)),
                on_behalf_of: lstr(s, ri.on_behalf_of.get().map(|o| &o.user_id)),
                credential_id: intern_opt(s, ri.credential_id.as_deref()),
                session_name: match (
                    ri.kind.as_deref(),
                    ri.principal_id.as_deref().and_then(|p| p.split_once(':')),
                ) {
                    (Some("AssumedRole" | "FederatedUser"), Some((_, name))) => s.intern(name),
                    _ => Sym::NONE,
                },
            }
        };
        let idx = b.identities.len() as u32;
        b.identities.push(id);
        self.identity_cache.insert(raw.into(), idx);
        Ok(idx)
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
