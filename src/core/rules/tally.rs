//! How often each rule hit in a scope and who is behind those hits: the per-rule counts `trailhound detect` prints
//! ("By rule", `by_rule` in `--json`) and the TUI's findings list shows beside GuardDuty's. One count over one
//! [`Detections`], so the two cannot disagree.
//!
//! Who is behind a hit is [`attribute`]'s answer: an origin is counted only when every link up the chain is
//! strong; hits whose origin is unknown or only a name + time match are counted apart (`unattributed`), never
//! folded into a named origin.

use super::{Detections, RuleIdx, attribute};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::Scope;
use std::collections::{BTreeMap, BTreeSet};

/// One rule's hits in a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleTally {
    /// The detection rule.
    pub rule: RuleIdx,
    /// Events it hit.
    pub events: usize,
    /// Distinct origins named behind those events.
    pub origins: usize,
    /// Events whose origin is not named (the chain stops before one, or a link up it is a name + time match).
    pub unattributed: usize,
    /// Distinct session identities (role / session name) that signed them; calls an origin signed itself count
    /// none.
    pub session_identities: usize,
    /// The accounts whose logs hold those events (`recipientAccountId`), distinct, in string order.
    pub accounts: Vec<String>,
    /// First and last hit event time, epoch seconds.
    pub first: i64,
    /// See `first`.
    pub last: i64,
}

#[derive(Default)]
struct Acc {
    accounts: BTreeSet<crate::core::model::Sym>,
    events: usize,
    origins: BTreeSet<u32>,
    unattributed: usize,
    identities: BTreeSet<u32>,
    first: i64,
    last: i64,
}

/// The shown hits of `d` whose event is in `scope` (`None`: everything loaded), per rule: most events first, then
/// highest level, then rule order.
pub fn tally(store: &Store, graph: &SessionGraph, d: &Detections, scope: Option<Scope>) -> Vec<RuleTally> {
    let mut acc: BTreeMap<RuleIdx, Acc> = BTreeMap::new();
    for e in d.events() {
        let Some(ev) = store.events.get(e as usize) else {
            continue;
        };
        if scope.is_some_and(|s| !s.contains(ev.time)) {
            continue;
        }
        let a = attribute(graph, e);
        for h in d.of_event(e) {
            let t = acc.entry(h.rule).or_insert_with(|| Acc {
                first: ev.time,
                last: ev.time,
                ..Acc::default()
            });
            t.events += 1;
            match a.origin {
                Some(o) => {
                    t.origins.insert(o);
                }
                None => t.unattributed += 1,
            }
            if let Some(i) = a.session_identity {
                t.identities.insert(i);
            }
            if store.strings.opt(ev.recipient_account).is_some() {
                t.accounts.insert(ev.recipient_account);
            }
            t.first = t.first.min(ev.time);
            t.last = t.last.max(ev.time);
        }
    }
    let mut out: Vec<RuleTally> = acc
        .into_iter()
        .map(|(rule, a)| RuleTally {
            rule,
            events: a.events,
            origins: a.origins.len(),
            unattributed: a.unattributed,
            session_identities: a.identities.len(),
            accounts: {
                let mut v: Vec<String> = a.accounts.iter().map(|&s| store.s(s).to_string()).collect();
                v.sort();
                v
            },
            first: a.first,
            last: a.last,
        })
        .collect();
    out.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| d.rule(b.rule).level.cmp(&d.rule(a.rule).level))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    out
}

/// The correlations with an event in `scope` (`None`: everything loaded), in order of their first event.
pub fn correlations_in<'a>(
    store: &'a Store,
    d: &'a Detections,
    scope: Option<Scope>,
) -> impl Iterator<Item = &'a super::CorrelationHit> + 'a {
    d.correlations().iter().filter(move |c| {
        c.events
            .iter()
            .any(|&e| scope.is_none_or(|s| store.events.get(e as usize).is_some_and(|ev| s.contains(ev.time))))
    })
}
