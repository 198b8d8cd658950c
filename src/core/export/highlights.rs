//! New-behaviour highlights for reports: the behaviour analytics' findings for an entity, flattened into one
//! line each with the numbers behind it (what the Markdown/JSON report lists under "New behaviour").

use super::report::Highlight;
use crate::core::behavior::{self, BehaviorConfig, BehaviorIndex, BehaviorReport, Profile};
use crate::core::entity::EntityRef;
use crate::core::geo::GeoDb;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::Scope;

/// Highlights of `entity` in `scope` (or the entity's default scope), `None` when it is not a behaviour profile
/// (a finding, an event, the case) or is not in the loaded data.
pub fn highlights(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    entity: &EntityRef,
    scope: Option<Scope>,
) -> Option<Vec<Highlight>> {
    let profile = profile_of(store, graph, entity)?;
    let sel = behavior::select(&profile, store, graph, ix).ok()?;
    let scope = scope.or_else(|| behavior::default_scope(&sel, ix))?;
    let r = behavior::behavior(&sel, store, graph, ix, geo, scope, &BehaviorConfig::default());
    Some(flatten(&r))
}

/// The profile a report judges `entity` by; `None` when it is not a profile (a finding, an event, the case).
pub fn profile_of(store: &Store, graph: &SessionGraph, entity: &EntityRef) -> Option<Profile> {
    // Like Detective, a role session's behaviour is judged over its session identity (role + session name): one
    // assumption alone has no history to compare with.
    let entity = match entity {
        EntityRef::Session(key) | EntityRef::AccessKey(key) => match graph.session_by_key(store, key) {
            Some(s) if graph.session(s).role_arn.is_some() && graph.session(s).session_name.is_some() => {
                let x = graph.session(s);
                EntityRef::Identity {
                    role_arn: store.s(x.role_arn).to_string(),
                    session_name: store.s(x.session_name).to_string(),
                }
            }
            _ => entity.clone(),
        },
        other => other.clone(),
    };
    Profile::from_entity(entity).ok()
}

fn h(category: &str, value: String, detail: String) -> Highlight {
    Highlight {
        category: category.into(),
        value,
        detail,
    }
}

/// One line per new or unusual thing, in the order an analyst reads them.
pub fn flatten(r: &BehaviorReport) -> Vec<Highlight> {
    let mut out = Vec::new();
    if let Some(note) = &r.baseline.note {
        out.push(h(
            "baseline",
            note.clone(),
            format!("baseline {} .. {}", r.baseline.from, r.baseline.to),
        ));
    }
    for t in &r.impossible_travel {
        out.push(h(
            "impossible travel",
            format!("{} ({}) → {} ({})", t.start.place, t.start.ip, t.end.place, t.end.ip),
            format!(
                "{:.0} km in {:.2} h ({:.0} km/h) by {}",
                t.distance_km, t.hours_between, t.speed_kmh, t.origin
            ),
        ));
    }
    for g in &r.new_geolocations {
        out.push(h(
            "new geolocation",
            g.label.clone(),
            format!("{} calls in scope", g.scope_count),
        ));
    }
    for a in &r.new_asos {
        out.push(h(
            "new ASO",
            format!("AS{} {}", a.asn, a.org),
            format!("{} calls in scope from {}", a.scope_count, a.addresses.join(", ")),
        ));
    }
    for a in &r.new_api_calls {
        out.push(h(
            "new API call",
            format!("{}:{}", a.service, a.api),
            format!("{} succeeded, {} failed in scope", a.scope_success, a.scope_failure),
        ));
    }
    for v in &r.increased_volume {
        out.push(h(
            "increased volume",
            format!("{}:{}", v.service, v.api),
            format!(
                "{} calls in scope vs typical {:.1} and busiest {} per window in the baseline (ratio {:.1})",
                v.scope_count, v.typical_rate, v.baseline_max, v.ratio
            ),
        ));
    }
    for u in &r.new_user_agents {
        out.push(h(
            "new user agent",
            u.user_agent.clone(),
            format!(
                "{} ({}), {} calls in scope",
                u.family,
                if u.family_known {
                    "family seen before"
                } else {
                    "new family"
                },
                u.scope_count
            ),
        ));
    }
    out
}
