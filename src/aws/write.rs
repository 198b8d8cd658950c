//! Output into the case: CloudTrail records as S3-style `{"Records":[…]}` gzip files by account/region/day (record
//! text embedded verbatim), findings as `{"findings":[…]}` JSON, and `manifest.json` (what was asked, when, what
//! came back). Files are written atomically (temp file + rename) and merged with what an earlier fetch wrote, so
//! overlapping fetches neither lose nor duplicate records. Path components from API data are sanitised.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_json::value::RawValue;

use super::config::Context;
use super::errors::FetchError;
use super::{FetchRequest, FetchSummary};

/// `<case>/fetched/`.
pub(crate) struct OutDir {
    pub root: PathBuf,
}

impl OutDir {
    pub(crate) fn create(case_dir: &Path) -> Result<Self, FetchError> {
        let root = case_dir.join("fetched");
        std::fs::create_dir_all(&root).map_err(|e| FetchError::io(&root, e))?;
        Ok(Self { root })
    }

    /// Where checkpoints and spools of unfinished queries live.
    pub(crate) fn state_dir(&self) -> PathBuf {
        self.root.join(".state")
    }
}

/// Create the folder if needed, then write through `core::fsutil::write_atomic` (temporary file + rename, so a
/// crash never leaves a half-written file; only a regular file is replaced).
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    Ok(crate::core::fsutil::write_atomic(path, bytes)?)
}

/// A file-name component from API data: `[A-Za-z0-9._-]` kept, anything else `_`, never empty or dot-leading.
pub(crate) fn safe_component(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(128)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(0..1, "_");
    }
    if out.is_empty() {
        out.push_str("unknown");
    }
    out
}

/// A 12-digit account id, or `unknown`.
pub(crate) fn account_component(s: Option<&str>) -> String {
    match s {
        Some(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => a.to_string(),
        _ => "unknown".to_string(),
    }
}

/// One validated CloudTrail record: its verbatim text and what the file layout needs.
pub(crate) struct CtRecord {
    pub text: Box<RawValue>,
    pub account: String,
    pub epoch: i64,
    pub event_id: Option<String>,
}

impl CtRecord {
    /// Validate `text` as a JSON object; `fallback_epoch` (the API's `EventTime`) is used when the record's own
    /// `eventTime` is missing or unreadable.
    pub(crate) fn parse(text: &str, fallback_epoch: Option<i64>) -> Result<Self, String> {
        let raw: Box<RawValue> = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let v: Value = serde_json::from_str(raw.get()).map_err(|e| format!("not valid JSON: {e}"))?;
        let obj = v.as_object().ok_or("not a JSON object")?;
        let s = |k: &str| obj.get(k).and_then(Value::as_str);
        let account = s("recipientAccountId").or_else(|| {
            obj.get("userIdentity")
                .and_then(|u| u.get("accountId"))
                .and_then(Value::as_str)
        });
        let epoch = s("eventTime")
            .and_then(crate::core::time::parse_epoch)
            .or(fallback_epoch)
            .ok_or("no eventTime")?;
        Ok(Self {
            account: account_component(account),
            epoch,
            event_id: s("eventID").map(str::to_string),
            text: raw,
        })
    }
}

#[derive(serde::Deserialize)]
struct RecordsFile {
    #[serde(rename = "Records")]
    records: Vec<Box<RawValue>>,
}

/// Path of the day file for `account`/`region`/`epoch`, relative to `fetched/`. Stamped 23:59 of its day: a
/// CloudTrail name's stamp is a delivery time after every record in the file, which the load window's pruning
/// relies on (`core::ingest::window`); the day's last minute is covered by its early margin.
pub(crate) fn day_file(account: &str, region: &str, epoch: i64) -> PathBuf {
    let (y, m, d) = jiff::Timestamp::from_second(epoch)
        .map(|t| {
            let z = t.to_zoned_datetime(jiff::tz::TimeZone::UTC);
            (z.year(), z.month(), z.day())
        })
        .unwrap_or((1970, 1, 1));
    PathBuf::from(format!(
        "AWSLogs/{account}/CloudTrail/{region}/{y:04}/{m:02}/{d:02}/\
         {account}_CloudTrail_{region}_{y:04}{m:02}{d:02}T2359Z_lookup-events.json.gz"
    ))
}

/// Merge `records` into their day files under `out`. Returns (relative path, records in file) per file touched.
pub(crate) fn write_cloudtrail(
    out: &OutDir,
    region: &str,
    records: Vec<CtRecord>,
) -> std::io::Result<Vec<(PathBuf, usize)>> {
    let mut by_file: BTreeMap<PathBuf, Vec<CtRecord>> = BTreeMap::new();
    for r in records {
        by_file
            .entry(day_file(&r.account, region, r.epoch))
            .or_default()
            .push(r);
    }
    let mut written = Vec::new();
    for (rel, new) in by_file {
        let path = out.root.join(&rel);
        let mut all: Vec<CtRecord> = Vec::new();
        if path.exists() {
            for raw in read_records_gz(&path)? {
                // Our own earlier output: still re-validated, never trusted blindly.
                if let Ok(r) = CtRecord::parse(raw.get(), None) {
                    all.push(r);
                }
            }
        }
        let mut seen: HashSet<String> = HashSet::new();
        all.retain(|r| seen.insert(dedup_key(r)));
        for r in new {
            if seen.insert(dedup_key(&r)) {
                all.push(r);
            }
        }
        all.sort_by(|a, b| a.epoch.cmp(&b.epoch).then_with(|| a.event_id.cmp(&b.event_id)));
        let mut json = String::from("{\"Records\":[");
        for (i, r) in all.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(r.text.get());
        }
        json.push_str("]}");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(json.as_bytes())?;
        atomic_write(&path, &gz.finish()?)?;
        written.push((rel, all.len()));
    }
    Ok(written)
}

fn dedup_key(r: &CtRecord) -> String {
    match &r.event_id {
        Some(id) => format!("id:{id}"),
        None => format!("text:{}", r.text.get()),
    }
}

/// The records of an S3-style gzip file.
pub fn read_records_gz(path: &Path) -> std::io::Result<Vec<Box<RawValue>>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    let file: RecordsFile =
        serde_json::from_str(&text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    Ok(file.records)
}

/// Merge `findings` (objects with an `id`) into `{"findings":[…]}` at `out/rel`: a finding seen before is
/// replaced by the newer copy, others are kept. Returns the number of findings in the file.
pub(crate) fn write_findings(out: &OutDir, rel: &Path, findings: Vec<Value>) -> std::io::Result<usize> {
    let path = out.root.join(rel);
    let mut all: Vec<Value> = Vec::new();
    if let Ok(text) = std::fs::read_to_string(&path)
        && let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(&text)
        && let Some(Value::Array(old)) = obj.remove("findings")
    {
        all = old;
    }
    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_string);
    for f in findings {
        match id(&f).and_then(|fid| all.iter().position(|o| id(o).as_deref() == Some(&fid))) {
            Some(i) => all[i] = f,
            None => all.push(f),
        }
    }
    let n = all.len();
    let mut text =
        serde_json::to_string_pretty(&serde_json::json!({ "findings": all })).map_err(std::io::Error::other)?;
    text.push('\n');
    atomic_write(&path, text.as_bytes())?;
    Ok(n)
}

/// Append this run to `fetched/manifest.json` (`{"fetches":[…]}`, newest last). Never contains credentials: the
/// request's static credentials are not part of what is written, and messages are redacted at their source.
pub(crate) fn manifest(
    out: &OutDir,
    req: &FetchRequest,
    ctx: Option<(&Context, (i64, i64))>,
    started: jiff::Timestamp,
    summary: &mut FetchSummary,
) -> Result<(), FetchError> {
    let path = out.root.join("manifest.json");
    let (profile, regions, window) = match ctx {
        Some((c, w)) => (c.profile.clone(), c.regions.clone(), Some(w)),
        None => (
            req.profile.clone().unwrap_or_else(|| "default".into()),
            req.regions.clone(),
            req.window,
        ),
    };
    let run = serde_json::json!({
        "requested": {
            "profile": profile,
            "regions": regions,
            "window": window.map(|(f, t)| serde_json::json!({"from": crate::core::time::rfc3339(f), "to": crate::core::time::rfc3339(t)})),
            "services": req.services,
            "lookup": req.lookup.iter().map(|a| serde_json::json!({
                "key": a.key.to_string(), "value": a.value
            })).collect::<Vec<_>>(),
            "min_severity": req.min_severity,
            "endpoint_url": Context::endpoint_for_manifest(req.endpoint_url.as_deref()),
        },
        "started_at": started.to_string(),
        "finished_at": jiff::Timestamp::now().to_string(),
        "results": {
            "cloudtrail": summary.cloudtrail,
            "guardduty": summary.guardduty,
            "access_analyzer": summary.access_analyzer,
        },
        "notes": summary.notes,
        "errors": summary.errors,
        "fatal": summary.fatal,
    });
    let mut runs: Vec<Value> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|mut v| v.get_mut("fetches").map(Value::take))
        .and_then(|v| match v {
            Value::Array(a) => Some(a),
            _ => None,
        })
        .unwrap_or_default();
    runs.push(run);
    let mut text = serde_json::to_string_pretty(&serde_json::json!({ "fetches": runs }))
        .map_err(|e| FetchError::io(&path, std::io::Error::other(e)))?;
    text.push('\n');
    atomic_write(&path, text.as_bytes()).map_err(|e| FetchError::io(&path, e))?;
    summary.manifest = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_sanitised() {
        assert_eq!(safe_component("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(safe_component(""), "unknown");
        assert_eq!(account_component(Some("111122223333")), "111122223333");
        assert_eq!(account_component(Some("../1")), "unknown");
    }

    #[test]
    fn day_file_follows_the_s3_layout() {
        let t = crate::core::time::parse_epoch("2026-11-05T14:12:07Z").unwrap();
        assert_eq!(
            day_file("111122223333", "us-east-1", t),
            PathBuf::from(
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/05/\
                 111122223333_CloudTrail_us-east-1_20261105T2359Z_lookup-events.json.gz"
            )
        );
    }

    #[test]
    fn records_keep_their_text_and_bad_ones_are_rejected() {
        let text =
            r#"{"eventID":"e1", "eventTime":"2026-11-05T14:12:07Z","recipientAccountId":"111122223333","x":1.50}"#;
        let r = CtRecord::parse(text, None).unwrap();
        assert_eq!(r.text.get(), text);
        assert_eq!(r.account, "111122223333");
        assert!(CtRecord::parse("{\"eventID\":", Some(0)).is_err());
        assert!(CtRecord::parse("[1]", Some(0)).is_err());
    }

    #[test]
    fn day_files_merge_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::create(dir.path()).unwrap();
        let rec = |id: &str, t: &str| {
            CtRecord::parse(
                &format!(r#"{{"eventID":"{id}","eventTime":"{t}","recipientAccountId":"111122223333"}}"#),
                None,
            )
            .unwrap()
        };
        write_cloudtrail(&out, "us-east-1", vec![rec("b", "2026-11-05T10:00:00Z")]).unwrap();
        let w = write_cloudtrail(
            &out,
            "us-east-1",
            vec![rec("a", "2026-11-05T09:00:00Z"), rec("b", "2026-11-05T10:00:00Z")],
        )
        .unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].1, 2);
        let got = read_records_gz(&out.root.join(&w[0].0)).unwrap();
        assert!(got[0].get().contains("\"a\"") && got[1].get().contains("\"b\""));
    }
}
