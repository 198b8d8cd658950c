//! Impossible travel: consecutive placed activity of one origin from places too far apart for the time between
//! them, judged with the geo crate's rule ([`TravelRule`]: at least 500 km apart and faster than 900 km/h).
//!
//! Events are grouped by who is really behind them — the origin at the top of each session's chain (so two
//! sessions of one person are one traveller), or for chains whose top is outside the logs the outermost known
//! session (never merged with anyone). Travel is judged per origin, not per profile: every origin that the
//! profile's events in the scope lead to is judged over *all* its activity (its own calls and every session it
//! started, in any role or account), so a person's two sessions in two accounts travel whichever of them is asked
//! about, and the row shows on every profile that origin touches. Within a group, the *last* event at one address
//! is compared with the *first* event at the next address. Only addresses with a place count; private, AWS-internal and service sources
//! are not places. A pair is reported when its later event is in the scope. The look-back before the scope is the
//! time the rule needs to cover half the Earth's circumference, beyond which no pair can fire.

use super::index::{BehaviorIndex, OriginKey};
use super::select::{Part, Selection};
use crate::core::geo::travel::{TravelRule, is_impossible};
use crate::core::geo::{GeoDb, Place};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use hashbrown::HashMap;
use serde::Serialize;

/// Half the Earth's circumference, km: the farthest two places can be.
const HALF_EARTH_KM: f64 = 20_016.0;
/// Rows kept per profile (hostile or very noisy data must not produce a million rows).
pub const MAX_TRAVEL_ROWS: usize = 200;

/// One end of an impossible-travel pair: a call and where it came from.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TravelPoint {
    /// When the call was made, RFC 3339 UTC.
    pub time: String,
    /// The source address.
    pub ip: String,
    /// "City, Region, Country".
    pub place: String,
    /// Latitude of the place, decimal degrees.
    pub lat: f64,
    /// Longitude of the place, decimal degrees.
    pub lon: f64,
    /// Access key (or principal) that made the call.
    pub caller: String,
}

/// Two consecutive calls by one origin from places too far apart for the time between them.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TravelRow {
    /// Who travelled: the origin's description.
    pub origin: String,
    /// The earlier call.
    pub start: TravelPoint,
    /// The later call.
    pub end: TravelPoint,
    /// Great-circle distance between the two places, km.
    pub distance_km: f64,
    /// Time between the two calls, hours.
    pub hours_between: f64,
    /// The speed the trip would have needed, km/h.
    pub speed_kmh: f64,
    /// How many times the same origin went between these two addresses in the window (only the first is shown).
    pub occurrences: u64,
    /// Endpoints of this pair made by the asked session, 0–2 (only when a session was asked about).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

/// "City, Region, Country" with whatever parts the database has.
pub fn place_label(p: &Place) -> String {
    let parts: Vec<&str> = [p.city.as_deref(), p.region.as_deref(), p.country.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        format!("{:.2}, {:.2}", p.lat, p.lon)
    } else {
        parts.join(", ")
    }
}

fn caller(store: &Store, event: u32) -> String {
    let Some(e) = store.events.get(event as usize) else {
        return String::new();
    };
    let id = store.identity(e);
    [id.access_key_id, id.arn, id.principal_id]
        .into_iter()
        .find(|s| s.is_some())
        .map(|s| store.s(s).to_string())
        .unwrap_or_default()
}

fn origin_label(store: &Store, graph: &SessionGraph, k: OriginKey) -> String {
    match k {
        OriginKey::Origin(o) => graph.origin_view(store, o).description,
        OriginKey::UnknownAbove(s) => graph.origin_of(store, s).description,
    }
}

/// The events to judge in `[lo, hi)`: all activity of every origin the selection's scope events lead to, plus the
/// selection's own events whose chain top is outside the logs (those are never merged with anyone).
fn traveller_parts<'a>(
    sel: &Selection<'a>,
    graph: &'a SessionGraph,
    ix: &'a BehaviorIndex,
    scope: Scope,
    lo: u32,
    hi: u32,
) -> Vec<Part<'a>> {
    let (s_lo, s_hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let mut origins: Vec<u32> = Vec::new();
    for part in sel.window(s_lo, s_hi) {
        for &i in part.events {
            if let Some(OriginKey::Origin(o)) = ix.origin_of_event(graph, i) {
                origins.push(o);
            }
        }
    }
    origins.sort_unstable();
    origins.dedup();
    let mut parts: Vec<Part<'a>> = Vec::new();
    // Every graph origin that is one of these principals (same canonical origin).
    for o in (0..ix.origin_canon.len() as u32).filter(|&o| origins.binary_search(&ix.canon(o)).is_ok()) {
        if let Some(ev) = graph.origin_events.get(o as usize) {
            parts.push(Part::list(ev).window(lo, hi));
        }
        // A principal's sessions span all loaded days; those wholly outside the window are passed over by their
        // first and last event indices (`BehaviorIndex::session_span`) before their event lists are touched.
        for &s in ix.origin_sessions.get(o as usize).into_iter().flatten() {
            if ix.session_outside(s, lo, hi) {
                continue;
            }
            parts.push(Part::session(graph, ix, s).window(lo, hi));
        }
    }
    // Events of the selection whose traveller is an unknown chain top stay as they are.
    for part in sel.window(lo, hi) {
        let unknown: Vec<bool> = part
            .events
            .iter()
            .map(|&i| matches!(ix.origin_of_event(graph, i), Some(OriginKey::UnknownAbove(_))))
            .collect();
        if unknown.iter().all(|&u| u) {
            parts.push(part);
        } else if unknown.iter().any(|&u| u) {
            // A mixed list (an IP or account profile): keep the unknown-top events one by one.
            for (k, &u) in unknown.iter().enumerate() {
                if u {
                    parts.push(Part::new(
                        &part.events[k..k + 1],
                        part.rows.and_then(|r| r.get(k..k + 1)),
                    ));
                }
            }
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

pub fn impossible_travel(
    sel: &Selection,
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    scope: Scope,
    rule: &TravelRule,
) -> Vec<TravelRow> {
    let lookback = lookback_seconds(rule);
    let lo = ix.index_at(scope.from.saturating_sub(lookback));
    let hi = ix.index_at(scope.to);
    // Place of each address, looked up once.
    let mut places: HashMap<u32, Option<Place>> = HashMap::new();
    let mut seq: Vec<(OriginKey, u32)> = Vec::new();
    // An origin profile is one traveller even when the graph names the principal with several origins.
    let one = if sel.one_traveller {
        sel.parts
            .iter()
            .flat_map(|p| p.events.first())
            .find_map(|&i| ix.origin_of_event(graph, i))
    } else {
        None
    };
    for part in traveller_parts(sel, graph, ix, scope, lo, hi) {
        part.for_each(ix, |i, r| {
            if r.ip == 0 {
                return;
            }
            let placed = places
                .entry(r.ip)
                .or_insert_with(|| geo.lookup(store.s(ix.ips[r.ip as usize])).place)
                .is_some();
            if placed && let Some(k) = ix.origin_of_event(graph, i) {
                seq.push((one.unwrap_or(k), i));
            }
        });
    }
    let point = |i: u32, p: &Place| TravelPoint {
        time: rfc3339(ix.rows[i as usize].time),
        ip: store.s(ix.ips[ix.rows[i as usize].ip as usize]).to_string(),
        place: place_label(p),
        lat: p.lat,
        lon: p.lon,
        caller: caller(store, i),
    };
    let mut rows: Vec<TravelRow> = Vec::new();
    for x in impossible_pairs(seq, &places, ix, scope, rule, MAX_TRAVEL_ROWS) {
        let (a, b) = (&x.from_place, &x.to_place);
        rows.push(TravelRow {
            asked_session_count: None,
            origin: origin_label(store, graph, x.traveller),
            start: point(x.from, a),
            end: point(x.to, b),
            distance_km: (x.km * 10.0).round() / 10.0,
            hours_between: (x.seconds as f64 / 3600.0 * 100.0).round() / 100.0,
            speed_kmh: x.kmh.round(),
            occurrences: x.occurrences,
        });
    }
    rows.sort_by(|a, b| a.end.time.cmp(&b.end.time).then(a.origin.cmp(&b.origin)));
    rows
}

/// One impossible pair before it is described: who travelled, the two calls (event indices) and their places.
pub(crate) struct Pair {
    /// Who travelled.
    pub traveller: OriginKey,
    /// The earlier call.
    pub from: u32,
    /// The later call (inside the scope).
    pub to: u32,
    /// Where the earlier call came from.
    pub from_place: Place,
    /// Where the later call came from.
    pub to_place: Place,
    /// Great-circle distance, km.
    pub km: f64,
    /// The speed the trip would have needed, km/h.
    pub kmh: f64,
    /// Seconds between the two calls.
    pub seconds: i64,
    /// How many times the traveller went between these two addresses (only the first pair is kept).
    pub occurrences: u64,
}

/// The travel rule over placed calls: `seq` holds (traveller, event) for every call from an address with a place
/// (`places` by dense address id). Within each traveller, in time order, the last call at one address is compared
/// with the first call at the next; a pair counts when its later call is in `scope`. At most `max` distinct pairs
/// (traveller, from address, to address) are kept; repeats count as occurrences. The one implementation of the
/// rule: a profile's `behavior` report and the day summary (`core::summary`) both call it.
pub(crate) fn impossible_pairs(
    mut seq: Vec<(OriginKey, u32)>,
    places: &HashMap<u32, Option<Place>>,
    ix: &BehaviorIndex,
    scope: Scope,
    rule: &TravelRule,
    max: usize,
) -> Vec<Pair> {
    seq.sort_unstable();
    let mut out: Vec<Pair> = Vec::new();
    let mut seen: HashMap<(OriginKey, u32, u32), usize> = HashMap::new();
    for group in seq.chunk_by(|a, b| a.0 == b.0) {
        let mut last: Option<u32> = None;
        for &(k, i) in group {
            let r = ix.rows[i as usize];
            let Some(prev) = last else {
                last = Some(i);
                continue;
            };
            let p = ix.rows[prev as usize];
            last = Some(i);
            if p.ip == r.ip || r.time < scope.from {
                continue;
            }
            let (Some(Some(a)), Some(Some(b))) = (places.get(&p.ip), places.get(&r.ip)) else {
                continue;
            };
            let Some((km, kmh)) = is_impossible(rule, (a.lat, a.lon, p.time), (b.lat, b.lon, r.time)) else {
                continue;
            };
            if let Some(&at) = seen.get(&(k, p.ip, r.ip)) {
                out[at].occurrences += 1;
                continue;
            }
            if out.len() >= max {
                continue;
            }
            seen.insert((k, p.ip, r.ip), out.len());
            out.push(Pair {
                traveller: k,
                from: prev,
                to: i,
                from_place: a.clone(),
                to_place: b.clone(),
                km,
                kmh,
                seconds: r.time.saturating_sub(p.time),
                occurrences: 1,
            });
        }
    }
    out
}

/// How far back before a scope the travel rule must look: the time it needs to cover half the Earth's
/// circumference (beyond which no pair can fire), at most 30 days.
pub(crate) fn lookback_seconds(rule: &TravelRule) -> i64 {
    if rule.max_speed_kmh > 0.0 {
        ((HALF_EARTH_KM / rule.max_speed_kmh) * 3600.0)
            .ceil()
            .min(30.0 * 86_400.0) as i64
    } else {
        30 * 86_400
    }
}
