//! Running a rule set over the store, once. Pass one answers every rule for every event from the fields the store
//! keeps, remembering each answer under the values of the kept fields the rule names (so a rule is really
//! evaluated once per distinct combination, not per event); an answer that needed anything else marks the event
//! as a candidate. Pass two reads the candidates' raw records (each file once) and decides them exactly.
//! Correlations run last over the hits.

use super::correlate::{Facts, Member, Ref};
use super::event::RuleEvent;
use super::fields::{Answer, Kept};
use super::hits::{Detections, EvalStats, Hit, Unreadable};
use super::{Attribution, RuleIdx, RuleSet, attribute};
use crate::core::graph::{OriginId, SessionGraph, Signer};
use crate::core::ingest::raw_values;
use crate::core::model::{Store, Sym};
use hashbrown::HashMap;
use rayon::prelude::*;
use serde_json::Value;
use std::cell::Cell;
use std::sync::Arc;
use std::time::Instant;

/// Events per work unit (each keeps its own memo).
const CHUNK: usize = 1 << 16;

/// Candidate events whose files are handed to the workers together in the raw pass.
const RAW_BATCH: usize = 1 << 16;

/// What pass one concluded for one rule on one event.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Match,
    NeedsRaw,
}

/// Per key set: the kept fields' values → the rules that matched or need the raw record.
type Memo = HashMap<Box<[u32]>, Vec<(RuleIdx, Outcome)>>;

/// Rules that name the same kept fields share one memo key.
struct KeySet {
    fields: Vec<Kept>,
    rules: Vec<RuleIdx>,
}

/// Run `rules` over everything `store` holds.
pub fn evaluate(store: &Store, graph: &SessionGraph, rules: Arc<RuleSet>) -> Detections {
    evaluate_in_batches(store, graph, rules, RAW_BATCH)
}

/// [`evaluate`], handing out the candidates' files `raw_batch` events at a time (the answer does not depend on it;
/// tests show so).
pub fn evaluate_in_batches(store: &Store, graph: &SessionGraph, rules: Arc<RuleSet>, raw_batch: usize) -> Detections {
    let mut sets: Vec<KeySet> = Vec::new();
    for (i, r) in rules.rules.iter().enumerate() {
        match sets.iter_mut().find(|s| s.fields == r.kept) {
            Some(s) => s.rules.push(i as RuleIdx),
            None => sets.push(KeySet {
                fields: r.kept.clone(),
                rules: vec![i as RuleIdx],
            }),
        }
    }
    let mut stats = EvalStats::default();
    let t = Instant::now();
    let passes: Vec<(Vec<Hit>, Vec<Hit>)> = store
        .events
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| first_pass(store, &rules, &sets, c * CHUNK, chunk))
        .collect();
    let mut all: Vec<Hit> = Vec::new();
    let mut candidates: Vec<Hit> = Vec::new();
    for (h, c) in passes {
        all.extend(h);
        candidates.extend(c);
    }
    stats.first_pass_us = t.elapsed().as_micros() as u64;
    stats.candidates = candidates.len();
    let t = Instant::now();
    let mut events: Vec<u32> = candidates.iter().map(|h| h.event).collect();
    events.dedup();
    stats.raw_files = files_of(store, &events);
    stats.raw_reads = events.len();
    // Candidates are decided file by file: a worker reads one file's candidate records, decides them and drops them,
    // so the parsed records held at once are one file's per worker (all of them at once held ≈ 0.5 GB over 1 M demo
    // events), and no worker waits for the others between reading and deciding. Files are handed out together up to
    // `raw_batch` events (at least one file at a time); the answer does not depend on it.
    let mut by_file: Vec<(u32, u32)> = events
        .iter()
        .map(|&e| (store.events.get(e as usize).map_or(u32::MAX, |ev| ev.locator.file), e))
        .collect();
    by_file.sort_unstable();
    let files: Vec<&[(u32, u32)]> = by_file.chunk_by(|a, b| a.0 == b.0).collect();
    let mut unreadable = Vec::new();
    let mut rest: &[&[(u32, u32)]] = &files;
    while !rest.is_empty() {
        let mut take = 1;
        let mut held = rest[0].len();
        while take < rest.len() && held + rest[take].len() <= raw_batch {
            held += rest[take].len();
            take += 1;
        }
        let (these, after) = rest.split_at(take);
        rest = after;
        let decided: Vec<(Vec<Hit>, Vec<Unreadable>)> = these
            .par_iter()
            .map(|file| decide_file(store, &rules, &candidates, file))
            .collect();
        for (hits, bad) in decided {
            all.extend(hits);
            unreadable.extend(bad);
        }
    }
    unreadable.sort_by_key(|u| u.event);
    all.sort_unstable();
    all.dedup();

    stats.raw_pass_us = t.elapsed().as_micros() as u64;
    let t = Instant::now();
    let correlations = correlate(store, graph, &rules, &all, &mut unreadable, &mut stats.raw_reads);
    stats.correlate_us = t.elapsed().as_micros() as u64;
    let hits: Vec<Hit> = all
        .iter()
        .filter(|h| rules.rules[h.rule as usize].generate)
        .copied()
        .collect();
    let mut rules_hit: Vec<RuleIdx> = hits.iter().map(|h| h.rule).collect();
    rules_hit.sort_unstable();
    rules_hit.dedup();
    Detections {
        rules,
        hits,
        all,
        correlations,
        rules_hit,
        unreadable,
        stats,
    }
}

/// Decide the candidates (`candidates`, in event order) of the events of one file (`file`: (file, event) pairs in
/// event order) from their raw records, read here: the hits that hold, and the events whose record could not be read.
fn decide_file(store: &Store, rules: &RuleSet, candidates: &[Hit], file: &[(u32, u32)]) -> (Vec<Hit>, Vec<Unreadable>) {
    let events: Vec<u32> = file.iter().map(|&(_, e)| e).collect();
    let (raw, bad) = read_raw(store, &events);
    let mut hits = Vec::new();
    for &event in &events {
        let Some(v) = raw.get(&event) else { continue };
        let Some(ev) = store.events.get(event as usize) else {
            continue;
        };
        let e = RuleEvent::full(store, ev, v);
        let from = candidates.partition_point(|h| h.event < event);
        for h in candidates[from..].iter().take_while(|h| h.event == event) {
            if rsigma_eval::evaluate_rule(&rules.rules[h.rule as usize].compiled, &e).is_some() {
                hits.push(*h);
            }
        }
    }
    (hits, bad)
}

/// How many distinct input files hold `events`.
fn files_of(store: &Store, events: &[u32]) -> usize {
    let mut files: Vec<u32> = events
        .iter()
        .filter_map(|&e| store.events.get(e as usize))
        .map(|ev| ev.locator.file)
        .collect();
    files.sort_unstable();
    files.dedup();
    files.len()
}

fn first_pass(
    store: &Store,
    rules: &RuleSet,
    sets: &[KeySet],
    base: usize,
    chunk: &[crate::core::model::Event],
) -> (Vec<Hit>, Vec<Hit>) {
    let mut memo: Vec<Memo> = sets.iter().map(|_| HashMap::new()).collect();
    let mut hits = Vec::new();
    let mut candidates = Vec::new();
    let mut key = [0u32; 32];
    for (i, ev) in chunk.iter().enumerate() {
        let event = (base + i) as u32;
        for (s, set) in sets.iter().enumerate() {
            let n = set.fields.len().min(key.len());
            for (k, f) in key.iter_mut().zip(&set.fields) {
                *k = f.code(store, ev);
            }
            if !memo[s].contains_key(&key[..n]) {
                let answers: Vec<(RuleIdx, Outcome)> = set
                    .rules
                    .iter()
                    .filter_map(|&r| {
                        let e = RuleEvent::probe(store, ev, &set.fields);
                        let matched = rsigma_eval::evaluate_rule(&rules.rules[r as usize].compiled, &e).is_some();
                        if e.asked_raw() {
                            Some((r, Outcome::NeedsRaw))
                        } else {
                            matched.then_some((r, Outcome::Match))
                        }
                    })
                    .collect();
                memo[s].insert(Box::from(&key[..n]), answers);
            }
            let Some(answers) = memo[s].get(&key[..n]) else {
                continue;
            };
            for &(rule, o) in answers {
                match o {
                    Outcome::Match => hits.push(Hit { event, rule }),
                    Outcome::NeedsRaw => candidates.push(Hit { event, rule }),
                }
            }
        }
    }
    (hits, candidates)
}

/// The raw records of `events`, and the ones that could not be read.
fn read_raw(store: &Store, events: &[u32]) -> (HashMap<u32, Value>, Vec<Unreadable>) {
    let mut raw = HashMap::new();
    let mut bad = Vec::new();
    for (event, v) in raw_values(store, events) {
        match v {
            Ok(v) => {
                raw.insert(event, v);
            }
            Err(e) => bad.push(Unreadable {
                event,
                reason: e.to_string(),
            }),
        }
    }
    (raw, bad)
}

struct StoreFacts<'a> {
    store: &'a Store,
    graph: &'a SessionGraph,
    raw: HashMap<u32, Value>,
    /// Each signing session's attribution once worked out (it depends on the session alone, and walking its chain
    /// for each of millions of hits cost a third of the correlations' time at 10 M events).
    by_session: Vec<Cell<Option<Attribution>>>,
}

impl Facts for StoreFacts<'_> {
    fn time(&self, event: u32) -> i64 {
        self.store.events[event as usize].time
    }
    fn attribution(&self, event: u32) -> Attribution {
        let memo = match self.graph.signer.get(event as usize) {
            Some(&Signer::Session(s)) => self.by_session.get(s as usize),
            _ => None,
        };
        if let Some(known) = memo.and_then(Cell::get) {
            return known;
        }
        let a = attribute(self.graph, event);
        if let Some(m) = memo {
            m.set(Some(a));
        }
        a
    }
    fn origin_account(&self, origin: OriginId) -> Sym {
        self.graph.origin(origin).account
    }
    fn field(&self, event: u32, path: &str) -> Option<String> {
        let ev = &self.store.events[event as usize];
        if let Some(k) = Kept::of_path(path) {
            match k.value(self.store, ev) {
                Answer::Str(s) => return Some(s.to_string()),
                Answer::Bool(b) => return Some(b.to_string()),
                Answer::Absent => return None,
                Answer::Raw => {}
            }
        }
        let mut v = self.raw.get(&event)?;
        for part in path.split('.') {
            v = v.get(part)?;
        }
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

fn correlate(
    store: &Store,
    graph: &SessionGraph,
    rules: &RuleSet,
    all: &[Hit],
    unreadable: &mut Vec<Unreadable>,
    raw_reads: &mut usize,
) -> Vec<super::CorrelationHit> {
    if rules.correlations.is_empty() {
        return Vec::new();
    }
    let mut by_rule: HashMap<RuleIdx, Vec<u32>> = HashMap::new();
    for h in all {
        by_rule.entry(h.rule).or_default().push(h.event);
    }
    // Raw records only for the events of correlations that group or count by a field the store does not keep.
    let mut need: Vec<u32> = Vec::new();
    // (all of them when any does: a correlation's window stands for its first event in the correlations naming it).
    if rules
        .correlations
        .iter()
        .any(|c| c.raw_fields().iter().any(|f| Kept::of_path(f).is_none()))
    {
        for c in &rules.correlations {
            for r in &c.rules {
                if let Ref::Rule(r) = r {
                    need.extend(by_rule.get(r).into_iter().flatten());
                }
            }
        }
    }
    need.sort_unstable();
    need.dedup();
    *raw_reads += need.len();
    let (raw, bad) = read_raw(store, &need);
    unreadable.extend(bad);
    let facts = StoreFacts {
        store,
        graph,
        raw,
        by_session: vec![Cell::new(None); graph.sessions.len()],
    };
    // In resolution order: a correlation only names correlations resolved before it.
    let mut fired: Vec<Vec<super::CorrelationHit>> = Vec::with_capacity(rules.correlations.len());
    for (i, c) in rules.correlations.iter().enumerate() {
        let members: Vec<Vec<Member>> = c
            .rules
            .iter()
            .map(|r| match *r {
                Ref::Rule(r) => by_rule
                    .get(&r)
                    .into_iter()
                    .flatten()
                    .map(|e| Member {
                        event: *e,
                        events: std::slice::from_ref(e),
                    })
                    .collect(),
                Ref::Correlation(x) => fired[x as usize]
                    .iter()
                    .filter_map(|h| {
                        Some(Member {
                            event: *h.events.first()?,
                            events: &h.events,
                        })
                    })
                    .collect(),
            })
            .collect();
        let hits = c.evaluate(i as u32, &members, &facts);
        drop(members);
        fired.push(hits);
    }
    let mut out: Vec<super::CorrelationHit> = fired
        .into_iter()
        .enumerate()
        .filter(|(i, _)| rules.correlations[*i].generate)
        .flat_map(|(_, v)| v)
        .collect();
    out.sort_by_key(|c| (c.first, c.correlation));
    out
}
