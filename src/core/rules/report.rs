//! The detection report `trailhound detect` prints (and `--json` writes, schema in README "Detections"): hits in a
//! scope grouped by who is behind them — origin, then session identity, then chain — and the correlations that
//! fired in the scope, each with its group and events. Built from [`Detections`]; nothing is evaluated here.

use super::{
    Attribution, CorrelationHit, Detections, GroupValue, Level, Problem, RuleMeta, Tactic, Technique, attribute,
};
use crate::core::graph::{OriginView, SessionGraph, Signer};
use crate::core::model::Store;
use crate::core::time::{Scope, ScopeJson, rfc3339};
use serde::Serialize;
use std::collections::BTreeMap;

/// A rule as a hit names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// The rule's id (or title).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its level.
    pub level: Level,
    /// ATT&CK tactics.
    pub tactics: Vec<Tactic>,
    /// ATT&CK techniques.
    pub techniques: Vec<Technique>,
}

impl From<&RuleMeta> for RuleRef {
    fn from(m: &RuleMeta) -> Self {
        RuleRef {
            id: m.id.clone(),
            title: m.title.clone(),
            level: m.level,
            tactics: m.tactics.clone(),
            techniques: m.techniques.clone(),
        }
    }
}

/// One event with its hits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HitEvent {
    /// Index of the event in the loaded store (stable for one load; what pivots use).
    pub index: u32,
    /// `eventID`.
    pub event_id: String,
    /// `eventTime`, RFC 3339 UTC.
    pub time: String,
    /// `eventSource`.
    pub event_source: String,
    /// `eventName`.
    pub event_name: String,
    /// `recipientAccountId`: whose log it is.
    pub account: Option<String>,
    /// `sourceIPAddress`.
    pub source_ip: Option<String>,
    /// `errorCode` (a denied attempt still hits).
    pub error_code: Option<String>,
    /// The access key that signed it.
    pub access_key_id: Option<String>,
    /// The rules that hit it, highest level first.
    pub rules: Vec<RuleRef>,
}

/// A chain's events (or an origin's own calls, `chain_root: None`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainHits {
    /// The access key of the chain's outermost session; `None` for an origin's own calls.
    pub chain_root: Option<String>,
    /// The events, in time order.
    pub events: Vec<HitEvent>,
}

/// A session identity's hits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IdentityHits {
    /// `role ARN / session name`, or `None` for an origin's own calls.
    pub session_identity: Option<String>,
    /// Per chain.
    pub chains: Vec<ChainHits>,
}

/// An origin's hits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OriginHits {
    /// Who; `None` when unknown (the chain stops before an origin, or a link up it is only a name + time match).
    pub origin: Option<OriginView>,
    /// Whether a link up some chain is a name + time match (the origin is then not named).
    pub weak_link: bool,
    /// Per session identity.
    pub identities: Vec<IdentityHits>,
}

/// A correlation that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CorrelationReport {
    /// The correlation rule.
    pub rule: RuleRef,
    /// Its type.
    pub kind: super::CorrelationKind,
    /// `group-by` field → this group's value.
    pub group: Vec<GroupPart>,
    /// First and last event, RFC 3339 UTC.
    pub first: String,
    /// See `first`.
    pub last: String,
    /// The grouped events.
    pub events: Vec<HitEvent>,
}

/// One `group-by` field and value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupPart {
    /// The field as the rule names it.
    pub field: String,
    /// The group's value (an origin's ARN or name, `role / session`, a chain's outermost key, an account, a raw
    /// value).
    pub value: String,
}

/// How often a rule hit in the scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleCount {
    /// The rule.
    #[serde(flatten)]
    pub rule: RuleRef,
    /// Its author (credited on matches).
    pub author: Option<String>,
    /// Where it came from.
    pub source: String,
    /// Events it hit in the scope.
    pub events: usize,
    /// Distinct origins named behind them (`tally`).
    pub origins: usize,
    /// Of its events, those whose origin is not named (unknown, or a name + time match up the chain).
    pub unattributed: usize,
    /// Distinct session identities that signed them.
    pub session_identities: usize,
    /// The accounts whose logs hold them (`recipientAccountId`).
    pub accounts: Vec<String>,
    /// First hit in the scope, RFC 3339 UTC.
    pub first: String,
    /// Last hit in the scope, RFC 3339 UTC.
    pub last: String,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetectReport {
    /// The scope; `None`: everything loaded.
    pub scope: Option<ScopeJson>,
    /// Detection and correlation rules run.
    pub rules_run: usize,
    /// Correlation rules run.
    pub correlations_run: usize,
    /// Rules that did not run, with file and reason.
    pub problems: Vec<Problem>,
    /// Rules skipped because their log source is not CloudTrail.
    pub skipped_logsource: usize,
    /// Events with hits in the scope.
    pub events_hit: usize,
    /// Hits per rule, most first.
    pub by_rule: Vec<RuleCount>,
    /// Hits grouped by origin → session identity → chain.
    pub origins: Vec<OriginHits>,
    /// Correlations with an event in the scope.
    pub correlations: Vec<CorrelationReport>,
    /// Records a rule needed that could not be read again: `(event index, reason)`.
    pub unreadable: Vec<(u32, String)>,
}

fn opt(store: &Store, s: crate::core::model::Sym) -> Option<String> {
    store.strings.opt(s).map(str::to_string)
}

fn hit_event(store: &Store, d: &Detections, event: u32, correlation_rules: bool) -> HitEvent {
    let ev = &store.events[event as usize];
    let hits = if correlation_rules {
        d.all_of_event(event)
    } else {
        d.of_event(event)
    };
    let mut rules: Vec<RuleRef> = hits.iter().map(|h| RuleRef::from(d.rule(h.rule))).collect();
    rules.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.title.cmp(&b.title)));
    HitEvent {
        index: event,
        event_id: store.event_id_string(ev),
        time: rfc3339(ev.time),
        event_source: store.s(ev.event_source).to_string(),
        event_name: store.s(ev.event_name).to_string(),
        account: opt(store, ev.recipient_account),
        source_ip: opt(store, ev.source_ip),
        error_code: opt(store, ev.error_code),
        access_key_id: opt(store, store.identity(ev).access_key_id),
        rules,
    }
}

/// The report of `d` over `scope`.
pub fn report(store: &Store, graph: &SessionGraph, d: &Detections, scope: Option<Scope>) -> DetectReport {
    let within = |e: u32| scope.is_none_or(|s| s.contains(store.events[e as usize].time));
    // origin → identity → chain → events, each level in first-seen order.
    type Key = (Option<u32>, Option<u32>, Option<u32>);
    let mut order: Vec<Key> = Vec::new();
    let mut grouped: BTreeMap<Key, (Attribution, Vec<u32>)> = BTreeMap::new();
    let mut events_hit = 0;
    for e in d.events().filter(|&e| within(e)) {
        events_hit += 1;
        let a = attribute(graph, e);
        let key = (a.origin, a.session_identity, a.chain_root);
        let entry = grouped.entry(key).or_insert_with(|| {
            order.push(key);
            (a, Vec::new())
        });
        entry.0.weak |= a.weak;
        entry.1.push(e);
    }
    let mut origins: Vec<OriginHits> = Vec::new();
    let mut origin_pos: BTreeMap<Option<u32>, usize> = BTreeMap::new();
    for key in order {
        let Some((a, events)) = grouped.remove(&key) else {
            continue;
        };
        let oi = *origin_pos.entry(key.0).or_insert_with(|| {
            origins.push(OriginHits {
                origin: key.0.map(|o| graph.origin_view(store, o)),
                weak_link: false,
                identities: Vec::new(),
            });
            origins.len() - 1
        });
        let o = &mut origins[oi];
        o.weak_link |= a.weak;
        let identity = key.1.map(|i| GroupValue::SessionIdentity(i).describe(store, graph));
        let chain_root = match a.signer {
            Signer::Session(_) => key.2.and_then(|s| opt(store, graph.session(s).access_key)),
            _ => None,
        };
        let chain = ChainHits {
            chain_root,
            events: events.iter().map(|&e| hit_event(store, d, e, false)).collect(),
        };
        match o.identities.iter_mut().find(|i| i.session_identity == identity) {
            Some(i) => i.chains.push(chain),
            None => o.identities.push(IdentityHits {
                session_identity: identity,
                chains: vec![chain],
            }),
        }
    }
    let by_rule: Vec<RuleCount> = super::tally(store, graph, d, scope)
        .into_iter()
        .map(|t| {
            let m = d.rule(t.rule);
            RuleCount {
                rule: m.into(),
                author: m.author.clone(),
                source: m.origin.to_string(),
                events: t.events,
                origins: t.origins,
                unattributed: t.unattributed,
                session_identities: t.session_identities,
                accounts: t.accounts,
                first: rfc3339(t.first),
                last: rfc3339(t.last),
            }
        })
        .collect();
    let correlations = super::correlations_in(store, d, scope)
        .map(|c| correlation_report(store, graph, d, c))
        .collect();
    let rules = d.rules();
    DetectReport {
        scope: scope.map(ScopeJson::from),
        rules_run: rules.rule_count(),
        correlations_run: rules.correlation_count(),
        problems: rules.problems().to_vec(),
        skipped_logsource: rules.skipped_logsource(),
        events_hit,
        by_rule,
        origins,
        correlations,
        unreadable: d.unreadable().iter().map(|u| (u.event, u.reason.clone())).collect(),
    }
}

fn correlation_report(store: &Store, graph: &SessionGraph, d: &Detections, c: &CorrelationHit) -> CorrelationReport {
    let rule = d.correlation_rule(c.correlation);
    CorrelationReport {
        rule: rule.into(),
        kind: d.rules().correlation_kind(c.correlation),
        group: c
            .group
            .iter()
            .map(|(f, v)| GroupPart {
                field: f.name().to_string(),
                value: v.describe(store, graph),
            })
            .collect(),
        first: rfc3339(c.first),
        last: rfc3339(c.last),
        events: c.events.iter().map(|&e| hit_event(store, d, e, true)).collect(),
    }
}
