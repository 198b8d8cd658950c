//! The query rows: `trace` of a sample of sessions, `behavior` / `volume` of a sample of session identities and
//! of the busiest account, and the least-privilege policy of a sample of session identities. Each is timed as its command computes it once the data is loaded (JSON written to a
//! sink for `trace`), so the numbers are what an analyst waits for after the load.

use super::probe::Spread;
use super::{Row, goals, ms};
use crate::core::behavior::{self, BehaviorConfig, Profile};
use crate::core::dataset::Dataset;
use crate::core::graph::{Found, SessionGraph};
use crate::core::time::Scope;
use std::time::{Duration, Instant};

/// The session identities the per-identity rows time ([`sample`] by events signed: the busiest half, the rest
/// spread over all), each as its profile with that event count.
pub(super) fn sampled_identities(data: &Dataset, n: usize) -> Vec<(Profile, usize)> {
    let (store, graph) = (data.store(), data.graph());
    let ids = &graph.identities;
    let weight = |i: usize| {
        ids[i]
            .sessions
            .iter()
            .map(|&s| graph.session(s).events.len())
            .sum::<usize>()
    };
    sample(ids.len(), n, weight)
        .into_iter()
        .map(|i| {
            let p = Profile::SessionIdentity {
                role_arn: store.s(ids[i].role_arn).to_string(),
                session_name: store.s(ids[i].session_name).to_string(),
            };
            (p, weight(i))
        })
        .collect()
}

/// `n` indices out of `0..len` ranked by `weight`: the heaviest half, and the rest spread evenly over all.
pub(super) fn sample(len: usize, n: usize, weight: impl Fn(usize) -> usize) -> Vec<usize> {
    let mut by_weight: Vec<usize> = (0..len).collect();
    by_weight.sort_by_key(|&i| std::cmp::Reverse(weight(i)));
    let mut picked: Vec<usize> = by_weight.into_iter().take(n.div_ceil(2)).collect();
    let spread = n - picked.len().min(n);
    if spread > 0 && len > 0 {
        picked.extend((0..spread).map(|k| k * len / spread));
    }
    picked.sort_unstable();
    picked.dedup();
    picked
}

pub(super) fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// `trace` of a sample of sessions: find the session by its access key, trace it over all data, write the JSON.
pub fn trace(data: &Dataset, samples: usize) -> Row {
    const WHAT: &str = "trace of a session";
    let (store, graph) = (data.store(), data.graph());
    let sessions = &graph.sessions;
    let mut times = Vec::new();
    let mut largest = 0;
    for i in sample(sessions.len(), samples, |i| sessions[i].events.len()) {
        let Some(key) = store.strings.opt(sessions[i].access_key) else {
            continue;
        };
        largest = largest.max(sessions[i].events.len());
        times.push(timed(|| trace_one(store, graph, key)));
    }
    if times.is_empty() {
        return Row::not_measured("trace", WHAT, goals::TRACE, "no session with an access key".into());
    }
    let s = Spread::of(times);
    Row::measured(
        "trace",
        WHAT,
        goals::TRACE,
        ms(s.max),
        format!(
            "worst of {} sessions (the busiest half, the rest spread over all {}; largest {largest} events), p50 {:.3} ms",
            s.count,
            sessions.len(),
            ms(s.p50)
        ),
    )
}

fn trace_one(store: &crate::core::model::Store, graph: &SessionGraph, key: &str) {
    if let Found::Sessions(v) = graph.find(store, key)
        && let Some(&s) = v.first()
    {
        let t = graph.trace(store, s, Scope::ALL);
        let _ = serde_json::to_writer(std::io::sink(), &t);
    }
}

/// `behavior` and `volume` of a sample of session identities (at their default scope, the hour of their last
/// activity, against the 45-day baseline), and of the account with the most events: `behavior` for the last day
/// of data against the baseline before it, `volume` with every loaded event in scope.
pub fn behavior(data: &Dataset, samples: usize) -> (Row, Row) {
    const IDENTITY: &str = "behavior / volume of a session identity";
    const ACCOUNT: &str = "behavior / volume of the busiest account, all data";
    let (store, graph) = (data.store(), data.graph());
    let index_built = timed(|| {
        data.behavior();
        data.drill_keys();
    });
    let (ix, geo) = (data.behavior(), data.geo());
    let cfg = BehaviorConfig::default();
    // As `volume` and the TUI cut the trees by default.
    let drill = behavior::DrillOptions {
        limit: Some(behavior::DRILL_LIMIT),
        ..Default::default()
    };
    let run = |p: &Profile, scope: Option<Scope>| -> Option<(Duration, Duration, usize)> {
        let sel = behavior::select(p, store, graph, ix).ok()?;
        let scope = scope.or_else(|| behavior::default_scope(&sel, ix))?;
        let n = sel.events_total();
        let b = timed(|| {
            if let Ok(sel) = behavior::select(p, store, graph, ix) {
                std::hint::black_box(behavior::behavior(&sel, store, graph, ix, geo, scope, &cfg));
            }
        });
        let v = timed(|| {
            if let Ok(sel) = behavior::select(p, store, graph, ix) {
                let _ = std::hint::black_box(behavior::volume(&sel, store, ix, geo, scope, &cfg, None, &drill));
            }
        });
        Some((b, v, n))
    };

    let (mut b_times, mut v_times) = (Vec::new(), Vec::new());
    let mut largest = 0;
    for (p, _) in sampled_identities(data, samples) {
        if let Some((b, v, n)) = run(&p, None) {
            b_times.push(b);
            v_times.push(v);
            largest = largest.max(n);
        }
    }
    let identity = if b_times.is_empty() {
        Row::not_measured("identity", IDENTITY, goals::IDENTITY, "no session identity".into())
    } else {
        let (b, v) = (Spread::of(b_times), Spread::of(v_times));
        Row::measured(
            "identity",
            IDENTITY,
            goals::IDENTITY,
            ms(b.max.max(v.max)),
            format!(
                "worst of {} identities (largest {largest} events): behavior p50 {:.3} / max {:.3} ms, volume p50 {:.3} \
                 / max {:.3} ms; the behaviour index and drill-down keys they read are built once per load ({:.2} s)",
                b.count,
                ms(b.p50),
                ms(b.max),
                ms(v.p50),
                ms(v.max),
                index_built.as_secs_f64()
            ),
        )
    };

    let account = busiest_account(data).and_then(|id| {
        let (first, last) = (store.events.first()?.time, store.events.last()?.time);
        let p = Profile::Account { id: id.clone() };
        let day = Scope::new((last + 1 - 86_400).max(first), last + 1);
        let all = Scope::new(first, last + 1);
        let mut worst = (Duration::ZERO, Duration::ZERO);
        let mut n = 0;
        for _ in 0..3 {
            let (b, _, events) = run(&p, Some(day))?;
            let (_, v, _) = run(&p, Some(all))?;
            worst = (worst.0.max(b), worst.1.max(v));
            n = events;
        }
        Some(Row::measured(
            "account",
            ACCOUNT,
            goals::ACCOUNT,
            ms(worst.0.max(worst.1)),
            format!(
                "account {} ({n} events), worst of 3 runs: behavior of the last day against the 45-day baseline {:.1} ms, \
                 volume with every event in scope {:.1} ms",
                crate::core::text::visible(&id),
                ms(worst.0),
                ms(worst.1)
            ),
        ))
    });
    let account = account.unwrap_or_else(|| Row::not_measured("account", ACCOUNT, goals::ACCOUNT, "no events".into()));
    (identity, account)
}

/// The least-privilege policy (`trailhound policy`: selection, usage, generation) of a sample of session identities
/// over every loaded event (the widest scope, so the largest identity's every call is read).
pub fn policy(data: &Dataset, samples: usize) -> Row {
    const WHAT: &str = "least-privilege policy of a session identity, all data";
    let (store, graph, ix) = (data.store(), data.graph(), data.behavior());
    let (Some(first), Some(last)) = (store.events.first(), store.events.last()) else {
        return Row::not_measured("policy", WHAT, goals::POLICY, "no events".into());
    };
    let all = Scope::new(first.time, last.time + 1);
    let mut times = Vec::new();
    let mut largest = 0;
    for (p, _) in sampled_identities(data, samples) {
        let mut n = 0;
        let t = timed(|| {
            if let Ok(sel) = behavior::select(&p, store, graph, ix) {
                n = sel.events_total();
                let u = crate::core::policy::usage::usage(&sel, store, graph, ix, all);
                std::hint::black_box(crate::core::policy::generate::generate(&u));
            }
        });
        largest = largest.max(n);
        times.push(t);
    }
    if times.is_empty() {
        return Row::not_measured("policy", WHAT, goals::POLICY, "no session identity".into());
    }
    let s = Spread::of(times);
    Row::measured(
        "policy",
        WHAT,
        goals::POLICY,
        ms(s.max),
        format!(
            "worst of {} identities (largest {largest} events), every loaded event in scope: p50 {:.3} / max {:.3} ms",
            s.count,
            ms(s.p50),
            ms(s.max)
        ),
    )
}

/// The recipient account with the most events.
fn busiest_account(data: &Dataset) -> Option<String> {
    let store = data.store();
    let mut counts: hashbrown::HashMap<crate::core::model::Sym, usize> = hashbrown::HashMap::new();
    for e in &store.events {
        *counts.entry(e.recipient_account).or_default() += 1;
    }
    let (sym, _) = counts.into_iter().max_by_key(|&(s, n)| (n, std::cmp::Reverse(s)))?;
    Some(store.s(sym).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_takes_the_heaviest_and_spreads_the_rest() {
        let weights = [1, 50, 2, 40, 3, 4, 5, 6, 7, 8];
        assert_eq!(sample(10, 4, |i| weights[i]), vec![0, 1, 3, 5]);
        assert_eq!(sample(3, 10, |i| i), vec![0, 1, 2]);
        assert!(sample(0, 4, |i| i).is_empty());
    }
}
