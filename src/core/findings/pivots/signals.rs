//! From an attack sequence's signals into the CloudTrail evidence: for each signal, the events its actors signed
//! inside its observation window, and the sessions (with chain and origin) behind them; a `FINDING` signal also
//! points at the loaded finding it names. GuardDuty does not give a signal's CloudTrail `eventID`s
//! (`docs/domain.md` §4.1), so the link is made from what it does give, and says how it was made
//! ([`SignalMatch`]): the actors' access keys (`user.credentialUid`), the window `firstSeenAt..lastSeenAt`, and
//! for CloudTrail signals the API named by the signal. One linear pass over the events per finding.

use super::origin::{EventOrigin, event_origin};
use crate::core::findings::{AttackSequence, Finding, ser};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Events listed per signal at most (the count is always exact).
pub const MAX_SIGNAL_EVENTS: usize = 200;

/// How a signal's events were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum SignalMatch {
    /// Signed by an actor's key, inside the window, and the event name is the API the signal names.
    ActorApiTime,
    /// Signed by an actor's key inside the window (the signal names no API found among them).
    ActorTime,
    /// Nothing to match on: no actor key, or no time (nothing is guessed).
    Unlinked,
}

/// One CloudTrail event behind a signal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalEvent {
    /// Index in `Store::events`.
    #[serde(skip)]
    pub event: usize,
    /// CloudTrail `eventID`.
    pub event_id: String,
    /// The API.
    pub event_name: String,
    /// When (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::time")]
    pub time: i64,
    /// The key that signed it.
    pub access_key_id: Option<String>,
    /// CloudTrail `sourceIPAddress`.
    pub source_ip: Option<String>,
}

/// A session behind a signal's events, with who was behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalSession {
    /// The session's (or long-term key's) access key.
    pub access_key_id: String,
    /// Chain and origin through the graph (`None`: the graph has no signer for these events).
    pub origin: Option<EventOrigin>,
}

/// One signal with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalEvidence {
    /// Index in `AttackSequence::signals`.
    pub signal: usize,
    /// How the events were found.
    pub basis: SignalMatch,
    /// The events, oldest first, at most [`MAX_SIGNAL_EVENTS`].
    pub events: Vec<SignalEvent>,
    /// How many events matched in all.
    pub total: usize,
    /// The distinct sessions that signed them, by key.
    pub sessions: Vec<SignalSession>,
    /// For a `FINDING` signal: the loaded finding whose id or ARN is the signal's uid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
}

/// The API a signal names: the text after the last `:` (`s3:GetObject` → `GetObject`), as written otherwise.
fn api_of(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The evidence of every signal of `f`'s attack sequence (empty for findings without one).
pub fn signal_evidence(store: &Store, graph: &SessionGraph, f: &Finding, loaded: &[Finding]) -> Vec<SignalEvidence> {
    let Some(seq) = &f.sequence else {
        return Vec::new();
    };
    seq.signals
        .iter()
        .enumerate()
        .map(|(i, _)| one(store, graph, seq, i, loaded))
        .collect()
}

fn one(store: &Store, graph: &SessionGraph, seq: &AttackSequence, i: usize, loaded: &[Finding]) -> SignalEvidence {
    let sig = &seq.signals[i];
    let finding = sig.uid.as_ref().and_then(|uid| {
        loaded
            .iter()
            .find(|l| &l.id == uid || l.arn.as_ref() == Some(uid))
            .map(|l| l.id.clone())
    });
    let keys: HashSet<&str> = sig
        .actor_ids
        .iter()
        .filter_map(|id| seq.actor(id)?.credential_uid.as_deref())
        .collect();
    let window = match (sig.first_seen, sig.last_seen) {
        (Some(a), Some(b)) => Some((a.min(b), a.max(b))),
        (Some(a), None) | (None, Some(a)) => Some((a, a)),
        (None, None) => None,
    };
    let mut out = SignalEvidence {
        signal: i,
        basis: SignalMatch::Unlinked,
        events: Vec::new(),
        total: 0,
        sessions: Vec::new(),
        finding,
    };
    let (Some((from, to)), false) = (window, keys.is_empty()) else {
        return out;
    };
    let mut by_actor = Vec::new();
    for (ei, ev) in store.events.iter().enumerate() {
        if ev.time < from || ev.time > to {
            continue;
        }
        let key = store.strings.opt(store.identity(ev).access_key_id);
        if key.is_some_and(|k| keys.contains(k)) {
            by_actor.push(ei);
        }
    }
    let api = sig
        .name
        .as_deref()
        .filter(|_| sig.signal_type.is_cloudtrail())
        .map(api_of);
    let by_api: Vec<usize> = match api {
        Some(api) => by_actor
            .iter()
            .copied()
            .filter(|&ei| store.s(store.events[ei].event_name) == api)
            .collect(),
        None => Vec::new(),
    };
    let (basis, matched) = if !by_api.is_empty() {
        (SignalMatch::ActorApiTime, by_api)
    } else if !by_actor.is_empty() {
        (SignalMatch::ActorTime, by_actor)
    } else {
        (SignalMatch::Unlinked, Vec::new())
    };
    out.basis = basis;
    out.total = matched.len();
    let mut sessions: BTreeMap<String, Option<EventOrigin>> = BTreeMap::new();
    for &ei in &matched {
        let ev = &store.events[ei];
        let key = store.strings.opt(store.identity(ev).access_key_id).map(str::to_string);
        if let Some(k) = &key
            && !sessions.contains_key(k)
        {
            sessions.insert(k.clone(), event_origin(store, graph, ei));
        }
        if out.events.len() < MAX_SIGNAL_EVENTS {
            out.events.push(SignalEvent {
                event: ei,
                event_id: store.event_id_string(ev),
                event_name: store.s(ev.event_name).to_string(),
                time: ev.time,
                access_key_id: key,
                source_ip: store.strings.opt(ev.source_ip).map(str::to_string),
            });
        }
    }
    out.sessions = sessions
        .into_iter()
        .map(|(access_key_id, origin)| SignalSession { access_key_id, origin })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::api_of;

    #[test]
    fn the_api_is_the_text_after_the_last_colon() {
        assert_eq!(api_of("s3:GetObject"), "GetObject");
        assert_eq!(api_of("GetObject"), "GetObject");
        assert_eq!(api_of(""), "");
    }
}
