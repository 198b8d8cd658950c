//! The denied row: `trailhound denied` of a sample of session identities over every hour each was active (its
//! default scope, the widest it is asked for), timed as the command computes it once the data is loaded.

use super::probe::Spread;
use super::{Row, goals, ms};
use crate::core::behavior;
use crate::core::dataset::Dataset;
use crate::core::policy::denied::{self, DeniedConfig};
use std::time::Instant;

/// The worst of `samples` session identities (the busiest half, the rest spread over all).
pub fn row(data: &Dataset, samples: usize) -> Row {
    const WHAT: &str = "denied of a session identity, all its active hours";
    let (store, graph, ix) = (data.store(), data.graph(), data.behavior());
    let cfg = DeniedConfig::default();
    let mut times = Vec::new();
    let (mut largest, mut most_denied) = (0, 0);
    for (p, _) in super::queries::sampled_identities(data, samples) {
        let t = Instant::now();
        let Ok(sel) = behavior::select(&p, store, graph, ix) else {
            continue;
        };
        let Some(scope) = denied::default_scope(&sel, ix) else {
            continue;
        };
        let r = std::hint::black_box(denied::denied(&sel, store, graph, ix, scope, &cfg));
        times.push(t.elapsed());
        largest = largest.max(sel.events_total());
        most_denied = most_denied.max(r.counts.denied);
    }
    if times.is_empty() {
        return Row::not_measured("denied", WHAT, goals::DENIED, "no session identity".into());
    }
    let s = Spread::of(times);
    Row::measured(
        "denied",
        WHAT,
        goals::DENIED,
        ms(s.max),
        format!(
            "worst of {} identities (largest {largest} events, most denials {most_denied}), p50 {:.3} ms",
            s.count,
            ms(s.p50)
        ),
    )
}
