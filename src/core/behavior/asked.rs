//! Marking the asked session's share of a report. When the analyst asks about one session (a GuardDuty finding's
//! access key), the profile judged is its session identity — one session has no history to be judged against —
//! and each row says how many of its scope calls the asked session made (`asked_session_count`), so "new for
//! this identity" and "done by the key in the finding" stay apart.

use super::BehaviorReport;
use super::index::BehaviorIndex;
use super::select::Selection;
use super::travel::place_label;
use crate::core::geo::GeoDb;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::Scope;
use hashbrown::HashMap;

/// The asked session's calls in the scope, counted by what the report's rows are keyed on.
#[derive(Default)]
struct AskedCalls {
    /// (eventSource, eventName) → calls.
    apis: HashMap<(String, String), u64>,
    /// sourceIPAddress → calls.
    ips: HashMap<String, u64>,
    /// userAgent → calls.
    uas: HashMap<String, u64>,
    /// The session's access key (travel rows name callers by key).
    key: String,
}

fn count(store: &Store, graph: &SessionGraph, ix: &BehaviorIndex, sel: &Selection, scope: Scope) -> Option<AskedCalls> {
    let asked = sel.asked.as_ref()?;
    let session = graph.sessions.get(asked.session as usize)?;
    let mut c = AskedCalls {
        key: store.s(session.access_key).to_string(),
        ..Default::default()
    };
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let events = &session.events;
    let (a, b) = (events.partition_point(|&i| i < lo), events.partition_point(|&i| i < hi));
    for &i in events.get(a..b.max(a)).unwrap_or_default() {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        let api = (store.s(e.event_source).to_string(), store.s(e.event_name).to_string());
        *c.apis.entry(api).or_default() += 1;
        *c.ips.entry(store.s(e.source_ip).to_string()).or_default() += 1;
        *c.uas.entry(store.s(e.user_agent).to_string()).or_default() += 1;
    }
    Some(c)
}

/// Fill `asked_session_count` on every row of `r` when the selection has an asked session.
pub fn mark(
    r: &mut BehaviorReport,
    sel: &Selection,
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    scope: Scope,
) {
    let Some(c) = count(store, graph, ix, sel, scope) else {
        return;
    };
    // Place label and AS number of every address the asked session used, looked up once.
    let located: Vec<(Option<String>, Option<u32>, u64)> = c
        .ips
        .iter()
        .map(|(ip, &n)| {
            let info = geo.lookup(ip);
            (info.place.as_ref().map(place_label), info.asn.map(|a| a.asn), n)
        })
        .collect();
    let at_place = |label: &str| {
        located
            .iter()
            .filter(|(l, _, _)| l.as_deref() == Some(label))
            .map(|x| x.2)
            .sum::<u64>()
    };
    let in_as = |asn: u32| located.iter().filter(|x| x.1 == Some(asn)).map(|x| x.2).sum::<u64>();
    for g in r.new_geolocations.iter_mut().chain(r.known_geolocations.iter_mut()) {
        g.asked_session_count = Some(at_place(&g.label));
    }
    for u in r.unplaced_sources.iter_mut() {
        u.asked_session_count = Some(u.addresses.iter().filter_map(|a| c.ips.get(a)).sum());
    }
    for a in r.new_asos.iter_mut().chain(r.known_asos.iter_mut()) {
        a.asked_session_count = Some(in_as(a.asn));
    }
    let api = |source: &str, name: &str| {
        c.apis
            .get(&(source.to_string(), name.to_string()))
            .copied()
            .unwrap_or(0)
    };
    for a in r.new_api_calls.iter_mut() {
        a.asked_session_count = Some(api(&a.event_source, &a.api));
    }
    for a in r.increased_volume.iter_mut() {
        a.asked_session_count = Some(api(&a.event_source, &a.api));
    }
    for u in r.new_user_agents.iter_mut() {
        u.asked_session_count = Some(c.uas.get(&u.user_agent).copied().unwrap_or(0));
    }
    for t in r.impossible_travel.iter_mut() {
        t.asked_session_count = Some(
            [&t.start.caller, &t.end.caller]
                .iter()
                .filter(|k| ***k == c.key)
                .count() as u64,
        );
    }
}
