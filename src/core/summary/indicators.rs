//! Principals with the most indicators: the entry points of an investigation. Four kinds of indicator are counted
//! per principal for the day — calls from a newly observed geolocation (one per place), impossible travel (one per
//! pair of places its origin travelled between, judged by the behaviour analytics' one travel rule over everything
//! the origin did), denied bursts (one per burst, `denied`), and findings that name it (one per finding). Rows are
//! ranked by the number of indicators, then by the highest severity of a related finding, then by label.

use super::principal::{self, PrincipalJson, PrincipalKey};
use crate::core::behavior::{BehaviorIndex, OriginKey, impossible_pairs, lookback_seconds, place_label};
use crate::core::findings::{Finding, SeverityLabel};
use crate::core::geo::GeoDb;
use crate::core::geo::travel::TravelRule;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::policy::denied::burst::Burst;
use crate::core::time::{Scope, rfc3339};
use hashbrown::HashMap;
use serde::Serialize;

/// Rows kept.
const MAX_ROWS: usize = 50;
/// Travel pairs judged at most (hostile data must not produce millions).
const MAX_PAIRS: usize = 1_000;

/// One impossible trip of a principal's origin, ending in the day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trip {
    /// Where the earlier call came from.
    pub from_place: String,
    /// Where the later call came from.
    pub to_place: String,
    /// The later call, RFC 3339 UTC.
    pub at: String,
    /// Great-circle distance, km (one decimal).
    pub distance_km: f64,
    /// The speed the trip would have needed, km/h (rounded).
    pub speed_kmh: f64,
}

/// A principal and its indicators in the day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorRow {
    /// Who.
    pub principal: PrincipalJson,
    /// How many indicators (the sum of the four lists' lengths).
    pub indicators: u64,
    /// Newly observed geolocations it called from.
    pub new_geolocations: Vec<String>,
    /// Impossible trips of its origin that it took part in.
    pub impossible_travel: Vec<Trip>,
    /// Bursts of denied calls.
    pub denied_bursts: Vec<Burst>,
    /// Ids of the day's findings that name it.
    pub findings: Vec<String>,
    /// The highest severity among those findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highest_severity: Option<SeverityLabel>,
    /// Its calls in the day.
    pub calls: u64,
}

/// Impossible trips ending in the day. A trip is the traveller's (the origin behind the calls), so it is shown
/// on every principal through which that origin acted in the day (`travellers`), and on the principals of the two
/// calls themselves.
pub fn travel(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    day: Scope,
    rule: &TravelRule,
    travellers: &HashMap<OriginKey, Vec<PrincipalKey>>,
) -> HashMap<PrincipalKey, Vec<Trip>> {
    let lo = ix.index_at(day.from.saturating_sub(lookback_seconds(rule))) as usize;
    let hi = ix.index_at(day.to) as usize;
    let mut places = HashMap::new();
    let mut seq: Vec<(OriginKey, u32)> = Vec::new();
    for (off, r) in ix.rows.get(lo..hi).unwrap_or_default().iter().enumerate() {
        if r.ip == 0 {
            continue;
        }
        let i = (lo + off) as u32;
        let placed = places
            .entry(r.ip)
            .or_insert_with(|| geo.lookup(store.s(ix.ips[r.ip as usize])).place)
            .is_some();
        if placed && let Some(k) = ix.origin_of_event(graph, i) {
            seq.push((k, i));
        }
    }
    let mut out: HashMap<PrincipalKey, Vec<Trip>> = HashMap::new();
    for p in impossible_pairs(seq, &places, ix, day, rule, MAX_PAIRS) {
        let trip = Trip {
            from_place: place_label(&p.from_place),
            to_place: place_label(&p.to_place),
            at: rfc3339(ix.rows[p.to as usize].time),
            distance_km: (p.km * 10.0).round() / 10.0,
            speed_kmh: p.kmh.round(),
        };
        let mut who: Vec<PrincipalKey> = [p.from, p.to]
            .iter()
            .filter_map(|&i| principal::of_event(graph, ix, i))
            .chain(travellers.get(&p.traveller).into_iter().flatten().copied())
            .collect();
        who.sort_unstable();
        who.dedup();
        for k in who {
            out.entry(k).or_default().push(trip.clone());
        }
    }
    out
}

/// What each indicator kind found, per principal.
pub struct Found<'a> {
    /// New places per principal.
    pub places: &'a HashMap<PrincipalKey, Vec<String>>,
    /// Trips per principal.
    pub trips: HashMap<PrincipalKey, Vec<Trip>>,
    /// Bursts per principal.
    pub bursts: HashMap<PrincipalKey, Vec<Burst>>,
    /// The day's findings with the principals they name.
    pub findings: Vec<(&'a Finding, Vec<PrincipalKey>)>,
}

/// Rank the principals that have at least one indicator.
pub fn rank(
    store: &Store,
    graph: &SessionGraph,
    found: Found,
    calls: &HashMap<PrincipalKey, u64>,
    sessions: &HashMap<PrincipalKey, u32>,
) -> Vec<IndicatorRow> {
    let mut keys: Vec<PrincipalKey> = found
        .places
        .keys()
        .chain(found.trips.keys())
        .chain(found.bursts.keys())
        .chain(found.findings.iter().flat_map(|(_, v)| v))
        .copied()
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut rows: Vec<IndicatorRow> = keys
        .into_iter()
        .map(|k| {
            let named: Vec<&Finding> = found
                .findings
                .iter()
                .filter(|(_, v)| v.contains(&k))
                .map(|(f, _)| *f)
                .collect();
            let new_geolocations = found.places.get(&k).cloned().unwrap_or_default();
            let impossible_travel = found.trips.get(&k).cloned().unwrap_or_default();
            let denied_bursts = found.bursts.get(&k).cloned().unwrap_or_default();
            let indicators =
                (new_geolocations.len() + impossible_travel.len() + denied_bursts.len() + named.len()) as u64;
            IndicatorRow {
                principal: principal::describe(store, graph, k, sessions.get(&k).copied()),
                indicators,
                new_geolocations,
                impossible_travel,
                denied_bursts,
                highest_severity: named.iter().map(|f| f.severity.label).max(),
                findings: named.iter().map(|f| f.id.clone()).collect(),
                calls: calls.get(&k).copied().unwrap_or(0),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.indicators
            .cmp(&a.indicators)
            .then(b.highest_severity.cmp(&a.highest_severity))
            .then_with(|| a.principal.label.cmp(&b.principal.label))
    });
    rows.truncate(MAX_ROWS);
    rows
}
