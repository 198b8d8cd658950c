//! Applying a load window to a store already loaded without one (a case index covers all inputs): the events a
//! windowed parse would have kept, in the same order, with their assumptions. Records dropped are counted in the
//! report as a windowed parse counts them.
//!
//! Same events as a windowed parse, with two documented differences that change no answer: the symbols,
//! identities and files of records outside the window stay in the store (nothing refers to them), and files the
//! S3 layout would have pruned were read, so the report counts their records as outside the window instead of
//! counting the files as pruned.

use super::window::LoadWindow;
use crate::core::model::Store;

/// Keep only the events of `window` (a no-op for the whole window).
pub fn restrict(mut store: Store, window: &LoadWindow) -> Store {
    if window.is_everything() {
        return store;
    }
    let events = std::mem::take(&mut store.events);
    // Events are sorted by time: the time range is two binary searches.
    let lo = window.from.map_or(0, |f| events.partition_point(|e| e.time < f));
    let hi = window
        .to
        .map_or(events.len(), |t| events.partition_point(|e| e.time < t));
    let hi = hi.max(lo);
    let mut kept = Vec::with_capacity(hi - lo);
    let mut assumptions = Vec::new();
    let mut outside = (events.len() - (hi - lo)) as u64;
    for mut e in events.into_iter().skip(lo).take(hi - lo) {
        if !window.admits_event(e.time, store.s(e.recipient_account), store.s(e.region)) {
            outside += 1;
            continue;
        }
        if let Some(a) = e.assumption_index() {
            let mut a = store.assumptions[a].clone();
            a.event = kept.len() as u32;
            e.assumption = assumptions.len() as u32;
            assumptions.push(a);
        }
        kept.push(e);
    }
    store.events = kept;
    store.assumptions = assumptions;
    store.report.records_outside_window += outside;
    store
}
