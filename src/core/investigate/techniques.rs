//! Techniques observed: the Sigma detection and correlation hits (`Dataset::detections`, evaluated once per load)
//! on the investigation's events, arranged tactic → technique → events by the rules' ATT&CK tags. A rule tagged
//! with several tactics is listed under each; a rule without tactic or technique tags is listed under "untagged"
//! (`null`), never guessed into one.

use super::events::{EventRef, Gathered};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::rules::{Detections, Level, RuleMeta, Tactic, Technique};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Events listed per technique (the latest); `event_count` counts them all.
pub const MAX_EVENTS_PER_TECHNIQUE: usize = 20;

/// A rule that hit, as the report names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RuleRef {
    /// The rule's level.
    pub level: Level,
    /// The rule's id.
    pub id: String,
    /// The rule's title (hostile text when the rule came from a user's file).
    pub title: String,
    /// A correlation rule (its hits are windows of events).
    pub correlation: bool,
}

impl RuleRef {
    fn of(m: &RuleMeta, correlation: bool) -> RuleRef {
        RuleRef {
            level: m.level,
            id: m.id.clone(),
            title: m.title.clone(),
            correlation,
        }
    }
}

/// One technique under a tactic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TechniqueNode {
    /// The ATT&CK technique; `null`: the rules name none.
    pub technique: Option<Technique>,
    /// The rules that hit, highest level first.
    pub rules: Vec<RuleRef>,
    /// Events hit (all of them).
    pub event_count: usize,
    /// The latest [`MAX_EVENTS_PER_TECHNIQUE`] events hit, in time order.
    pub events: Vec<EventRef>,
}

/// One tactic's techniques.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TacticNode {
    /// The ATT&CK tactic; `null`: the rules name none.
    pub tactic: Option<Tactic>,
    /// Its techniques, by id.
    pub techniques: Vec<TechniqueNode>,
}

/// The techniques observed and every distinct rule that hit (with its events), for scoring.
pub struct Observed {
    /// Tactic → technique → events.
    pub tactics: Vec<TacticNode>,
    /// Each rule that hit once, with how many of the investigation's events it hit.
    pub rules: Vec<(RuleRef, usize)>,
}

type Key = (Option<Tactic>, Option<Technique>);

fn pairs(m: &RuleMeta) -> Vec<Key> {
    let tactics: Vec<Option<Tactic>> = if m.tactics.is_empty() {
        vec![None]
    } else {
        m.tactics.iter().copied().map(Some).collect()
    };
    let techniques: Vec<Option<Technique>> = if m.techniques.is_empty() {
        vec![None]
    } else {
        m.techniques.iter().cloned().map(Some).collect()
    };
    tactics
        .iter()
        .flat_map(|t| techniques.iter().map(move |x| (*t, x.clone())))
        .collect()
}

/// The hits of `det` on the gathered events.
pub fn observed(store: &Store, graph: &SessionGraph, det: &Detections, g: &Gathered) -> Observed {
    let mut tree: BTreeMap<Key, (BTreeSet<RuleRef>, BTreeSet<u32>)> = BTreeMap::new();
    let mut rules: BTreeMap<RuleRef, BTreeSet<u32>> = BTreeMap::new();
    let mut add = |m: &RuleMeta, correlation: bool, events: &[u32]| {
        let r = RuleRef::of(m, correlation);
        rules.entry(r.clone()).or_default().extend(events);
        for k in pairs(m) {
            let (rs, es) = tree.entry(k).or_default();
            rs.insert(r.clone());
            es.extend(events);
        }
    };
    for &(i, _) in &g.events {
        for h in det.of_event(i) {
            add(det.rule(h.rule), false, &[i]);
        }
    }
    for c in det.correlations() {
        let mine: Vec<u32> = c.events.iter().copied().filter(|&i| g.contains(i)).collect();
        if !mine.is_empty() {
            add(det.correlation_rule(c.correlation), true, &mine);
        }
    }
    let via = |i: u32| {
        g.events
            .binary_search_by_key(&i, |e| e.0)
            .map(|k| g.events[k].1)
            .unwrap_or(super::events::Via::Own)
    };
    let mut tactics: Vec<TacticNode> = Vec::new();
    for ((tactic, technique), (rs, es)) in tree {
        let listed = es.len().saturating_sub(MAX_EVENTS_PER_TECHNIQUE);
        let mut rules: Vec<RuleRef> = rs.into_iter().collect();
        rules.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.id.cmp(&b.id)));
        let node = TechniqueNode {
            technique,
            rules,
            event_count: es.len(),
            events: es
                .iter()
                .skip(listed)
                .map(|&i| EventRef::of(store, graph, i, via(i)))
                .collect(),
        };
        match tactics.last_mut() {
            Some(t) if t.tactic == tactic => t.techniques.push(node),
            _ => tactics.push(TacticNode {
                tactic,
                techniques: vec![node],
            }),
        }
    }
    Observed {
        tactics,
        rules: rules.into_iter().map(|(r, e)| (r, e.len())).collect(),
    }
}
