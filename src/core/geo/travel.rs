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
pub fn is_impossible(rule: &TravelRule, a: (f64, f64, i64), b: (f64, f64, i64)) -> Option<(f64, f64)> {
    let km = haversine_km((a.0, a.1), (b.0, b.1));
    if !km.is_finite() || km < rule.min_distance_km {
        return None;
    }
    let secs = a.2.abs_diff(b.2).max(1) as f64;
    let kmh = km / (secs / 3600.0);
    (kmh > rule.max_speed_kmh).then_some((km, kmh))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEATTLE: (f64, f64) = (47.61, -122.33);
    const FRANKFURT: (f64, f64) = (50.11, 8.68);

    #[test]
    fn haversine_known_distances() {
        let d = haversine_km(SEATTLE, FRANKFURT);
        assert!((d - 8170.0).abs() < 81.7, "Seattle–Frankfurt {d} km");
        assert!(haversine_km(SEATTLE, SEATTLE).abs() < 1e-9);
        // Symmetric, and a quarter meridian is ~10 008 km.
        assert!((haversine_km(FRANKFURT, SEATTLE) - d).abs() < 1e-9);
        assert!((haversine_km((0.0, 0.0), (90.0, 0.0)) - 10_007.5).abs() < 1.0);
        // Antipodes stay finite (no NaN from rounding).
        let anti = haversine_km((10.0, 20.0), (-10.0, -160.0));
        assert!((anti - std::f64::consts::PI * 6371.0088).abs() < 1.0, "{anti}");
        assert!(haversine_km((f64::NAN, 0.0), (0.0, 0.0)).is_nan());
    }

    #[test]
    fn rule_boundaries() {
        let rule = TravelRule::default();
        assert_eq!(rule.max_speed_kmh, 900.0);
        assert_eq!(rule.min_distance_km, 500.0);
        let d = haversine_km(SEATTLE, FRANKFURT);
        let t0 = 1_793_923_200;
        // Flight time at exactly 900 km/h is allowed; one second less is impossible.
        let at_limit = (d / 900.0 * 3600.0).ceil() as i64;
        assert_eq!(
            is_impossible(
                &rule,
                (SEATTLE.0, SEATTLE.1, t0),
                (FRANKFURT.0, FRANKFURT.1, t0 + at_limit)
            ),
            None
        );
        let (km, kmh) = is_impossible(
            &rule,
            (SEATTLE.0, SEATTLE.1, t0),
            (FRANKFURT.0, FRANKFURT.1, t0 + at_limit - 2),
        )
        .expect("faster than an airliner");
        assert!((km - d).abs() < 1e-9 && kmh > 900.0);
        // Order of the two points does not matter.
        assert!(is_impossible(&rule, (FRANKFURT.0, FRANKFURT.1, t0 + 3600), (SEATTLE.0, SEATTLE.1, t0)).is_some());
        // Same second: finite speed (gap counted as one second).
        let (_, kmh) = is_impossible(&rule, (SEATTLE.0, SEATTLE.1, t0), (FRANKFURT.0, FRANKFURT.1, t0)).unwrap();
        assert!(kmh.is_finite() && kmh > 1e6);
        // Short hops never fire, however fast: Seattle–Portland (~233 km) in one minute.
        assert_eq!(
            is_impossible(&rule, (47.61, -122.33, t0), (45.52, -122.68, t0 + 60)),
            None
        );
        // Just under / over the distance threshold (along the equator, 1° ≈ 111.2 km) within one second.
        let deg = |km: f64| km / 111.195;
        assert_eq!(is_impossible(&rule, (0.0, 0.0, t0), (0.0, deg(499.0), t0 + 1)), None);
        assert!(is_impossible(&rule, (0.0, 0.0, t0), (0.0, deg(501.0), t0 + 1)).is_some());
        // Non-finite coordinates never fire.
        assert_eq!(is_impossible(&rule, (f64::NAN, 0.0, t0), (50.0, 8.0, t0)), None);
        assert_eq!(is_impossible(&rule, (f64::INFINITY, 0.0, t0), (50.0, 8.0, t0)), None);
    }
}
