//! Where loaded data came from: the shape each input file was recognised as, and the report of a load (counts,
//! bad files and records with path, index and reason, files skipped on purpose).
//!
//! Plain data that the [`Store`](crate::core::model::Store) carries. `core::ingest` fills it in and depends on
//! it; the model does not depend on ingest.

use std::path::PathBuf;

/// The shape a file's content was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `{"Records":[…]}` as CloudTrail delivers to S3.
    S3Records,
    /// A bare JSON array of records (or envelopes, or findings).
    Array,
    /// One JSON object per line.
    JsonLines,
    /// `aws cloudtrail lookup-events` output.
    LookupEvents,
    /// One EventBridge "AWS API Call via CloudTrail" envelope.
    EventBridge,
    /// One bare CloudTrail record.
    SingleRecord,
    /// A GuardDuty or Access Analyzer findings document (any of their forms).
    Findings,
}

/// A bad file or record: reported, counted and skipped.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IngestError {
    /// The file the problem is in.
    pub path: PathBuf,
    /// 0-based record index within the file (array element, JSON line number, `Records` index); none for
    /// whole-file problems.
    pub index: Option<u64>,
    /// Byte offset in the (decompressed) file of the problem — the bad byte, or where the bad record starts —
    /// when it is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What is wrong, in words.
    pub reason: String,
}

/// A file skipped on purpose (digest file, JSON that is neither CloudTrail nor findings, empty).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkippedFile {
    /// The file skipped.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: String,
}

/// Counts and problems of one load.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IngestReport {
    /// Input files found.
    pub files_total: u64,
    /// Input files read and parsed (found minus unreadable).
    pub files_read: u64,
    /// Size of the files read, as stored on disk (compressed size for gzip files).
    pub bytes_read: u64,
    /// Records recognised as CloudTrail (good or bad).
    pub records_seen: u64,
    /// Records parsed into events (before de-duplication).
    pub records: u64,
    /// Records dropped because their eventID was already loaded.
    pub duplicates: u64,
    /// Findings read (before de-duplication).
    pub findings: u64,
    /// The first [`MAX_ERRORS_KEPT`] bad files and records, in input order.
    pub errors: Vec<IngestError>,
    /// Errors beyond the first [`MAX_ERRORS_KEPT`] are only counted here.
    pub errors_total: u64,
    /// Files skipped on purpose.
    pub skipped: Vec<SkippedFile>,
    /// CloudTrail S3-layout files not read because their delivery time (with the slack) is outside the load window.
    pub files_pruned_by_date: u64,
    /// … because they are another region's.
    pub files_pruned_by_region: u64,
    /// … because they are another account's.
    pub files_pruned_by_account: u64,
    /// Records read but outside the load window (time, account or region), dropped.
    pub records_outside_window: u64,
    /// What the case index did (`built`, `reused`, `3 new files added`, `rebuilt: <why>`, and any problem writing
    /// it); `None` without a case.
    #[serde(default)]
    pub index: Option<String>,
}

/// Errors kept verbatim per load; the rest are counted.
pub const MAX_ERRORS_KEPT: usize = 10_000;
