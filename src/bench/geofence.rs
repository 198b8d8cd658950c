//! The geo-fence row: `trailhound geofence` narrowed to a session identity — select its events, judge each call
//! against a fence of countries and address blocks, aggregate — for a sample of identities over all loaded data
//! (issue 13: ≤ 100 ms at 1M events). Timed once the data is loaded, as the command computes it.

use super::probe::Spread;
use super::queries::{sampled_identities, timed};
use super::{Row, goals, ms};
use crate::core::behavior;
use crate::core::dataset::Dataset;
use crate::core::policy::fence::{self, Fence, NoEndpoints};
use crate::core::time::Scope;

const WHAT: &str = "geofence of a session identity, all data";

/// The review of a sample of session identities (the busiest half, the rest spread over all) against a fence of
/// one country and two blocks (every call is judged; no VPC condition, so no record is read again).
pub fn row(data: &Dataset, samples: usize) -> Row {
    let (store, graph, ix) = (data.store(), data.graph(), data.behavior());
    let Ok(f) = Fence::from_flags(&["US".into()], &["192.0.2.0/24".into(), "2001:db8:a::/48".into()], &[]) else {
        return Row::not_measured(
            "geofence",
            WHAT,
            goals::GEOFENCE,
            "the benchmark's fence does not parse".into(),
        );
    };
    data.geo();
    let mut times = Vec::new();
    let mut largest = 0;
    for (p, weight) in sampled_identities(data, samples) {
        largest = largest.max(weight);
        times.push(timed(|| {
            if let Ok(sel) = behavior::select(&p, store, graph, ix) {
                std::hint::black_box(fence::review(data, &f, Scope::ALL, Some(&sel), &NoEndpoints));
            }
        }));
    }
    if times.is_empty() {
        return Row::not_measured("geofence", WHAT, goals::GEOFENCE, "no session identity".into());
    }
    let s = Spread::of(times);
    Row::measured(
        "geofence",
        WHAT,
        goals::GEOFENCE,
        ms(s.max),
        format!(
            "worst of {} identities (largest {largest} events), p50 {:.3} ms; fence {}",
            s.count,
            ms(s.p50),
            f.to_text()
        ),
    )
}
