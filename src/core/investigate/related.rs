//! Related findings: loaded findings tied to the investigation by a fact, each with the fact
//! (`docs/investigate.md` §2). GuardDuty findings count when their activity window overlaps the scope and they
//! name the access key of a session of the profile, of a session up or down its chain, or a source address the
//! investigation's events came from. Access Analyzer findings count when a policy write among the investigation's
//! events granted their access (the write's resource is the finding's), or when the investigation's sessions are
//! of the finding's role and their chain starts in the outside account the finding names — the access used.

use super::events::Gathered;
use crate::core::findings::pivots::{is_policy_write, resource_key};
use crate::core::findings::{Finding, Severity, Source};
use crate::core::graph::{SessionGraph, SessionId, Signer};
use crate::core::model::Store;
use crate::core::time::Scope;
use hashbrown::{HashMap, HashSet};
use serde::Serialize;

/// How a finding is tied to the investigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Relation {
    /// It names the access key of one of the profile's sessions (or a key the profile's calls were signed with).
    OwnAccessKey,
    /// It names the access key of a session up or down the profile's chain.
    ChainAccessKey,
    /// A policy write among the investigation's events made the access it reports.
    PolicyWrite,
    /// The investigation's sessions are of the role it reports, started from the outside account it names.
    AccessUsed,
    /// Its remote address is a source address of the investigation's events.
    Address,
}

/// One related finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelatedFinding {
    /// The finding's id.
    pub id: String,
    /// Which service produced it.
    pub source: Source,
    /// Its type.
    pub finding_type: String,
    /// Its title.
    pub title: String,
    /// Its severity.
    pub severity: Severity,
    /// Its status (Access Analyzer `ACTIVE` / `ARCHIVED` / `RESOLVED`), when given.
    pub status: Option<String>,
    /// How it is tied to the investigation (the strongest tie).
    pub relation: Relation,
    /// The value it was tied on (access key, event id, address, account).
    pub on: String,
    /// Index into `store.findings` (for pivots).
    #[serde(skip)]
    pub finding: usize,
}

fn overlaps(f: &Finding, scope: Scope) -> bool {
    let (a, b) = match (f.first_seen.or(f.created_at), f.last_seen.or(f.updated_at)) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        (Some(t), None) | (None, Some(t)) => (t, t),
        (None, None) => return false,
    };
    a < scope.to && b >= scope.from
}

fn account_of_principal(p: &str) -> Option<&str> {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        return Some(p);
    }
    crate::core::graph::arn_account(p)
}

/// The related findings, strongest tie first, then by severity.
pub fn related(
    store: &Store,
    graph: &SessionGraph,
    own_sessions: &[SessionId],
    g: &Gathered,
    scope: Scope,
) -> Vec<RelatedFinding> {
    // Keys: the profile's sessions and its calls' keys; the chain's sessions above and below.
    let mut keys: HashMap<&str, Relation> = HashMap::new();
    // Sessions that signed the profile's or the chain's calls; the assumptions' callers are above the chain.
    let mut sessions_in_scope: HashSet<SessionId> = HashSet::new();
    let mut callers: HashSet<SessionId> = HashSet::new();
    for &(i, via) in &g.events {
        if let Some(Signer::Session(s)) = graph.signer.get(i as usize) {
            if via == super::events::Via::Assumption {
                callers.insert(*s);
            } else {
                sessions_in_scope.insert(*s);
            }
        }
        let key = store.identity(&store.events[i as usize]).access_key_id;
        if via == super::events::Via::Own
            && let Some(k) = store.strings.opt(key)
        {
            keys.insert(k, Relation::OwnAccessKey);
        }
    }
    for &s in own_sessions {
        if let Some(k) = store.strings.opt(graph.session(s).access_key) {
            keys.insert(k, Relation::OwnAccessKey);
        }
    }
    let mut chain: Vec<SessionId> = g.below.clone();
    for &s in sessions_in_scope.iter().chain(&callers) {
        chain.extend(graph.chain_of(s).0);
    }
    for s in chain {
        if let Some(k) = store.strings.opt(graph.session(s).access_key) {
            keys.entry(k).or_insert(Relation::ChainAccessKey);
        }
    }
    let addresses: HashSet<&str> = g
        .events
        .iter()
        .filter_map(|&(i, _)| store.strings.opt(store.events[i as usize].source_ip))
        .collect();
    // Access Analyzer: the roles of the sessions in scope and the accounts their chains start in.
    let mut role_origins: HashSet<(&str, &str)> = HashSet::new();
    for &s in &sessions_in_scope {
        let x = graph.session(s);
        let (path, origin, _) = graph.chain_of(s);
        let account = origin
            .map(|o| graph.origin(o).account)
            .or_else(|| path.first().map(|&top| graph.session(top).account));
        if let (Some(role), Some(acct)) = (
            store.strings.opt(x.role_arn),
            account.and_then(|a| store.strings.opt(a)),
        ) {
            role_origins.insert((role, acct));
        }
    }
    let mut out = Vec::new();
    for (n, f) in store.findings.iter().enumerate() {
        let tie = match f.source {
            Source::GuardDuty => {
                if !overlaps(f, scope) {
                    continue;
                }
                let entities = f.entities();
                let by_key = entities.iter().find_map(|e| match &e.entity {
                    crate::core::entity::EntityRef::Session(k) | crate::core::entity::EntityRef::AccessKey(k) => {
                        keys.get(k.as_str()).map(|r| (*r, k.clone()))
                    }
                    _ => None,
                });
                by_key.or_else(|| {
                    crate::core::findings::threat_intel::remote_addresses(f)
                        .into_iter()
                        .find(|a| addresses.contains(a))
                        .map(|a| (Relation::Address, a.to_string()))
                })
            }
            Source::AccessAnalyzer => access_tie(store, f, g, &role_origins),
        };
        if let Some((relation, on)) = tie {
            out.push(RelatedFinding {
                id: f.id.clone(),
                source: f.source,
                finding_type: f.finding_type.clone(),
                title: f.title.clone(),
                severity: f.severity,
                status: f.status.clone(),
                relation,
                on,
                finding: n,
            });
        }
    }
    out.sort_by(|a, b| {
        a.relation
            .cmp(&b.relation)
            .then_with(|| b.severity.value.total_cmp(&a.severity.value))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

fn access_tie(
    store: &Store,
    f: &Finding,
    g: &Gathered,
    role_origins: &HashSet<(&str, &str)>,
) -> Option<(Relation, String)> {
    let d = f.access.as_ref()?;
    if d.is_unused() {
        return None;
    }
    let key = resource_key(f)?;
    for &(i, _) in &g.events {
        let e = &store.events[i as usize];
        if e.failed() || e.resource.is_none() || !is_policy_write(store.s(e.event_name)) {
            continue;
        }
        if key.matches(store.s(e.resource), store.s(e.recipient_account)) {
            return Some((Relation::PolicyWrite, store.event_id_string(e)));
        }
    }
    let resource = d.resource_arn.as_deref()?;
    let role_name = resource.rsplit('/').next()?;
    let resource_account = crate::core::graph::arn_account(resource)?;
    for (role, account) in role_origins {
        let same_role = role.rsplit('/').next() == Some(role_name)
            && crate::core::graph::arn_account(role) == Some(resource_account);
        if same_role && d.principal.values().any(|p| account_of_principal(p) == Some(*account)) {
            return Some((Relation::AccessUsed, account.to_string()));
        }
    }
    None
}
