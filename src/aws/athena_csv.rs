//! A succeeded Athena query's rows read from the CSV Athena wrote to its output location
//! (`s3://bucket/prefix/<query id>.csv`, `GetQueryExecution`'s `ResultConfiguration.OutputLocation`) with the
//! crate's S3 client (`super::s3::client`: the endpoint settings, path-style addressing behind an endpoint, the
//! SDK's retries of `SlowDown` and 5xx). The body is parsed as it arrives (`core::orgscale::result_csv`) and each
//! row handed on at once: the object is never held whole. Its header must be the query's column names, in order,
//! or the file is refused. A body cut short (fewer bytes than `Content-Length`, or the connection dropped) or a
//! retryable error after the SDK's own attempts reads the object again from its start — results are immutable —
//! after telling the sink to forget the rows it had, so no row is counted twice. Access denied, a missing object
//! or bucket, KMS errors and an empty object come back as [`StreamError::Unavailable`] (`--results auto` pages
//! instead). A bucket in another region is followed once (S3's `x-amz-bucket-region`). Facts relied on:
//! `docs/org-scale.md`.

use std::time::Duration;

use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::engine::{RowSink, StreamError};
use super::errors::{CallError, backoff, classify};
use super::s3::{GET_ACTION, S3Client};
use crate::core::case::remote::S3Url;
use crate::core::orgscale::result_csv::{CsvReader, ReadError};

/// What one read of the object came to.
enum Attempt {
    /// Every row was handed on.
    Done,
    /// Worth reading again from the start: why.
    Again(String),
    /// The bucket is in this region.
    Region(String),
    Stop(StreamError),
}

/// Whether a `GetObject` error is one that paging avoids: the caller may not read the result location (or its
/// KMS key), or the object is not there (a workgroup writing elsewhere, a lifecycle rule that removed it).
fn unavailable(code: &str, status: Option<u16>, message: &str) -> bool {
    matches!(
        code,
        "AccessDenied" | "AllAccessDisabled" | "NoSuchKey" | "NoSuchBucket" | "InvalidObjectState"
    ) || code.starts_with("KMS")
        || message.contains("KMS")
        || matches!(status, Some(403 | 404))
}

/// A name from the file, for a message: escaped and cut short (it is hostile input).
fn shown(name: Option<&str>) -> String {
    match name {
        Some(n) => format!(
            "\"{}\"",
            crate::core::text::visible(&n.chars().take(64).collect::<String>())
        ),
        None => "nothing".into(),
    }
}

/// The header must be exactly `columns`, in order.
fn check_header(found: &[Option<&str>], columns: &[String]) -> Result<(), String> {
    let at = (0..found.len().max(columns.len()))
        .find(|&i| found.get(i).copied().flatten() != columns.get(i).map(String::as_str));
    match at {
        None => Ok(()),
        Some(i) => Err(format!(
            "its header is not the query's columns ({} in the file, {} in the query): column {} is {} in the \
             file and {} in the query",
            found.len(),
            columns.len(),
            i + 1,
            shown(found.get(i).copied().flatten()),
            shown(columns.get(i).map(String::as_str)),
        )),
    }
}

/// Read the CSV at `url` (whose header must be `columns`) into `sink`, trying up to `attempts` times; `retry` is
/// told each time the object is read again (why, and the wait before it).
pub(crate) async fn read(
    s3: &S3Client,
    url: &str,
    columns: &[String],
    attempts: u32,
    base_backoff: Duration,
    retry: &(dyn Fn(String, Duration) + Send + Sync),
    sink: &mut (dyn RowSink + Send),
) -> Result<(), StreamError> {
    let loc = S3Url::parse(url).map_err(|e| StreamError::Unavailable(e.to_string()))?;
    if loc.prefix.is_empty() {
        return Err(StreamError::Unavailable(format!("{url} names no object")));
    }
    let mut s3 = s3.clone();
    let mut moved = false;
    let mut round = 0;
    loop {
        sink.restart();
        match attempt(&s3, &loc, columns, sink).await {
            Attempt::Done => return Ok(()),
            Attempt::Stop(e) => return Err(e),
            Attempt::Region(r) if !moved => {
                moved = true;
                s3 = s3.in_region(&r);
            }
            Attempt::Region(r) => {
                return Err(StreamError::Failed(format!(
                    "S3 sent the request for {url} to region {r} twice"
                )));
            }
            Attempt::Again(why) if round + 1 < attempts.max(1) => {
                let wait = backoff(base_backoff, round);
                retry(format!("{url}: {why}; reading it again from the start"), wait);
                tokio::time::sleep(wait).await;
                round += 1;
            }
            Attempt::Again(why) => {
                return Err(StreamError::Failed(format!("{url}: {why} ({attempts} tries)")));
            }
        }
    }
}

/// One read of the object from its first byte.
async fn attempt(s3: &S3Client, loc: &S3Url, columns: &[String], sink: &mut (dyn RowSink + Send)) -> Attempt {
    let resp = match s3.client.get_object().bucket(&loc.bucket).key(&loc.prefix).send().await {
        Ok(r) => r,
        Err(err) => {
            let raw = err.raw_response();
            let status = raw.map(|r| r.status().as_u16());
            let region = raw
                .and_then(|r| r.headers().get("x-amz-bucket-region"))
                .map(str::to_string)
                .filter(|r| crate::aws::config::valid_region(r) && *r != s3.region);
            if let Some(r) = region.filter(|_| matches!(status, Some(301 | 400))) {
                return Attempt::Region(r);
            }
            let (code, message) = (
                err.code().unwrap_or("").to_string(),
                err.message().unwrap_or("").to_string(),
            );
            return match classify(&err, GET_ACTION, &s3.profile) {
                CallError::Halt(e) => Attempt::Stop(StreamError::Failed(e.to_string())),
                CallError::Retryable(m) => Attempt::Again(format!("{m} (after the SDK's retries)")),
                CallError::Fatal(m) if unavailable(&code, status, &message) => {
                    Attempt::Stop(StreamError::Unavailable(m))
                }
                CallError::Fatal(m) => Attempt::Stop(StreamError::Failed(m)),
            };
        }
    };
    let announced = resp.content_length().and_then(|n| u64::try_from(n).ok());
    let mut body = resp.body;
    let mut parser = CsvReader::new();
    let mut header = false;
    let mut got = 0u64;
    let mut each = |values: &[Option<&str>]| -> Result<(), String> {
        if !header {
            header = true;
            return check_header(values, columns);
        }
        if values.len() != columns.len() {
            return Err(format!(
                "a row has {} values, the header {} columns",
                values.len(),
                columns.len()
            ));
        }
        sink.row(values)
    };
    let stop = |e: ReadError<String>| {
        Attempt::Stop(StreamError::Failed(match e {
            ReadError::Csv(e) => e.to_string(),
            ReadError::Stopped(m) => m,
        }))
    };
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => {
                got += bytes.len() as u64;
                if let Err(e) = parser.feed(&bytes, &mut each) {
                    return stop(e);
                }
            }
            Err(e) => {
                return Attempt::Again(format!(
                    "the body ended early after {got} bytes ({})",
                    crate::aws::redact(&super::errors::chain(&e))
                ));
            }
        }
    }
    if let Some(n) = announced
        && n != got
    {
        return Attempt::Again(format!("truncated: Content-Length {n} bytes, received {got}"));
    }
    if let Err(e) = parser.finish(&mut each) {
        return stop(e);
    }
    if !header {
        // Athena writes the header even for no rows; an empty object is not its CSV, and pages cost nothing here.
        return Attempt::Stop(StreamError::Unavailable(
            "the result CSV is empty (no header row)".into(),
        ));
    }
    Attempt::Done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_must_be_the_columns_in_order() {
        let cols = vec!["eventid".to_string(), "eventname".to_string()];
        assert!(check_header(&[Some("eventid"), Some("eventname")], &cols).is_ok());
        let swapped = check_header(&[Some("eventname"), Some("eventid")], &cols).unwrap_err();
        assert!(
            swapped.contains("column 1 is \"eventname\" in the file and \"eventid\""),
            "{swapped}"
        );
        let short = check_header(&[Some("eventid")], &cols).unwrap_err();
        assert!(short.contains("column 2 is nothing in the file"), "{short}");
        let hostile = check_header(&[Some("eventid"), Some("\u{1b}[2Jx\u{202e}\u{e0041}")], &cols).unwrap_err();
        assert!(!hostile.contains(['\u{1b}', '\u{202e}', '\u{e0041}']), "{hostile}");
    }

    #[test]
    fn what_pages_avoid_is_unavailable() {
        assert!(unavailable("AccessDenied", Some(403), "Access Denied"));
        assert!(unavailable("NoSuchKey", Some(404), ""));
        assert!(unavailable("KMS.DisabledException", Some(400), ""));
        assert!(unavailable(
            "InvalidArgument",
            Some(400),
            "The ciphertext refers to a KMS key"
        ));
        assert!(!unavailable("InternalError", Some(500), ""));
        assert!(!unavailable("InvalidRange", Some(416), ""));
    }
}
