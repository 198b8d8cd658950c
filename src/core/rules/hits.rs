//! The result of running a rule set over a dataset: which rule hit which event, which correlations fired over
//! which groups, and which records could not be read again. Built once (`eval`) and kept with the dataset; every
//! view, export and the investigation read it.

use super::correlate::CorrelationHit as Corr;
use super::{CorrelationIdx, RuleIdx, RuleMeta, RuleSet};
use std::sync::Arc;

pub use super::correlate::CorrelationHit;

/// One detection rule matching one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// The event (index into `store.events`).
    pub event: u32,
    /// The rule (index into the rule set's detection rules).
    pub rule: RuleIdx,
}

/// A record a rule needed but that could not be read again (its file changed or went away since loading).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The event (index into `store.events`).
    pub event: u32,
    /// Why.
    pub reason: String,
}

/// Every hit of a rule set over one dataset.
pub struct Detections {
    pub(super) rules: Arc<RuleSet>,
    /// Hits of rules that generate their own (not only a correlation's material), sorted by event then rule.
    pub(super) hits: Vec<Hit>,
    /// Every detection hit, including correlation-only rules', sorted by event then rule.
    pub(super) all: Vec<Hit>,
    pub(super) correlations: Vec<Corr>,
    /// The rules with at least one shown hit, in rule order (what `:rule` completes in the TUI).
    pub(super) rules_hit: Vec<RuleIdx>,
    pub(super) unreadable: Vec<Unreadable>,
    pub(super) stats: EvalStats,
}

/// What one evaluation cost: the store-only pass, the raw records read again for candidates, the correlations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvalStats {
    /// Wall time of the first pass (fields the store keeps), microseconds.
    pub first_pass_us: u64,
    /// (event, rule) pairs the first pass could not decide.
    pub candidates: usize,
    /// Raw records read again (for candidates and correlation fields).
    pub raw_reads: usize,
    /// Input files those records were read from.
    pub raw_files: usize,
    /// Wall time of reading them and deciding the candidates, microseconds.
    pub raw_pass_us: u64,
    /// Wall time of the correlations (with their raw reads), microseconds.
    pub correlate_us: u64,
}

impl std::fmt::Debug for Detections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detections")
            .field("hits", &self.hits.len())
            .field("correlations", &self.correlations.len())
            .finish()
    }
}

impl Detections {
    /// The rule set evaluated.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }
    /// The shared rule set evaluated.
    pub fn rules_shared(&self) -> &Arc<RuleSet> {
        &self.rules
    }
    /// Hits to show (rules that generate their own), sorted by event then rule.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }
    /// The hits to show on one event.
    pub fn of_event(&self, event: u32) -> &[Hit] {
        let lo = self.hits.partition_point(|h| h.event < event);
        let hi = self.hits.partition_point(|h| h.event <= event);
        &self.hits[lo..hi]
    }
    /// Every rule matching one event, correlation-only rules included.
    pub fn all_of_event(&self, event: u32) -> &[Hit] {
        let lo = self.all.partition_point(|h| h.event < event);
        let hi = self.all.partition_point(|h| h.event <= event);
        &self.all[lo..hi]
    }
    /// The detection rules with at least one shown hit, in rule order.
    pub fn rules_hit(&self) -> &[RuleIdx] {
        &self.rules_hit
    }
    /// A detection rule's description.
    pub fn rule(&self, r: RuleIdx) -> &RuleMeta {
        self.rules.rule(r)
    }
    /// A correlation rule's description.
    pub fn correlation_rule(&self, c: CorrelationIdx) -> &RuleMeta {
        self.rules.correlation(c)
    }
    /// Correlations that fired, in order of their first event.
    pub fn correlations(&self) -> &[Corr] {
        &self.correlations
    }
    /// The correlations an event belongs to.
    pub fn correlations_of_event(&self, event: u32) -> impl Iterator<Item = &Corr> {
        self.correlations
            .iter()
            .filter(move |c| c.events.binary_search(&event).is_ok())
    }
    /// Records that could not be read again; rules that needed them did not decide those events.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }
    /// How many raw records were read again to decide candidates and correlation fields.
    pub fn raw_reads(&self) -> usize {
        self.stats.raw_reads
    }
    /// What the evaluation cost.
    pub fn stats(&self) -> EvalStats {
        self.stats
    }
    /// Events with at least one shown hit, each once, in event order.
    pub fn events(&self) -> impl Iterator<Item = u32> + '_ {
        let mut events: Vec<u32> = self.hits.iter().map(|h| h.event).collect();
        events.dedup();
        events.into_iter()
    }
    /// An empty result (no rules).
    pub fn empty(rules: Arc<RuleSet>) -> Self {
        Detections {
            rules,
            hits: Vec::new(),
            all: Vec::new(),
            correlations: Vec::new(),
            rules_hit: Vec::new(),
            unreadable: Vec::new(),
            stats: EvalStats::default(),
        }
    }
}
