//! What a profile used in a scope, in IAM terms: every successful call of the profile's events in the scope
//! mapped to its IAM actions (`actions`), each action with its calls, first and last time, the APIs that needed
//! it, the resources the records name (or "not named": the policy then needs `*`) and its events for pivots; plus
//! the calls whose actions are unknown and those that need no permission. Failed calls are not use. Events that
//! are not the principal's own calls (`AwsServiceEvent`, CloudTrail Insights, VPC endpoint events) are left out.
//! One pass over the profile's events in the scope, split in runs scanned in parallel and merged in order, adding
//! up per API; each distinct (resource, region, account) of an API becomes an ARN once, in parallel, into a set
//! kept in that order (nothing downstream needs them sorted: the generated policy and the comparison sort what they
//! print). The largest session identity of a 10 M-event demo case (1.15 M calls, 774 K distinct S3 objects) is the
//! benchmark's worst case.

use super::actions::{self, ActionLookup, Basis, UnknownReason};
use super::resource::{Target, Targets, resource_arn};
use crate::core::behavior::{BehaviorIndex, Row, Selection};
use crate::core::graph::SessionGraph;
use crate::core::model::{Event, EventType, IdentityId, IdentityType, Store, Sym};
use crate::core::time::Scope;
use hashbrown::{HashMap, HashSet};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// One IAM action the profile used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionUse {
    /// `service:Action`.
    pub action: String,
    /// Why the mapping is known (the first basis met; every API of one action has the same in practice).
    pub basis: Basis,
    /// Successful calls that needed it.
    pub calls: u64,
    /// First call, epoch seconds.
    pub first_seen: i64,
    /// Last call, epoch seconds.
    pub last_seen: i64,
    /// The calls (`eventSource` `eventName`) that needed it, sorted.
    pub apis: BTreeSet<(String, String)>,
    /// The resources the records name; `None` when at least one call named none (the policy needs `*`).
    pub targets: Option<Targets>,
    /// Its events (indices into `store.events`), in time order.
    pub events: Vec<u32>,
}

/// Calls whose actions are unknown, or that need no permission, by API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherCall {
    /// `eventSource`, as logged (hostile text).
    pub event_source: String,
    /// `eventName`, as logged (hostile text).
    pub event_name: String,
    /// Why the actions are unknown; `None` for a call that needs no permission.
    pub reason: Option<UnknownReason>,
    /// Successful calls.
    pub calls: u64,
    /// First call, epoch seconds.
    pub first_seen: i64,
    /// Last call, epoch seconds.
    pub last_seen: i64,
    /// Its events, in time order.
    pub events: Vec<u32>,
}

/// Counts of the events considered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct UsageCounts {
    /// The profile's events in the scope.
    pub events_in_scope: u64,
    /// Of those, failed calls (not use).
    pub failed: u64,
    /// Of those, events that are not the principal's own calls (AWS service events, Insights, VPC endpoint events).
    pub not_calls: u64,
    /// Successful calls mapped to actions.
    pub mapped: u64,
    /// Successful calls that need no permission.
    pub no_permission: u64,
    /// Successful calls whose actions are unknown.
    pub unmapped: u64,
}

/// What a profile used in a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    /// The scope.
    pub scope: Scope,
    /// Used actions, sorted by action.
    pub actions: Vec<ActionUse>,
    /// Calls whose actions are unknown, sorted by source and name.
    pub unmapped: Vec<OtherCall>,
    /// Calls that need no permission, sorted by source and name.
    pub no_permission: Vec<OtherCall>,
    /// The IAM principals whose calls these are (role ARNs for sessions, user ARNs, …), sorted.
    pub principals: Vec<String>,
    /// Counts.
    pub counts: UsageCounts,
}

/// Per-API accumulation.
struct ApiAcc {
    calls: u64,
    first: i64,
    last: i64,
    events: Vec<u32>,
    /// (resource, region, recipient account) of each call, repeats included; `resource` NONE when the record
    /// names none.
    resources: Vec<(Sym, Sym, Sym)>,
}

impl ApiAcc {
    fn new() -> ApiAcc {
        ApiAcc {
            calls: 0,
            first: i64::MAX,
            last: i64::MIN,
            events: Vec::new(),
            resources: Vec::new(),
        }
    }
    /// Adds `o`, whose events come after this one's.
    fn merge(&mut self, o: ApiAcc) {
        self.calls += o.calls;
        self.first = self.first.min(o.first);
        self.last = self.last.max(o.last);
        self.events.extend(o.events);
        self.resources.extend(o.resources);
    }
    /// Events in time order (index order). Several parts' lists make sorted runs one after the other, which the
    /// stable sort merges rather than sorting from scratch.
    fn finish(&mut self) {
        self.events.sort();
    }
}

/// What one run of the profile's events adds up to; runs are scanned in parallel and merged in order.
#[derive(Default)]
struct Scan {
    by_api: HashMap<u32, ApiAcc>,
    identities: HashSet<IdentityId>,
    counts: UsageCounts,
}

impl Scan {
    fn add(&mut self, i: u32, e: &Event, row: &Row) {
        self.counts.events_in_scope += 1;
        if matches!(
            e.event_type,
            EventType::AwsServiceEvent | EventType::AwsCloudTrailInsight | EventType::AwsVpceEvent
        ) {
            self.counts.not_calls += 1;
            return;
        }
        if e.failed() {
            self.counts.failed += 1;
            return;
        }
        self.identities.insert(e.identity);
        let acc = self.by_api.entry(row.api_id()).or_insert_with(ApiAcc::new);
        acc.calls += 1;
        acc.first = acc.first.min(e.time);
        acc.last = acc.last.max(e.time);
        acc.events.push(i);
        acc.resources.push((e.resource, e.region, e.recipient_account));
    }
    /// Adds `o`, whose events come after this one's.
    fn merge(mut self, o: Scan) -> Scan {
        for (api, acc) in o.by_api {
            match self.by_api.entry(api) {
                hashbrown::hash_map::Entry::Occupied(mut m) => m.get_mut().merge(acc),
                hashbrown::hash_map::Entry::Vacant(v) => {
                    v.insert(acc);
                }
            }
        }
        self.identities.extend(o.identities);
        let (c, d) = (&mut self.counts, o.counts);
        c.events_in_scope += d.events_in_scope;
        c.failed += d.failed;
        c.not_calls += d.not_calls;
        self
    }
}

/// Events one task scans before it splits no further.
const CHUNK: usize = 16 * 1024;

/// The profile's event lists: the asked session only when a session was asked about (its use, not its identity's),
/// else every part.
fn event_lists<'a>(sel: &'a Selection<'a>, graph: &'a SessionGraph) -> Vec<&'a [u32]> {
    match &sel.asked {
        Some(a) => vec![graph.session(a.session).events.as_slice()],
        None => sel.parts.iter().map(|p| p.events).collect(),
    }
}

/// The principal an identity stands for: the role of an assumed-role session, else its own ARN.
fn principal_of(id: &crate::core::model::Identity) -> Sym {
    if id.kind == IdentityType::AssumedRole && id.issuer_arn.is_some() {
        id.issuer_arn
    } else {
        id.arn
    }
}

/// The distinct targets of an action's calls, or `None` when one of them names none the action can use. Each
/// distinct (resource, region, account) becomes an ARN once, in parallel.
fn targets_of(action: &str, resources: &[(Sym, Sym, Sym)], store: &Store) -> Option<Targets> {
    if resources.iter().any(|r| r.0.is_none()) {
        return None;
    }
    let mut distinct = resources.to_vec();
    distinct.par_sort_unstable();
    distinct.dedup();
    let list: Vec<Target> = distinct
        .par_iter()
        .map(|&(r, region, account)| resource_arn(action, store.s(r), store.s(region), store.s(account)))
        .collect::<Option<_>>()?;
    let mut set = Targets::with_capacity_and_hasher(list.len(), Default::default());
    set.extend(list);
    Some(set)
}

/// What the profile used in `scope`.
pub fn usage(sel: &Selection, store: &Store, graph: &SessionGraph, ix: &BehaviorIndex, scope: Scope) -> Usage {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let runs: Vec<&[u32]> = event_lists(sel, graph)
        .into_iter()
        .flat_map(|list| {
            let a = list.partition_point(|&i| i < lo);
            let b = list.partition_point(|&i| i < hi).max(a);
            list[a..b].chunks(CHUNK)
        })
        .collect();
    let scan = runs
        .par_iter()
        .fold(Scan::default, |mut scan, run| {
            for &i in *run {
                if let (Some(e), Some(row)) = (store.events.get(i as usize), ix.rows.get(i as usize)) {
                    scan.add(i, e, row);
                }
            }
            scan
        })
        .reduce(Scan::default, Scan::merge);
    let Scan {
        by_api,
        identities,
        mut counts,
    } = scan;
    let mut actions: BTreeMap<String, ActionUse> = BTreeMap::new();
    let mut unmapped = Vec::new();
    let mut no_permission = Vec::new();
    let mut apis: Vec<_> = by_api.into_iter().collect();
    apis.sort_unstable_by_key(|(api, _)| *api);
    for (api, mut acc) in apis {
        acc.finish();
        let Some(&(src, name)) = ix.apis.get(api as usize) else {
            continue;
        };
        let (source, name) = (store.s(src), store.s(name));
        let other = |reason| OtherCall {
            event_source: source.to_owned(),
            event_name: name.to_owned(),
            reason,
            calls: acc.calls,
            first_seen: acc.first,
            last_seen: acc.last,
            events: acc.events.clone(),
        };
        match actions::lookup(source, name) {
            ActionLookup::Actions { actions: list, basis } => {
                counts.mapped += acc.calls;
                // A call that needed several actions names one resource without saying whose: all get `*`.
                let single = list.len() == 1;
                for action in list {
                    let targets = if single {
                        targets_of(&action, &acc.resources, store)
                    } else {
                        None
                    };
                    let u = actions.entry(action.clone()).or_insert_with(|| ActionUse {
                        action,
                        basis,
                        calls: 0,
                        first_seen: i64::MAX,
                        last_seen: i64::MIN,
                        apis: BTreeSet::new(),
                        targets: Some(Targets::default()),
                        events: Vec::new(),
                    });
                    u.calls += acc.calls;
                    u.first_seen = u.first_seen.min(acc.first);
                    u.last_seen = u.last_seen.max(acc.last);
                    u.apis.insert((source.to_owned(), name.to_owned()));
                    u.events.extend_from_slice(&acc.events);
                    // The smaller set goes into the larger (the first API's targets are taken as they are).
                    u.targets = match (u.targets.take(), targets) {
                        (Some(a), Some(b)) => {
                            let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                            into.extend(from);
                            Some(into)
                        }
                        _ => None,
                    };
                }
            }
            ActionLookup::NoPermission => {
                counts.no_permission += acc.calls;
                no_permission.push(other(None));
            }
            ActionLookup::Unknown(reason) => {
                counts.unmapped += acc.calls;
                unmapped.push(other(Some(reason)));
            }
        }
    }
    let mut actions: Vec<ActionUse> = actions.into_values().collect();
    for a in &mut actions {
        a.events.sort();
    }
    let key = |c: &OtherCall| (c.event_source.clone(), c.event_name.clone());
    unmapped.sort_by_key(key);
    no_permission.sort_by_key(key);
    let mut principals: Vec<String> = identities
        .into_iter()
        .filter_map(|id| {
            let id = store.identities.get(id as usize)?;
            store.strings.opt(principal_of(id)).map(str::to_owned)
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    principals.dedup();
    Usage {
        scope,
        actions,
        unmapped,
        no_permission,
        principals,
        counts,
    }
}
