//! Investigation of a principal (Amazon Detective's Investigations report, offline): for a profile in a scope,
//! through its chain, the indicators — techniques observed (Sigma hits by ATT&CK tactic → technique → events),
//! flagged addresses (intel lists, GuardDuty threat lists), impossible travel, new geolocations / AS organisations
//! / user agents, related findings, denied-call bursts — a severity by the documented score, recommended actions
//! with the exact commands prefilled from the logs, and what could not be checked. The rules, the score and the
//! commands are in `docs/investigate.md`.
//!
//! Reuses every analysis it reports: `core::behavior` (new behaviour, travel), `core::policy::denied` (bursts),
//! `core::rules` hits kept with the dataset, `core::findings`, the session graph. `events` gathers the events,
//! one module per indicator, `score` the severity, `actions` and `shell` the commands, `intel` the address lists.
//! Pure and deterministic over its inputs (the actions re-read a few raw records); nothing here prints.

pub mod actions;
pub mod events;
pub mod flagged;
pub mod intel;
mod notes;
pub mod related;
pub mod score;
pub mod shell;
pub mod techniques;

pub use actions::{Action, Remedy};
pub use events::{EventRef, Via};
pub use flagged::{FlaggedAddress, GuardDutyListing};
pub use intel::{IntelError, IntelMatch, IntelProblem, IntelSet};
pub use notes::{NotChecked, NotCheckedKind};
pub use related::{RelatedFinding, Relation};
pub use score::{Indicator, ScoreLine, Scoring, SeverityLevel};
pub use techniques::{RuleRef, TacticNode, TechniqueNode};

use crate::core::behavior::{
    self, AsoRow, BehaviorConfig, BehaviorIndex, GeoRow, ProfileJson, Selection, TravelRow, UaRow,
};
use crate::core::geo::GeoDb;
use crate::core::graph::{OriginView, SessionGraph, Signer};
use crate::core::model::Store;
use crate::core::policy::denied::{self, Burst, DeniedConfig};
use crate::core::rules::Detections;
use crate::core::time::{Scope, ScopeJson};
use serde::Serialize;

/// Origins listed at most (a role used by thousands of people lists the first ones).
pub const MAX_ORIGINS: usize = 20;

/// What an investigation reads.
pub struct Inputs<'a> {
    /// The events.
    pub store: &'a Store,
    /// The session graph.
    pub graph: &'a SessionGraph,
    /// The behaviour index.
    pub ix: &'a BehaviorIndex,
    /// Geolocation.
    pub geo: &'a GeoDb,
    /// Rule hits; `None`: rules were not evaluated (said in `not_checked`).
    pub detections: Option<&'a Detections>,
    /// Intel lists; `None`: none given (said in `not_checked`).
    pub intel: Option<&'a IntelSet>,
}

/// The counts of events looked at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventCounts {
    /// The profile's own calls in the scope.
    pub own: u64,
    /// Assumptions in the scope that created the profile's sessions.
    pub assumptions: u64,
    /// Calls in the scope of sessions started down the chain.
    pub chain: u64,
}

/// The denied-call indicator (`core::policy::denied` over the profile's own calls).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeniedIndicator {
    /// Denied calls of the profile in the scope.
    pub denied: u64,
    /// Its calls in the scope.
    pub calls_in_scope: u64,
    /// Bursts of denials.
    pub bursts: Vec<Burst>,
}

/// `trailhound investigate --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Investigation {
    /// Whose investigation.
    pub profile: ProfileJson,
    /// The scope.
    pub scope: ScopeJson,
    /// The severity, with every scored item.
    pub severity: Scoring,
    /// Who is behind the profile's calls in the scope (the top of each session's chain).
    pub origins: Vec<OriginView>,
    /// Events looked at, by how they belong.
    pub events: EventCounts,
    /// Techniques observed: tactic → technique → events.
    pub techniques: Vec<TacticNode>,
    /// Source addresses on an intel list or a GuardDuty threat list.
    pub flagged_addresses: Vec<FlaggedAddress>,
    /// Impossible travel (`behavior`'s rule).
    pub impossible_travel: Vec<TravelRow>,
    /// Geolocations new for the profile (empty while it is in training).
    pub new_geolocations: Vec<GeoRow>,
    /// AS organisations new for the profile.
    pub new_asos: Vec<AsoRow>,
    /// User agents new for the profile.
    pub new_user_agents: Vec<UaRow>,
    /// Findings tied to the investigation, with the tie.
    pub related_findings: Vec<RelatedFinding>,
    /// Denied calls and their bursts.
    pub denied: DeniedIndicator,
    /// Recommended actions, commands prefilled.
    pub actions: Vec<Action>,
    /// What could not be checked, and why.
    pub not_checked: Vec<NotChecked>,
}

/// Investigate `sel` in `scope`.
pub fn investigate(inp: &Inputs, sel: &Selection, scope: Scope) -> Investigation {
    let (store, graph, ix) = (inp.store, inp.graph, inp.ix);
    let g = events::gather(sel, graph, ix, scope);
    let (_, assumptions, chain) = g.counts();
    let observed = inp
        .detections
        .map(|d| techniques::observed(store, graph, d, &g))
        .unwrap_or(techniques::Observed {
            tactics: Vec::new(),
            rules: Vec::new(),
        });
    let flagged = flagged::flagged(store, &store.findings, inp.intel, &g);
    let b = behavior::behavior(sel, store, graph, ix, inp.geo, scope, &BehaviorConfig::default());
    let related = related::related(store, graph, &sel.sessions, &g, scope);
    let d = denied::denied(
        sel,
        store,
        graph,
        ix,
        scope,
        &DeniedConfig {
            max_calls: 0,
            ..Default::default()
        },
    );

    let mut s = score::Scorer::default();
    // Highest level first, so a capped kind keeps the points of its strongest items.
    let mut rules: Vec<&(RuleRef, usize)> = observed.rules.iter().collect();
    rules.sort_by(|a, b| b.0.level.cmp(&a.0.level).then_with(|| a.0.id.cmp(&b.0.id)));
    for (r, n) in rules {
        let points = score::rule_points(r.level);
        if points > 0 {
            s.add(
                Indicator::Technique,
                points,
                format!("[{}] {} ({n} events)", r.level, r.title),
            );
        }
    }
    for f in &flagged {
        s.add_item(Indicator::FlaggedAddress, f.ip.clone());
    }
    for t in &b.impossible_travel {
        s.add_item(
            Indicator::ImpossibleTravel,
            format!("{} → {} ({:.0} km/h)", t.start.ip, t.end.ip, t.speed_kmh),
        );
    }
    for r in &b.new_geolocations {
        s.add_item(Indicator::NewGeolocation, r.label.clone());
    }
    for r in &b.new_asos {
        s.add_item(Indicator::NewAso, format!("AS{} {}", r.asn, r.org));
    }
    for r in b.new_user_agents.iter().filter(|u| !u.family_known) {
        s.add_item(Indicator::NewUserAgent, r.user_agent.clone());
    }
    for f in &related {
        s.add(
            Indicator::RelatedFinding,
            score::finding_points(f.source, f.severity.label),
            format!("{} {} ({})", f.finding_type, f.id, f.relation),
        );
    }
    for burst in &d.bursts {
        s.add_item(
            Indicator::DeniedBurst,
            format!("{} denials {} .. {}", burst.denials, burst.first, burst.last),
        );
    }
    let severity = s.finish();
    let revoke = severity.level >= SeverityLevel::Medium;
    // Access the profile used that a policy write outside the investigation granted: its writes are undone too.
    let mut grants: Vec<u32> = related
        .iter()
        .filter(|f| f.relation == Relation::AccessUsed)
        .filter_map(|f| store.findings.get(f.finding))
        .flat_map(|f| crate::core::findings::pivots::policy_changes(store, graph, f))
        .filter(|c| c.success && !g.contains(c.event as u32))
        .map(|c| c.event as u32)
        .collect();
    grants.sort_unstable();
    grants.dedup();
    let actions = actions::recommend(store, graph, &g, &grants, revoke);
    let not_checked = notes::not_checked(inp, &b.baseline, &g);

    Investigation {
        profile: sel.json(),
        scope: scope.into(),
        severity,
        origins: origins(store, graph, &g),
        events: EventCounts {
            own: g.own,
            assumptions,
            chain,
        },
        techniques: observed.tactics,
        flagged_addresses: flagged,
        impossible_travel: b.impossible_travel,
        new_geolocations: b.new_geolocations,
        new_asos: b.new_asos,
        new_user_agents: b.new_user_agents,
        related_findings: related,
        denied: DeniedIndicator {
            denied: d.counts.denied,
            calls_in_scope: d.calls_in_scope,
            bursts: d.bursts,
        },
        actions,
        not_checked,
    }
}

/// The default scope: `behavior`'s (the whole hour of the profile's last activity).
pub fn default_scope(sel: &Selection, ix: &BehaviorIndex) -> Option<Scope> {
    behavior::default_scope(sel, ix)
}

fn origins(store: &Store, graph: &SessionGraph, g: &events::Gathered) -> Vec<OriginView> {
    let mut out: Vec<OriginView> = Vec::new();
    let mut sessions: Vec<u32> = Vec::new();
    let mut direct: Vec<u32> = Vec::new();
    for &(i, via) in &g.events {
        if via != Via::Own {
            continue;
        }
        match graph.signer.get(i as usize) {
            Some(Signer::Session(s)) if !sessions.contains(s) => sessions.push(*s),
            Some(Signer::Origin(o)) if !direct.contains(o) => direct.push(*o),
            _ => {}
        }
        if sessions.len() + direct.len() >= 4 * MAX_ORIGINS {
            break;
        }
    }
    let views = sessions
        .iter()
        .map(|&s| graph.origin_of(store, s))
        .chain(direct.iter().map(|&o| graph.origin_view(store, o)));
    for v in views {
        if out.len() >= MAX_ORIGINS {
            break;
        }
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}
