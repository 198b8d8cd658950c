//! The New behaviour tab from `core::behavior`: which profile a view is (a session is judged as its session
//! identity, role + session name, Detective's behavioural unit), the report turned into map points and one
//! pivotable table. The API volume tab is `api_volume`.

use super::ViewCtx;
use super::map::PlaceRow;
use crate::core::behavior::{self, BehaviorConfig, BehaviorIndex, BehaviorReport, Profile};
use crate::core::geo::GeoDb;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::Scope;
use crate::tui::app::Drawn;
use crate::tui::sanitize::clean;
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};

/// The behaviour profile a view stands for.
pub fn profile_of(spec: &ViewSpec) -> Option<Profile> {
    Some(match spec {
        // core::behavior judges a session as its session identity and marks the session's own calls.
        ViewSpec::Session(k) => Profile::Session { access_key: k.clone() },
        ViewSpec::AccessKey(k) => Profile::Session { access_key: k.clone() },
        ViewSpec::Role(a) => Profile::Role { arn: a.clone() },
        ViewSpec::Principal(p) => Profile::Origin { principal: p.clone() },
        ViewSpec::Account(a) => Profile::Account { id: a.clone() },
        ViewSpec::Ip(a) => Profile::Ip { addr: a.clone() },
        ViewSpec::UserAgent(u) => Profile::UserAgent { ua: u.clone() },
        _ => return None,
    })
}

pub fn report(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    spec: &ViewSpec,
    scope: Scope,
) -> Result<BehaviorReport, String> {
    let p = profile_of(spec).ok_or("not a behaviour profile")?;
    let sel = behavior::select(&p, store, graph, ix).map_err(|e| e.to_string())?;
    Ok(behavior::behavior(
        &sel,
        store,
        graph,
        ix,
        geo,
        scope,
        &BehaviorConfig::default(),
    ))
}

/// Known and new places as map rows.
pub fn places(r: &BehaviorReport) -> (Vec<PlaceRow>, Vec<PlaceRow>) {
    let row = |g: &behavior::GeoRow| PlaceRow {
        label: g.label.clone(),
        lat: g.lat,
        lon: g.lon,
        calls: g.scope_count,
        ips: g.addresses.clone(),
    };
    (
        r.known_geolocations.iter().map(row).collect(),
        r.new_geolocations.iter().map(row).collect(),
    )
}

/// Everything new in scope, one row each, pivotable: new places, APIs, increased volume, ASOs, user agents,
/// impossible travel.
/// A row's detail led by the asked session's share, when the view is a session judged as its session identity.
fn with_asked(n: Option<u64>, detail: String) -> String {
    match n {
        Some(n) => format!("asked session {n} · {detail}"),
        None => detail,
    }
}

pub fn new_rows(r: &BehaviorReport) -> StaticRows {
    let mut rows = Vec::new();
    let mut push = |kind: &str, what: String, detail: String, slot: Slot, target: Option<ViewSpec>| {
        rows.push(
            StaticRow::new(vec![
                kind.to_string(),
                clean(&what).into_owned(),
                clean(&detail).into_owned(),
            ])
            .style(0, slot)
            .target(target),
        );
    };
    for g in &r.new_geolocations {
        let ip = g.addresses.first().cloned();
        push(
            "new place",
            g.label.clone(),
            with_asked(
                g.asked_session_count,
                format!("{} calls from {}", g.scope_count, g.addresses.join(", ")),
            ),
            Slot::BehaviorNew,
            ip.map(ViewSpec::Ip),
        );
    }
    for a in &r.new_api_calls {
        push(
            "new API call",
            format!("{}:{}", a.service, a.api),
            with_asked(
                a.asked_session_count,
                format!(
                    "{} ok, {} failed, first {}",
                    a.scope_success, a.scope_failure, a.first_seen
                ),
            ),
            Slot::BehaviorNew,
            None,
        );
    }
    for i in &r.increased_volume {
        push(
            "increased volume",
            format!("{}:{}", i.service, i.api),
            with_asked(
                i.asked_session_count,
                format!(
                    "{} in scope vs typical {:.1} (max {}) per scope-length window",
                    i.scope_count, i.typical_rate, i.baseline_max
                ),
            ),
            Slot::BehaviorNew,
            None,
        );
    }
    for a in &r.new_asos {
        push(
            "new AS organisation",
            format!("AS{} {}", a.asn, a.org),
            with_asked(
                a.asked_session_count,
                format!("{} calls from {}", a.scope_count, a.addresses.join(", ")),
            ),
            Slot::BehaviorNew,
            a.addresses.first().cloned().map(ViewSpec::Ip),
        );
    }
    for u in &r.new_user_agents {
        let note = if u.family_known {
            " (family seen before: likely an upgrade)"
        } else {
            ""
        };
        push(
            "new user agent",
            u.user_agent.clone(),
            with_asked(
                u.asked_session_count,
                format!("{} calls, first {}{note}", u.scope_count, u.first_seen),
            ),
            if u.family_known {
                Slot::BehaviorKnown
            } else {
                Slot::BehaviorNew
            },
            Some(ViewSpec::UserAgent(u.user_agent.clone())),
        );
    }
    for t in &r.impossible_travel {
        push(
            "impossible travel",
            format!("{} → {}", t.start.place, t.end.place),
            with_asked(
                t.asked_session_count,
                format!(
                    "{:.0} km in {:.1} h ({:.0} km/h), {} → {}",
                    t.distance_km, t.hours_between, t.speed_kmh, t.start.ip, t.end.ip
                ),
            ),
            Slot::SeverityHigh,
            Some(ViewSpec::Ip(t.end.ip.clone())),
        );
    }
    for g in &r.known_geolocations {
        push(
            "known place",
            g.label.clone(),
            with_asked(
                g.asked_session_count,
                format!("{} calls in scope, {} in baseline", g.scope_count, g.baseline_count),
            ),
            Slot::BehaviorKnown,
            g.addresses.first().cloned().map(ViewSpec::Ip),
        );
    }
    for u in &r.unplaced_sources {
        push(
            "no location",
            u.label.clone(),
            with_asked(
                u.asked_session_count,
                format!("{} calls in scope from {}", u.scope_count, u.addresses.join(", ")),
            ),
            Slot::TextDim,
            None,
        );
    }
    StaticRows {
        columns: vec![col("Kind", Length(20)), col("What", Fill(2)), col("Detail", Fill(3))],
        rows,
    }
}

/// The New behaviour tab: the map of known and new places over the table of everything new.
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    let [m, list] = Layout::vertical([Percentage(55), Fill(1)]).areas(body);
    let title = match &ctx.model().report {
        Some(Ok(r)) => {
            let (known, new) = places(r);
            let training = if r.baseline.in_training {
                " — baseline still in training: nothing is called new"
            } else {
                ""
            };
            let outside = &ctx.model().outside_places;
            if outside.is_empty() {
                let title = format!("Places: ● known ● new — {}{training}", r.profile.description);
                super::map::render(f, m, &known, &new, &title, ctx.theme);
            } else {
                // With a fence: places outside it are marked over the known / new colours.
                let (out, known): (Vec<_>, Vec<_>) = known.into_iter().partition(|p| outside.contains(&p.label));
                let (out_new, new): (Vec<_>, Vec<_>) = new.into_iter().partition(|p| outside.contains(&p.label));
                let out: Vec<_> = out.into_iter().chain(out_new).collect();
                let title = format!(
                    "Places: ● known ● new ● outside the fence — {}{training}",
                    r.profile.description
                );
                let layers = [
                    super::map::Layer {
                        rows: &known,
                        slot: Slot::BehaviorKnown,
                        tag: "",
                    },
                    super::map::Layer {
                        rows: &new,
                        slot: Slot::BehaviorNew,
                        tag: "NEW ",
                    },
                    super::map::Layer {
                        rows: &out,
                        slot: Slot::SeverityCritical,
                        tag: "OUT ",
                    },
                ];
                super::map::render_layers(f, m, &layers, &title, ctx.theme);
            }
            format!(
                "New behaviour in scope vs the {}-day baseline (Enter: pivot)",
                r.baseline.days
            )
        }
        Some(Err(e)) => {
            super::map::render(f, m, &[], &[], "Places", ctx.theme);
            format!("New behaviour unavailable: {e}")
        }
        None => Tab::NewBehaviour.label().to_string(),
    };
    super::draw_table(f, list, ctx, &title)
}
