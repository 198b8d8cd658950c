//! Newly observed behaviour of a profile in a scope, against its baseline: geolocations (new and known), API
//! calls, autonomous systems and user agents, each row with the counts behind it.
//!
//! "New" means seen in the scope and never in the baseline window. Addresses without a place (private,
//! AWS-internal, service names, public addresses the City database does not know) are listed as *unplaced
//! sources* with their label: they are not geography, so they are never a new geolocation.

use super::baseline::{Acc, Tally};
use super::index::BehaviorIndex;
use super::travel::place_label;
use crate::core::geo::{GeoDb, IpInfo, Place, useragent};
use crate::core::model::Store;
use crate::core::time::rfc3339;
use serde::Serialize;
use std::collections::BTreeMap;

/// Addresses listed per geolocation / AS row.
const MAX_ADDRESSES: usize = 10;

/// One place (city) the profile's calls came from, with how often in scope and baseline.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct GeoRow {
    /// "City, Region, Country".
    pub label: String,
    /// City name (English).
    pub city: Option<String>,
    /// First-level subdivision, e.g. "Washington".
    pub region: Option<String>,
    /// Country name.
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// Latitude in decimal degrees.
    pub lat: f64,
    /// Longitude in decimal degrees.
    pub lon: f64,
    /// Calls from this place in the scope.
    pub scope_count: u64,
    /// Calls from this place in the baseline window.
    pub baseline_count: u64,
    /// First and last activity from this place in the analysed window (baseline + scope).
    pub first_seen: String,
    /// Last activity from this place in the analysed window, RFC 3339 UTC.
    pub last_seen: String,
    /// Where the place came from: "mmdb" or "finding".
    pub source: Option<&'static str>,
    /// Addresses seen at this place (at most ten).
    pub addresses: Vec<String>,
    /// Scope calls of this row made by the asked session (only when a session was asked about; see `asked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

/// Calls from a source that has no place (private, AWS-internal, a service name, unknown to the City database).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct UnplacedRow {
    /// "private", "AWS internal", "AWS service ec2.amazonaws.com", "public, not in the City database", …
    pub label: String,
    /// Calls from such sources in the scope.
    pub scope_count: u64,
    /// Calls from such sources in the baseline window.
    pub baseline_count: u64,
    /// First activity from such sources in the analysed window, RFC 3339 UTC.
    pub first_seen: String,
    /// The source values seen (at most ten).
    pub addresses: Vec<String>,
    /// Scope calls of this row made by the asked session (only when a session was asked about; see `asked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

/// One API called in the scope and never in the baseline.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ApiRow {
    /// The service host, e.g. `ec2.amazonaws.com`.
    pub event_source: String,
    /// `ec2` for `ec2.amazonaws.com`.
    pub service: String,
    /// The API name, e.g. `RunInstances`.
    pub api: String,
    /// Calls in scope that succeeded.
    pub scope_success: u64,
    /// Calls in scope that failed (error code set).
    pub scope_failure: u64,
    /// First call in the scope, RFC 3339 UTC.
    pub first_seen: String,
    /// Scope calls of this row made by the asked session (only when a session was asked about; see `asked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

/// One autonomous system (network owner) the profile's calls came from.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct AsoRow {
    /// Autonomous system number.
    pub asn: u32,
    /// The AS organisation name (Detective's "ASO").
    pub org: String,
    /// Calls from this AS in the scope.
    pub scope_count: u64,
    /// Calls from this AS in the baseline window.
    pub baseline_count: u64,
    /// First activity from this AS in the analysed window, RFC 3339 UTC.
    pub first_seen: String,
    /// Addresses seen in this AS (at most ten).
    pub addresses: Vec<String>,
    /// Scope calls of this row made by the asked session (only when a session was asked about; see `asked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

/// One user agent first seen in the scope.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct UaRow {
    /// The user agent as logged (hostile text; renderers neutralise it).
    pub user_agent: String,
    /// Its family: tool and major version, e.g. `aws-cli/2`.
    pub family: String,
    /// The family (e.g. `aws-cli/2`) was seen in the baseline: likely an upgrade, not a new tool.
    pub family_known: bool,
    /// Calls with this user agent in the scope.
    pub scope_count: u64,
    /// First call with it in the scope, RFC 3339 UTC.
    pub first_seen: String,
    /// Scope calls of this row made by the asked session (only when a session was asked about; see `asked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

pub fn service_of(event_source: &str) -> &str {
    event_source.strip_suffix(".amazonaws.com").unwrap_or(event_source)
}

fn when(t: i64) -> String {
    if t == i64::MAX || t == i64::MIN {
        String::new()
    } else {
        rfc3339(t)
    }
}

fn merge(into: &mut Acc, a: &Acc) {
    into.base += a.base;
    into.scope_ok += a.scope_ok;
    into.scope_fail += a.scope_fail;
    into.first = into.first.min(a.first);
    into.last = into.last.max(a.last);
    into.first_scope = into.first_scope.min(a.first_scope);
}

fn zero() -> Acc {
    Acc {
        base: 0,
        scope_ok: 0,
        scope_fail: 0,
        first: i64::MAX,
        last: i64::MIN,
        first_scope: i64::MAX,
    }
}

/// Geolocations (known, new), unplaced sources and autonomous systems (known, new) of the touched addresses.
pub struct Places {
    pub new: Vec<GeoRow>,
    pub known: Vec<GeoRow>,
    pub unplaced: Vec<UnplacedRow>,
    pub new_asos: Vec<AsoRow>,
    pub known_asos: Vec<AsoRow>,
}

/// A place: its label and coordinates in hundredths of a degree.
pub(crate) type PlaceKey = (String, i64, i64);

/// What makes two places one: the label plus coordinates rounded to a hundredth of a degree, so two cities of one
/// name stay apart (the day summary's new geolocations use the same key).
pub(crate) fn place_key(p: &Place) -> PlaceKey {
    (
        place_label(p),
        (p.lat * 100.0).round() as i64,
        (p.lon * 100.0).round() as i64,
    )
}

pub fn places(t: &Tally, store: &Store, ix: &BehaviorIndex, geo: &GeoDb) -> Places {
    // Key: place label plus rounded coordinates, so two cities of one name stay apart.
    let mut placed: BTreeMap<PlaceKey, (Acc, IpInfo, Vec<String>)> = BTreeMap::new();
    let mut unplaced: BTreeMap<String, (Acc, Vec<String>)> = BTreeMap::new();
    let mut asos: BTreeMap<u32, (Acc, String, Vec<String>)> = BTreeMap::new();
    for (ip, acc) in &t.ips.touched {
        let text = store.s(ix.ips.get(*ip as usize).copied().unwrap_or_default());
        let info = if *ip == 0 { None } else { Some(geo.lookup(text)) };
        let addr = if *ip == 0 { "(none)" } else { text }.to_string();
        if let Some(a) = info.as_ref().and_then(|i| i.asn.as_ref()) {
            let e = asos.entry(a.asn).or_insert_with(|| (zero(), a.org.clone(), Vec::new()));
            merge(&mut e.0, acc);
            if e.2.len() < MAX_ADDRESSES {
                e.2.push(addr.clone());
            }
        }
        match info {
            Some(info) if info.place.is_some() => {
                let key = info.place.as_ref().map(place_key).unwrap_or_default();
                let e = placed.entry(key).or_insert_with(|| (zero(), info.clone(), Vec::new()));
                merge(&mut e.0, acc);
                if e.2.len() < MAX_ADDRESSES {
                    e.2.push(addr);
                }
            }
            other => {
                let label = match other {
                    None => "no source address".to_string(),
                    Some(i) if i.class == crate::core::geo::IpClass::Public => {
                        "public, not in the City database".to_string()
                    }
                    Some(i) => i.class.label(),
                };
                let e = unplaced.entry(label).or_insert_with(|| (zero(), Vec::new()));
                merge(&mut e.0, acc);
                if e.1.len() < MAX_ADDRESSES {
                    e.1.push(addr);
                }
            }
        }
    }
    let mut out = Places {
        new: Vec::new(),
        known: Vec::new(),
        unplaced: Vec::new(),
        new_asos: Vec::new(),
        known_asos: Vec::new(),
    };
    for ((label, _, _), (acc, info, mut addresses)) in placed {
        addresses.sort();
        let Some(p) = info.place else { continue };
        let row = GeoRow {
            asked_session_count: None,
            label,
            city: p.city,
            region: p.region,
            country: p.country,
            country_code: p.country_code,
            lat: p.lat,
            lon: p.lon,
            scope_count: acc.scope(),
            baseline_count: acc.base,
            first_seen: when(if acc.base == 0 { acc.first_scope } else { acc.first }),
            last_seen: when(acc.last),
            source: info.source,
            addresses,
        };
        if acc.base > 0 {
            out.known.push(row);
        } else if acc.scope() > 0 {
            out.new.push(row);
        }
    }
    for (label, (acc, mut addresses)) in unplaced {
        addresses.sort();
        out.unplaced.push(UnplacedRow {
            asked_session_count: None,
            label,
            scope_count: acc.scope(),
            baseline_count: acc.base,
            first_seen: when(acc.first),
            addresses,
        });
    }
    for (asn, (acc, org, mut addresses)) in asos {
        addresses.sort();
        let row = AsoRow {
            asked_session_count: None,
            asn,
            org,
            scope_count: acc.scope(),
            baseline_count: acc.base,
            first_seen: when(if acc.base == 0 { acc.first_scope } else { acc.first }),
            addresses,
        };
        if acc.base > 0 {
            out.known_asos.push(row);
        } else if acc.scope() > 0 {
            out.new_asos.push(row);
        }
    }
    let by_count = |a: u64, b: u64| b.cmp(&a);
    out.known
        .sort_by(|a, b| by_count(a.baseline_count, b.baseline_count).then(a.label.cmp(&b.label)));
    out.new
        .sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then(a.label.cmp(&b.label)));
    out
}

/// API calls seen in the scope and never in the baseline, in order of first call.
pub fn new_api_calls(t: &Tally, store: &Store, ix: &BehaviorIndex) -> Vec<ApiRow> {
    let mut rows: Vec<(i64, ApiRow)> = t
        .apis
        .touched
        .iter()
        .filter(|(_, a)| a.base == 0 && a.scope() > 0)
        .filter_map(|(api, a)| {
            let (src, name) = *ix.apis.get(*api as usize)?;
            let source = store.s(src);
            Some((
                a.first_scope,
                ApiRow {
                    asked_session_count: None,
                    event_source: source.to_string(),
                    service: service_of(source).to_string(),
                    api: store.s(name).to_string(),
                    scope_success: a.scope_ok,
                    scope_failure: a.scope_fail,
                    first_seen: when(a.first_scope),
                },
            ))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.api.cmp(&b.1.api)));
    rows.into_iter().map(|r| r.1).collect()
}

/// User agents (raw strings) seen in the scope and never in the baseline, with their family.
pub fn new_user_agents(t: &Tally, store: &Store, ix: &BehaviorIndex) -> Vec<UaRow> {
    let known_families: std::collections::HashSet<String> = t
        .uas
        .touched
        .iter()
        .filter(|(id, a)| *id != 0 && a.base > 0)
        .map(|(id, _)| useragent::family(store.s(ix.uas[*id as usize])))
        .collect();
    let mut rows: Vec<(i64, UaRow)> = t
        .uas
        .touched
        .iter()
        .filter(|(id, a)| *id != 0 && a.base == 0 && a.scope() > 0)
        .map(|(id, a)| {
            let raw = store.s(ix.uas[*id as usize]);
            let family = useragent::family(raw);
            (
                a.first_scope,
                UaRow {
                    asked_session_count: None,
                    user_agent: raw.to_string(),
                    family_known: known_families.contains(&family),
                    family,
                    scope_count: a.scope(),
                    first_seen: when(a.first_scope),
                },
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.user_agent.cmp(&b.1.user_agent)));
    rows.into_iter().map(|r| r.1).collect()
}
