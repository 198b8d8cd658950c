//! Correlation rules (Sigma's `event_count`, `value_count`, `temporal`, `temporal_ordered`) over the detection
//! hits, in sliding windows of `timespan`, grouped by `group-by` fields. Besides raw CloudTrail paths a group-by
//! may name what trailhound knows about each event (`docs/rules.md` §Correlations): `trailhound.origin`,
//! `trailhound.session_identity`, `trailhound.chain_root`, `trailhound.origin_account`. An event whose group
//! value is unknown (an origin reached through a weak link, a field the record lacks) is left out of the
//! correlation rather than grouped under a guess.
//!
//! The windows are evaluated here, not in the engine crate: the group keys come from the session graph and the
//! responder needs the grouped events named, which a streaming engine does not keep.

use super::attribution::Attribution;
use super::load::{ProblemKind, Rule};
use super::{CorrelationIdx, RuleIdx, RuleMeta, RuleOrigin, attack_tags};
use crate::core::graph::{OriginId, SessionGraph, SessionId};
use crate::core::model::{Store, Sym};
use hashbrown::HashMap;
use rsigma_parser::{
    ConditionExpr, ConditionOperator, CorrelationCondition, CorrelationRule, CorrelationType, WindowMode,
};
use serde::Serialize;

/// Which correlation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CorrelationKind {
    /// Enough events in the window.
    EventCount,
    /// Enough distinct values of a field in the window.
    ValueCount,
    /// Every named rule (or enough of them) hit in the window, in any order.
    Temporal,
    /// Every named rule hit in the window, in the order listed.
    TemporalOrdered,
}

/// A `group-by` field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "path")]
pub enum GroupField {
    /// `trailhound.origin`: the person, service or outside account at the top of the chain.
    Origin,
    /// `trailhound.session_identity`: role + session name (for an origin's own calls, the origin).
    SessionIdentity,
    /// `trailhound.chain_root`: the chain's outermost session (for an origin's own calls, the origin).
    ChainRoot,
    /// `trailhound.origin_account`: the origin's account.
    OriginAccount,
    /// A raw CloudTrail path.
    Raw(String),
}

impl GroupField {
    fn parse(s: &str) -> GroupField {
        match s {
            "trailhound.origin" => GroupField::Origin,
            "trailhound.session_identity" => GroupField::SessionIdentity,
            "trailhound.chain_root" => GroupField::ChainRoot,
            "trailhound.origin_account" => GroupField::OriginAccount,
            other => GroupField::Raw(other.to_string()),
        }
    }
    /// The name a rule writes.
    pub fn name(&self) -> &str {
        match self {
            GroupField::Origin => "trailhound.origin",
            GroupField::SessionIdentity => "trailhound.session_identity",
            GroupField::ChainRoot => "trailhound.chain_root",
            GroupField::OriginAccount => "trailhound.origin_account",
            GroupField::Raw(s) => s,
        }
    }
}

/// One group's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GroupValue {
    /// An origin.
    Origin(OriginId),
    /// A session identity (index into `SessionGraph::identities`).
    SessionIdentity(u32),
    /// A chain, by its outermost session.
    Chain(SessionId),
    /// An account id.
    Account(Sym),
    /// A raw field's value.
    Text(String),
}

impl GroupValue {
    /// The value for people (hostile text: neutralise before printing).
    pub fn describe(&self, store: &Store, graph: &SessionGraph) -> String {
        match self {
            GroupValue::Origin(o) => {
                let v = graph.origin_view(store, *o);
                v.arn.or(v.name).or(v.principal_id).unwrap_or_else(|| "?".into())
            }
            GroupValue::SessionIdentity(i) => {
                let x = &graph.identities[*i as usize];
                format!("{} / {}", store.s(x.role_arn), store.s(x.session_name))
            }
            GroupValue::Chain(s) => store.s(graph.session(*s).access_key).to_string(),
            GroupValue::Account(a) => store.s(*a).to_string(),
            GroupValue::Text(t) => t.clone(),
        }
    }
}

/// What a correlation names: a detection rule or an earlier correlation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Ref {
    Rule(RuleIdx),
    Correlation(CorrelationIdx),
}

/// One thing a correlation counts: an event a rule hit, or a window an earlier correlation fired (represented by
/// its first event, which gives its time and group).
pub(super) struct Member<'a> {
    pub(super) event: u32,
    /// The events it stands for: the hit event itself, or the fired window's events (borrowed: a rule's hits number
    /// in the millions at 10 M events, and each was a one-element vector).
    pub(super) events: &'a [u32],
}

/// A resolved correlation rule.
pub(crate) struct Correlation {
    pub(crate) meta: RuleMeta,
    name: Option<String>,
    pub(crate) kind: CorrelationKind,
    /// The rules it names, in the order listed.
    pub(crate) rules: Vec<Ref>,
    /// False when a correlation with `generate: false` names it: its windows are only that correlation's material.
    pub(crate) generate: bool,
    pub(crate) group_by: Vec<GroupField>,
    /// Per group-by alias: the field each rule's events give it.
    aliases: Vec<(String, Vec<(Ref, String)>)>,
    pub(crate) timespan: i64,
    predicates: Vec<(ConditionOperator, u64)>,
    /// `value_count`'s field.
    pub(crate) field: Option<String>,
}

/// Resolve a parsed correlation against the loaded rules.
/// Resolve a parsed correlation against the loaded rules and the correlations resolved before it; `Ok(None)` when
/// it names a correlation not (yet) resolved.
pub(super) fn resolve(
    c: &CorrelationRule,
    origin: RuleOrigin,
    rules: &[Rule],
    earlier: &[Correlation],
) -> Result<Option<Correlation>, (ProblemKind, String)> {
    let unsupported = |why: String| Err((ProblemKind::Unsupported, why));
    let kind = match c.correlation_type {
        CorrelationType::EventCount => CorrelationKind::EventCount,
        CorrelationType::ValueCount => CorrelationKind::ValueCount,
        CorrelationType::Temporal => CorrelationKind::Temporal,
        CorrelationType::TemporalOrdered => CorrelationKind::TemporalOrdered,
        other => return unsupported(format!("correlation type {} is not evaluated", other.as_str())),
    };
    if c.window != WindowMode::Sliding {
        return unsupported(format!("`window: {}` (only sliding windows)", c.window.as_str()));
    }
    let find = |name: &str| {
        rules
            .iter()
            .position(|r| r.meta.id == name || r.name.as_deref() == Some(name))
            .map(|i| Ref::Rule(i as RuleIdx))
            .or_else(|| {
                earlier
                    .iter()
                    .position(|r| r.meta.id == name || r.name.as_deref() == Some(name))
                    .map(|i| Ref::Correlation(i as CorrelationIdx))
            })
    };
    let mut idx = Vec::new();
    for name in &c.rules {
        match find(name) {
            Some(i) => idx.push(i),
            None => return Ok(None),
        }
    }
    let (predicates, field) = match &c.condition {
        CorrelationCondition::Threshold { predicates, field, .. } => {
            (predicates.clone(), field.as_ref().and_then(|f| f.first().cloned()))
        }
        CorrelationCondition::Extended(e) if all_of(e, &c.rules) => (Vec::new(), None),
        CorrelationCondition::Extended(_) => {
            return unsupported("a boolean correlation condition other than `a and b …`".into());
        }
    };
    if kind == CorrelationKind::ValueCount && field.is_none() {
        return Err((ProblemKind::Parse, "value_count without a condition field".into()));
    }
    if matches!(kind, CorrelationKind::EventCount | CorrelationKind::ValueCount) && predicates.is_empty() {
        return Err((ProblemKind::Parse, "no condition".into()));
    }
    let aliases = c
        .aliases
        .iter()
        .map(|a| {
            let per_rule = a
                .mapping
                .iter()
                .filter_map(|(rule, field)| Some((find(rule)?, field.clone())))
                .collect();
            (a.alias.clone(), per_rule)
        })
        .collect();
    let (tactics, techniques) = attack_tags(&c.tags);
    Ok(Some(Correlation {
        name: c.name.clone(),
        generate: true,
        meta: RuleMeta {
            id: c.id.clone().unwrap_or_else(|| c.title.clone()),
            title: c.title.clone(),
            level: c.level.map(Into::into).unwrap_or_default(),
            tactics,
            techniques,
            tags: c.tags.clone(),
            author: c.author.clone(),
            origin,
        },
        kind,
        rules: idx,
        group_by: c.group_by.iter().map(|g| GroupField::parse(g)).collect(),
        aliases,
        timespan: i64::try_from(c.timespan.seconds).unwrap_or(i64::MAX),
        predicates,
        field,
    }))
}

/// Whether a temporal condition is `a and b and …` over exactly the named rules.
fn all_of(e: &ConditionExpr, names: &[String]) -> bool {
    match e {
        ConditionExpr::And(v) => {
            v.len() == names.len()
                && v.iter()
                    .all(|x| matches!(x, ConditionExpr::Identifier(n) if names.contains(n)))
        }
        _ => false,
    }
}

/// A correlation that fired: the group and its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrelationHit {
    /// Which correlation rule.
    pub correlation: CorrelationIdx,
    /// The group-by fields and this group's values, in the rule's order.
    pub group: Vec<(GroupField, GroupValue)>,
    /// The events in the window (indexes into `store.events`), in time order.
    pub events: Vec<u32>,
    /// First and last event time, epoch seconds.
    pub first: i64,
    /// See `first`.
    pub last: i64,
}

impl CorrelationHit {
    /// The group for people: `field=value` per group-by field, in the rule's order, joined by `, ` (hostile text:
    /// neutralise before printing).
    pub fn group_text(&self, store: &Store, graph: &SessionGraph) -> String {
        self.group
            .iter()
            .map(|(f, v)| format!("{}={}", f.name(), v.describe(store, graph)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the windows need of each hit event: its time, attribution and field values.
pub(super) trait Facts {
    fn time(&self, event: u32) -> i64;
    fn attribution(&self, event: u32) -> Attribution;
    fn origin_account(&self, origin: OriginId) -> Sym;
    fn field(&self, event: u32, path: &str) -> Option<String>;
}

impl Correlation {
    /// The raw fields (group-by, aliases, value_count's field) this correlation reads.
    pub(super) fn raw_fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .group_by
            .iter()
            .filter_map(|g| match g {
                GroupField::Raw(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        out.extend(self.aliases.iter().flat_map(|(_, m)| m.iter().map(|(_, f)| f.as_str())));
        out.extend(self.field.as_deref());
        out
    }

    fn group_value(&self, g: &GroupField, pos: usize, event: u32, facts: &dyn Facts) -> Option<GroupValue> {
        let a = || facts.attribution(event);
        let own_origin = |a: &Attribution| match a.signer {
            crate::core::graph::Signer::Origin(o) => Some(GroupValue::Origin(o)),
            _ => None,
        };
        match g {
            GroupField::Origin => a().origin.map(GroupValue::Origin),
            GroupField::SessionIdentity => {
                let a = a();
                a.session_identity
                    .map(GroupValue::SessionIdentity)
                    .or_else(|| own_origin(&a))
            }
            GroupField::ChainRoot => {
                let a = a();
                a.chain_root.map(GroupValue::Chain).or_else(|| own_origin(&a))
            }
            GroupField::OriginAccount => a()
                .origin
                .map(|o| facts.origin_account(o))
                .filter(|s| s.is_some())
                .map(GroupValue::Account),
            GroupField::Raw(name) => {
                let rule = self.rules[pos];
                let path = self
                    .aliases
                    .iter()
                    .find(|(alias, _)| alias == name)
                    .and_then(|(_, m)| m.iter().find(|(r, _)| *r == rule).map(|(_, f)| f.as_str()))
                    .unwrap_or(name);
                facts.field(event, path).map(GroupValue::Text)
            }
        }
    }

    /// Evaluate over `hits[p]`: what each named rule or correlation produced (by position in `rules`).
    pub(super) fn evaluate(
        &self,
        me: CorrelationIdx,
        hits: &[Vec<Member<'_>>],
        facts: &dyn Facts,
    ) -> Vec<CorrelationHit> {
        struct Item<'m> {
            time: i64,
            event: u32,
            pos: usize,
            value: Option<String>,
            member: &'m [u32],
        }
        let mut groups: HashMap<Vec<GroupValue>, Vec<Item>> = HashMap::new();
        // One key buffer for every member: a group's key is allocated once, when the group is first seen.
        let mut key: Vec<GroupValue> = Vec::with_capacity(self.group_by.len());
        'items: for (pos, members) in hits.iter().enumerate() {
            for m in members {
                let event = m.event;
                key.clear();
                for g in &self.group_by {
                    match self.group_value(g, pos, event, facts) {
                        Some(v) => key.push(v),
                        None => continue 'items,
                    }
                }
                let value = self.field.as_deref().and_then(|f| facts.field(event, f));
                let item = Item {
                    time: facts.time(event),
                    event,
                    pos,
                    value,
                    member: m.events,
                };
                match groups.get_mut(key.as_slice()) {
                    Some(items) => items.push(item),
                    None => {
                        groups.insert(key.clone(), vec![item]);
                    }
                }
            }
        }
        let mut out = Vec::new();
        let mut keys: Vec<_> = groups.into_iter().collect();
        keys.sort_by_cached_key(|(_, items)| items.iter().map(|i| (i.time, i.event)).min());
        for (key, mut items) in keys {
            items.sort_by_key(|i| (i.time, i.event, i.pos));
            let mut w = Window::default();
            let (mut i, mut j) = (0, 0);
            while i < items.len() {
                while j < items.len() && items[j].time - items[i].time <= self.timespan {
                    w.add(items[j].event, items[j].pos, items[j].value.as_deref());
                    j += 1;
                }
                let fired = match self.kind {
                    CorrelationKind::EventCount => self.holds(w.events.len()),
                    CorrelationKind::ValueCount => self.holds(w.values.len()),
                    CorrelationKind::Temporal => self.all_rules(w.positions.len()),
                    CorrelationKind::TemporalOrdered => {
                        let mut next = 0;
                        for it in &items[i..j] {
                            if next < self.rules.len() && it.pos == next {
                                next += 1;
                            }
                        }
                        self.all_rules(next)
                    }
                };
                if fired {
                    let mut events: Vec<u32> = items[i..j].iter().flat_map(|x| x.member.iter().copied()).collect();
                    events.sort_unstable();
                    events.dedup();
                    out.push(CorrelationHit {
                        correlation: me,
                        group: self.group_by.iter().cloned().zip(key.iter().cloned()).collect(),
                        first: items[i].time,
                        last: items[j - 1].time,
                        events,
                    });
                    for it in &items[i..j] {
                        w.remove(it.event, it.pos, it.value.as_deref());
                    }
                    i = j;
                } else {
                    w.remove(items[i].event, items[i].pos, items[i].value.as_deref());
                    i += 1;
                }
            }
        }
        out
    }

    fn holds(&self, n: usize) -> bool {
        let n = n as u64;
        self.predicates.iter().all(|&(op, v)| match op {
            ConditionOperator::Lt => n < v,
            ConditionOperator::Lte => n <= v,
            ConditionOperator::Gt => n > v,
            ConditionOperator::Gte => n >= v,
            ConditionOperator::Eq => n == v,
            ConditionOperator::Neq => n != v,
        })
    }

    /// Temporal: every named rule, unless a threshold says how many distinct rules are enough. The parser writes
    /// an absent condition as `gte: 1`, which the specification reads as "all of them".
    fn all_rules(&self, distinct: usize) -> bool {
        if self.predicates.is_empty() || self.predicates == [(ConditionOperator::Gte, 1)] {
            distinct >= self.rules.len()
        } else {
            self.holds(distinct)
        }
    }
}

/// Counts of what a sliding window holds.
#[derive(Default)]
struct Window {
    events: HashMap<u32, u32>,
    positions: HashMap<usize, u32>,
    values: HashMap<String, u32>,
}

impl Window {
    fn add(&mut self, event: u32, pos: usize, value: Option<&str>) {
        *self.events.entry(event).or_default() += 1;
        *self.positions.entry(pos).or_default() += 1;
        if let Some(v) = value {
            *self.values.entry_ref(v).or_default() += 1;
        }
    }
    fn remove(&mut self, event: u32, pos: usize, value: Option<&str>) {
        fn dec<K: std::hash::Hash + Eq, Q: std::hash::Hash + hashbrown::Equivalent<K> + ?Sized>(
            m: &mut HashMap<K, u32>,
            k: &Q,
        ) {
            if let Some(n) = m.get_mut(k) {
                *n -= 1;
                if *n == 0 {
                    m.remove(k);
                }
            }
        }
        dec(&mut self.events, &event);
        dec(&mut self.positions, &pos);
        if let Some(v) = value {
            dec(&mut self.values, v);
        }
    }
}
