//! The ingest summary (`trailhound ingest`): counts by account, region, identity type and event source, the
//! time range, and what went wrong.

use super::{IngestError, SkippedFile};
use crate::core::model::Store;
use crate::core::time::rfc3339;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// What was loaded, counted: `trailhound ingest --json`.
#[derive(Serialize, Debug)]
pub struct Summary {
    /// Input files read.
    pub files: u64,
    /// Size of the files read, as stored on disk (compressed size for gzip files).
    pub bytes: u64,
    /// CloudTrail records parsed (before de-duplication).
    pub records: u64,
    /// Records dropped because their eventID was already loaded.
    pub duplicates: u64,
    /// Events kept.
    pub events: u64,
    /// Events after merging the per-account copies of one action (same `sharedEventID`).
    pub actions: u64,
    /// Findings kept (after de-duplication).
    pub findings: u64,
    /// Events per `recipientAccountId`.
    pub by_account: BTreeMap<String, u64>,
    /// Events per `awsRegion`.
    pub by_region: BTreeMap<String, u64>,
    /// Events per `userIdentity.type`.
    pub by_identity_type: BTreeMap<String, u64>,
    /// Events per `eventSource`.
    pub by_event_source: BTreeMap<String, u64>,
    /// First and last event time; `None` without events.
    pub time_range: Option<TimeRange>,
    /// Bad files and records, all of them (not only those kept in `errors`).
    pub errors_total: u64,
    /// The bad files and records kept verbatim (at most `MAX_ERRORS_KEPT`).
    pub errors: Vec<IngestError>,
    /// Files skipped on purpose.
    pub skipped: Vec<SkippedFile>,
    /// What a load window kept out (present only when it kept something out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowSummary>,
    /// What the case index did (`--case`): `built`, `reused`, `N new files added` or `rebuilt: <why>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
}

/// Files not read and records dropped by a load window (`--from/--to/--account/--region`).
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct WindowSummary {
    /// S3-layout files delivered outside the window (with the late-delivery slack).
    pub files_pruned_by_date: u64,
    /// S3-layout files of other regions.
    pub files_pruned_by_region: u64,
    /// S3-layout files of other accounts.
    pub files_pruned_by_account: u64,
    /// Records read but outside the window.
    pub records_outside_window: u64,
}

#[derive(Serialize, Debug)]
pub struct TimeRange {
    pub from: String,
    pub to: String,
}

/// Count what `store` holds.
pub fn summarize(store: &Store) -> Summary {
    let r = &store.report;
    let mut by_account = BTreeMap::new();
    let mut by_region = BTreeMap::new();
    let mut by_type = BTreeMap::new();
    let mut by_source = BTreeMap::new();
    let mut shared = HashSet::new();
    let mut actions = 0u64;
    let name = |s| {
        let v = store.s(s);
        if v.is_empty() {
            "(none)".to_string()
        } else {
            v.to_string()
        }
    };
    // Count by symbol first, resolve names once.
    let mut acc = BTreeMap::<u32, u64>::new();
    let mut reg = BTreeMap::<u32, u64>::new();
    let mut src = BTreeMap::<u32, u64>::new();
    for e in &store.events {
        *acc.entry(e.recipient_account.0).or_default() += 1;
        *reg.entry(e.region.0).or_default() += 1;
        *src.entry(e.event_source.0).or_default() += 1;
        *by_type.entry(store.identity(e).kind.to_string()).or_insert(0u64) += 1;
        if e.shared_event_id.is_none() || shared.insert(e.shared_event_id) {
            actions += 1;
        }
    }
    for (k, v) in acc {
        by_account.insert(name(crate::core::model::Sym(k)), v);
    }
    for (k, v) in reg {
        by_region.insert(name(crate::core::model::Sym(k)), v);
    }
    for (k, v) in src {
        by_source.insert(name(crate::core::model::Sym(k)), v);
    }
    Summary {
        files: r.files_read,
        bytes: r.bytes_read,
        records: r.records,
        duplicates: r.duplicates,
        events: store.events.len() as u64,
        actions,
        findings: store.findings.len() as u64,
        by_account,
        by_region,
        by_identity_type: by_type,
        by_event_source: by_source,
        time_range: match (store.events.first(), store.events.last()) {
            (Some(a), Some(b)) => Some(TimeRange {
                from: rfc3339(a.time),
                to: rfc3339(b.time),
            }),
            _ => None,
        },
        errors_total: r.errors_total,
        errors: r.errors.clone(),
        skipped: r.skipped.clone(),
        window: (r.files_pruned_by_date
            + r.files_pruned_by_region
            + r.files_pruned_by_account
            + r.records_outside_window
            > 0)
        .then_some(WindowSummary {
            files_pruned_by_date: r.files_pruned_by_date,
            files_pruned_by_region: r.files_pruned_by_region,
            files_pruned_by_account: r.files_pruned_by_account,
            records_outside_window: r.records_outside_window,
        }),
        index: r.index.clone(),
    }
}
