//! Newly observed geolocations: places calls came from in the day that no call came from in the baseline (the
//! `baseline_days` before the day), across everything loaded — Detective's "newly observed geolocations" — each
//! with the principals that called from there. A place is keyed as the behaviour analytics key it (label plus
//! coordinates to a hundredth of a degree), so the two agree on what "the same place" is. While the data holds
//! less history than `min_history_days` before the day, nothing is called new (the answer is "in training").

use super::principal::{self, PrincipalJson, PrincipalKey};
use crate::core::behavior::{BehaviorIndex, place_key};
use crate::core::geo::{GeoDb, Place};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use hashbrown::{HashMap, HashSet};
use serde::Serialize;
use std::collections::BTreeMap;

/// Addresses listed per place.
const MAX_ADDRESSES: usize = 10;
/// Principals listed per place.
const MAX_PRINCIPALS: usize = 20;

/// One principal that called from a new place.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacePrincipal {
    /// Who.
    pub principal: PrincipalJson,
    /// Calls it made from the place in the day.
    pub calls: u64,
}

/// A place first observed in the day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewPlace {
    /// "City, Region, Country".
    pub label: String,
    /// City name, when the database has it.
    pub city: Option<String>,
    /// Country name, when the database has it.
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// Latitude, decimal degrees.
    pub lat: f64,
    /// Longitude, decimal degrees.
    pub lon: f64,
    /// Calls from the place in the day.
    pub calls: u64,
    /// Source addresses placed there (sorted, at most 10).
    pub addresses: Vec<String>,
    /// How many principals called from there.
    pub principal_count: u64,
    /// Who called from there, most calls first (at most 20).
    pub principals: Vec<PlacePrincipal>,
}

/// What the day's calls are counted into, per dense address id.
#[derive(Default)]
pub struct DayAddress {
    /// Calls from the address in the day.
    pub calls: u64,
    /// Calls per principal.
    pub by_principal: HashMap<PrincipalKey, u64>,
}

/// The new places of the day, and for each principal the labels of the new places it called from.
pub struct NewPlaces {
    /// Places first observed in the day, most calls first.
    pub rows: Vec<NewPlace>,
    /// Principal → labels of the new places it called from.
    pub by_principal: HashMap<PrincipalKey, Vec<String>>,
}

/// Places of the day's addresses not seen from any address in `[base_lo, base_hi)` (event index range).
#[allow(clippy::too_many_arguments)]
pub fn new_places(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    day: &HashMap<u32, DayAddress>,
    base: std::ops::Range<usize>,
    sessions: &HashMap<PrincipalKey, u32>,
) -> NewPlaces {
    let place_of = |ip: u32| -> Option<Place> {
        let sym = ix.ips.get(ip as usize).copied()?;
        geo.lookup(store.s(sym)).place
    };
    // Every address of the baseline, once.
    let mut seen = vec![false; ix.ips.len()];
    for r in ix.rows.get(base).unwrap_or_default() {
        if let Some(s) = seen.get_mut(r.ip as usize) {
            *s = true;
        }
    }
    let known: HashSet<_> = seen
        .iter()
        .enumerate()
        .filter(|&(ip, &s)| s && ip != 0)
        .filter_map(|(ip, _)| place_of(ip as u32))
        .map(|p| place_key(&p))
        .collect();
    type Acc<'a> = (Place, u64, Vec<String>, HashMap<PrincipalKey, u64>);
    let mut fresh: BTreeMap<_, Acc> = BTreeMap::new();
    for (&ip, acc) in day {
        if ip == 0 {
            continue;
        }
        let Some(p) = place_of(ip) else { continue };
        let key = place_key(&p);
        if known.contains(&key) {
            continue;
        }
        let e = fresh.entry(key).or_insert_with(|| (p, 0, Vec::new(), HashMap::new()));
        e.1 += acc.calls;
        e.2.push(store.s(ix.ips[ip as usize]).to_string());
        for (&k, &n) in &acc.by_principal {
            *e.3.entry(k).or_default() += n;
        }
    }
    let mut out = NewPlaces {
        rows: Vec::new(),
        by_principal: HashMap::new(),
    };
    for ((label, _, _), (p, calls, mut addresses, who)) in fresh {
        addresses.sort();
        addresses.truncate(MAX_ADDRESSES);
        let mut who: Vec<(PrincipalKey, u64)> = who.into_iter().collect();
        who.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (k, _) in &who {
            out.by_principal.entry(*k).or_default().push(label.clone());
        }
        let principal_count = who.len() as u64;
        let principals = who
            .into_iter()
            .take(MAX_PRINCIPALS)
            .map(|(k, calls)| PlacePrincipal {
                principal: principal::describe(store, graph, k, sessions.get(&k).copied()),
                calls,
            })
            .collect();
        out.rows.push(NewPlace {
            label,
            city: p.city,
            country: p.country,
            country_code: p.country_code,
            lat: p.lat,
            lon: p.lon,
            calls,
            addresses,
            principal_count,
            principals,
        });
    }
    out.rows
        .sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.label.cmp(&b.label)));
    for v in out.by_principal.values_mut() {
        v.sort();
    }
    out
}
