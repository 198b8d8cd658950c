//! The events an investigation looks at, through the chain (`docs/investigate.md` §1): the profile's own calls in
//! the scope, the assumptions in the scope that created its sessions (who got in, and from where), and the calls in
//! the scope of every session its sessions started, down the chain. Each event says which of the three it is.

use crate::core::behavior::{BehaviorIndex, Selection};
use crate::core::graph::{Caller, MAX_CHAIN_DEPTH, SessionGraph, SessionId, Signer};
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use hashbrown::HashSet;
use serde::Serialize;

/// How an event belongs to the investigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Via {
    /// A call of the profile itself.
    Own,
    /// The assumption that created one of the profile's sessions (made by whoever is above it in the chain).
    Assumption,
    /// A call of a session the profile's sessions started (down the chain).
    Chain,
    /// The policy write that granted access a related Access Analyzer finding reports and the profile used.
    Grant,
}

/// One event, as the report names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventRef {
    /// Index into `store.events` (for pivots).
    #[serde(skip)]
    pub event: u32,
    /// `eventID`.
    pub event_id: String,
    /// `eventTime`, RFC 3339 UTC.
    pub time: String,
    /// `eventSource`.
    pub event_source: String,
    /// `eventName`.
    pub event_name: String,
    /// `errorCode`, when the call failed.
    pub error_code: Option<String>,
    /// How it belongs to the investigation.
    pub via: Via,
    /// The access key of the session that signed it, when a session did.
    pub session: Option<String>,
}

impl EventRef {
    /// The reference to event `i`.
    pub fn of(store: &Store, graph: &SessionGraph, i: u32, via: Via) -> EventRef {
        let e = &store.events[i as usize];
        let session = match graph.signer.get(i as usize) {
            Some(Signer::Session(s)) => store.strings.opt(graph.session(*s).access_key).map(str::to_string),
            _ => None,
        };
        EventRef {
            event: i,
            event_id: store.event_id_string(e),
            time: rfc3339(e.time),
            event_source: store.s(e.event_source).to_string(),
            event_name: store.s(e.event_name).to_string(),
            error_code: store.strings.opt(e.error_code).map(str::to_string),
            via,
            session,
        }
    }
}

/// The gathered events, by store index (ascending), each with how it belongs.
pub struct Gathered {
    /// (event, via), ascending by event; an event is listed once, with the first of own, assumption, chain.
    pub events: Vec<(u32, Via)>,
    /// Sessions below the profile's (started down the chain) that have calls in the scope.
    pub below: Vec<SessionId>,
    /// Calls of the profile itself in the scope.
    pub own: u64,
}

impl Gathered {
    /// Whether event `i` is among the gathered ones.
    pub fn contains(&self, i: u32) -> bool {
        self.events.binary_search_by_key(&i, |e| e.0).is_ok()
    }
    /// How many events came in each way: (own, assumption, chain).
    pub fn counts(&self) -> (u64, u64, u64) {
        let n = |v| self.events.iter().filter(|e| e.1 == v).count() as u64;
        (n(Via::Own), n(Via::Assumption), n(Via::Chain))
    }
}

/// Gather the events of `sel` in `scope`, through the chain.
pub fn gather(sel: &Selection, graph: &SessionGraph, ix: &BehaviorIndex, scope: Scope) -> Gathered {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let mut events: Vec<(u32, Via)> = Vec::new();
    for part in sel.window(lo, hi) {
        events.extend(part.events.iter().map(|&i| (i, Via::Own)));
    }
    let own = events.len() as u64;
    let mine: HashSet<SessionId> = sel.sessions.iter().copied().collect();
    for &s in &sel.sessions {
        if let Some(e) = graph.session(s).created_by {
            let edge = graph.edge(e);
            if scope.contains(edge.time) {
                events.push((edge.event, Via::Assumption));
            }
        }
    }
    // Down the chain: sessions started by the profile's sessions, and by its own calls signed outside a session
    // (a long-term key's AssumeRole), breadth first, at most MAX_CHAIN_DEPTH hops.
    let mut seen: HashSet<SessionId> = mine.clone();
    let mut below = Vec::new();
    let mut own_sorted: Vec<u32> = events.iter().map(|e| e.0).collect();
    own_sorted.sort_unstable();
    let started_by_own: Vec<u32> = graph
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(e.caller, Caller::Origin(_))
                && scope.contains(e.time)
                && own_sorted.binary_search(&e.event).is_ok()
        })
        .map(|(k, _)| k as u32)
        .collect();
    let mut frontier: Vec<Option<SessionId>> = sel
        .sessions
        .iter()
        .copied()
        .filter(|&s| {
            let x = graph.session(s);
            x.last_seen >= scope.from && x.first_seen < scope.to
        })
        .map(Some)
        .collect();
    // `None` stands for the profile's own calls outside sessions; its children are the edges found above.
    if !started_by_own.is_empty() {
        frontier.push(None);
    }
    for _ in 0..MAX_CHAIN_DEPTH {
        let mut next = Vec::new();
        for s in frontier {
            let children = match s {
                Some(s) => graph.session_children(s),
                None => started_by_own.as_slice(),
            };
            for &e in children {
                let child = graph.edge(e).session;
                if !seen.insert(child) {
                    continue;
                }
                let x = graph.session(child);
                let a = x.events.partition_point(|&i| i < lo);
                let b = x.events.partition_point(|&i| i < hi).max(a);
                if b > a {
                    below.push(child);
                    events.extend(x.events[a..b].iter().map(|&i| (i, Via::Chain)));
                }
                if x.last_seen >= scope.from {
                    next.push(Some(child));
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    events.sort_unstable();
    events.dedup_by_key(|e| e.0);
    Gathered { events, below, own }
}
