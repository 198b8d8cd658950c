//! Reading one record's raw text again for the detail view, from the file and index its event remembers.
//! Records are not kept in memory (that would double the footprint); files are small enough to re-read, and a
//! JSON-lines file of any size is read only up to the record's line.

use super::Format;
use super::budget::Budget;
use super::read::{ReadError, line_of, read_bytes};
use super::scan;
use crate::core::model::Store;

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
    let file = store.files.get(ev.locator.file as usize).ok_or(RawError::NoSuchFile)?;
    let opts = super::LoadOptions::default();
    let budget = Budget::new(opts.read_budget);
    if file.format == Some(Format::JsonLines) {
        // JSON lines may be of any size: read up to the one line.
        let line =
            line_of(&file.path, u64::from(ev.locator.index), &opts, &budget)?.ok_or(RawError::IndexOutOfRange)?;
        let v = line_record(std::str::from_utf8(line.trim_ascii())?, &store.event_id_string(ev))?;
        return Ok(serde_json::to_string_pretty(&v)?);
    }
    let (buf, _) = read_bytes(&file.path, &opts, &budget)?;
    let body = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf);
    let idx = ev.locator.index as usize;
    let item = |key: Option<&[u8]>| -> Result<&str, RawError> {
        let parts = scan::record_array(body, key).ok_or(RawError::NoRecords)?;
        let range = parts.items.get(idx).ok_or(RawError::IndexOutOfRange)?;
        Ok(std::str::from_utf8(&body[range.clone()])?)
    };
    let record: String = match file.format {
        Some(Format::S3Records) => item(Some(b"Records"))?.to_string(),
        Some(Format::Array) => element_record(item(None)?)?,
        Some(Format::JsonLines) => return Err(RawError::NoRecords),
        Some(Format::LookupEvents) => {
            let v: serde_json::Value = serde_json::from_str(item(Some(b"Events"))?)?;
            v["CloudTrailEvent"]
                .as_str()
                .ok_or(RawError::NoCloudTrailEvent)?
                .to_string()
        }
        Some(Format::EventBridge) | Some(Format::SingleRecord) => element_record(std::str::from_utf8(body)?.trim())?,
        Some(Format::Findings) | None => return Err(RawError::NoRecords),
    };
    let v: serde_json::Value = serde_json::from_str(&record)?;
    Ok(serde_json::to_string_pretty(&v)?)
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
