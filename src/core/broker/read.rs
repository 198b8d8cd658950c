//! Reading a broker's request log: one file, any of the supported exports (`docs/brokers.md` §3), every record
//! turned into a [`Request`] or reported with its path, index and reason and skipped — never fatal.
//!
//! Containers: a JSON array of objects; a DynamoDB `scan` output (`{"Items": [...]}`) or export lines
//! (`{"Item": {...}}`, typed attribute values such as `{"S": "…"}` unwrapped); JSON lines; CSV with a header row.
//! The export is recognised per record by its field names, so one file may even mix them. The log is outside
//! input: the file is read only when regular, at most [`MAX_LOG_BYTES`] decompressed, and every field is bounded.

use super::request::{LogFormat, Request, RequestSource, RequestStatus};
use crate::core::provenance::{IngestError, MAX_ERRORS_KEPT};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest request log read (decompressed): far above any real broker's table, far below memory trouble.
pub const MAX_LOG_BYTES: u64 = 64 << 20;
/// Longest field kept; a longer one makes its record bad (a request field that long is not a request).
pub const MAX_FIELD_BYTES: usize = 4096;
/// Longest approved window believed: a year (brokers grant hours).
const MAX_WINDOW_SECONDS: i64 = 366 * 86_400;

/// What one log file gave: its requests, and the records (or the file) that could not be read.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LogRead {
    /// Requests read, in file order.
    pub requests: Vec<Request>,
    /// Bad records (at most [`MAX_ERRORS_KEPT`]) and whole-file problems.
    pub errors: Vec<IngestError>,
    /// Bad records past those kept, only counted.
    pub errors_dropped: u64,
}

impl LogRead {
    fn error(&mut self, path: &Path, index: Option<u64>, reason: String) {
        if self.errors.len() < MAX_ERRORS_KEPT {
            self.errors.push(IngestError {
                path: path.to_path_buf(),
                index,
                offset: None,
                reason,
            });
        } else {
            self.errors_dropped += 1;
        }
    }
}

/// Read the request log at `path`.
pub fn read_log(path: &Path) -> LogRead {
    let mut out = LogRead::default();
    match crate::core::ingest::read_side_file(path, MAX_LOG_BYTES) {
        Ok(bytes) => read_bytes(path, &bytes, &mut out),
        Err(e) => out.error(path, None, e.to_string()),
    }
    out
}

/// Read a request log already in memory (`path` names it in reports).
pub fn read_bytes(path: &Path, bytes: &[u8], out: &mut LogRead) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.error(path, None, "not UTF-8 text (JSON or CSV expected)".into());
        return;
    };
    let text = text.trim_start_matches('\u{feff}');
    let records = match text.trim_start().as_bytes().first() {
        None => return,
        Some(b'[' | b'{') => json_records(path, text, out),
        Some(_) => csv_records(path, text, out),
    };
    for (index, fields) in records {
        match request(&fields, path, index) {
            Ok(r) => out.requests.push(r),
            Err(reason) => out.error(path, Some(index), reason),
        }
    }
}

/// A record's fields as text, by name.
type Fields = BTreeMap<String, String>;

fn json_records(path: &Path, text: &str, out: &mut LogRead) -> Vec<(u64, Fields)> {
    let whole = serde_json::from_str::<Value>(text);
    let items: Vec<Value> = match whole {
        Ok(Value::Array(v)) => v,
        Ok(Value::Object(mut o)) => match o.remove("Items") {
            Some(Value::Array(v)) => v,
            _ => vec![Value::Object(o)],
        },
        Ok(_) => {
            out.error(
                path,
                None,
                "JSON that is neither an object nor an array of requests".into(),
            );
            return Vec::new();
        }
        // Not one JSON value: JSON lines (a DynamoDB export to S3 is one `{"Item": …}` per line).
        Err(_) => {
            let mut v = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(x) => v.push((i as u64, x)),
                    Err(e) => out.error(path, Some(i as u64), format!("not JSON: {e}")),
                }
            }
            return v
                .into_iter()
                .filter_map(|(i, x)| fields_of(path, i, x, out).map(|f| (i, f)))
                .collect();
        }
    };
    items
        .into_iter()
        .enumerate()
        .filter_map(|(i, x)| fields_of(path, i as u64, x, out).map(|f| (i as u64, f)))
        .collect()
}

/// The record's fields, DynamoDB's typed values and `Item` wrapper unwrapped; `None` (reported) when it is not
/// an object.
fn fields_of(path: &Path, index: u64, v: Value, out: &mut LogRead) -> Option<Fields> {
    let obj = match v {
        Value::Object(mut o) if o.len() == 1 && o.contains_key("Item") => match o.remove("Item") {
            Some(Value::Object(inner)) => inner,
            _ => {
                out.error(path, Some(index), "an \"Item\" that is not an object".into());
                return None;
            }
        },
        Value::Object(o) => o,
        _ => {
            out.error(path, Some(index), "a record that is not a JSON object".into());
            return None;
        }
    };
    Some(
        obj.into_iter()
            .filter_map(|(k, v)| text_of(v).map(|t| (k, t)))
            .collect(),
    )
}

/// A JSON value as text: strings as they are, numbers and booleans written out, lists joined with ", ",
/// DynamoDB attribute values (`{"S": …}`, `{"N": …}`, `{"L": […]}`, `{"SS": […]}`…) unwrapped; null is absent.
fn text_of(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items.into_iter().filter_map(text_of).collect();
            Some(parts.join(", "))
        }
        Value::Object(mut o) if o.len() == 1 => {
            let (k, inner) = o.iter_mut().next().map(|(k, v)| (k.clone(), v.take()))?;
            match k.as_str() {
                "S" | "N" | "BOOL" | "SS" | "NS" | "L" => text_of(inner),
                "NULL" => None,
                _ => None,
            }
        }
        Value::Object(_) => None,
    }
}

fn csv_records(path: &Path, text: &str, out: &mut LogRead) -> Vec<(u64, Fields)> {
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rd.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            out.error(path, None, format!("not CSV: {e}"));
            return Vec::new();
        }
    };
    let mut v = Vec::new();
    for (i, row) in rd.records().enumerate() {
        match row {
            Ok(row) => v.push((
                i as u64,
                headers
                    .iter()
                    .zip(row.iter())
                    .filter(|(_, val)| !val.is_empty())
                    .map(|(h, val)| (h.clone(), val.to_string()))
                    .collect(),
            )),
            Err(e) => out.error(path, Some(i as u64), format!("bad CSV row: {e}")),
        }
    }
    v
}

/// Which export a record is, by its field names.
fn format_of(f: &Fields) -> LogFormat {
    if f.contains_key("request_status") || f.contains_key("request_role") {
        LogFormat::ReferenceBroker
    } else if f.contains_key("accountId") && f.contains_key("startTime") {
        LogFormat::Team
    } else {
        LogFormat::Trailhound
    }
}

fn request(f: &Fields, path: &Path, index: u64) -> Result<Request, String> {
    if let Some((k, v)) = f.iter().find(|(_, v)| v.len() > MAX_FIELD_BYTES) {
        return Err(format!("field {k:?} is {} bytes (limit {MAX_FIELD_BYTES})", v.len()));
    }
    let format = format_of(f);
    // Free text (justification, approver…) is kept as written; identity fields and times are trimmed below.
    let get = |k: &str| f.get(k).filter(|s| !s.trim().is_empty()).cloned();
    let need = |k: &str| get(k).ok_or_else(|| format!("{format} record without {k:?}"));
    let source = RequestSource {
        path: PathBuf::from(path),
        index,
    };
    let (id, status_word, requester, aliases, account, role, start, end, approver, justification, ticket) = match format
    {
        LogFormat::Trailhound => {
            let start = time(&need("start")?, "start")?;
            let end = match (get("end"), get("duration_minutes")) {
                (Some(e), _) => time(&e, "end")?,
                (None, Some(d)) => start + duration(&d, 60.0, "duration_minutes")?,
                (None, None) => return Err("trailhound record without \"end\" or \"duration_minutes\"".into()),
            };
            (
                get("id"),
                need("status")?,
                need("requester")?,
                Vec::new(),
                need("account")?,
                need("role")?,
                start,
                end,
                get("approver"),
                get("justification"),
                get("ticket"),
            )
        }
        LogFormat::ReferenceBroker => {
            let status_word = need("request_status")?;
            let minutes = duration(&need("request_duration")?, 60.0, "request_duration")?;
            // Approved: the window runs from the review (approval) to expiration_time, as the broker computes it.
            let granted = RequestStatus::from_word(&status_word).granted();
            let start = match (granted, get("review_time")) {
                (true, Some(t)) => time(&t, "review_time")?,
                _ => time(&need("request_time")?, "request_time")?,
            };
            let end = match (granted, get("expiration_time")) {
                (true, Some(t)) => time(&t, "expiration_time")?,
                _ => start + minutes,
            };
            (
                get("id"),
                status_word,
                need("requester")?,
                Vec::new(),
                need("request_account")?,
                need("request_role")?,
                start,
                end,
                get("reviewer"),
                get("request_justification"),
                None,
            )
        }
        LogFormat::Team => {
            let start = time(&need("startTime")?, "startTime")?;
            let end = match (get("endTime"), get("duration")) {
                (Some(e), _) => time(&e, "endTime")?,
                (None, Some(d)) => start + duration(&d, 3600.0, "duration")?,
                (None, None) => return Err("team record without \"endTime\" or \"duration\"".into()),
            };
            let email = get("email");
            let username = get("username");
            let requester = email
                .clone()
                .or(username.clone())
                .ok_or("team record without \"email\" or \"username\"")?;
            let aliases = username.into_iter().filter(|u| Some(u) != email.as_ref()).collect();
            (
                get("id"),
                need("status")?,
                requester,
                aliases,
                need("accountId")?,
                need("role")?,
                start,
                end,
                get("approver").or(get("approvers")),
                get("justification"),
                get("ticketNo"),
            )
        }
    };
    let (requester, account, role) = (
        requester.trim().to_string(),
        account.trim().to_string(),
        role.trim().to_string(),
    );
    if !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!("account {account:?} is not a 12-digit account id"));
    }
    let role = match role.strip_prefix("arn:") {
        Some(_) => role.rsplit('/').next().unwrap_or(&role).to_string(),
        None => role,
    };
    if role.is_empty() {
        return Err("empty role".into());
    }
    if end <= start {
        return Err("the window ends before it starts".into());
    }
    if end - start > MAX_WINDOW_SECONDS {
        return Err("a window longer than a year".into());
    }
    Ok(Request {
        id,
        format,
        source,
        status: RequestStatus::from_word(&status_word),
        status_word,
        requester,
        requester_aliases: aliases,
        account,
        role,
        start,
        end,
        approver,
        justification,
        ticket,
    })
}

/// A duration in `unit` seconds (minutes: 60, hours: 3600), positive and at most a year.
fn duration(s: &str, unit: f64, field: &str) -> Result<i64, String> {
    let n: f64 = s.trim().parse().map_err(|_| format!("{field} {s:?} is not a number"))?;
    let secs = n * unit;
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_WINDOW_SECONDS as f64 {
        return Err(format!("{field} {s:?} is not a positive duration of at most a year"));
    }
    Ok(secs.round() as i64)
}

/// A time: RFC 3339 (no offset: UTC), or the reference broker's `MM/DD/YY HH:MM:SS` (Python's `%x %X` in the C
/// locale, Lambda's clock in UTC; `docs/brokers.md` §3.1).
fn time(s: &str, field: &str) -> Result<i64, String> {
    let s = s.trim();
    crate::core::time::parse_epoch(s)
        .or_else(|| python_x_x(s))
        .ok_or_else(|| format!("{field} {s:?} is not a time (RFC 3339 or MM/DD/YY HH:MM:SS)"))
}

fn python_x_x(s: &str) -> Option<i64> {
    let (date, clock) = s.trim().split_once(' ')?;
    let d: Vec<&str> = date.split('/').collect();
    let c: Vec<&str> = clock.trim().split(':').collect();
    let num = |x: &str, max: i64| -> Option<i64> {
        (x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
            .filter(|&v| v <= max)
    };
    let [mo, da, yy] = d.as_slice() else { return None };
    let [h, mi, se] = c.as_slice() else { return None };
    let (mo, da, yy) = (num(mo, 12)?, num(da, 31)?, num(yy, 99)?);
    let (h, mi, se) = (num(h, 23)?, num(mi, 59)?, num(se, 59)?);
    // Python's %y: 69–99 are 1969–1999, 00–68 are 2000–2068.
    let year = if yy >= 69 { 1900 + yy } else { 2000 + yy };
    crate::core::time::parse_epoch(&format!("{year:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{se:02}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> LogRead {
        let mut out = LogRead::default();
        read_bytes(Path::new("log"), text.as_bytes(), &mut out);
        out
    }

    #[test]
    fn reference_broker_times_are_python_x_x_in_utc() {
        assert_eq!(
            python_x_x("11/05/26 09:00:00"),
            crate::core::time::parse_epoch("2026-11-05T09:00:00Z")
        );
        assert_eq!(python_x_x("02/30/26 09:00:00"), None);
        assert_eq!(python_x_x("11/05/2026 09:00:00"), None);
    }

    #[test]
    fn dynamodb_scan_output_is_unwrapped() {
        let r = read(
            r#"{"Items":[{"id":{"S":"a#1"},"requester":{"S":"alice@example.com"},"request_account":{"S":"111122223333"},
            "request_role":{"S":"Admin"},"request_duration":{"N":"60"},"request_status":{"S":"Approved"},
            "request_time":{"S":"11/05/26 08:55:00"},"review_time":{"S":"11/05/26 09:00:00"},
            "expiration_time":{"S":"11/05/26 10:00:00"},"reviewer":{"S":"bob@example.com"},
            "request_justification":{"S":"INC-1"}}],"Count":1}"#,
        );
        assert_eq!(r.errors, vec![]);
        let q = &r.requests[0];
        assert_eq!(q.format, LogFormat::ReferenceBroker);
        assert_eq!((q.end - q.start), 3600);
        assert_eq!(q.approver.as_deref(), Some("bob@example.com"));
    }

    #[test]
    fn bad_records_are_reported_with_their_index_and_skipped() {
        let r = read(
            "requester,account,role,start,duration_minutes,status\n\
             alice@example.com,111122223333,Admin,2026-11-05T09:00:00Z,60,approved\n\
             bob@example.com,not-an-account,Admin,2026-11-05T09:00:00Z,60,approved\n\
             carol@example.com,111122223333,Admin,yesterday,60,approved\n\
             dave@example.com,111122223333,Admin,2026-11-05T09:00:00Z,-5,approved\n",
        );
        assert_eq!(r.requests.len(), 1);
        let idx: Vec<Option<u64>> = r.errors.iter().map(|e| e.index).collect();
        assert_eq!(idx, vec![Some(1), Some(2), Some(3)]);
        assert!(r.errors[0].reason.contains("12-digit"), "{}", r.errors[0].reason);
    }

    /// Every prefix and every single-byte corruption of real-shaped logs reads without a panic, and whatever it
    /// yields is a valid request (12-digit account, a window that ends after it starts).
    #[test]
    fn truncated_and_corrupted_logs_never_panic() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broker/logs");
        for name in ["reference-broker-scan.json", "team-approvals.csv"] {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            let mut inputs: Vec<Vec<u8>> = (0..bytes.len()).map(|n| bytes[..n].to_vec()).collect();
            for (i, b) in [b'"', b',', b'\n', b'{', 0xff, b'9'].into_iter().enumerate() {
                for at in (i..bytes.len()).step_by(7) {
                    let mut v = bytes.clone();
                    v[at] = b;
                    inputs.push(v);
                }
            }
            for input in inputs {
                let mut out = LogRead::default();
                read_bytes(Path::new(name), &input, &mut out);
                for r in &out.requests {
                    assert!(r.account.len() == 12 && r.end > r.start, "{r:?}");
                }
            }
        }
    }

    #[test]
    fn oversized_fields_make_a_record_bad() {
        let long = "x".repeat(MAX_FIELD_BYTES + 1);
        let r = read(&format!(
            r#"[{{"requester":"a@b.c","account":"111122223333","role":"Admin","start":"2026-11-05T09:00:00Z","duration_minutes":60,"status":"approved","justification":"{long}"}}]"#
        ));
        assert!(r.requests.is_empty());
        assert!(r.errors[0].reason.contains("justification"));
    }
}
