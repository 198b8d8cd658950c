//! Reading one record's raw text again for the detail view, from the file and index its event remembers.
//! Records are not kept in memory (that would double the footprint); files are small enough to re-read, and a
//! JSON-lines file of any size is read only up to the record's line.

use super::Format;
use super::budget::Budget;
use super::read::{ReadError, line_of, read_bytes};
use super::scan;
use crate::core::model::Store;
use rayon::prelude::*;

/// Why a record's raw text could not be read again.
#[derive(Debug, thiserror::Error)]
pub enum RawError {
    /// The event index is past the store's events.
    #[error("no such event")]
    NoSuchEvent,
    /// The event names a file the store does not list.
    #[error("no such file")]
    NoSuchFile,
    /// The file could not be read or decompressed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The file is no longer valid UTF-8 (it changed since it was loaded).
    #[error(transparent)]
    Utf8(#[from] std::str::Utf8Error),
    /// The file or record is no longer valid JSON (it changed since it was loaded).
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The record's index is past the file's records (it changed since it was loaded).
    #[error("record index out of range")]
    IndexOutOfRange,
    /// The record's JSON line holds several records and none has the event's id (or the event has none).
    #[error("the record's line holds {0} records and none has this event's eventID")]
    NotInLine(usize),
    /// A `lookup-events` entry without its `CloudTrailEvent` text.
    #[error("lookup-events entry without CloudTrailEvent")]
    NoCloudTrailEvent,
    /// The file holds findings or nothing recognisable (or no longer holds its records array).
    #[error("the file holds no CloudTrail records")]
    NoRecords,
}

/// The record behind `store.events[event]`, pretty-printed JSON. Records are found by the same cuts the lenient
/// parse makes (`scan`), so a record kept from a file with a bad byte elsewhere is found too.
pub fn raw_record(store: &Store, event: usize) -> Result<String, RawError> {
    let ev = store.events.get(event).ok_or(RawError::NoSuchEvent)?;
    let mut out = records_of_file(store, ev.locator.file, &[(ev.locator.index, event as u32)]);
    let (_, v) = out.pop().ok_or(RawError::IndexOutOfRange)?;
    Ok(serde_json::to_string_pretty(&v?)?)
}

/// The records behind many events (indexes into `store.events`), parsed: each file is read once however many of
/// its records are asked for (a JSON-lines file once per record, up to its line). What the rule engine reads for
/// the fields the store does not keep. The answer is in the order of `events`' files, then record order.
pub fn raw_values(store: &Store, events: &[u32]) -> Vec<(u32, Result<serde_json::Value, RawError>)> {
    let mut want: Vec<(u32, u32, u32)> = Vec::with_capacity(events.len());
    let mut out = Vec::new();
    for &e in events {
        match store.events.get(e as usize) {
            Some(ev) => want.push((ev.locator.file, ev.locator.index, e)),
            None => out.push((e, Err(RawError::NoSuchEvent))),
        }
    }
    want.sort_unstable();
    // One file per task: reading and decompressing is the cost, and files are independent.
    let files: Vec<&[(u32, u32, u32)]> = want.chunk_by(|a, b| a.0 == b.0).collect();
    let read: Vec<Vec<(u32, Result<serde_json::Value, RawError>)>> = files
        .par_iter()
        .map(|chunk| {
            let wanted: Vec<(u32, u32)> = chunk.iter().map(|w| (w.1, w.2)).collect();
            let mut values = records_of_file(store, chunk[0].0, &wanted).into_iter();
            chunk
                .iter()
                .map(|w| match values.next() {
                    Some((_, v)) => (w.2, v),
                    None => (w.2, Err(RawError::IndexOutOfRange)),
                })
                .collect()
        })
        .collect();
    out.extend(read.into_iter().flatten());
    out
}

/// The records at `wanted` (record index in the file, ascending; the event it is, for JSON lines that hold several
/// records) of one input file, parsed; one answer per index, in order. A file that cannot be read answers the same
/// error for each.
fn records_of_file(store: &Store, file: u32, wanted: &[(u32, u32)]) -> Vec<(u32, Result<serde_json::Value, RawError>)> {
    let indexes: Vec<u32> = wanted.iter().map(|w| w.0).collect();
    let indexes = &indexes[..];
    let all = |e: &dyn Fn() -> RawError| indexes.iter().map(|&i| (i, Err(e()))).collect();
    let Some(file) = store.files.get(file as usize) else {
        return all(&|| RawError::NoSuchFile);
    };
    let opts = super::LoadOptions::default();
    let budget = Budget::new(opts.read_budget);
    if file.format == Some(Format::JsonLines) {
        // JSON lines may be of any size: read up to each line.
        return wanted
            .iter()
            .map(|&(i, event)| {
                let id = store
                    .events
                    .get(event as usize)
                    .map(|ev| store.event_id_string(ev))
                    .unwrap_or_default();
                let v = line_of(&file.path, u64::from(i), &opts, &budget)
                    .map_err(RawError::from)
                    .and_then(|l| l.ok_or(RawError::IndexOutOfRange))
                    .and_then(|line| line_record(std::str::from_utf8(line.trim_ascii())?, &id));
                (i, v)
            })
            .collect();
    }
    let buf = match read_bytes(&file.path, &opts, &budget) {
        Ok((buf, _)) => buf,
        Err(e) => {
            let msg = e.to_string();
            return all(&|| RawError::Read(ReadError::Io(std::io::Error::other(msg.clone()))));
        }
    };
    let body = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf);
    let key: Option<&[u8]> = match file.format {
        Some(Format::S3Records) => Some(b"Records"),
        Some(Format::LookupEvents) => Some(b"Events"),
        _ => None,
    };
    let parts = match file.format {
        Some(Format::S3Records) | Some(Format::Array) | Some(Format::LookupEvents) => scan::record_array(body, key),
        _ => None,
    };
    indexes
        .iter()
        .map(|&i| {
            let item = || -> Result<&str, RawError> {
                let parts = parts.as_ref().ok_or(RawError::NoRecords)?;
                let range = parts.items.get(i as usize).ok_or(RawError::IndexOutOfRange)?;
                Ok(std::str::from_utf8(&body[range.clone()])?)
            };
            let v = match file.format {
                Some(Format::S3Records) => item().and_then(parse_record),
                Some(Format::Array) => item().and_then(element_record).and_then(|r| parse_record(&r)),
                Some(Format::LookupEvents) => item().and_then(parse_record).and_then(|v| {
                    v["CloudTrailEvent"]
                        .as_str()
                        .ok_or(RawError::NoCloudTrailEvent)
                        .and_then(parse_record)
                }),
                Some(Format::EventBridge) | Some(Format::SingleRecord) => std::str::from_utf8(body)
                    .map_err(RawError::from)
                    .and_then(|t| element_record(t.trim()))
                    .and_then(|r| parse_record(&r)),
                Some(Format::JsonLines) | Some(Format::Findings) | None => Err(RawError::NoRecords),
            };
            (i, v)
        })
        .collect()
}

fn parse_record(text: &str) -> Result<serde_json::Value, RawError> {
    Ok(serde_json::from_str(text)?)
}

/// The record on one JSON line: the line itself (or the record of its EventBridge envelope), or, when the line is a
/// whole S3 delivery document or `lookup-events` page (all its records carry the line's index), the one record with
/// the event's id. Without an id to tell them apart, a line of several records is an error, never a guess.
fn line_record(text: &str, event_id: &str) -> Result<serde_json::Value, RawError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let candidates: Vec<serde_json::Value> = if let Some(records) = v.get("Records").and_then(|r| r.as_array()) {
        records.clone()
    } else if let Some(events) = v.get("Events").and_then(|e| e.as_array()) {
        let texts = events.iter().map(|e| e.get("CloudTrailEvent").and_then(|t| t.as_str()));
        let texts: Option<Vec<&str>> = texts.collect();
        let texts = texts.ok_or(RawError::NoCloudTrailEvent)?;
        texts.into_iter().map(serde_json::from_str).collect::<Result<_, _>>()?
    } else {
        return Ok(serde_json::from_str(&element_record(text)?)?);
    };
    let same_id = |r: &&serde_json::Value| {
        r.get("eventID")
            .and_then(|i| i.as_str())
            .is_some_and(|i| !event_id.is_empty() && i.eq_ignore_ascii_case(event_id))
    };
    match candidates.as_slice() {
        [only] => Ok(only.clone()),
        many => many
            .iter()
            .find(same_id)
            .cloned()
            .ok_or(RawError::NotInLine(many.len())),
    }
}

/// An element is either a record or an EventBridge envelope around one.
fn element_record(text: &str) -> Result<String, RawError> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    if v.get("detail-type").is_some()
        && let Some(d) = v.get("detail")
    {
        return Ok(d.to_string());
    }
    Ok(text.to_string())
}
