//! The investigate row: `trailhound investigate` of a sample of session identities in the hour of each one's last
//! activity (its default scope), through the chain, with the rule hits already evaluated (they are built once per
//! load, as the command and the TUI use them) and no intel list. Goal: ≤ 250 ms per profile at 1 M events.

use super::probe::Spread;
use super::{Row, goals, ms};
use crate::core::behavior;
use crate::core::dataset::Dataset;
use crate::core::investigate::{self, Inputs};
use std::time::Instant;

/// The worst of `samples` session identities (the busiest half, the rest spread over all).
pub fn row(data: &Dataset, samples: usize) -> Row {
    const WHAT: &str = "investigate a session identity, the hour of its last activity, through its chain";
    let (store, graph, ix) = (data.store(), data.graph(), data.behavior());
    // Built once per load, outside the timing (the rules row measures it).
    let inputs = Inputs {
        store,
        graph,
        ix,
        geo: data.geo(),
        detections: Some(data.detections()),
        intel: None,
    };
    let mut times = Vec::new();
    let (mut largest, mut most_events) = (0, 0u64);
    for (p, _) in super::queries::sampled_identities(data, samples) {
        let t = Instant::now();
        let Ok(sel) = behavior::select(&p, store, graph, ix) else {
            continue;
        };
        let Some(scope) = investigate::default_scope(&sel, ix) else {
            continue;
        };
        let r = std::hint::black_box(investigate::investigate(&inputs, &sel, scope));
        times.push(t.elapsed());
        largest = largest.max(sel.events_total());
        most_events = most_events.max(r.events.own + r.events.assumptions + r.events.chain);
    }
    if times.is_empty() {
        return Row::not_measured("investigate", WHAT, goals::INVESTIGATE, "no session identity".into());
    }
    let s = Spread::of(times);
    Row::measured(
        "investigate",
        WHAT,
        goals::INVESTIGATE,
        ms(s.max),
        format!(
            "worst of {} identities (largest {largest} events, most {most_events} events in a scope), p50 {:.3} ms",
            s.count,
            ms(s.p50)
        ),
    )
}
