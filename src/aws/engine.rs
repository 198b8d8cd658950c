//! What `super::plan_run` needs of a query engine, and nothing of either engine's API: start a query, poll its
//! state (bytes scanned, where its result file is), page its rows, stop it, and optionally stream its rows from a
//! result file. Amazon Athena (`super::athena`, with `super::athena_csv` for the file) and CloudTrail Lake
//! (`super::lake`) implement [`Engine`]; the tests' fake engines speak to them over HTTP.

use super::Service;
use crate::core::orgscale::plan::Query;

/// A query's state as the engine reports it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Polled {
    /// The engine's own word (`RUNNING`, `SUCCEEDED`, `FINISHED`, `TIMED_OUT`…), for the manifest.
    pub state: String,
    pub end: End,
    pub reason: Option<String>,
    pub bytes_scanned: u64,
    /// Where the engine writes the result file (Athena's `OutputLocation`, `s3://…/<query id>.csv`).
    pub output: Option<String>,
}

/// Where a query is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    Running,
    Succeeded,
    /// Failed, cancelled or timed out: it will give no rows.
    Failed,
}

/// One page of results: a value per selected column (`None` for null), and the token of the next page.
pub(crate) struct Page {
    pub rows: Vec<Vec<Option<String>>>,
    pub next: Option<String>,
}

/// Where the rows of a streamed read go ([`Engine::stream`]): turned into records as they arrive.
pub(crate) trait RowSink {
    /// The result is read again from its start (a read cut short): forget every row so far.
    fn restart(&mut self);
    /// One row, a value per selected column (`None` for null); an error stops the read and fails the query.
    fn row(&mut self, values: &[Option<&str>]) -> Result<(), String>;
}

/// Why a streamed read gave no rows.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// The engine has no result file to read (CloudTrail Lake): paged without a word.
    NotOffered(String),
    /// The file cannot be had for a reason pages avoid (no output location, access denied, not found, KMS):
    /// `--results auto` pages instead and says why.
    Unavailable(String),
    /// Anything else (a header that is not the query's columns, a broken file, retries exhausted): the query
    /// fails with this.
    Failed(String),
}

/// A query engine's calls. Errors are messages, already redacted and naming the IAM action where access was
/// denied (`super::errors::with_retry` makes them).
pub(crate) trait Engine: Sync {
    fn service(&self) -> Service;
    /// The folder under `fetched/` and the manifest's home.
    fn dir(&self) -> &'static str;
    /// Start `q`; `token` is stable for the same query and attempt.
    async fn start(&self, q: &Query, token: &str) -> Result<String, String>;
    async fn poll(&self, id: &str) -> Result<Polled, String>;
    /// Page `next` (`None`: the first) of the results of query `id`.
    async fn page(&self, id: &str, next: Option<String>) -> Result<Page, String>;
    async fn stop(&self, id: &str) -> Result<(), String>;
    /// Read every row of succeeded query `id` in one stream instead of pages (Athena: the CSV at `output`),
    /// handing each to `sink` as it arrives.
    async fn stream(&self, id: &str, output: Option<&str>, sink: &mut (dyn RowSink + Send)) -> Result<(), StreamError> {
        let _ = (id, output, sink);
        Err(StreamError::NotOffered(
            "this engine's results are read by pages".into(),
        ))
    }
}
