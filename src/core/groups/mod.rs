//! Finding groups: GuardDuty and Access Analyzer findings that share a principal, origin, chain, access key,
//! address or resource within a time window, gathered into one incident (issue #16).
//!
//! The rule (README "Finding groups"): two findings are joined when they share a [`JoinKey`] (`keys`) and their
//! observation windows are at most `window` apart; groups are the connected components (union-find, petgraph's
//! `UnionFind`). Every join is kept with the key that made it, so the view can say why two findings are in one
//! incident. A group's severity is its highest member's. Findings with no time are never joined (they cannot be
//! placed in the window). Deterministic: the same findings give the same groups in the same order.

mod keys;

pub use keys::join_keys;

use crate::core::entity::EntityRef;
use crate::core::findings::{Finding, Severity, Source, ser};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::Scope;
use petgraph::unionfind::UnionFind;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The default window: GuardDuty Extended Threat Detection correlates over 24 hours (`docs/domain.md` §4.1).
pub const DEFAULT_WINDOW_SECS: i64 = 24 * 3600;

/// What kind of shared entity joined two findings, strongest first.
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
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum JoinKind {
    /// The same access key (a role session's or a long-term key).
    AccessKey,
    /// The same principal: IAM user, role, principal id.
    Principal,
    /// Sessions of the same chain (the same outermost session, through strong links only).
    Chain,
    /// The same origin at the top of the chains (a person, an outside account, an instance).
    Origin,
    /// The same resource (ARN, bucket, instance).
    Resource,
    /// The same public address.
    Address,
}

/// One entity a finding can be joined on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JoinKey {
    /// What kind of entity.
    pub kind: JoinKind,
    /// The entity.
    pub entity: EntityRef,
    /// Why the finding names it (`access key`, `policy write`, `external principal`, …).
    pub why: &'static str,
}

/// How findings are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupOptions {
    /// The most time between two findings' windows for a shared entity to join them, seconds.
    pub window_secs: i64,
}

impl Default for GroupOptions {
    fn default() -> Self {
        GroupOptions {
            window_secs: DEFAULT_WINDOW_SECS,
        }
    }
}

/// A finding in a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Member {
    /// Index in the findings given.
    #[serde(skip)]
    pub index: usize,
    /// The finding's id.
    pub id: String,
    /// Its service.
    pub source: Source,
    /// Its type.
    #[serde(rename = "type")]
    pub finding_type: String,
    /// Its severity.
    pub severity: Severity,
    /// Start of its window (first seen, else created), RFC 3339 UTC.
    #[serde(serialize_with = "ser::opt_time")]
    pub from: Option<i64>,
    /// End of its window (last seen, else its start), RFC 3339 UTC.
    #[serde(serialize_with = "ser::opt_time")]
    pub to: Option<i64>,
}

/// Why two findings are in one group: the entity they share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Join {
    /// One finding's id (the earlier).
    pub a: String,
    /// The other finding's id.
    pub b: String,
    /// What kind of entity they share.
    pub kind: JoinKind,
    /// The entity.
    pub entity: EntityRef,
}

/// An entity shared by two or more findings of a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedEntity {
    /// What kind of entity.
    pub kind: JoinKind,
    /// The entity.
    pub entity: EntityRef,
    /// The ids of the members that name it, in member order.
    pub findings: Vec<String>,
}

/// One incident: findings joined by shared entities within the window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingGroup {
    /// 1-based position in the listing (by severity, highest first, then size, largest first, then earliest).
    pub number: usize,
    /// The highest member severity.
    pub severity: Severity,
    /// Earliest member start, RFC 3339 UTC.
    #[serde(serialize_with = "ser::opt_time")]
    pub from: Option<i64>,
    /// Latest member end, RFC 3339 UTC.
    #[serde(serialize_with = "ser::opt_time")]
    pub to: Option<i64>,
    /// The findings, earliest first (untimed last, then by id).
    pub findings: Vec<Member>,
    /// The joins that made the group (a spanning set: one per finding after the first), earliest first.
    pub joins: Vec<Join>,
    /// Entities named by at least two members, strongest kind first.
    pub shared: Vec<SharedEntity>,
    /// Every principal, access key and origin any member names (what investigating the group covers).
    pub principals: Vec<EntityRef>,
}

impl FindingGroup {
    /// The group's time scope: its members' windows widened to whole hours; [`Scope::ALL`] when untimed.
    pub fn scope(&self) -> Scope {
        match (self.from, self.to) {
            (Some(a), Some(b)) => Scope::from_observed(a, b),
            _ => Scope::ALL,
        }
    }
    /// Whether a finding with this id is a member.
    pub fn contains(&self, id: &str) -> bool {
        self.findings.iter().any(|m| m.id == id)
    }
}

/// A finding's observation window: first..last seen, else its creation (Access Analyzer's `updatedAt` moves with
/// status changes and is not used).
pub fn window_of(f: &Finding) -> Option<(i64, i64)> {
    let start = f.first_seen.or(f.created_at).or(f.last_seen)?;
    let end = f.last_seen.unwrap_or(start).max(start);
    Some((start, end))
}

/// Group `findings` (keys from the store and graph).
pub fn groups(store: &Store, graph: &SessionGraph, findings: &[Finding], opts: GroupOptions) -> Vec<FindingGroup> {
    let roles = crate::core::findings::pivots::known_roles(store);
    let keys: Vec<Vec<JoinKey>> = findings
        .iter()
        .map(|f| keys::join_keys_among(store, graph, &roles, f))
        .collect();
    group(findings, &keys, opts)
}

/// Group `findings` given each one's join keys (`keys[i]` for `findings[i]`). Pure.
pub fn group(findings: &[Finding], keys: &[Vec<JoinKey>], opts: GroupOptions) -> Vec<FindingGroup> {
    let n = findings.len();
    let windows: Vec<Option<(i64, i64)>> = findings.iter().map(window_of).collect();
    // Entity → the timed findings naming it (BTreeMap: a deterministic order of joins).
    let mut by_entity: BTreeMap<(&EntityRef, JoinKind), Vec<usize>> = BTreeMap::new();
    for (i, ks) in keys.iter().enumerate().take(n) {
        if windows[i].is_none() {
            continue;
        }
        for k in ks {
            by_entity.entry((&k.entity, k.kind)).or_default().push(i);
        }
    }
    let mut uf: UnionFind<usize> = UnionFind::new(n);
    let mut joins: Vec<(usize, usize, JoinKind, EntityRef)> = Vec::new();
    // Strongest kind first, so that the join recorded for a pair is the strongest entity they share.
    let mut entries: Vec<_> = by_entity.into_iter().collect();
    entries.sort_by_key(|((_, kind), _)| *kind);
    for ((entity, kind), mut members) in entries {
        members.sort_by_key(|&i| (windows[i], i));
        // Sweep in start order: a finding joins the run so far when it starts at most `window` after the
        // latest end seen (the member holding that end is the one it is joined to).
        let mut holder: Option<(usize, i64)> = None;
        for i in members {
            let Some((start, end)) = windows[i] else { continue };
            match holder {
                Some((h, h_end)) if start.saturating_sub(h_end) <= opts.window_secs => {
                    if uf.union(h, i) {
                        joins.push((h, i, kind, entity.clone()));
                    }
                    if end > h_end {
                        holder = Some((i, end));
                    }
                }
                _ => holder = Some((i, end)),
            }
        }
    }
    let mut comps: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        comps.entry(uf.find(i)).or_default().push(i);
    }
    // Each join goes to its component (one pass; a component's joins are found without scanning all of them).
    let mut comp_joins: HashMap<usize, Vec<(usize, usize, JoinKind, EntityRef)>> = HashMap::new();
    for j in joins {
        comp_joins.entry(uf.find(j.0)).or_default().push(j);
    }
    let mut out: Vec<FindingGroup> = comps
        .into_iter()
        .map(|(root, members)| {
            build(
                findings,
                keys,
                &windows,
                members,
                comp_joins.remove(&root).unwrap_or_default(),
            )
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity
            .value
            .total_cmp(&a.severity.value)
            .then(b.findings.len().cmp(&a.findings.len()))
            .then((a.from.is_none(), a.from).cmp(&(b.from.is_none(), b.from)))
            .then_with(|| a.findings[0].id.cmp(&b.findings[0].id))
    });
    for (i, g) in out.iter_mut().enumerate() {
        g.number = i + 1;
    }
    out
}

fn build(
    findings: &[Finding],
    keys: &[Vec<JoinKey>],
    windows: &[Option<(i64, i64)>],
    mut members: Vec<usize>,
    joins: Vec<(usize, usize, JoinKind, EntityRef)>,
) -> FindingGroup {
    members.sort_by(|&a, &b| {
        let ka = (windows[a].is_none(), windows[a].map(|w| w.0));
        let kb = (windows[b].is_none(), windows[b].map(|w| w.0));
        ka.cmp(&kb).then_with(|| findings[a].id.cmp(&findings[b].id))
    });
    let severity = members
        .iter()
        .map(|&i| findings[i].severity)
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .unwrap_or(Severity::new(0.0));
    let from = members.iter().filter_map(|&i| windows[i].map(|w| w.0)).min();
    let to = members.iter().filter_map(|&i| windows[i].map(|w| w.1)).max();
    let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(p, &m)| (m, p)).collect();
    let mut ordered: Vec<(usize, usize, JoinKind, EntityRef)> = joins
        .into_iter()
        .map(|(a, b, kind, entity)| {
            let (a, b) = if pos[&a] <= pos[&b] { (a, b) } else { (b, a) };
            (a, b, kind, entity)
        })
        .collect();
    ordered.sort_by_key(|j| (pos[&j.1], pos[&j.0]));
    let group_joins: Vec<Join> = ordered
        .into_iter()
        .map(|(a, b, kind, entity)| Join {
            a: findings[a].id.clone(),
            b: findings[b].id.clone(),
            kind,
            entity,
        })
        .collect();
    let mut shared: BTreeMap<(JoinKind, &EntityRef), Vec<String>> = BTreeMap::new();
    let mut principals: Vec<EntityRef> = Vec::new();
    let mut seen: HashSet<&EntityRef> = HashSet::new();
    for &m in &members {
        for k in &keys[m] {
            let ids = shared.entry((k.kind, &k.entity)).or_default();
            // A member's keys are visited together: a repeated key of one member is the last id pushed.
            if ids.last() != Some(&findings[m].id) {
                ids.push(findings[m].id.clone());
            }
            let is_principal = matches!(k.kind, JoinKind::AccessKey | JoinKind::Principal | JoinKind::Origin);
            if is_principal && seen.insert(&k.entity) {
                principals.push(k.entity.clone());
            }
        }
    }
    FindingGroup {
        number: 0,
        severity,
        from,
        to,
        findings: members
            .iter()
            .map(|&i| {
                let f = &findings[i];
                Member {
                    index: i,
                    id: f.id.clone(),
                    source: f.source,
                    finding_type: f.finding_type.clone(),
                    severity: f.severity,
                    from: windows[i].map(|w| w.0),
                    to: windows[i].map(|w| w.1),
                }
            })
            .collect(),
        joins: group_joins,
        shared: shared
            .into_iter()
            .filter(|(_, ids)| ids.len() > 1)
            .map(|((kind, entity), findings)| SharedEntity {
                kind,
                entity: entity.clone(),
                findings,
            })
            .collect(),
        principals,
    }
}

#[cfg(test)]
mod tests;
