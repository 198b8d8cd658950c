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
    let mut out = records_of_file(store, ev.locator.file, &[ev.locator.index]);
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
            let indexes: Vec<u32> = chunk.iter().map(|w| w.1).collect();
            let mut values = records_of_file(store, chunk[0].0, &indexes).into_iter();
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

/// The records at `indexes` (ascending) of one input file, parsed; one answer per index, in order. A file that
/// cannot be read answers the same error for each.
fn records_of_file(store: &Store, file: u32, indexes: &[u32]) -> Vec<(u32, Result<serde_json::Value, RawError>)> {
    let all = |e: &dyn Fn() -> RawError| indexes.iter().map(|&i| (i, Err(e()))).collect();
    let Some(file) = store.files.get(file as usize) else {
        return all(&|| RawError::NoSuchFile);
    };
    let opts = super::LoadOptions::default();
    let budget = Budget::new(opts.read_budget);
    if file.format == Some(Format::JsonLines) {
        // JSON lines may be of any size: read up to each line.
        return indexes
            .iter()
            .map(|&i| {
                let v = line_of(&file.path, u64::from(i), &opts, &budget)
                    .map_err(RawError::from)
                    .and_then(|l| l.ok_or(RawError::IndexOutOfRange))
                    .and_then(|line| parse_record(&element_record(std::str::from_utf8(line.trim_ascii())?)?));
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
