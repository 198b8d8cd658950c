//! The day's findings: counts by severity and by type, the list, and which principals each one names.
//!
//! A finding belongs to the day when its activity window (first..last seen in whole hours, Detective's rule —
//! [`Finding::scope`]) overlaps it; a finding with no time at all belongs to no day. A finding *names* a principal
//! through its access key (the session identity of the session the key was issued to, or whoever signed with a
//! long-term key), else its principal id; an Access Analyzer finding on a role names the role's session
//! identities that called in the day (the role is what was opened to them).

use super::principal::{self, PrincipalKey};
use crate::core::behavior::BehaviorIndex;
use crate::core::entity::EntityRef;
use crate::core::findings::{Finding, SeverityLabel, Source};
use crate::core::graph::{Found, SessionGraph};
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many findings of one severity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeverityCount {
    /// The band.
    pub severity: SeverityLabel,
    /// Findings in it.
    pub count: u64,
}

/// How many findings of one type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeCount {
    /// GuardDuty type or Access Analyzer finding type.
    pub finding_type: String,
    /// The highest severity among them.
    pub severity: SeverityLabel,
    /// Findings of the type.
    pub count: u64,
}

/// One finding of the day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayFinding {
    /// The finding id.
    pub id: String,
    /// Where it pivots (`finding:<id>`).
    pub entity: EntityRef,
    /// GuardDuty or Access Analyzer.
    pub source: Source,
    /// Its type.
    pub finding_type: String,
    /// Severity band.
    pub severity: SeverityLabel,
    /// Severity number.
    pub severity_value: f64,
    /// Its title.
    pub title: String,
    /// First seen (or created), RFC 3339 UTC.
    pub first_seen: Option<String>,
}

/// The day's findings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayFindings {
    /// Findings in the day.
    pub total: u64,
    /// Counts by severity, highest first (bands with none left out).
    pub by_severity: Vec<SeverityCount>,
    /// Counts by type, most first.
    pub by_type: Vec<TypeCount>,
    /// The findings, highest severity first, then first seen.
    pub findings: Vec<DayFinding>,
}

/// Whether a finding's activity overlaps `day` (undated findings never do).
pub fn in_day(f: &Finding, day: Scope) -> bool {
    let s = f.scope();
    s != Scope::ALL && s.from < day.to && s.to > day.from
}

/// The findings overlapping `day`, summarised.
pub fn day_findings(store: &Store, day: Scope) -> (DayFindings, Vec<&Finding>) {
    let mut list: Vec<&Finding> = store.findings.iter().filter(|f| in_day(f, day)).collect();
    list.sort_by(|a, b| {
        b.severity
            .value
            .total_cmp(&a.severity.value)
            .then(a.first_seen.or(a.created_at).cmp(&b.first_seen.or(b.created_at)))
            .then(a.id.cmp(&b.id))
    });
    let mut sev: BTreeMap<SeverityLabel, u64> = BTreeMap::new();
    let mut types: BTreeMap<&str, (SeverityLabel, u64)> = BTreeMap::new();
    for f in &list {
        *sev.entry(f.severity.label).or_default() += 1;
        let e = types.entry(&f.finding_type).or_insert((f.severity.label, 0));
        e.0 = e.0.max(f.severity.label);
        e.1 += 1;
    }
    let mut by_type: Vec<TypeCount> = types
        .into_iter()
        .map(|(t, (severity, count))| TypeCount {
            finding_type: t.to_string(),
            severity,
            count,
        })
        .collect();
    by_type.sort_by(|a, b| b.count.cmp(&a.count).then(b.severity.cmp(&a.severity)));
    let out = DayFindings {
        total: list.len() as u64,
        by_severity: sev
            .into_iter()
            .rev()
            .map(|(severity, count)| SeverityCount { severity, count })
            .collect(),
        by_type,
        findings: list
            .iter()
            .map(|f| DayFinding {
                id: f.id.clone(),
                entity: EntityRef::Finding(f.id.clone()),
                source: f.source,
                finding_type: f.finding_type.clone(),
                severity: f.severity.label,
                severity_value: f.severity.value,
                title: f.title.clone(),
                first_seen: f.first_seen.or(f.created_at).map(rfc3339),
            })
            .collect(),
    };
    (out, list)
}

/// The principals a finding names (see the module doc); `active` are the day's principals.
pub fn named_principals(
    f: &Finding,
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    active: &[PrincipalKey],
) -> Vec<PrincipalKey> {
    let mut out: Vec<PrincipalKey> = Vec::new();
    let of_found = |found: Found, out: &mut Vec<PrincipalKey>| match found {
        Found::Sessions(v) => out.extend(
            v.iter()
                .filter_map(|&s| graph.sessions.get(s as usize))
                .map(|s| PrincipalKey::Identity(s.identity)),
        ),
        Found::Origin(o) => out.push(PrincipalKey::Origin(principal::canon(ix, o))),
        Found::Event(_) | Found::Nothing => {}
    };
    let k = f.resource.access_key.as_ref();
    if let Some(key) = k
        .and_then(|k| k.access_key_id.as_deref())
        .filter(|s| !s.trim().is_empty())
    {
        if let Some(s) = graph.session_by_key(store, key) {
            of_found(Found::Sessions(vec![s]), &mut out);
        } else if let Some(i) = store
            .strings
            .get(key)
            .and_then(|sym| ix.by_key.get(&sym))
            .and_then(|v| v.first())
            && let Some(p) = principal::of_event(graph, ix, *i)
        {
            out.push(p);
        }
    }
    if out.is_empty()
        && let Some(pid) = k
            .and_then(|k| k.principal_id.as_deref())
            .filter(|s| !s.trim().is_empty())
    {
        of_found(graph.find(store, pid), &mut out);
    }
    if out.is_empty()
        && let Some(arn) = f.resource.arn.as_deref().filter(|a| a.contains(":role/"))
        && let Some(sym) = store.strings.get(arn)
    {
        out.extend(
            active
                .iter()
                .filter(|k| super::volume::role_of(graph, **k) == sym)
                .copied(),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}
