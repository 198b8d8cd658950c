//! Behaviour analytics (Detective's "is this normal for them?" and "what exactly did they do, how much, from
//! where?"), offline: new behaviour of a profile in a scope against its baseline, API call volume with drill-downs,
//! and impossible travel. Detective's definitions of scope, baseline and new behaviour: `docs/domain.md` §6.
//!
//! Inputs are the loaded [`Store`], its [`SessionGraph`], a [`BehaviorIndex`] built once from both, and a
//! [`GeoDb`]. `profile` selects events, `baseline` counts them in one pass, `newbehavior` / `increase` / `travel`
//! judge, `volume` / `drilldown` describe. Pure and deterministic; nothing here prints or knows the terminal.

mod baseline;
mod drilldown;
mod error;
mod findinggeo;
mod increase;
mod index;
mod newbehavior;
mod profile;
mod select;
mod travel;
mod volume;

pub use baseline::{Baseline, BaselineJson, BehaviorConfig};
pub use drilldown::{DrillNode, DrillSort, Drilldowns, filter_tree, sort_tree};
pub use error::BehaviorError;
pub use findinggeo::{FindingLocation, add_finding_locations, finding_locations};
pub use increase::IncreaseRow;
pub use index::{BehaviorIndex, OriginKey, Row};
pub use newbehavior::{ApiRow, AsoRow, GeoRow, UaRow, UnplacedRow};
pub use profile::Profile;
pub use select::{Part, ProfileJson, Selection, select};
pub use travel::{TravelPoint, TravelRow};
pub use volume::{Bucket, Series, auto_bucket, chart_range, parse_bucket};

use crate::core::geo::GeoDb;
use crate::core::geo::travel::TravelRule;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::{Scope, ScopeJson};
use serde::Serialize;

/// `trailhound behavior --json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct BehaviorReport {
    pub profile: ProfileJson,
    pub scope: ScopeJson,
    pub baseline: BaselineJson,
    /// What geolocation data is loaded (`GeoDb::describe`), "geolocation unavailable …" without databases.
    pub geolocation: String,
    pub new_geolocations: Vec<GeoRow>,
    pub known_geolocations: Vec<GeoRow>,
    /// Sources that are not places (private, AWS internal, service names, addresses without a City record).
    pub unplaced_sources: Vec<UnplacedRow>,
    pub new_api_calls: Vec<ApiRow>,
    pub increased_volume: Vec<IncreaseRow>,
    pub new_asos: Vec<AsoRow>,
    pub known_asos: Vec<AsoRow>,
    pub new_user_agents: Vec<UaRow>,
    pub impossible_travel: Vec<TravelRow>,
    pub rules: RulesJson,
}

/// The thresholds in force, so every output says what it was computed with.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RulesJson {
    pub increased_volume_min_count: u64,
    pub increased_volume_ratio: f64,
    pub min_history_days: u32,
    pub travel: TravelRule,
}

/// New behaviour of a selected profile in `scope`.
pub fn behavior(
    sel: &Selection,
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    scope: Scope,
    cfg: &BehaviorConfig,
) -> BehaviorReport {
    let base = Baseline::compute(sel, ix, scope, cfg);
    let tally = baseline::Tally::count(sel, ix, scope, &base);
    let places = newbehavior::places(&tally, store, ix, geo);
    let training = base.in_training;
    let unless_training = |v: Vec<_>| if training { Vec::new() } else { v };
    let stats = increase::volume_stats(&tally, store, ix, scope, &base);
    BehaviorReport {
        profile: sel.json(),
        scope: scope.into(),
        baseline: base.json(cfg),
        geolocation: geo.describe(),
        new_geolocations: if training { Vec::new() } else { places.new },
        known_geolocations: places.known,
        unplaced_sources: places.unplaced,
        new_api_calls: unless_training(newbehavior::new_api_calls(&tally, store, ix)),
        increased_volume: if training {
            Vec::new()
        } else {
            increase::increased(stats, cfg)
        },
        new_asos: if training { Vec::new() } else { places.new_asos },
        known_asos: places.known_asos,
        new_user_agents: if training {
            Vec::new()
        } else {
            newbehavior::new_user_agents(&tally, store, ix)
        },
        impossible_travel: travel::impossible_travel(sel, store, graph, ix, geo, scope, &cfg.travel),
        rules: RulesJson {
            increased_volume_min_count: cfg.min_count,
            increased_volume_ratio: cfg.ratio_threshold,
            min_history_days: cfg.min_history_days,
            travel: cfg.travel,
        },
    }
}

/// `trailhound volume --json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct VolumeReport {
    pub profile: ProfileJson,
    pub scope: ScopeJson,
    pub baseline: BaselineJson,
    pub bucket_seconds: i64,
    pub from: String,
    pub to: String,
    pub buckets: Vec<Bucket>,
    pub baseline_per_bucket: f64,
    pub baseline_failure_per_bucket: f64,
    pub by_ip: Vec<DrillNode>,
    pub by_api: Vec<DrillNode>,
    pub by_access_key: Vec<DrillNode>,
    pub by_resource: Vec<DrillNode>,
}

/// API call volume and the scope's drill-downs. `bucket` in seconds (automatic when `None`).
#[allow(clippy::too_many_arguments)]
pub fn volume(
    sel: &Selection,
    store: &Store,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    scope: Scope,
    cfg: &BehaviorConfig,
    bucket: Option<i64>,
) -> Result<VolumeReport, BehaviorError> {
    let base = Baseline::compute(sel, ix, scope, cfg);
    let s = volume::series(sel, ix, scope, &base, bucket)?;
    let d = drilldown::drilldowns(sel, store, ix, geo, scope);
    Ok(VolumeReport {
        profile: sel.json(),
        scope: scope.into(),
        baseline: base.json(cfg),
        bucket_seconds: s.bucket_seconds,
        from: s.from,
        to: s.to,
        buckets: s.buckets,
        baseline_per_bucket: s.baseline_per_bucket,
        baseline_failure_per_bucket: s.baseline_failure_per_bucket,
        by_ip: d.by_ip,
        by_api: d.by_api,
        by_access_key: d.by_access_key,
        by_resource: d.by_resource,
    })
}

/// The scope used when none is given: the whole hour of the profile's last activity (Detective's whole-hour rule).
pub fn default_scope(sel: &Selection, ix: &BehaviorIndex) -> Option<Scope> {
    let last = sel.last_time(ix)?;
    Some(Scope::from_observed(last, last))
}
