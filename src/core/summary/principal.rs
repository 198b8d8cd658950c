//! Who a summary row is about: the *principal* behind a call, at the level behaviour is judged (README "Summary").
//!
//! A call signed by a role session belongs to its session identity (role + session name: "DemoRole1 / sara"
//! across all her assumptions), a call signed directly by an origin (IAM user, root, a service event) to that
//! origin, made canonical so one principal id is one principal. Calls without a usable signer belong to no one.
//! This module names principals and says where they pivot; it does not count anything.

use crate::core::behavior::BehaviorIndex;
use crate::core::entity::EntityRef;
use crate::core::graph::{OriginId, OriginKind, SessionGraph, Signer};
use crate::core::model::Store;
use serde::Serialize;

/// A principal as the summary counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalKey {
    /// A session identity, by index in `graph.identities`.
    Identity(u32),
    /// An origin that signed calls itself, canonical (first origin with its principal id).
    Origin(OriginId),
}

/// The principal that signed event `i` (`None`: no usable signer).
pub fn of_event(graph: &SessionGraph, ix: &BehaviorIndex, i: u32) -> Option<PrincipalKey> {
    match graph.signer.get(i as usize)? {
        Signer::Session(s) => Some(PrincipalKey::Identity(graph.sessions.get(*s as usize)?.identity)),
        Signer::Origin(o) => Some(PrincipalKey::Origin(canon(ix, *o))),
        Signer::None => None,
    }
}

/// The canonical origin of `o` (see [`BehaviorIndex::origin_canon`]).
pub fn canon(ix: &BehaviorIndex, o: OriginId) -> OriginId {
    ix.origin_canon.get(o as usize).copied().unwrap_or(o)
}

/// What a principal is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    /// A role + session name: every session of that role with that name.
    SessionIdentity,
    /// An origin principal signing its own calls (IAM user, root, service, …).
    Origin,
}

/// A principal as output: what it is, a label for people, and the entity it pivots to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrincipalJson {
    /// Session identity or origin.
    pub kind: PrincipalKind,
    /// For origins: which kind of origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_kind: Option<OriginKind>,
    /// "DemoRole1 / sara", "iam-user li", …
    pub label: String,
    /// Where it pivots: `identity:<role arn>#<session name>` or `principal:<arn or id>` (the `behavior` command and
    /// the TUI's `:` commands take these).
    pub entity: EntityRef,
    /// For a session identity: the access key of its latest session active in the day (the TUI opens it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The account the principal belongs to, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// Describe a principal. `session` is the latest session of an identity in the day, when known.
pub fn describe(store: &Store, graph: &SessionGraph, key: PrincipalKey, session: Option<u32>) -> PrincipalJson {
    let opt = |s: crate::core::model::Sym| store.strings.opt(s).map(str::to_string);
    match key {
        PrincipalKey::Identity(id) => {
            let Some(x) = graph.identities.get(id as usize) else {
                return unknown();
            };
            let role = store.s(x.role_arn);
            let name = store.s(x.session_name);
            let sess = session.and_then(|s| graph.sessions.get(s as usize));
            let role_name = role.rsplit('/').next().unwrap_or(role);
            let label = if role.is_empty() {
                // Federation or session tokens: no role, the session's principal names it.
                sess.and_then(|s| store.strings.opt(s.principal_id))
                    .unwrap_or(name)
                    .to_string()
            } else {
                format!("{role_name} / {name}")
            };
            PrincipalJson {
                kind: PrincipalKind::SessionIdentity,
                origin_kind: None,
                label,
                entity: EntityRef::Identity {
                    role_arn: role.to_string(),
                    session_name: name.to_string(),
                },
                session: sess.and_then(|s| opt(s.access_key)),
                account: sess.and_then(|s| opt(s.account)),
            }
        }
        PrincipalKey::Origin(o) => {
            let Some(x) = graph.origins.get(o as usize) else {
                return unknown();
            };
            let v = graph.origin_view(store, o);
            let id = [x.arn, x.principal_id, x.name]
                .into_iter()
                .find(|s| s.is_some())
                .map(|s| store.s(s).to_string())
                .unwrap_or_default();
            PrincipalJson {
                kind: PrincipalKind::Origin,
                origin_kind: Some(x.kind),
                label: v.description,
                entity: EntityRef::Principal(id),
                session: None,
                account: v.account,
            }
        }
    }
}

fn unknown() -> PrincipalJson {
    PrincipalJson {
        kind: PrincipalKind::Origin,
        origin_kind: Some(OriginKind::Unknown),
        label: "unknown".into(),
        entity: EntityRef::Principal(String::new()),
        session: None,
        account: None,
    }
}
