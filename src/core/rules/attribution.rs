//! Who is behind one event, in the terms rules group by: the session that signed it, its session identity, the
//! chain's outermost session and the origin at the top — the last only when every link up the chain is strong
//! (a name + time match is a lead, not a fact: naming the wrong person is the worst error).

use crate::core::graph::{OriginId, SessionGraph, SessionId, Signer};

/// Who is behind one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// Who signed it.
    pub signer: Signer,
    /// The signing session's identity (index into `SessionGraph::identities`); `None` when an origin signed it.
    pub session_identity: Option<u32>,
    /// The outermost session of the signing session's chain; `None` when an origin signed it or the chain loops.
    pub chain_root: Option<SessionId>,
    /// The origin at the top (or the origin that signed it); `None` when unknown or reached through a weak link.
    pub origin: Option<OriginId>,
    /// A link up the chain is a name + time match.
    pub weak: bool,
}

/// Who is behind event `event` (an index into `store.events`).
pub fn attribute(graph: &SessionGraph, event: u32) -> Attribution {
    let signer = graph.signer.get(event as usize).copied().unwrap_or(Signer::None);
    let mut a = Attribution {
        signer,
        session_identity: None,
        chain_root: None,
        origin: None,
        weak: false,
    };
    match signer {
        Signer::None => {}
        Signer::Origin(o) => a.origin = Some(o),
        Signer::Session(s) => {
            a.session_identity = Some(graph.session(s).identity);
            let (path, origin, stop) = graph.chain_of(s);
            a.weak = path.iter().any(|&p| {
                graph
                    .session(p)
                    .created_by
                    .and_then(|e| graph.edge(e).link)
                    .is_some_and(|l| l.is_weak())
            });
            if stop.is_none() {
                a.chain_root = path.first().copied();
                if !a.weak {
                    a.origin = origin;
                }
            }
        }
    }
    a
}
