//! `GetObject` into the case's cache: the whole body is read, checked against the response's `Content-Length`
//! (a connection cut mid-body, or a proxy that truncates, must not leave a short copy that later reads as a
//! complete file), then written atomically (`core::fsutil::write_atomic`: temporary file + rename), so an
//! interrupted run leaves either the complete object or nothing, and the next run fetches only what is missing.
//! `SlowDown` and 5xx answers are retried inside the SDK; a truncated body is retried here.

use std::path::Path;

use aws_sdk_s3::Client;

use crate::aws::errors::{CallError, classify};

/// The largest object copied. A body is held whole until it is checked and written, `get_concurrency` at a time,
/// so this bounds memory; CloudTrail's log files (one region's events of a few minutes, gzip) stay far below it,
/// and a larger object under a trail prefix is not one of them.
pub const MAX_OBJECT_BYTES: u64 = 256 << 20;

/// The IAM action behind `GetObject`.
pub const GET_ACTION: &str = "s3:GetObject";

/// Why one object could not be had.
#[derive(Debug)]
pub enum GetError {
    /// The body ended before (or went past) the length the response announced, or the connection failed after
    /// the SDK's own retries: worth another try.
    Transient(String),
    /// Credentials are gone: stop everything.
    Halt(crate::aws::FetchError),
    /// Anything else (access denied, gone, the SDK's retries exhausted, the cache not writable).
    Failed(String),
}

/// Fetch `bucket`/`key` and write it to `dest`; returns the bytes written.
pub async fn get_to(client: &Client, profile: &str, bucket: &str, key: &str, dest: &Path) -> Result<u64, GetError> {
    let resp = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|err| match classify(&err, GET_ACTION, profile) {
            CallError::Halt(e) => GetError::Halt(e),
            CallError::Retryable(m) => GetError::Transient(format!("{m} (after the SDK's retries)")),
            CallError::Fatal(m) => GetError::Failed(m),
        })?;
    let announced = resp.content_length().and_then(|n| u64::try_from(n).ok());
    if announced.is_some_and(|n| n > MAX_OBJECT_BYTES) {
        return Err(GetError::Failed(format!(
            "larger than {} MiB: not a CloudTrail log file",
            MAX_OBJECT_BYTES >> 20
        )));
    }
    let body = resp.body.collect().await.map_err(|e| {
        GetError::Transient(format!(
            "the body ended early ({}){}",
            crate::aws::redact(&crate::aws::errors::chain(&e)),
            announced
                .map(|n| format!("; {n} bytes were announced"))
                .unwrap_or_default()
        ))
    })?;
    let bytes = body.into_bytes();
    let got = bytes.len() as u64;
    if let Some(n) = announced
        && n != got
    {
        return Err(GetError::Transient(format!(
            "truncated: Content-Length {n} bytes, received {got}"
        )));
    }
    // The write syncs the file and its folder to disk: on a blocking thread, so that the other transfers go on
    // meanwhile (on this task every transfer would wait for each sync in turn).
    let path = dest.to_path_buf();
    tokio::task::spawn_blocking(move || crate::aws::write::atomic_write(&path, &bytes))
        .await
        .map_err(|e| GetError::Failed(format!("cannot write {}: {e}", dest.display())))?
        .map_err(|e| GetError::Failed(format!("cannot write {}: {e}", dest.display())))?;
    Ok(got)
}
