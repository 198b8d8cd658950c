//! Assembling a [`Report`] from a [`CaseSnapshot`] and the loaded [`Store`]: which entities get a section, their
//! evidence (one pass over the events), their facts, and the evidence timeline.

use super::detective::{self, Facts};
use super::evidence::{self, Match, Matcher};
use super::report::*;
use crate::core::case::Input;
use crate::core::entity::EntityRef;
use crate::core::model::{Store, Sym};
use crate::core::time::{Scope, rfc3339};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Analyses other modules own, plugged into the report. Every method defaults to "not computed".
pub trait Enrichment {
    /// The chain of principals and sessions behind `entity` (session graph).
    fn chain(&self, _store: &Store, _entity: &EntityRef) -> Option<Chain> {
        None
    }
    /// New-behaviour highlights for `entity` in `scope` (behaviour analytics).
    fn highlights(&self, _store: &Store, _entity: &EntityRef, _scope: Option<Scope>) -> Option<Vec<Highlight>> {
        None
    }
    /// The least-privilege policy of `entity`'s successful calls in `scope` (`core::policy`).
    fn least_privilege(&self, _store: &Store, _entity: &EntityRef, _scope: Option<Scope>) -> Option<LeastPrivilege> {
        None
    }
    /// The denied calls of `entity` in `scope` (policy lens).
    fn denied(
        &self,
        _store: &Store,
        _entity: &EntityRef,
        _scope: Option<Scope>,
    ) -> Option<super::report::DeniedSection> {
        None
    }
    /// The investigation of `entity` in `scope` (`core::investigate`).
    fn investigation(
        &self,
        _store: &Store,
        _entity: &EntityRef,
        _scope: Option<Scope>,
    ) -> Option<crate::core::investigate::Investigation> {
        None
    }
    /// `City, Region, Country (ASN org)` for an IP (geolocation).
    fn place(&self, _ip: &str) -> Option<String> {
        None
    }
    /// The rules that hit event `index` (titles, highest level first) and their ATT&CK tags (rule hits).
    fn rules(&self, _index: usize) -> (Vec<String>, Vec<String>) {
        (Vec::new(), Vec::new())
    }
}

/// No analyses: chains, highlights and places are reported as not computed.
pub struct NoEnrichment;
impl Enrichment for NoEnrichment {}

/// How a report is built: limits and what to stamp on it.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Evidence events kept per entity (the total is still reported).
    pub max_events_per_entity: usize,
    /// Stamp the report with this time (`None`: no `generated` field, for reproducible output).
    pub generated: Option<i64>,
    /// Shown in the data summary (e.g. "events not loaded").
    pub data_warning: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            max_events_per_entity: 1000,
            generated: None,
            data_warning: None,
        }
    }
}

struct Acc {
    entity: EntityRef,
    matcher: Matcher,
    shown: Vec<usize>,
    total: usize,
    facts: Facts,
    regions: HashMap<Sym, usize>,
    keys: HashSet<Sym>,
    principals: HashSet<Sym>,
}

fn input_text(i: &Input) -> String {
    match i {
        Input::Path { path } => path.display().to_string(),
        Input::Fetch { params } => params.to_string(),
        Input::S3 { url } => url.to_string(),
    }
}

/// Build the report of a case from its snapshot and the loaded store; `enrich` supplies chains, highlights and places.
pub fn build(snap: &CaseSnapshot, store: &Store, enrich: &dyn Enrichment, opts: &ReportOptions) -> Report {
    // Entities worth a section: anything the analyst marked. Notes on the case itself go to `case_notes`.
    let mut set = BTreeSet::new();
    set.extend(snap.stars.iter().map(|s| s.entity.clone()));
    set.extend(snap.tags.iter().map(|t| t.entity.clone()));
    set.extend(snap.verdicts.iter().map(|v| v.entity.clone()));
    set.extend(
        snap.notes
            .iter()
            .filter(|n| n.entity != EntityRef::Case)
            .map(|n| n.entity.clone()),
    );
    let mut accs: Vec<Acc> = set
        .into_iter()
        .map(|entity| Acc {
            matcher: Matcher::new(store, &entity),
            entity,
            shown: Vec::new(),
            total: 0,
            facts: Facts::default(),
            regions: HashMap::new(),
            keys: HashSet::new(),
            principals: HashSet::new(),
        })
        .collect();

    for (idx, ev) in store.events.iter().enumerate() {
        let in_scope = snap.scope.is_none_or(|s| s.contains(ev.time));
        for acc in accs.iter_mut() {
            // An explicitly named event is evidence even outside the scope.
            if !in_scope && !matches!(acc.entity, EntityRef::Event(_)) {
                continue;
            }
            let Some(how) = acc.matcher.test(store, idx, ev) else {
                continue;
            };
            acc.total += 1;
            if acc.shown.len() < opts.max_events_per_entity {
                acc.shown.push(idx);
            }
            learn(store, ev, how, acc);
        }
    }

    // Sections tell the story in order: by first evidence, entities without evidence last.
    accs.sort_by(|a, b| {
        (a.facts.first.is_none(), a.facts.first, &a.entity).cmp(&(b.facts.first.is_none(), b.facts.first, &b.entity))
    });

    let starred: BTreeSet<&EntityRef> = snap.stars.iter().map(|s| &s.entity).collect();
    let mut timeline: BTreeMap<usize, EvidenceEvent> = BTreeMap::new();
    let mut place_cache: HashMap<Sym, Option<String>> = HashMap::new();
    let mut place = |sym: Sym| -> Option<String> {
        place_cache
            .entry(sym)
            .or_insert_with(|| enrich.place(store.s(sym)))
            .clone()
    };
    let mut entities = Vec::with_capacity(accs.len());
    for acc in &accs {
        let name = acc.entity.to_string();
        let mut evidence = Vec::with_capacity(acc.shown.len());
        for &idx in &acc.shown {
            let Some(ev) = store.events.get(idx) else {
                continue;
            };
            let row = timeline.entry(idx).or_insert_with(|| {
                let mut row = evidence::evidence_row(store, idx, ev, place(ev.source_ip));
                (row.rules, row.attack) = enrich.rules(idx);
                let id = EntityRef::Event(row.event_id.clone());
                row.starred = !row.event_id.is_empty() && starred.contains(&id);
                row
            });
            row.entities.push(name.clone());
            evidence.push(idx);
        }
        entities.push((acc, evidence));
    }

    let sections = entities
        .into_iter()
        .map(|(acc, idxs)| section(snap, store, enrich, &starred, acc, &idxs, &timeline))
        .collect();

    Report {
        version: VERSION,
        generated: opts.generated.map(Time),
        case: CaseSummary {
            dir: snap.dir.clone(),
            created: snap.created.map(Time),
            scope: snap.scope.map(Into::into),
            inputs: snap.inputs.iter().map(input_text).collect(),
        },
        data: DataSummary {
            events: store.events.len(),
            files: store.files.len(),
            findings: store.findings.len(),
            warning: opts.data_warning.clone(),
        },
        findings: sorted_findings(
            store
                .findings
                .iter()
                .map(|f| FindingSummary {
                    id: f.id.clone(),
                    source: f.source.to_string(),
                    finding_type: f.finding_type.clone(),
                    severity: f.severity.value,
                    severity_label: format!("{:?}", f.severity.label),
                    title: f.title.clone(),
                    account: f.account.clone(),
                    region: f.region.clone(),
                    resource: f.resource_label(),
                    last_seen: f.last_seen.or(f.updated_at).map(Time),
                    detective_url: match f.source {
                        crate::core::findings::Source::GuardDuty => {
                            detective::finding_url(&f.id, f.region.as_deref().unwrap_or("us-east-1"))
                        }
                        crate::core::findings::Source::AccessAnalyzer => None,
                    },
                })
                .collect(),
        ),
        case_notes: snap
            .notes
            .iter()
            .filter(|n| n.entity == EntityRef::Case)
            .map(NoteEntry::from)
            .collect(),
        entities: sections,
        timeline: timeline.into_values().collect(),
        geofence: None,
    }
}

/// Record what one matching event tells about the entity.
fn learn(store: &Store, ev: &crate::core::model::Event, how: Match, acc: &mut Acc) {
    let f = &mut acc.facts;
    f.first = Some(f.first.map_or(ev.time, |t| t.min(ev.time)));
    f.last = Some(f.last.map_or(ev.time, |t| t.max(ev.time)));
    *acc.regions.entry(ev.region).or_default() += 1;
    let id = evidence::identity(store, ev);
    match how {
        Match::Made => {
            if let Some(i) = id {
                if f.principal_id.is_none() && i.principal_id.is_some() {
                    f.principal_id = Some(store.s(i.principal_id).to_string());
                    f.identity_type = Some(i.kind);
                }
                if f.role_id.is_none() && i.issuer_principal_id.is_some() {
                    f.role_id = Some(store.s(i.issuer_principal_id).to_string());
                }
                acc.keys.insert(i.access_key_id);
            }
        }
        Match::Created => {
            if let Some(a) = store.assumption(ev) {
                // `AROA…:session` → the role id.
                let assumed = store.s(a.assumed_role_id);
                if f.role_id.is_none() && !assumed.is_empty() {
                    f.role_id = assumed.split(':').next().map(str::to_string);
                }
                acc.keys.insert(a.new_access_key);
            }
        }
        Match::Touches => {}
    }
    if let Some(i) = id {
        acc.principals
            .insert(if i.arn.is_some() { i.arn } else { i.principal_id });
    }
    acc.keys.remove(&Sym::NONE);
    acc.principals.remove(&Sym::NONE);
}

fn section(
    snap: &CaseSnapshot,
    store: &Store,
    enrich: &dyn Enrichment,
    starred: &BTreeSet<&EntityRef>,
    acc: &Acc,
    idxs: &[usize],
    timeline: &BTreeMap<usize, EvidenceEvent>,
) -> EntitySection {
    let e = &acc.entity;
    let history: Vec<VerdictEntry> = snap
        .verdicts
        .iter()
        .filter(|v| &v.entity == e)
        .map(VerdictEntry::from)
        .collect();
    let mut facts = acc.facts.clone();
    facts.region = acc
        .regions
        .iter()
        .filter(|(s, _)| s.is_some())
        .max_by(|a, b| a.1.cmp(b.1).then(store.s(*b.0).cmp(store.s(*a.0))))
        .map(|(s, _)| store.s(*s).to_string());
    EntitySection {
        entity: e.to_string(),
        kind: e.kind().into(),
        starred: starred.contains(e),
        verdict: history.last().cloned(),
        verdict_history: history,
        tags: snap
            .tags
            .iter()
            .filter(|t| &t.entity == e)
            .map(|t| t.tag.clone())
            .collect(),
        notes: snap
            .notes
            .iter()
            .filter(|n| &n.entity == e)
            .map(NoteEntry::from)
            .collect(),
        details: details(store, acc, &facts),
        detective_url: detective::entity_url(e, &facts, snap.scope),
        chain: enrich.chain(store, e),
        highlights: enrich.highlights(store, e, snap.scope),
        least_privilege: enrich.least_privilege(store, e, snap.scope),
        denied: enrich.denied(store, e, snap.scope),
        investigation: enrich.investigation(store, e, snap.scope),
        evidence: idxs.iter().filter_map(|i| timeline.get(i).cloned()).collect(),
        evidence_total: acc.total,
    }
}

fn details(store: &Store, acc: &Acc, f: &Facts) -> Vec<Detail> {
    let mut d = Vec::new();
    let mut put = |label, value: String| {
        if !value.is_empty() {
            d.push(Detail { label, value });
        }
    };
    match &acc.entity {
        EntityRef::Session(k) => {
            put("access key", k.clone());
            put("principal id", f.principal_id.clone().unwrap_or_default());
        }
        EntityRef::Identity { role_arn, session_name } => {
            put("role", role_arn.clone());
            put("session name", session_name.clone());
            put("sessions (access keys)", acc.keys.len().to_string());
        }
        EntityRef::Role(arn) => {
            put("role", arn.clone());
            put("role id", f.role_id.clone().unwrap_or_default());
            put("sessions (access keys)", acc.keys.len().to_string());
        }
        EntityRef::Finding(id) => {
            let loaded = store.findings.iter().any(|x| &x.id == id);
            put("finding loaded", if loaded { "yes" } else { "no" }.to_string());
        }
        _ => {
            if let Some(t) = f.identity_type {
                put("identity type", t.to_string());
            }
        }
    }
    if matches!(
        acc.entity,
        EntityRef::Ip(_) | EntityRef::Account(_) | EntityRef::UserAgent(_) | EntityRef::AccessKey(_)
    ) {
        put("distinct callers", acc.principals.len().to_string());
    }
    put("events in scope", acc.total.to_string());
    put("first seen", f.first.map(rfc3339).unwrap_or_default());
    put("last seen", f.last.map(rfc3339).unwrap_or_default());
    put("main region", f.region.clone().unwrap_or_default());
    d
}

/// Most severe first, then most recent.
fn sorted_findings(mut v: Vec<FindingSummary>) -> Vec<FindingSummary> {
    v.sort_by(|a, b| {
        b.severity
            .total_cmp(&a.severity)
            .then(b.last_seen.map(|t| t.0).cmp(&a.last_seen.map(|t| t.0)))
    });
    v
}
