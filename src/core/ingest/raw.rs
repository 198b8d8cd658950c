//! Reading one record's raw text again for the detail view, from the file and index its event remembers.
//! Records are not kept in memory (that would double the footprint); files are small enough to re-read.

use super::Format;
use super::read::read_bytes;
use crate::core::model::Store;
use serde::Deserialize;
use serde_json::value::RawValue;

/// The record behind `store.events[event]`, pretty-printed JSON.
pub fn raw_record(store: &Store, event: usize) -> Result<String, String> {
    let ev = store.events.get(event).ok_or("no such event")?;
    let file = store.files.get(ev.locator.file as usize).ok_or("no such file")?;
    let (buf, _) = read_bytes(&file.path, &super::LoadOptions::default())?;
    let text = std::str::from_utf8(&buf)
        .map_err(|e| e.to_string())?
        .trim_start_matches('\u{feff}');
    let idx = ev.locator.index as usize;
    let record: String = match file.format {
        Some(Format::S3Records) => {
            #[derive(Deserialize)]
            struct D<'a> {
                #[serde(borrow, rename = "Records")]
                records: Vec<&'a RawValue>,
            }
            let d: D = serde_json::from_str(text).map_err(|e| e.to_string())?;
            d.records.get(idx).ok_or("record index out of range")?.get().to_string()
        }
        Some(Format::Array) => {
            let d: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| e.to_string())?;
            element_record(d.get(idx).ok_or("record index out of range")?.get())?
        }
        Some(Format::JsonLines) => element_record(text.split('\n').nth(idx).ok_or("line out of range")?.trim())?,
        Some(Format::LookupEvents) => {
            let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            v["Events"][idx]["CloudTrailEvent"]
                .as_str()
                .ok_or("lookup-events entry without CloudTrailEvent")?
                .to_string()
        }
        Some(Format::EventBridge) | Some(Format::SingleRecord) => element_record(text.trim())?,
        Some(Format::Findings) | None => return Err("the file holds no CloudTrail records".into()),
    };
    let v: serde_json::Value = serde_json::from_str(&record).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&v).map_err(|e| e.to_string())
}

/// An element is either a record or an EventBridge envelope around one.
fn element_record(text: &str) -> Result<String, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if v.get("detail-type").is_some()
        && let Some(d) = v.get("detail")
    {
        return Ok(d.to_string());
    }
    Ok(text.to_string())
}
