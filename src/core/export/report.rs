//! The report model: what an export says, independent of format. Assembled by [`super::build`] from a
//! [`CaseSnapshot`] and the loaded [`crate::core::model::Store`]; every writer renders this and nothing else.
//!
//! Sections that other analyses feed (an entity's chain, its new-behaviour highlights, an IP's place) are
//! `Option`s filled through [`super::Enrichment`]; `None` means "not computed", which the writers say plainly
//! rather than implying there is nothing.

use crate::core::case::{Case, Input, Note, NoteFilter, Star, Tag, VerdictRecord};
use crate::core::time::{ScopeJson, rfc3339};
use serde::{Serialize, Serializer};

/// Bumped when the JSON shape changes incompatibly.
pub const VERSION: u32 = 1;

/// Epoch seconds, serialised as RFC 3339 UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time(pub i64);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(self.0))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub version: u32,
    /// When the report was written (omitted when the caller wants reproducible output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<Time>,
    pub case: CaseSummary,
    pub data: DataSummary,
    pub findings: Vec<FindingSummary>,
    /// Notes on the case as a whole.
    pub case_notes: Vec<NoteEntry>,
    /// Every starred, noted, tagged or judged entity, by first evidence time (entities without evidence last).
    pub entities: Vec<EntitySection>,
    /// The evidence timeline: the union of the entities' evidence events, by time.
    pub timeline: Vec<EvidenceEvent>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseSummary {
    pub dir: String,
    pub created: Option<Time>,
    pub scope: Option<ScopeJson>,
    /// Inputs the report was built from (`path` or fetch parameters as JSON text).
    pub inputs: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DataSummary {
    pub events: usize,
    pub files: usize,
    pub findings: usize,
    /// Why data is missing or partial, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingSummary {
    pub id: String,
    /// `guardduty` or `access-analyzer`.
    pub source: String,
    #[serde(rename = "type")]
    pub finding_type: String,
    pub severity: f64,
    /// Low, Medium, High, Critical.
    pub severity_label: String,
    pub title: String,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The resource it is about (access key, instance, bucket, role…).
    pub resource: Option<String>,
    pub last_seen: Option<Time>,
    /// Detective's finding view (GuardDuty findings only; Detective does not show Access Analyzer findings).
    pub detective_url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NoteEntry {
    pub id: i64,
    pub text: String,
    pub author: String,
    pub created: Time,
    pub updated_by: String,
    pub updated: Time,
    pub rev: u32,
    /// Set when the newest text raced with another edit (see `trailhound note list --json`).
    pub conflict_with: Option<u32>,
}

impl From<&Note> for NoteEntry {
    fn from(n: &Note) -> Self {
        NoteEntry {
            id: n.id,
            text: n.text.clone(),
            author: n.author.clone(),
            created: Time(n.created),
            updated_by: n.updated_by.clone(),
            updated: Time(n.updated),
            rev: n.rev,
            conflict_with: n.conflict_with,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct VerdictEntry {
    pub verdict: &'static str,
    pub author: String,
    pub at: Time,
}

impl From<&VerdictRecord> for VerdictEntry {
    fn from(v: &VerdictRecord) -> Self {
        VerdictEntry {
            verdict: v.verdict.into(),
            author: v.author.clone(),
            at: Time(v.at),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Detail {
    pub label: &'static str,
    pub value: String,
}

/// A chain of principals and sessions, as the session graph describes it (nodes in order from origin).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Chain {
    pub nodes: Vec<ChainNode>,
    pub edges: Vec<ChainEdge>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainNode {
    /// What the node is (`principal`, `session`, `role`, `account`, …).
    pub kind: String,
    pub label: String,
    /// The entity to pivot to, when there is one.
    pub entity: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainEdge {
    /// Indices into [`Chain::nodes`].
    pub from: usize,
    pub to: usize,
    /// The call that made the hop (`AssumeRole`, `AssumeRoleWithSAML`, …).
    pub label: String,
    /// Which linking rule made the edge (`exact`, `principal+time`, `name+time`).
    pub rule: String,
}

/// One new-behaviour observation for an entity in scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Highlight {
    /// `new API call`, `new geolocation`, `new ASO`, `new user agent`, `increased volume`, …
    pub category: String,
    pub value: String,
    /// The numbers behind it.
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntitySection {
    /// The entity as written on the command line (`session:ASIA…`).
    pub entity: String,
    pub kind: &'static str,
    pub starred: bool,
    pub verdict: Option<VerdictEntry>,
    /// Every verdict recorded, oldest first (the last is `verdict`).
    pub verdict_history: Vec<VerdictEntry>,
    pub tags: Vec<String>,
    pub notes: Vec<NoteEntry>,
    pub details: Vec<Detail>,
    pub detective_url: Option<String>,
    /// `None`: the session graph was not computed for this report.
    pub chain: Option<Chain>,
    /// `None`: behaviour analytics were not computed for this report.
    pub highlights: Option<Vec<Highlight>>,
    /// Evidence events shown (at most the configured limit)…
    pub evidence: Vec<EvidenceEvent>,
    /// …out of this many matching the entity in scope.
    pub evidence_total: usize,
}

/// One CloudTrail event as evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceEvent {
    pub time: Time,
    pub event_id: String,
    pub account: String,
    pub region: String,
    /// The caller (identity ARN, else principal id).
    pub principal: String,
    /// The access key that signed the call (the role session, for `ASIA…` keys).
    pub session: String,
    /// `service:EventName` (`cloudtrail:StopLogging`).
    pub api: String,
    /// `success` or the error code.
    pub result: String,
    pub source_ip: String,
    pub place: Option<String>,
    pub user_agent: String,
    pub resource: String,
    pub starred: bool,
    /// The report entities this event is evidence for.
    pub entities: Vec<String>,
    /// Index in the store (not serialised; for joins while building).
    #[serde(skip)]
    pub index: usize,
}

/// Everything the report needs from the case, read once (so building is pure and testable).
#[derive(Clone, Debug, Default)]
pub struct CaseSnapshot {
    pub dir: String,
    pub created: Option<i64>,
    pub scope: Option<crate::core::time::Scope>,
    pub inputs: Vec<Input>,
    pub notes: Vec<Note>,
    pub stars: Vec<Star>,
    pub tags: Vec<Tag>,
    /// Full verdict history, oldest first.
    pub verdicts: Vec<VerdictRecord>,
}

impl CaseSnapshot {
    pub fn read(case: &Case) -> crate::core::case::Result<CaseSnapshot> {
        let mut verdicts = Vec::new();
        for current in case.verdicts()? {
            verdicts.extend(case.verdict_history(&current.entity)?);
        }
        Ok(CaseSnapshot {
            dir: case.dir().display().to_string(),
            created: case.created()?,
            scope: case.scope()?,
            inputs: case.inputs()?,
            notes: case.notes(&NoteFilter::default())?,
            stars: case.stars()?,
            tags: case.tags(None)?,
            verdicts,
        })
    }
}
