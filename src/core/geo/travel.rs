//! The impossible-travel rule: two consecutive activities of one origin from places too far apart for the time
//! between them.

use super::haversine_km;

/// Thresholds of the impossible-travel rule. Both must be exceeded: the distance filter keeps nearby city
/// pairs (and database imprecision, often 100+ km) from firing on short gaps.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TravelRule {
    /// Fastest plausible travel, km/h. Default 900 (a commercial airliner's cruise speed).
    pub max_speed_kmh: f64,
    /// Ignore pairs closer than this, km. Default 500.
    pub min_distance_km: f64,
}

impl Default for TravelRule {
    fn default() -> Self {
        TravelRule {
            max_speed_kmh: 900.0,
            min_distance_km: 500.0,
        }
    }
}

/// `a` and `b` are (latitude, longitude, epoch seconds), in either time order. Returns `Some((km, km/h))` when the
/// distance is at least `min_distance_km` and the implied speed is strictly above `max_speed_kmh`. Gaps under one
/// second count as one second (so the speed stays finite for JSON). Non-finite coordinates never fire.
pub fn is_impossible(
    rule: &TravelRule,
    a: (f64, f64, i64),
    b: (f64, f64, i64),
) -> Option<(f64, f64)> {
    let km = haversine_km((a.0, a.1), (b.0, b.1));
    if !km.is_finite() || km < rule.min_distance_km {
        return None;
    }
    let secs = a.2.abs_diff(b.2).max(1) as f64;
    let kmh = km / (secs / 3600.0);
    (kmh > rule.max_speed_kmh).then_some((km, kmh))
}
