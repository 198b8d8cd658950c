//! Behaviour analytics (Detective's "is this normal for them?" and "what exactly did they do, how much, from
//! where?"), offline: new behaviour of a profile in a scope against its baseline, API call volume with drill-downs,
//! and impossible travel. Detective's definitions of scope, baseline and new behaviour: `docs/domain.md` §6.
//!
//! Inputs are the loaded [`Store`], its [`SessionGraph`], a [`BehaviorIndex`] built once from both, and a
//! [`GeoDb`]. `profile` selects events, `baseline` counts them in one pass, `newbehavior` / `increase` / `travel`
//! judge, `volume` / `drilldown` describe. Pure and deterministic; nothing here prints or knows the terminal.

mod asked;
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
pub use drilldown::{DRILL_LIMIT, DrillNode, DrillOptions, DrillSort, Drilldowns};
pub use error::BehaviorError;
pub use findinggeo::{FindingLocation, add_finding_locations, finding_locations};
pub use increase::IncreaseRow;
pub use index::{BehaviorIndex, Combo, Combos, OriginKey, Row, StorePart};
pub(crate) use newbehavior::place_key;
pub use newbehavior::{ApiRow, AsoRow, GeoRow, UaRow, UnplacedRow};
pub use profile::Profile;
pub use select::{Asked, Part, ProfileJson, Selection, select};
pub use travel::{TravelPoint, TravelRow, place_label};
pub(crate) use travel::{impossible_pairs, lookback_seconds};
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
    /// Whose behaviour this is (the selected profile and what it covers).
    pub profile: ProfileJson,
    /// The scope judged.
    pub scope: ScopeJson,
    /// The baseline window and whether it is still in training.
    pub baseline: BaselineJson,
    /// What geolocation data is loaded (`GeoDb::describe`), "geolocation unavailable …" without databases.
    pub geolocation: String,
    /// Places first seen in the scope (empty while in training).
    pub new_geolocations: Vec<GeoRow>,
    /// Places seen in the baseline.
    pub known_geolocations: Vec<GeoRow>,
    /// Sources that are not places (private, AWS internal, service names, addresses without a City record).
    pub unplaced_sources: Vec<UnplacedRow>,
    /// APIs called in the scope and never in the baseline (empty while in training).
    pub new_api_calls: Vec<ApiRow>,
    /// APIs called far more often than the baseline predicts (see `rules`; empty while in training).
    pub increased_volume: Vec<IncreaseRow>,
    /// Autonomous systems first seen in the scope (empty while in training).
    pub new_asos: Vec<AsoRow>,
    /// Autonomous systems seen in the baseline.
    pub known_asos: Vec<AsoRow>,
    /// User agents first seen in the scope (empty while in training).
    pub new_user_agents: Vec<UaRow>,
    /// Pairs of consecutive calls too far apart to travel between in the time between them.
    pub impossible_travel: Vec<TravelRow>,
    /// The thresholds this report was computed with.
    pub rules: RulesJson,
}

/// The thresholds in force, so every output says what it was computed with.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RulesJson {
    /// An API needs at least this many calls in scope to count as increased.
    pub increased_volume_min_count: u64,
    /// …and at least this many times its baseline rate per scope length.
    pub increased_volume_ratio: f64,
    /// Days of history the baseline needs before anything is called new.
    pub min_history_days: u32,
    /// The speed and distance that make travel impossible.
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
    let mut report = BehaviorReport {
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
    };
    asked::mark(&mut report, sel, store, graph, ix, geo, scope);
    report
}

/// `trailhound volume --json`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct VolumeReport {
    /// Whose volume this is.
    pub profile: ProfileJson,
    /// The scope the drill-downs cover.
    pub scope: ScopeJson,
    /// The baseline window the average is taken over.
    pub baseline: BaselineJson,
    /// Width of each chart bucket, in seconds.
    pub bucket_seconds: i64,
    /// Start of the charted range (RFC 3339 UTC): the scope with context on each side, aligned to buckets.
    pub from: String,
    /// End of the charted range (RFC 3339 UTC).
    pub to: String,
    /// Calls per bucket over the charted range, oldest first.
    pub buckets: Vec<Bucket>,
    /// Average successful calls per bucket over the baseline window.
    pub baseline_per_bucket: f64,
    /// Average failed calls per bucket over the baseline window.
    pub baseline_failure_per_bucket: f64,
    /// Scope calls by source IP → API → caller.
    pub by_ip: Vec<DrillNode>,
    /// Scope calls by API (grouped by service) → IP → access key.
    pub by_api: Vec<DrillNode>,
    /// Scope calls by access key → IP → API.
    pub by_access_key: Vec<DrillNode>,
    /// Scope calls by resource → IP → API.
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
    drill: &DrillOptions,
) -> Result<VolumeReport, BehaviorError> {
    let base = Baseline::compute(sel, ix, scope, cfg);
    let s = volume::series(sel, ix, scope, &base, bucket)?;
    let d = drilldown::drilldowns(sel, store, ix, geo, scope, drill);
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
