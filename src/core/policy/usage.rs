//! What a profile used in a scope, in IAM terms: every successful call of the profile's events in the scope
//! mapped to its IAM actions (`actions`), each action with its calls, first and last time, the APIs that needed
//! it, the resources the records name (or "not named": the policy then needs `*`) and its events for pivots; plus
//! the calls whose actions are unknown and those that need no permission. Failed calls are not use. Events that
//! are not the principal's own calls (`AwsServiceEvent`, CloudTrail Insights, VPC endpoint events) are left out.
//! One pass over the profile's events in the scope with a per-API cache, so a session identity among a million
//! events takes milliseconds.

use super::actions::{self, ActionLookup, Basis, UnknownReason};
use super::resource::{Target, resource_arn};
use crate::core::behavior::{BehaviorIndex, Selection};
use crate::core::graph::SessionGraph;
use crate::core::model::{EventType, IdentityType, Store, Sym};
use crate::core::time::Scope;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    pub targets: Option<BTreeSet<Target>>,
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
#[derive(Default)]
struct ApiAcc {
    calls: u64,
    first: i64,
    last: i64,
    events: Vec<u32>,
    /// (resource, region, recipient account) of each call; `resource` NONE when the record names none.
    resources: HashSet<(Sym, Sym, Sym)>,
}

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

/// What the profile used in `scope`.
pub fn usage(sel: &Selection, store: &Store, graph: &SessionGraph, ix: &BehaviorIndex, scope: Scope) -> Usage {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let mut by_api: HashMap<u32, ApiAcc> = HashMap::new();
    let mut identities = HashSet::new();
    let mut counts = UsageCounts::default();
    for list in event_lists(sel, graph) {
        let a = list.partition_point(|&i| i < lo);
        let b = list.partition_point(|&i| i < hi).max(a);
        for &i in &list[a..b] {
            let (Some(e), Some(row)) = (store.events.get(i as usize), ix.rows.get(i as usize)) else {
                continue;
            };
            counts.events_in_scope += 1;
            if matches!(
                e.event_type,
                EventType::AwsServiceEvent | EventType::AwsCloudTrailInsight | EventType::AwsVpceEvent
            ) {
                counts.not_calls += 1;
                continue;
            }
            if e.failed() {
                counts.failed += 1;
                continue;
            }
            identities.insert(e.identity);
            let acc = by_api.entry(row.api_id()).or_insert_with(|| ApiAcc {
                first: i64::MAX,
                last: i64::MIN,
                ..Default::default()
            });
            acc.calls += 1;
            acc.first = acc.first.min(e.time);
            acc.last = acc.last.max(e.time);
            acc.events.push(i);
            acc.resources.insert((e.resource, e.region, e.recipient_account));
        }
    }
    let mut actions: BTreeMap<String, ActionUse> = BTreeMap::new();
    let mut unmapped = Vec::new();
    let mut no_permission = Vec::new();
    let mut apis: Vec<_> = by_api.into_iter().collect();
    apis.sort_unstable_by_key(|(api, _)| *api);
    for (api, acc) in apis {
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
                    let targets: Option<BTreeSet<Target>> = if single {
                        acc.resources
                            .iter()
                            .map(|&(r, region, account)| {
                                let (r, region, account) = (store.s(r), store.s(region), store.s(account));
                                resource_arn(&action, r, region, account)
                            })
                            .collect()
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
                        targets: Some(BTreeSet::new()),
                        events: Vec::new(),
                    });
                    u.calls += acc.calls;
                    u.first_seen = u.first_seen.min(acc.first);
                    u.last_seen = u.last_seen.max(acc.last);
                    u.apis.insert((source.to_owned(), name.to_owned()));
                    u.events.extend_from_slice(&acc.events);
                    u.targets = match (u.targets.take(), targets) {
                        (Some(mut a), Some(b)) => {
                            a.extend(b);
                            Some(a)
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
        a.events.sort_unstable();
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
