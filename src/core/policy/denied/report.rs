//! The denied report of one profile in one scope: the calls, the policy type → action → resource tree with counts
//! and first/last seen, and the bursts. Messages repeat (one role denied the same action a thousand times), so each
//! distinct message is read once.

use super::burst::{Burst, BurstRule, bursts_in};
use super::codes::DENIAL_CODES;
use super::message::{Explanation, MessageForm, explain};
use super::phrases::{DenyKind, PolicyType};
use crate::core::behavior::{BehaviorIndex, ProfileJson, Selection};
use crate::core::graph::{SessionGraph, Signer};
use crate::core::model::{Store, Sym};
use crate::core::time::{Scope, ScopeJson, rfc3339};
use hashbrown::HashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// The analysis's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeniedConfig {
    /// What makes a burst of denials (the day summary's rule).
    pub burst: BurstRule,
    /// Most calls listed one by one (the latest); the tree counts them all.
    pub max_calls: usize,
}

impl Default for DeniedConfig {
    fn default() -> Self {
        DeniedConfig {
            burst: BurstRule::default(),
            max_calls: 1000,
        }
    }
}

/// Where a call's resource was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceFrom {
    /// The message's `on resource:`.
    Message,
    /// The record (`resources[]` or a well-known request parameter), the message naming none.
    Record,
}

/// Denials of one group, with the first and last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Denied calls.
    pub denied: u64,
    /// Of which the message says explicit.
    pub explicit: u64,
    /// Of which the message says implicit.
    pub implicit: u64,
    /// First denied call, RFC 3339 UTC.
    pub first_seen: String,
    /// Last denied call, RFC 3339 UTC.
    pub last_seen: String,
    /// Index of the last denied call in the store (for pivots).
    #[serde(skip)]
    pub last_event: u32,
    #[serde(skip)]
    first: i64,
    #[serde(skip)]
    last: i64,
}

impl Counts {
    fn add(&mut self, time: i64, event: u32, deny: DenyKind) {
        if self.denied == 0 || time < self.first {
            self.first = time;
        }
        if self.denied == 0 || time >= self.last {
            self.last = time;
            self.last_event = event;
        }
        self.denied += 1;
        self.explicit += u64::from(deny == DenyKind::Explicit);
        self.implicit += u64::from(deny == DenyKind::Implicit);
    }
    /// Add `other`'s calls, as if each had been added here: the last call is the latest, ties going to the later
    /// event (as [`Counts::add`] in event order gives).
    fn merge(&mut self, other: &Counts) {
        if other.denied == 0 {
            return;
        }
        if self.denied == 0 || other.first < self.first {
            self.first = other.first;
        }
        if self.denied == 0 || (other.last, other.last_event) >= (self.last, self.last_event) {
            self.last = other.last;
            self.last_event = other.last_event;
        }
        self.denied += other.denied;
        self.explicit += other.explicit;
        self.implicit += other.implicit;
    }
    fn finish(&mut self) {
        self.first_seen = rfc3339(self.first);
        self.last_seen = rfc3339(self.last);
    }
}

/// One resource under an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceNode {
    /// The resource; `null`: not stated by the message nor the record.
    pub resource: Option<String>,
    /// Where it was read.
    pub resource_from: Option<ResourceFrom>,
    /// Its denials.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One denied action (with the API that asked for it) under a policy type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionNode {
    /// The IAM action the message names; `null`: not stated (see the API).
    pub action: Option<String>,
    /// The call's `eventSource`.
    pub event_source: String,
    /// The call's `eventName`.
    pub event_name: String,
    /// Its denials.
    #[serde(flatten)]
    pub counts: Counts,
    /// By resource, most denials first.
    pub resources: Vec<ResourceNode>,
}

/// One policy type's denials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TypeNode {
    /// The policy type the messages name (`not-stated` when they do not).
    pub policy_type: PolicyType,
    /// Its label for people.
    pub label: &'static str,
    /// Its denials.
    #[serde(flatten)]
    pub counts: Counts,
    /// By action, most denials first.
    pub actions: Vec<ActionNode>,
}

/// One denied call, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeniedCall {
    /// Index of the event in the store (for pivots).
    #[serde(skip)]
    pub event: u32,
    /// `eventID`.
    pub event_id: String,
    /// `eventTime`, RFC 3339 UTC.
    pub time: String,
    /// `eventSource`.
    pub event_source: String,
    /// `eventName`.
    pub event_name: String,
    /// `errorCode` (one of the denial family).
    pub error_code: String,
    /// What kind of message it was.
    pub form: MessageForm,
    /// The message's reading.
    #[serde(flatten)]
    pub explanation: Explanation,
    /// Where `resource_shown` was read.
    pub resource_from: Option<ResourceFrom>,
    /// The resource to show: the message's, else the record's.
    pub resource_shown: Option<String>,
    /// `userIdentity.arn` of the record (who the log says called).
    pub caller: Option<String>,
    /// The access key of the session that signed the call, when a session did.
    pub session: Option<String>,
    /// The raw `errorMessage` (`null`: none in the record).
    pub message: Option<String>,
}

/// The rules the report was computed with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeniedRules {
    /// The `errorCode` values counted as denials.
    pub denial_codes: Vec<&'static str>,
    /// The burst rule.
    pub burst: BurstRule,
    /// Most calls listed one by one.
    pub max_calls: usize,
}

/// `trailhound denied --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeniedReport {
    /// Whose denials.
    pub profile: ProfileJson,
    /// The scope.
    pub scope: ScopeJson,
    /// The rules in force.
    pub rules: DeniedRules,
    /// The profile's calls in the scope.
    pub calls_in_scope: u64,
    /// Of which denied; `explicit`/`implicit` as the messages say, first and last seen.
    #[serde(flatten)]
    pub counts: Counts,
    /// Bursts of denials (the burst rule); empty: none.
    pub bursts: Vec<Burst>,
    /// Policy type → action → resource, most denials first.
    pub by_policy_type: Vec<TypeNode>,
    /// The latest `rules.max_calls` denied calls, in time order.
    pub calls: Vec<DeniedCall>,
    /// Denied calls not listed (older than the listed ones).
    pub calls_not_listed: u64,
}

type Tree = BTreeMap<
    PolicyType,
    (
        Counts,
        BTreeMap<(Option<String>, Sym, Sym), (Counts, BTreeMap<(Option<String>, Option<ResourceFrom>), Counts>)>,
    ),
>;

/// The denied report of `sel` in `scope`.
pub fn denied(
    sel: &Selection,
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    scope: Scope,
    cfg: &DeniedConfig,
) -> DeniedReport {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let mut calls_in_scope = 0u64;
    let mut found: Vec<u32> = Vec::new();
    // The index keeps each session's denials (`DenialCodes` when it was built): a session's are read from there,
    // other parts' rows say which calls were denied. No event is read but the denials.
    for part in sel.window(lo, hi) {
        calls_in_scope += part.len() as u64;
        match part.session_id().and_then(|s| ix.denied_of_session(s)) {
            Some(denied) => {
                let a = denied.partition_point(|&i| i < lo);
                let b = denied.partition_point(|&i| i < hi).max(a);
                found.extend_from_slice(&denied[a..b]);
            }
            None => part.for_each(ix, |i, r| {
                if r.denied() {
                    found.push(i);
                }
            }),
        }
    }
    found.sort_unstable();
    found.dedup();

    // Each distinct message is explained once. Calls are counted per (message, API, record resource) first: the
    // tree's keys are text made from those, so the tree is built once per distinct key, not once per call (the
    // largest 10 M identity has 36,987 denials).
    let mut read: HashMap<Sym, (MessageForm, Explanation)> = HashMap::new();
    let mut by_key: HashMap<(Sym, Sym, Sym, Sym), Counts> = HashMap::new();
    let mut total = Counts::default();
    let mut times = Vec::with_capacity(found.len());
    let listed_from = found.len().saturating_sub(cfg.max_calls);
    let mut calls = Vec::with_capacity(found.len() - listed_from);
    for (n, &i) in found.iter().enumerate() {
        let e = &store.events[i as usize];
        let msg = store.denial_messages.get(&e.id).copied().unwrap_or(Sym::NONE);
        let (form, ex) = read.entry(msg).or_insert_with(|| explain(store.strings.opt(msg)));
        total.add(e.time, i, ex.deny);
        times.push(e.time);
        by_key
            .entry((msg, e.event_source, e.event_name, e.resource))
            .or_default()
            .add(e.time, i, ex.deny);
        if n >= listed_from {
            let (resource, from) = shown_resource(ex, store.strings.opt(e.resource));
            let session = match graph.signer.get(i as usize) {
                Some(Signer::Session(s)) => store.strings.opt(graph.session(*s).access_key).map(str::to_string),
                _ => None,
            };
            calls.push(DeniedCall {
                event: i,
                event_id: store.event_id_string(e),
                time: rfc3339(e.time),
                event_source: store.s(e.event_source).to_string(),
                event_name: store.s(e.event_name).to_string(),
                error_code: store.s(e.error_code).to_string(),
                form: *form,
                resource_from: from,
                resource_shown: resource,
                caller: store.strings.opt(store.identity(e).arn).map(str::to_string),
                session,
                message: store.strings.opt(msg).map(str::to_string),
                explanation: ex.clone(),
            });
        }
    }
    let mut tree: Tree = BTreeMap::new();
    for ((msg, source, name, record), c) in by_key {
        let Some((_, ex)) = read.get(&msg) else {
            continue;
        };
        let (resource, from) = shown_resource(ex, store.strings.opt(record));
        let (tc, actions) = tree.entry(ex.policy_type).or_default();
        tc.merge(&c);
        let (ac, resources) = actions.entry((ex.action.clone(), source, name)).or_default();
        ac.merge(&c);
        resources.entry((resource, from)).or_default().merge(&c);
    }
    total.finish();
    DeniedReport {
        profile: sel.json(),
        scope: scope.into(),
        rules: DeniedRules {
            denial_codes: DENIAL_CODES.to_vec(),
            burst: cfg.burst,
            max_calls: cfg.max_calls,
        },
        calls_in_scope,
        counts: total,
        bursts: bursts_in(&times, cfg.burst),
        by_policy_type: nodes(store, tree),
        calls,
        calls_not_listed: listed_from as u64,
    }
}

/// The resource a denial is shown with: the message's, else the record's, and where it was read.
fn shown_resource(ex: &Explanation, record: Option<&str>) -> (Option<String>, Option<ResourceFrom>) {
    match (&ex.resource, record) {
        (Some(r), _) => (Some(r.clone()), Some(ResourceFrom::Message)),
        (None, Some(r)) => (Some(r.to_string()), Some(ResourceFrom::Record)),
        (None, None) => (None, None),
    }
}

/// Most denials first, then by key (the tree's order), so the output is deterministic.
fn ranked<T>(mut v: Vec<T>, counts: impl Fn(&T) -> &Counts) -> Vec<T> {
    v.sort_by_key(|x| std::cmp::Reverse(counts(x).denied));
    v
}

fn nodes(store: &Store, tree: Tree) -> Vec<TypeNode> {
    let types = tree
        .into_iter()
        .map(|(t, (mut tc, actions))| {
            tc.finish();
            let actions = actions
                .into_iter()
                .map(|((action, src, name), (mut ac, resources))| {
                    ac.finish();
                    let resources = resources
                        .into_iter()
                        .map(|((resource, resource_from), mut c)| {
                            c.finish();
                            ResourceNode {
                                resource,
                                resource_from,
                                counts: c,
                            }
                        })
                        .collect();
                    ActionNode {
                        action,
                        event_source: store.s(src).to_string(),
                        event_name: store.s(name).to_string(),
                        counts: ac,
                        resources: ranked(resources, |r: &ResourceNode| &r.counts),
                    }
                })
                .collect();
            TypeNode {
                policy_type: t,
                label: t.label(),
                counts: tc,
                actions: ranked(actions, |a: &ActionNode| &a.counts),
            }
        })
        .collect();
    ranked(types, |t: &TypeNode| &t.counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting calls in groups and merging the groups, in any order, gives what adding every call in event order
    /// gives: the counts, the first and last times, and the last call (ties at the last time going to the later
    /// event).
    #[test]
    fn merged_groups_count_as_the_calls_added_in_order() {
        let kinds = [DenyKind::Explicit, DenyKind::Implicit, DenyKind::NotStated];
        // (time, event, kind, group): times repeat, so ties at the first and last time are exercised.
        let calls: Vec<(i64, u32, DenyKind, usize)> = (0..40u32)
            .map(|i| (i64::from((i * 7) % 5), i, kinds[(i % 3) as usize], (i as usize * 5) % 4))
            .collect();
        let mut whole = Counts::default();
        for &(t, e, k, _) in &calls {
            whole.add(t, e, k);
        }
        let mut groups = vec![Counts::default(); 4];
        for &(t, e, k, g) in &calls {
            groups[g].add(t, e, k);
        }
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
            let mut merged = Counts::default();
            for g in order {
                merged.merge(&groups[g]);
            }
            merged.merge(&Counts::default());
            assert_eq!(merged, whole, "order {order:?}");
        }
        assert_eq!((whole.first, whole.last, whole.last_event), (0, 4, 37));
    }
}
