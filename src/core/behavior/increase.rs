//! API calls with increased volume: the statistic (documented in README "Behaviour analytics").
//!
//! The effective baseline is cut into consecutive windows as long as the scope, ending at the scope start. For an
//! API called in the baseline:
//! - `baseline_rate` = baseline calls / baseline windows (mean per scope-length window, quiet windows included);
//! - `typical_rate` = baseline calls / windows in which it was called at all (what a busy window looks like, so a
//!   working-hours scope is not compared with nights and weekends);
//! - `ratio` = scope calls / (`typical_rate` + 1) — the +1 keeps rare APIs from exploding the ratio;
//! - flagged when scope calls ≥ `min_count` (10), ratio ≥ `ratio_threshold` (5) **and** scope calls exceed the
//!   busiest baseline window (`baseline_max`): more than ever seen in one window before.
//!
//! APIs never called in the baseline are new API calls, not increased ones.

use super::baseline::{Baseline, BehaviorConfig, Tally};
use super::index::BehaviorIndex;
use super::newbehavior::service_of;
use crate::core::model::Store;
use crate::core::time::Scope;
use serde::Serialize;

/// One API called far more in the scope than its baseline predicts, with the numbers behind the judgement.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct IncreaseRow {
    /// The service host, e.g. `s3.amazonaws.com`.
    pub event_source: String,
    /// The short service name, e.g. `s3`.
    pub service: String,
    /// The API name, e.g. `GetObject`.
    pub api: String,
    /// Calls in the scope.
    pub scope_count: u64,
    /// Of those, calls that failed.
    pub scope_failure: u64,
    /// Calls in the effective baseline.
    pub baseline_count: u64,
    /// Scope-length windows in the effective baseline.
    pub baseline_windows: u64,
    /// Baseline windows in which the API was called at all.
    pub active_windows: u64,
    /// Mean calls per scope-length window over the whole effective baseline.
    pub baseline_rate: f64,
    /// Mean calls per scope-length window in which the API was called.
    pub typical_rate: f64,
    /// Most calls in one baseline window.
    pub baseline_max: u64,
    /// scope_count / (typical_rate + 1).
    pub ratio: f64,
    /// Scope calls of this row made by the asked session (only when a session was asked about; see `asked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_session_count: Option<u64>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Every API of the scope with its numbers (flagged or not), most increased first.
pub fn volume_stats(t: &Tally, store: &Store, ix: &BehaviorIndex, scope: Scope, base: &Baseline) -> Vec<IncreaseRow> {
    let windows = base.windows(scope);
    let mut rows: Vec<IncreaseRow> = t
        .apis
        .touched
        .iter()
        .filter(|(_, a)| a.base > 0 && a.scope() > 0)
        .filter_map(|(api, a)| {
            let (src, name) = *ix.apis.get(*api as usize)?;
            let w = t.windows.get(api).copied().unwrap_or_default();
            let typical = a.base as f64 / w.active.max(1) as f64;
            let source = store.s(src);
            Some(IncreaseRow {
                asked_session_count: None,
                event_source: source.to_string(),
                service: service_of(source).to_string(),
                api: store.s(name).to_string(),
                scope_count: a.scope(),
                scope_failure: a.scope_fail,
                baseline_count: a.base,
                baseline_windows: windows,
                active_windows: w.active,
                baseline_rate: round2(a.base as f64 / windows as f64),
                typical_rate: round2(typical),
                baseline_max: w.max,
                ratio: round2(a.scope() as f64 / (typical + 1.0)),
            })
        })
        .collect();
    rows.sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then(a.api.cmp(&b.api)));
    rows
}

/// The rows the rule flags.
pub fn increased(rows: Vec<IncreaseRow>, cfg: &BehaviorConfig) -> Vec<IncreaseRow> {
    rows.into_iter()
        .filter(|r| r.scope_count >= cfg.min_count && r.ratio >= cfg.ratio_threshold && r.scope_count > r.baseline_max)
        .collect()
}
