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

/// A whole export, in every format: the case, its data, its findings, and the entities the analyst marked.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The shape version ([`VERSION`]), so readers can refuse a shape they do not know.
    pub version: u32,
    /// When the report was written (omitted when the caller wants reproducible output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<Time>,
    /// The case the report was made from.
    pub case: CaseSummary,
    /// How much data was loaded for it.
    pub data: DataSummary,
    /// Every loaded finding, most severe first (then most recently seen).
    pub findings: Vec<FindingSummary>,
    /// Notes on the case as a whole.
    pub case_notes: Vec<NoteEntry>,
    /// Every starred, noted, tagged or judged entity, by first evidence time (entities without evidence last).
    pub entities: Vec<EntitySection>,
    /// The evidence timeline: the union of the entities' evidence events, by time.
    pub timeline: Vec<EvidenceEvent>,
    /// The geo-fence review of the case's scope, when a fence was given (`trailhound geofence --json`'s shape).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geofence: Option<crate::core::policy::fence::GeofenceReport>,
}

/// The case, as the report introduces it.
#[derive(Clone, Debug, Serialize)]
pub struct CaseSummary {
    /// The case directory as it was opened (a path, not normalised).
    pub dir: String,
    /// When the case was created.
    pub created: Option<Time>,
    /// The investigation scope recorded in the case, if one was.
    pub scope: Option<ScopeJson>,
    /// Inputs the report was built from (`path` or fetch parameters as JSON text).
    pub inputs: Vec<String>,
}

/// Counts of what was loaded, so a reader can tell an empty report from missing data.
#[derive(Clone, Debug, Serialize)]
pub struct DataSummary {
    /// CloudTrail events loaded.
    pub events: usize,
    /// Input files read.
    pub files: usize,
    /// Findings loaded (both services).
    pub findings: usize,
    /// Why data is missing or partial, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// One finding as a report lists it.
#[derive(Clone, Debug, Serialize)]
pub struct FindingSummary {
    /// The service's finding id.
    pub id: String,
    /// `guardduty` or `access-analyzer`.
    pub source: String,
    /// The GuardDuty type, or the Access Analyzer finding type.
    #[serde(rename = "type")]
    pub finding_type: String,
    /// The severity number (GuardDuty's 1.0–10.0, or ours for Access Analyzer).
    pub severity: f64,
    /// Low, Medium, High, Critical.
    pub severity_label: String,
    /// The one-line title.
    pub title: String,
    /// The account the finding belongs to.
    pub account: Option<String>,
    /// The region the finding was produced in.
    pub region: Option<String>,
    /// The resource it is about (access key, instance, bucket, role…).
    pub resource: Option<String>,
    /// The last observed activity (GuardDuty `eventLastSeen`), when known.
    pub last_seen: Option<Time>,
    /// Detective's finding view (GuardDuty findings only; Detective does not show Access Analyzer findings).
    pub detective_url: Option<String>,
}

/// One investigation note at its newest revision.
#[derive(Clone, Debug, Serialize)]
pub struct NoteEntry {
    /// The note's id in the case.
    pub id: i64,
    /// The note text as written (writers escape it for their format).
    pub text: String,
    /// Who wrote the first revision.
    pub author: String,
    /// When the note was first written.
    pub created: Time,
    /// Who wrote the newest revision.
    pub updated_by: String,
    /// When the newest revision was written.
    pub updated: Time,
    /// The revision number of `text` (1 for an unedited note).
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

/// One verdict an analyst recorded on an entity.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictEntry {
    /// The verdict word: `unknown`, `benign`, `suspicious` or `malicious`.
    pub verdict: &'static str,
    /// Who recorded it.
    pub author: String,
    /// When it was recorded.
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

/// One labelled fact about an entity (`first seen`, `role`, `account`, …).
#[derive(Clone, Debug, Serialize)]
pub struct Detail {
    /// What the fact is.
    pub label: &'static str,
    /// Its value, as text.
    pub value: String,
}

/// A chain of principals and sessions, as the session graph describes it (nodes in order from origin).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Chain {
    /// The principals and sessions, origin first.
    pub nodes: Vec<ChainNode>,
    /// The hops between them.
    pub edges: Vec<ChainEdge>,
}

/// One principal, role or session of a [`Chain`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainNode {
    /// What the node is (`principal`, `session`, `role`, `account`, …).
    pub kind: String,
    /// The node as shown (an ARN, a key, an account).
    pub label: String,
    /// The entity to pivot to, when there is one.
    pub entity: Option<String>,
}

/// One hop of a [`Chain`]: an assumption from `from` into `to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainEdge {
    /// Indices into [`Chain::nodes`].
    pub from: usize,
    /// Index into [`Chain::nodes`] of the node the hop leads to.
    pub to: usize,
    /// The call that made the hop (`AssumeRole`, `AssumeRoleWithSAML`, …).
    pub label: String,
    /// Which linking rule made the edge (`exact`, `principal+time`, `name+time`).
    pub rule: String,
}

/// An entity's denied calls in the report's scope (the entity's active hours when the case has none): the same
/// numbers and tree as `trailhound denied --json`, without the list of calls.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeniedSection {
    /// The scope counted.
    pub scope: crate::core::time::ScopeJson,
    /// The profile's calls in the scope.
    pub calls_in_scope: u64,
    /// Denied, explicit, implicit, first and last seen.
    #[serde(flatten)]
    pub counts: crate::core::policy::denied::Counts,
    /// Bursts of denials.
    pub bursts: Vec<crate::core::policy::denied::Burst>,
    /// Policy type → action → resource.
    pub by_policy_type: Vec<crate::core::policy::denied::TypeNode>,
}

/// One new-behaviour observation for an entity in scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Highlight {
    /// `new API call`, `new geolocation`, `new ASO`, `new user agent`, `increased volume`, …
    pub category: String,
    /// The thing that is new or increased (an API, a place, an organisation, a user agent).
    pub value: String,
    /// The numbers behind it.
    pub detail: String,
}

/// The least-privilege policy of a profile entity's successful calls in the report's scope (`core::policy`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeastPrivilege {
    /// The generated policy.
    pub policy: crate::core::policy::document::PolicyDocument,
    /// Calls whose IAM actions are unknown (`eventSource eventName`): not in the policy.
    pub unmapped: Vec<String>,
    /// Failed calls left out (not use).
    pub failed_left_out: u64,
}

/// Everything the report says about one marked entity: marks, notes, facts, chain, behaviour and evidence.
#[derive(Clone, Debug, Serialize)]
pub struct EntitySection {
    /// The entity as written on the command line (`session:ASIA…`).
    pub entity: String,
    /// The entity kind (`session`, `role`, `ip`, …).
    pub kind: &'static str,
    /// Whether the analyst starred the entity.
    pub starred: bool,
    /// The current verdict, if one was recorded.
    pub verdict: Option<VerdictEntry>,
    /// Every verdict recorded, oldest first (the last is `verdict`).
    pub verdict_history: Vec<VerdictEntry>,
    /// Tags the analyst put on the entity, in the order the case lists them.
    pub tags: Vec<String>,
    /// Notes about the entity (deleted ones left out), in the order the case lists them.
    pub notes: Vec<NoteEntry>,
    /// Facts about the entity from the loaded data.
    pub details: Vec<Detail>,
    /// Amazon Detective's profile of the entity, when its Detective id is known (`docs/domain.md` §6).
    pub detective_url: Option<String>,
    /// `None`: the session graph was not computed for this report.
    pub chain: Option<Chain>,
    /// `None`: behaviour analytics were not computed for this report.
    pub highlights: Option<Vec<Highlight>>,
    /// The least-privilege policy of a profile entity (session, role, principal, account, key) in scope; absent
    /// when not computed or when the entity is not a profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub least_privilege: Option<LeastPrivilege>,
    /// The entity's denied calls explained (`trailhound denied`'s counts without the call list); `None`: not
    /// computed for this report, or the entity is not a profile.
    pub denied: Option<DeniedSection>,
    /// The entity's investigation (`trailhound investigate --json` without intel lists); `None`: not computed for
    /// this report, or the entity is not a profile.
    pub investigation: Option<crate::core::investigate::Investigation>,
    /// Evidence events shown (at most the configured limit)…
    pub evidence: Vec<EvidenceEvent>,
    /// …out of this many matching the entity in scope.
    pub evidence_total: usize,
}

/// One CloudTrail event as evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceEvent {
    /// When the call was made.
    pub time: Time,
    /// CloudTrail `eventID`.
    pub event_id: String,
    /// The account whose log holds the record (`recipientAccountId`).
    pub account: String,
    /// The region of the call.
    pub region: String,
    /// The caller (identity ARN, else principal id).
    pub principal: String,
    /// The access key that signed the call (the role session, for `ASIA…` keys).
    pub session: String,
    /// `service:EventName` (`cloudtrail:StopLogging`).
    pub api: String,
    /// `success` or the error code.
    pub result: String,
    /// CloudTrail `sourceIPAddress` (an address, a service name or `AWS Internal`).
    pub source_ip: String,
    /// The address's place (city, country), when a geolocation database knew it.
    pub place: Option<String>,
    /// The caller's user agent as logged (writers neutralise it).
    pub user_agent: String,
    /// The resource the call touched, when the record names one.
    pub resource: String,
    /// Whether the analyst starred this event.
    pub starred: bool,
    /// The report entities this event is evidence for.
    pub entities: Vec<String>,
    /// Titles of the detection rules that hit it, highest level first.
    pub rules: Vec<String>,
    /// Their ATT&CK tactics and techniques (`defense-evasion`, `T1562.008`), each once.
    pub attack: Vec<String>,
    /// Index in the store (not serialised; for joins while building).
    #[serde(skip)]
    pub index: usize,
}

/// Everything the report needs from the case, read once (so building is pure and testable).
#[derive(Clone, Debug, Default)]
pub struct CaseSnapshot {
    /// The case directory as opened.
    pub dir: String,
    /// When the case was created, epoch seconds (UTC).
    pub created: Option<i64>,
    /// The investigation scope recorded in the case.
    pub scope: Option<crate::core::time::Scope>,
    /// The inputs recorded in the case.
    pub inputs: Vec<Input>,
    /// Every note that is not deleted, at its newest revision.
    pub notes: Vec<Note>,
    /// Every star.
    pub stars: Vec<Star>,
    /// Every tag.
    pub tags: Vec<Tag>,
    /// Full verdict history, oldest first.
    pub verdicts: Vec<VerdictRecord>,
}

impl CaseSnapshot {
    /// Read everything the report needs from `case` in one go; fails only when the case database cannot be read.
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
