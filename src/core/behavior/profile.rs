//! Profiles — whose behaviour is being judged — and parsing them from what an analyst types: the `EntityRef`
//! `kind:value` syntax, or a bare access key, principal id, ARN, account id or IP. `select` turns a profile into
//! its events.

use super::error::BehaviorError;
use crate::core::access_key::AccessKeyKind;
use crate::core::entity::{EntityKind, EntityRef};
use crate::core::findings::Finding;
use crate::core::geo::parse_ip;
use crate::core::graph::{Found, SessionGraph, SessionId};
use crate::core::model::Store;

/// Whose behaviour to analyse.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Role + session name across all its assumptions ("sara in AdministratorAccess"): the default unit.
    SessionIdentity {
        /// The role assumed.
        role_arn: String,
        /// The session name used.
        session_name: String,
    },
    /// One session (one assumption) by its temporary key, or every call signed with a long-term key.
    Session {
        /// The access key (`ASIA…` for a session, `AKIA…` for a long-term key).
        access_key: String,
    },
    /// Every session of a role (ARN, or a name that exists in one account only).
    Role {
        /// The role ARN (or a role name that exists in one account only).
        arn: String,
    },
    /// An origin principal: its own calls plus every session whose chain leads to it.
    Origin {
        /// ARN, principal id or name of the origin.
        principal: String,
    },
    /// Everything logged with this recipient account.
    Account {
        /// The account id (`recipientAccountId`).
        id: String,
    },
    /// Every call from one source address.
    Ip {
        /// The address (IPv4 or IPv6), as logged.
        addr: String,
    },
    /// Every call made with one user agent.
    UserAgent {
        /// The user agent, exactly as logged.
        ua: String,
    },
}

impl Profile {
    /// The profile kind as the JSON `profile.kind` names it (`identity`, `session`, `role`, `principal`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Profile::SessionIdentity { .. } => "identity",
            Profile::Session { .. } => "session",
            Profile::Role { .. } => "role",
            Profile::Origin { .. } => "principal",
            Profile::Account { .. } => "account",
            Profile::Ip { .. } => "ip",
            Profile::UserAgent { .. } => "ua",
        }
    }

    /// The entity this profile is about (for notes, pivots and exports).
    pub fn entity(&self) -> EntityRef {
        match self.clone() {
            Profile::SessionIdentity { role_arn, session_name } => EntityRef::Identity { role_arn, session_name },
            Profile::Session { access_key } => EntityRef::Session(access_key),
            Profile::Role { arn } => EntityRef::Role(arn),
            Profile::Origin { principal } => EntityRef::Principal(principal),
            Profile::Account { id } => EntityRef::Account(id),
            Profile::Ip { addr } => EntityRef::Ip(addr),
            Profile::UserAgent { ua } => EntityRef::UserAgent(ua),
        }
    }

    /// From an entity reference; cases, findings and events are not behaviour profiles.
    pub fn from_entity(e: EntityRef) -> Result<Profile, BehaviorError> {
        Ok(match e {
            EntityRef::Identity { role_arn, session_name } => Profile::SessionIdentity { role_arn, session_name },
            EntityRef::Session(k) | EntityRef::AccessKey(k) => Profile::Session { access_key: k },
            EntityRef::Role(arn) => Profile::Role { arn },
            EntityRef::Principal(p) => Profile::Origin { principal: p },
            EntityRef::Account(id) => Profile::Account { id },
            EntityRef::Ip(addr) => Profile::Ip { addr },
            EntityRef::UserAgent(ua) => Profile::UserAgent { ua },
            other => return Err(BehaviorError::NotABehaviourProfile(other.to_string())),
        })
    }

    /// Parse what an analyst typed. `kind:value` uses the entity syntax (`identity:<role arn>#<session>`,
    /// `session:`, `key:`, `role:`, `principal:`, `account:`, `ip:`, `ua:`). Bare forms: an `ASIA…`/`AKIA…` key is a
    /// session, an IP literal an IP, 12 digits an account, a role ARN a role, and a principal id `AROA…:name` or an
    /// assumed-role ARN the session identity it belongs to (looked up in the graph).
    pub fn parse(text: &str, store: &Store, graph: &SessionGraph) -> Result<Profile, BehaviorError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BehaviorError::EmptyProfile);
        }
        if let Some((kind, _)) = text.split_once(':')
            && kind.parse::<EntityKind>().is_ok()
        {
            return Profile::from_entity(
                text.parse::<EntityRef>()
                    .map_err(|e| BehaviorError::Entity(e.to_string()))?,
            );
        }
        if parse_ip(text).is_some() {
            return Ok(Profile::Ip { addr: text.into() });
        }
        if AccessKeyKind::of(text).is_access_key() && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(Profile::Session {
                access_key: text.into(),
            });
        }
        if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Profile::Account { id: text.into() });
        }
        if text.starts_with("arn:") && text.contains(":role/") {
            return Ok(Profile::Role { arn: text.into() });
        }
        match graph.find(store, text) {
            Found::Sessions(v) => identity_of_sessions(store, graph, &v, text),
            Found::Origin(_) => Ok(Profile::Origin { principal: text.into() }),
            _ => Err(BehaviorError::NotAProfile(text.to_string())),
        }
    }
}

impl Profile {
    /// The principal a finding names, as a profile: its access key (a session key is then judged as its session
    /// identity), else its principal id. The first of those the loaded data knows wins; with neither known, the
    /// error of the access key (or principal id) says why.
    pub fn of_finding(f: &Finding, store: &Store, graph: &SessionGraph) -> Result<Profile, BehaviorError> {
        let k = f.resource.access_key.as_ref();
        // A key the loaded logs never saw would select nothing: fall through to the principal id then.
        let key = k
            .and_then(|k| k.access_key_id.as_deref())
            .filter(|key| store.strings.get(key).is_some_and(|s| s.is_some()));
        let candidates: Vec<&str> = [key, k.and_then(|k| k.principal_id.as_deref())]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect();
        let mut first_err = None;
        for c in candidates {
            match Profile::parse(c, store, graph) {
                Ok(p) => return Ok(p),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        Err(first_err.unwrap_or_else(|| BehaviorError::FindingWithoutPrincipal(f.id.clone())))
    }
}

fn identity_of_sessions(
    store: &Store,
    graph: &SessionGraph,
    v: &[SessionId],
    text: &str,
) -> Result<Profile, BehaviorError> {
    let mut ids: Vec<u32> = v.iter().map(|&s| graph.session(s).identity).collect();
    ids.sort_unstable();
    ids.dedup();
    match ids.as_slice() {
        [one] => {
            let id = &graph.identities[*one as usize];
            Ok(Profile::SessionIdentity {
                role_arn: store.s(id.role_arn).into(),
                session_name: store.s(id.session_name).into(),
            })
        }
        _ => Err(BehaviorError::AmbiguousIdentity {
            text: text.to_string(),
            count: ids.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::behavior::index::BehaviorIndex;
    use crate::core::behavior::select::select;

    #[test]
    fn prefixed_and_bare_forms_without_data() {
        let store = Store::default();
        let graph = SessionGraph::build(&store);
        let p = |s: &str| Profile::parse(s, &store, &graph);
        assert_eq!(
            p("identity:arn:aws:iam::111122223333:role/DemoRole1#sara"),
            Ok(Profile::SessionIdentity {
                role_arn: "arn:aws:iam::111122223333:role/DemoRole1".into(),
                session_name: "sara".into()
            })
        );
        assert_eq!(
            p("key:AKIALIEXAMPLE0000001"),
            Ok(Profile::Session {
                access_key: "AKIALIEXAMPLE0000001".into()
            })
        );
        assert_eq!(
            p("AKIALIEXAMPLE0000001"),
            Ok(Profile::Session {
                access_key: "AKIALIEXAMPLE0000001".into()
            })
        );
        assert_eq!(
            p("arn:aws:iam::111122223333:role/DemoRole1"),
            Ok(Profile::Role {
                arn: "arn:aws:iam::111122223333:role/DemoRole1".into()
            })
        );
        assert_eq!(p("user:li"), Ok(Profile::Origin { principal: "li".into() }));
        assert_eq!(
            p(" 2001:db8::1 "),
            Ok(Profile::Ip {
                addr: "2001:db8::1".into()
            })
        );
        for bad in [
            "",
            "event:x",
            "case",
            "identity:no-hash",
            "AROAX:unknown",
            "ASIA\u{202e}X",
            "1111222233334",
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
        // Every profile names its entity, and the entity parses back to the same profile.
        for s in [
            "identity:arn:aws:iam::1:role/R#n",
            "session:ASIAX",
            "role:R",
            "principal:P",
            "account:1",
            "ip:1.2.3.4",
            "ua:curl/8",
        ] {
            let prof = p(s).unwrap();
            assert_eq!(Profile::from_entity(prof.entity()), Ok(prof.clone()), "{s}");
            assert_eq!(prof.entity().to_string(), s);
        }
    }

    #[test]
    fn selecting_in_an_empty_store_is_an_error_not_a_panic() {
        let store = Store::default();
        let graph = SessionGraph::build(&store);
        let ix = BehaviorIndex::build(&store, &graph);
        for s in [
            "identity:arn:aws:iam::1:role/R#n",
            "session:ASIAX",
            "role:R",
            "principal:P",
            "account:1",
            "ip:1.2.3.4",
            "ua:curl/8",
        ] {
            let prof = Profile::parse(s, &store, &graph).unwrap();
            assert!(select(&prof, &store, &graph, &ix).is_err(), "{s}");
        }
    }
}
