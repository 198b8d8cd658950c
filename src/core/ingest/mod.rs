//! CloudTrail ingest: files and folders in, a [`crate::core::model::Store`] out.

/// The shape a file's content was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    S3Records,
    Array,
    JsonLines,
    LookupEvents,
    EventBridge,
    SingleRecord,
    Findings,
}

/// Counts and errors of one load.
#[derive(Clone, Debug, Default)]
pub struct IngestReport {}
