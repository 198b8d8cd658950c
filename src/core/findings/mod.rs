//! GuardDuty and IAM Access Analyzer findings (issue #4): the model every form is normalised into, and the entry
//! point ingest calls ([`parse_document`]). Submodules: `detect` (which form a JSON document is), `guardduty` and
//! `access_analyzer` (one parser per service, all casings and envelopes), `entities` (what a finding points at),
//! `pivots` (from a finding into the CloudTrail evidence in a [`crate::core::model::Store`]).
//! This module owns the data shape only; it reads no files and knows nothing about the terminal.

mod access_analyzer;
mod details;
mod detect;
mod entities;
mod error;
mod fields;
mod guardduty;
mod guardduty_asff;
pub mod pivots;
pub mod sequence;
pub(crate) mod ser;
pub mod threat_intel;

pub use details::*;
pub use detect::parse_document;
pub use entities::FindingEntity;
pub use error::FindingError;
pub use sequence::{AttackSequence, SignalType};

use crate::core::time::Scope;
use crate::core::vocab::UnknownWord;
use serde::Serialize;

/// Result of looking at one JSON document.
#[derive(Debug)]
pub enum FindingsParse {
    /// The document is not a finding form at all (ingest then reports it as unrecognised).
    NotFindings,
    /// Findings recognised; bad entries reported with their index and reason and skipped. Output of the finding
    /// services that holds no findings (GuardDuty `list-findings` id lists, Access Analyzer `list-analyzers`,
    /// access previews) is `Parsed` with no findings and one error saying why, so the user learns what to fetch.
    Parsed {
        /// The findings read, in document order.
        findings: Vec<Finding>,
        /// Entries that could not be read: their index in the document (`None` for the document as a whole) and why.
        errors: Vec<(Option<usize>, String)>,
    },
}

/// The service that produced a finding. Written `guardduty`, `access-analyzer` (JSON output, the command line);
/// parsed case-insensitively, with the short forms `gd` and `aa`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(ascii_case_insensitive, parse_err_ty = UnknownWord, parse_err_fn = unknown_source)]
pub enum Source {
    /// Amazon GuardDuty.
    #[serde(rename = "guardduty")]
    #[strum(to_string = "guardduty", serialize = "gd")]
    GuardDuty,
    /// IAM Access Analyzer.
    #[serde(rename = "access-analyzer")]
    #[strum(to_string = "access-analyzer", serialize = "accessanalyzer", serialize = "aa")]
    AccessAnalyzer,
}

fn unknown_source(s: &str) -> UnknownWord {
    UnknownWord::new("source", s, "guardduty or access-analyzer")
}

/// The form a finding was read from (shown in the detail view; helps explain missing fields).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// A GuardDuty finding object (API/SDK, S3 export, `get-findings` element, EventBridge `detail`).
    GuardDuty,
    /// Access Analyzer `list-findings` / `get-finding` (v1) element.
    AccessAnalyzerV1,
    /// Access Analyzer `list-findings-v2` element or `get-finding-v2` output.
    AccessAnalyzerV2,
    /// Access Analyzer EventBridge `detail`.
    AccessAnalyzerEvent,
    /// Security Hub ASFF.
    Asff,
}

/// GuardDuty's severity bands, also used for the Access Analyzer mapping (see [`Severity::access_analyzer`]).
///
/// Written `Low`, `Medium`, …; parsed case-insensitively (`--min-severity high`).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[strum(ascii_case_insensitive, parse_err_ty = UnknownWord, parse_err_fn = unknown_severity)]
pub enum SeverityLabel {
    /// Severity 1.0–3.9.
    Low,
    /// Severity 4.0–6.9.
    Medium,
    /// Severity 7.0–8.9.
    High,
    /// Severity 9.0–10.0.
    Critical,
}

impl SeverityLabel {
    /// GuardDuty: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. Values outside 1–10 fall into
    /// the nearest band.
    pub fn of(value: f64) -> SeverityLabel {
        if value >= 9.0 {
            SeverityLabel::Critical
        } else if value >= 7.0 {
            SeverityLabel::High
        } else if value >= 4.0 {
            SeverityLabel::Medium
        } else {
            SeverityLabel::Low
        }
    }
    /// The lowest value of the band (for `--min-severity high`).
    pub fn floor(self) -> f64 {
        match self {
            SeverityLabel::Low => 0.0,
            SeverityLabel::Medium => 4.0,
            SeverityLabel::High => 7.0,
            SeverityLabel::Critical => 9.0,
        }
    }
}

fn unknown_severity(s: &str) -> UnknownWord {
    UnknownWord::new("severity", s, "low, medium, high or critical")
}

/// A finding's severity: the number and the band it falls in (they agree when built with [`Severity::new`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Severity {
    /// GuardDuty's number (1.0–10.0), or ours for Access Analyzer (see [`Severity::access_analyzer`]).
    pub value: f64,
    /// The band `value` falls in.
    pub label: SeverityLabel,
}

impl Severity {
    /// The severity of `value`, with its band.
    pub fn new(value: f64) -> Severity {
        Severity {
            value,
            label: SeverityLabel::of(value),
        }
    }
    /// Access Analyzer has no numeric severity. Ours: public access High (7.0), other external or internal
    /// access Medium (5.0, 4.0), unused access Low (2.0), a finding the analyzer could not evaluate (`error`) Low
    /// (1.0). Resolved or archived findings keep their value; filter on status instead.
    pub fn access_analyzer(finding_type: &str, is_public: Option<bool>, error: bool) -> Severity {
        let value = if error {
            1.0
        } else if is_public == Some(true) {
            7.0
        } else if finding_type == "ExternalAccess" {
            5.0
        } else if finding_type == "InternalAccess" {
            4.0
        } else {
            2.0
        };
        Severity::new(value)
    }
}

/// A GuardDuty finding type split: `ThreatPurpose:ResourceType/ThreatFamily.Mechanism!Artifact`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TypeParts {
    /// Why the activity matters, e.g. `UnauthorizedAccess`, `Stealth`, `Recon`.
    pub threat_purpose: String,
    /// What kind of resource is targeted, e.g. `IAMUser`, `EC2`, `S3`.
    pub resource_type: String,
    /// The kind of activity, e.g. `InstanceCredentialExfiltration`.
    pub threat_family: String,
    /// The detection mechanism after the `.`, e.g. `OutsideAWS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    /// The artifact after the `!`, e.g. `DNS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
}

impl TypeParts {
    /// `None` unless the text has at least `Purpose:Resource/Family`.
    pub fn split(t: &str) -> Option<TypeParts> {
        let (purpose, rest) = t.split_once(':')?;
        let (resource, rest) = rest.split_once('/')?;
        let (rest, artifact) = match rest.split_once('!') {
            Some((r, a)) => (r, Some(a.to_string())),
            None => (rest, None),
        };
        let (family, mechanism) = match rest.split_once('.') {
            Some((f, m)) => (f, Some(m.to_string())),
            None => (rest, None),
        };
        if purpose.is_empty() || resource.is_empty() || family.is_empty() {
            return None;
        }
        Some(TypeParts {
            threat_purpose: purpose.to_string(),
            resource_type: resource.to_string(),
            threat_family: family.to_string(),
            mechanism: mechanism.filter(|m| !m.is_empty()),
            artifact: artifact.filter(|a| !a.is_empty()),
        })
    }
}

/// One finding, from either service, in any form.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Which service produced the finding.
    pub source: Source,
    /// The form it was read from.
    pub form: Form,
    /// The service's finding id (GuardDuty: 32 hex characters; Access Analyzer: UUID-like).
    pub id: String,
    /// The finding's ARN, when the form carries one.
    pub arn: Option<String>,
    /// GuardDuty type text, or the Access Analyzer finding type.
    #[serde(rename = "type")]
    pub finding_type: String,
    /// GuardDuty type split; `None` for Access Analyzer or an unsplittable type.
    pub type_parts: Option<TypeParts>,
    /// The severity (GuardDuty's, or ours for Access Analyzer).
    pub severity: Severity,
    /// The one-line title shown in lists (GuardDuty's `title`, or one composed for Access Analyzer).
    pub title: String,
    /// GuardDuty's longer description, when present.
    pub description: Option<String>,
    /// The AWS account the finding belongs to.
    pub account: Option<String>,
    /// The region the finding was produced in.
    pub region: Option<String>,
    /// When the service created the finding, epoch seconds (UTC).
    #[serde(serialize_with = "ser::opt_time")]
    pub created_at: Option<i64>,
    /// When the service last updated the finding, epoch seconds (UTC); later copies of one finding win on this.
    #[serde(serialize_with = "ser::opt_time")]
    pub updated_at: Option<i64>,
    /// GuardDuty `service.eventFirstSeen`: the first observed activity, epoch seconds (UTC).
    #[serde(serialize_with = "ser::opt_time")]
    pub first_seen: Option<i64>,
    /// GuardDuty `service.eventLastSeen`: the last observed activity, epoch seconds (UTC).
    #[serde(serialize_with = "ser::opt_time")]
    pub last_seen: Option<i64>,
    /// GuardDuty `service.count`: how many times the activity was observed.
    pub count: Option<u64>,
    /// GuardDuty `service.archived`: the finding was archived (by a user or a suppression rule).
    pub archived: Option<bool>,
    /// Access Analyzer / ASFF status (`ACTIVE`, `ARCHIVED`, `RESOLVED`); GuardDuty has `archived` instead.
    pub status: Option<String>,
    /// GuardDuty sample finding (`additionalInfo.sample`): generated by CreateSampleFindings, not real.
    pub sample: bool,
    /// What the finding is about (key, instance, buckets, cluster, or a generic ARN).
    pub resource: FindingResource,
    /// What GuardDuty saw happen; `None` for Access Analyzer and forms without an action.
    pub action: Option<FindingAction>,
    /// GuardDuty `service.additionalInfo.userAgent.fullUserAgent` (or the API call's user agent).
    pub user_agent: Option<String>,
    /// The access description of an Access Analyzer finding; `None` for GuardDuty.
    pub access: Option<AccessDetails>,
    /// The attack sequence of a GuardDuty Extended Threat Detection finding (`AttackSequence:…` types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<AttackSequence>,
    /// The finding as read, pretty-printed, for display.
    #[serde(skip)]
    pub raw: String,
}

impl Finding {
    /// Detective's scope for a finding: first..last seen widened to whole hours (at least one). Without those
    /// (Access Analyzer, partial GuardDuty), the hour of creation: an Access Analyzer finding is created when the
    /// access appeared, while its `updatedAt` moves with later status changes and would stretch the scope over
    /// months. [`Scope::ALL`] when the finding carries no time at all.
    pub fn scope(&self) -> Scope {
        match (self.first_seen, self.last_seen) {
            (Some(a), Some(b)) => Scope::from_observed(a, b),
            (Some(a), None) | (None, Some(a)) => Scope::from_observed(a, a),
            (None, None) => match self.created_at.or(self.updated_at) {
                Some(t) => Scope::from_observed(t, t),
                None => Scope::ALL,
            },
        }
    }

    /// The single resource label shown in lists.
    pub fn resource_label(&self) -> Option<String> {
        let r = &self.resource;
        if let Some(k) = r.access_key.as_ref().and_then(|k| k.access_key_id.clone()) {
            return Some(k);
        }
        if let Some(i) = r.instance.as_ref().and_then(|i| i.id.clone()) {
            return Some(i);
        }
        if let Some(b) = r.buckets.iter().find_map(|b| b.name.clone()) {
            return Some(b);
        }
        r.arn.clone().or_else(|| r.resource_type.clone())
    }

    /// What the finding points at (keys, principals, addresses, resources), for pivots into the CloudTrail evidence.
    pub fn entities(&self) -> Vec<FindingEntity> {
        entities::of(self)
    }
}

/// The same finding read from several forms (list-findings and get-finding, an EventBridge event and the S3
/// export): keep one per source and id, the most recently updated copy (the first on ties), in input order.
pub fn dedup(findings: &mut Vec<Finding>) {
    let mut keep: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut at: std::collections::HashMap<(Source, String), usize> = std::collections::HashMap::new();
    for f in findings.drain(..) {
        match at.get(&(f.source, f.id.clone())) {
            Some(&i) => {
                if f.updated_at > keep[i].updated_at {
                    keep[i] = f;
                }
            }
            None => {
                at.insert((f.source, f.id.clone()), keep.len());
                keep.push(f);
            }
        }
    }
    *findings = keep;
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_access;
