//! Which loaded events are evidence for an entity, and how one event reads as an evidence row.
//!
//! Matching follows the identity rules of `docs/domain.md` §2–3 literally (access key for a session, issuer role +
//! session name for a session identity, …) and never guesses: an entity whose strings were never seen matches
//! nothing.

use super::report::{EvidenceEvent, Time};
use crate::core::entity::EntityRef;
use crate::core::model::{Event, Identity, Store, Sym};

/// How an event relates to an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The entity made (signed) the call, or the event is the entity itself.
    Made,
    /// The call created or assumed into the entity (the assumption behind a session, identity or role).
    Created,
    /// The event touches the entity otherwise (its IP, account, user agent).
    Touches,
}

/// An entity resolved against the store's interner once, so matching is integer comparisons.
pub enum Matcher {
    Nothing,
    Key(Sym),
    Identity {
        role: Sym,
        session: Sym,
        suffix: String,
    },
    Role(Sym),
    Principal(Sym),
    Ip(Sym),
    Account(Sym),
    UserAgent(Sym),
    /// Calls on a resource (`Event.resource`).
    Resource(Sym),
    Event(Option<usize>),
}

impl Matcher {
    pub fn new(store: &Store, entity: &EntityRef) -> Matcher {
        let sym = |s: &str| store.strings.get(s).filter(|s| s.is_some());
        let or_nothing = |s: Option<Sym>, f: fn(Sym) -> Matcher| s.map(f).unwrap_or(Matcher::Nothing);
        match entity {
            EntityRef::Session(k) | EntityRef::AccessKey(k) => or_nothing(sym(k), Matcher::Key),
            EntityRef::Identity { role_arn, session_name } => match (sym(role_arn), sym(session_name)) {
                (Some(role), session) => Matcher::Identity {
                    role,
                    // A name never interned can match no assumption (not even one with no name).
                    session: session.unwrap_or(Sym(u32::MAX)),
                    suffix: format!(":{session_name}"),
                },
                _ => Matcher::Nothing,
            },
            EntityRef::Role(a) => or_nothing(sym(a), Matcher::Role),
            EntityRef::Principal(p) => or_nothing(sym(p), Matcher::Principal),
            EntityRef::Ip(a) => or_nothing(sym(a), Matcher::Ip),
            EntityRef::Account(a) => or_nothing(sym(a), Matcher::Account),
            EntityRef::UserAgent(u) => or_nothing(sym(u), Matcher::UserAgent),
            EntityRef::Event(id) => Matcher::Event(store.find_event_id(id)),
            EntityRef::Resource(r) => or_nothing(sym(r), Matcher::Resource),
            // An instance acts through its instance-profile sessions, named after it; only the identity matcher
            // can tie those exactly, so an instance entity has no evidence of its own here.
            EntityRef::Case | EntityRef::Finding(_) | EntityRef::Instance(_) => Matcher::Nothing,
        }
    }

    /// Whether event `idx` is evidence for the entity, and how.
    pub fn test(&self, store: &Store, idx: usize, ev: &Event) -> Option<Match> {
        let id = identity(store, ev);
        let asm = store.assumption(ev);
        match self {
            Matcher::Nothing => None,
            Matcher::Key(k) => {
                if id.is_some_and(|i| i.access_key_id == *k) {
                    Some(Match::Made)
                } else if asm.is_some_and(|a| a.new_access_key == *k) {
                    Some(Match::Created)
                } else {
                    None
                }
            }
            Matcher::Identity { role, session, suffix } => {
                let made =
                    id.is_some_and(|i| i.issuer_arn == *role && store.s(i.principal_id).ends_with(suffix.as_str()));
                if made {
                    Some(Match::Made)
                } else if asm.is_some_and(|a| a.role_arn == *role && a.session_name == *session) {
                    Some(Match::Created)
                } else {
                    None
                }
            }
            Matcher::Role(r) => {
                if id.is_some_and(|i| i.issuer_arn == *r) {
                    Some(Match::Made)
                } else if asm.is_some_and(|a| a.role_arn == *r) {
                    Some(Match::Created)
                } else {
                    None
                }
            }
            Matcher::Principal(p) => id
                .is_some_and(|i| i.arn == *p || i.principal_id == *p)
                .then_some(Match::Made),
            Matcher::Ip(a) => (ev.source_ip == *a).then_some(Match::Touches),
            Matcher::Account(a) => {
                (ev.recipient_account == *a || id.is_some_and(|i| i.account_id == *a)).then_some(Match::Touches)
            }
            Matcher::UserAgent(u) => (ev.user_agent == *u).then_some(Match::Touches),
            Matcher::Resource(r) => (ev.resource == *r).then_some(Match::Touches),
            Matcher::Event(i) => (*i == Some(idx)).then_some(Match::Made),
        }
    }
}

/// The identity of an event, `None` if the store is inconsistent (never index blindly).
pub fn identity<'a>(store: &'a Store, ev: &Event) -> Option<&'a Identity> {
    store.identities.get(ev.identity as usize)
}

/// `cloudtrail.amazonaws.com` + `StopLogging` → `cloudtrail:StopLogging`.
pub fn api_name(store: &Store, ev: &Event) -> String {
    let source = store.s(ev.event_source);
    let service = source.strip_suffix(".amazonaws.com").unwrap_or(source);
    format!("{service}:{}", store.s(ev.event_name))
}

/// The caller as a person reads it: identity ARN, else principal id, else account.
pub fn caller(store: &Store, ev: &Event) -> String {
    identity(store, ev)
        .map(|i| {
            [i.arn, i.principal_id, i.invoked_by, i.account_id]
                .into_iter()
                .find(|s| s.is_some())
                .map(|s| store.s(s).to_string())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

/// One event as an evidence row (`starred` and `entities` are filled in by the builder).
pub fn evidence_row(store: &Store, idx: usize, ev: &Event, place: Option<String>) -> EvidenceEvent {
    EvidenceEvent {
        time: Time(ev.time),
        event_id: store.event_id_string(ev),
        account: store.s(ev.recipient_account).to_string(),
        region: store.s(ev.region).to_string(),
        principal: caller(store, ev),
        session: identity(store, ev)
            .map(|i| store.s(i.access_key_id).to_string())
            .unwrap_or_default(),
        api: api_name(store, ev),
        result: if ev.failed() {
            store.s(ev.error_code).to_string()
        } else {
            "success".to_string()
        },
        source_ip: store.s(ev.source_ip).to_string(),
        place,
        user_agent: store.s(ev.user_agent).to_string(),
        resource: store.s(ev.resource).to_string(),
        starred: false,
        entities: Vec::new(),
        rules: Vec::new(),
        attack: Vec::new(),
        index: idx,
    }
}
