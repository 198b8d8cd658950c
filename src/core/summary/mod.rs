//! The day summary (Amazon Detective's summary page, offline): for one UTC day of the loaded data, the findings
//! by severity and type, the principals with the most indicators (the entry points of an investigation), newly
//! observed geolocations with who called from them, the principals and roles with the most API calls with a
//! 7-day sparkline, and sessions from outside AWS using instance credentials (README "Summary").
//!
//! Computed from a loaded [`Dataset`]: it reads the behaviour index's per-event rows and dense address ids, the
//! session graph's signers and the geolocation databases, and scans only the day, the six days before it (the
//! sparklines) and the baseline's address ids — never the events themselves a second time. `trailhound summary`
//! and the TUI's landing view both call [`summarize`], so they cannot disagree. Pure and deterministic.

mod denied;
mod findings;
mod indicators;
mod instance;
mod places;
mod principal;
mod volume;

pub use crate::core::policy::denied::burst::{Burst, BurstRule};
pub use crate::core::policy::denied::codes::DENIAL_CODES;
pub use findings::{DayFinding, DayFindings, SeverityCount, TypeCount};
pub use indicators::{IndicatorRow, Trip};
pub use instance::{InstanceUse, Network};
pub use places::{NewPlace, PlacePrincipal};
pub use principal::{
    PrincipalJson, PrincipalKey, PrincipalKind, describe as describe_principal, of_event as principal_of_event,
};
pub use volume::{SPARK_DAYS, TopPrincipal, TopRole, sparkline};

use crate::core::behavior::OriginKey;
use crate::core::dataset::Dataset;
use crate::core::geo::travel::TravelRule;
use crate::core::graph::Signer;
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use hashbrown::HashMap;
use serde::Serialize;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The knobs of the summary's rules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SummaryConfig {
    /// Days before the day whose places are "already observed" (Detective: 45).
    pub baseline_days: u32,
    /// Less history than this before the day: no place is called new.
    pub min_history_days: u32,
    /// What makes a burst of denied calls.
    pub burst: BurstRule,
    /// What makes travel impossible.
    pub travel: TravelRule,
    /// Rows in the top principals and top roles lists.
    pub top: usize,
}

impl Default for SummaryConfig {
    fn default() -> Self {
        let b = crate::core::behavior::BehaviorConfig::default();
        SummaryConfig {
            baseline_days: b.baseline_days,
            min_history_days: b.min_history_days,
            burst: BurstRule::default(),
            travel: b.travel,
            top: 10,
        }
    }
}

/// A UTC day, as days since 1970-01-01.
pub type Day = i64;

/// The day holding epoch second `t`.
pub fn day_of(t: i64) -> Day {
    t.div_euclid(DAY)
}

/// `YYYY-MM-DD` of a day.
pub fn day_label(d: Day) -> String {
    rfc3339(d.saturating_mul(DAY)).chars().take(10).collect()
}

/// The first and last day holding loaded events (`None`: no events).
pub fn loaded_days(store: &Store) -> Option<(Day, Day)> {
    Some((day_of(store.events.first()?.time), day_of(store.events.last()?.time)))
}

/// The day shown when none is asked for: the last day loaded.
pub fn default_day(store: &Store) -> Option<Day> {
    loaded_days(store).map(|d| d.1)
}

/// The baseline the day's places are judged against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryBaseline {
    /// Start of the baseline, RFC 3339 UTC.
    pub from: String,
    /// End of the baseline (the day's start), RFC 3339 UTC.
    pub to: String,
    /// Whole days of loaded history before the day.
    pub days_of_history: i64,
    /// Too little history: no place is called new.
    pub in_training: bool,
}

/// The rules the summary was computed with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRules {
    /// Baseline length, days.
    pub baseline_days: u32,
    /// History needed before anything is called new, days.
    pub min_history_days: u32,
    /// The denied-burst rule.
    pub denied_burst: BurstRule,
    /// The `errorCode` values counted as denials.
    pub denial_codes: Vec<&'static str>,
    /// The impossible-travel rule.
    pub travel: TravelRule,
    /// Rows in the top lists.
    pub top: usize,
    /// Days in the sparklines.
    pub sparkline_days: usize,
}

/// `trailhound summary --json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Its start, RFC 3339 UTC.
    pub from: String,
    /// Its end (exclusive), RFC 3339 UTC.
    pub to: String,
    /// First day with loaded events.
    pub first_day: String,
    /// Last day with loaded events (the default day).
    pub last_day: String,
    /// Events in the day.
    pub events: u64,
    /// Of which failed.
    pub failed: u64,
    /// What geolocation data is loaded.
    pub geolocation: String,
    /// The baseline of the new-geolocation rule.
    pub baseline: SummaryBaseline,
    /// The day's findings.
    pub findings: DayFindings,
    /// Principals with the most indicators.
    pub principals_with_indicators: Vec<IndicatorRow>,
    /// Places first observed in the day.
    pub new_geolocations: Vec<NewPlace>,
    /// Principals with the most calls.
    pub top_principals: Vec<TopPrincipal>,
    /// Roles with the most calls.
    pub top_roles: Vec<TopRole>,
    /// Instance credentials used from outside AWS.
    pub instance_credentials_outside_aws: Vec<InstanceUse>,
    /// The rules in force.
    pub rules: SummaryRules,
}

/// The summary of `day` (`None`: the last day loaded); `None` when nothing is loaded.
pub fn summarize(data: &Dataset, day: Option<Day>, cfg: &SummaryConfig) -> Option<Summary> {
    let (store, graph, ix, geo) = (data.store(), data.graph(), data.behavior(), data.geo());
    let (first_day, last_day) = loaded_days(store)?;
    let d = day.unwrap_or(last_day);
    let scope = Scope::new(d.saturating_mul(DAY), d.saturating_mul(DAY).saturating_add(DAY));
    let at = |t: i64| ix.index_at(t) as usize;
    let day_range = at(scope.from)..at(scope.to);
    let baseline_from = scope.from.saturating_sub(i64::from(cfg.baseline_days) * DAY);

    // One pass over the day: calls per principal and per address, denied calls, each identity's latest session.
    let mut calls: HashMap<PrincipalKey, volume::Calls> = HashMap::new();
    let mut sessions: HashMap<PrincipalKey, u32> = HashMap::new();
    let mut addresses: HashMap<u32, places::DayAddress> = HashMap::new();
    let mut denials: HashMap<PrincipalKey, Vec<i64>> = HashMap::new();
    let mut acted: hashbrown::HashSet<(OriginKey, PrincipalKey)> = hashbrown::HashSet::new();
    let codes = crate::core::policy::denied::codes::DenialCodes::of(store);
    let (mut events, mut failed) = (0u64, 0u64);
    for i in day_range.clone() {
        let (Some(r), Some(e)) = (ix.rows.get(i), store.events.get(i)) else {
            continue;
        };
        events += 1;
        failed += u64::from(r.failed());
        let Some(k) = principal::of_event(graph, ix, i as u32) else {
            continue;
        };
        if let Some(o) = ix.origin_of_event(graph, i as u32) {
            acted.insert((o, k));
        }
        let c = calls.entry(k).or_default();
        c.calls += 1;
        c.failed += u64::from(r.failed());
        if let Some(Signer::Session(s)) = graph.signer.get(i) {
            sessions.insert(k, *s);
        }
        let a = addresses.entry(r.ip).or_default();
        a.calls += 1;
        *a.by_principal.entry(k).or_default() += 1;
        if r.failed() && codes.is_denial(e.error_code) {
            denials.entry(k).or_default().push(r.time);
        }
    }

    // Who acted through which principals, for the travel indicator.
    let mut travellers: HashMap<OriginKey, Vec<PrincipalKey>> = HashMap::new();
    for (o, k) in acted {
        travellers.entry(o).or_default().push(k);
    }
    let history = store
        .events
        .first()
        .map_or(0, |e| scope.from.saturating_sub(e.time).max(0) / DAY);
    let in_training = history < i64::from(cfg.min_history_days);
    let new = if in_training {
        places::NewPlaces {
            rows: Vec::new(),
            by_principal: HashMap::new(),
        }
    } else {
        places::new_places(
            store,
            graph,
            ix,
            geo,
            &addresses,
            at(baseline_from)..day_range.start,
            &sessions,
        )
    };
    let (day_findings, list) = findings::day_findings(store, scope);
    let mut active: Vec<PrincipalKey> = calls.keys().copied().collect();
    active.sort_unstable();
    let named = list
        .iter()
        .map(|f| (*f, findings::named_principals(f, store, graph, ix, &active)))
        .collect();
    let found = indicators::Found {
        places: &new.by_principal,
        trips: indicators::travel(store, graph, ix, geo, scope, &cfg.travel, &travellers),
        bursts: denied::bursts(&denials, cfg.burst),
        findings: named,
    };
    let call_counts: HashMap<PrincipalKey, u64> = calls.iter().map(|(k, c)| (*k, c.calls)).collect();
    let ranked = indicators::rank(store, graph, found, &call_counts, &sessions);
    let week_from = scope.from.saturating_sub((SPARK_DAYS as i64 - 1) * DAY);
    let (top_principals, top_roles) = volume::top_lists(
        store,
        graph,
        ix,
        &calls,
        &sessions,
        at(week_from)..day_range.end,
        scope.from,
        cfg.top,
    );
    let outside = instance::outside_aws(store, graph, ix, geo, day_range, baseline_from, scope.from);
    Some(Summary {
        day: day_label(d),
        from: rfc3339(scope.from),
        to: rfc3339(scope.to),
        first_day: day_label(first_day),
        last_day: day_label(last_day),
        events,
        failed,
        geolocation: geo.describe(),
        baseline: SummaryBaseline {
            from: rfc3339(baseline_from),
            to: rfc3339(scope.from),
            days_of_history: history,
            in_training,
        },
        findings: day_findings,
        principals_with_indicators: ranked,
        new_geolocations: new.rows,
        top_principals,
        top_roles,
        instance_credentials_outside_aws: outside,
        rules: SummaryRules {
            baseline_days: cfg.baseline_days,
            min_history_days: cfg.min_history_days,
            denied_burst: cfg.burst,
            denial_codes: DENIAL_CODES.to_vec(),
            travel: cfg.travel,
            top: cfg.top,
            sparkline_days: SPARK_DAYS,
        },
    })
}
