//! Who was really behind an event a pivot found: the session that signed it, its chain of assumptions and the
//! origin at the top, as `core::graph` established them (every link rule, honest unknowns).

use crate::core::graph::{ChainHop, OriginView, SessionGraph, Signer};
use crate::core::model::Store;
use crate::core::time::Scope;
use serde::Serialize;

/// The origin of an event's signer and the chain down to it (outermost first; empty when an origin such as an
/// IAM user signed the event itself).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventOrigin {
    /// The principal the chain starts from.
    pub origin: OriginView,
    /// The assumptions from the origin to the signing session, outermost first.
    pub chain: Vec<ChainHop>,
    /// Warnings from the graph (weak links, source identity dropped, cycles).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// Origin and chain of the session or principal that signed event `event` (index in `store.events`).
pub fn event_origin(store: &Store, graph: &SessionGraph, event: usize) -> Option<EventOrigin> {
    match graph.signer.get(event)? {
        Signer::Session(s) => Some(session_origin_of(store, graph, *s)),
        Signer::Origin(o) => Some(EventOrigin {
            origin: graph.origin_view(store, *o),
            chain: Vec::new(),
            flags: Vec::new(),
        }),
        Signer::None => None,
    }
}

pub(super) fn session_origin_of(store: &Store, graph: &SessionGraph, s: u32) -> EventOrigin {
    // An empty scope: only the chain and origin are wanted, not the session's calls.
    let t = graph.trace(store, s, Scope::new(0, 0));
    EventOrigin {
        origin: t.origin,
        chain: t.chain,
        flags: t.flags,
    }
}

/// The origin of the session that signed with `access_key_id` (a GuardDuty finding's key); `None` when the
/// loaded logs hold no session with that key.
pub fn session_origin(store: &Store, graph: &SessionGraph, access_key_id: &str) -> Option<EventOrigin> {
    let s = graph.session_by_key(store, access_key_id)?;
    Some(session_origin_of(store, graph, s))
}
