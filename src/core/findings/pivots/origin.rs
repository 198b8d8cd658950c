//! Who was really behind a signing key: the chain of role assumptions back to the first principal, walked with
//! DOMAIN.md §3's exact rule only (the session's key was issued by an assumption event in the loaded logs).
//! Interim: `core::graph` will own session linking (all three rules); this walk is replaced by its origin API
//! once that lands. Exact links only, so it may stop early (`complete: false`) but never guesses.

use crate::core::model::{Identity, IdentityType, Store, Sym};
use crate::core::time::rfc3339;
use hashbrown::HashMap;
use serde::Serialize;

/// One assumption on the way back to the origin (newest first).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OriginHop {
    /// The session key this assumption issued.
    pub access_key_id: String,
    pub role_arn: Option<String>,
    pub session_name: Option<String>,
    /// `AssumeRole`, `AssumeRoleWithSAML`, …
    pub via: String,
    pub assume_event_id: String,
    pub assumed_at: String,
}

/// The first principal of a chain and the hops from it to the signing session.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionOrigin {
    /// `userIdentity.type` of the origin (`SAMLUser`, `IAMUser`, `AWSAccount`, `AWSService`, …).
    pub principal_type: String,
    pub principal_arn: Option<String>,
    pub principal_id: Option<String>,
    pub user_name: Option<String>,
    pub account: Option<String>,
    pub identity_provider: Option<String>,
    /// `invokedBy` for service origins.
    pub invoked_by: Option<String>,
    /// The origin's own key (an IAM user's `AKIA…`), if it signed with one.
    pub access_key_id: Option<String>,
    pub hops: Vec<OriginHop>,
    /// False when the walk stopped at a role session whose assumption is not in the loaded logs, or at a caller
    /// known only as another account (`AWSAccount`: its logs are not loaded): the origin shown is then the last
    /// principal reached, not the first.
    pub complete: bool,
}

/// Index from a session key to the assumption that issued it.
pub struct KeyIndex(HashMap<Sym, usize>);

impl KeyIndex {
    pub fn new(store: &Store) -> KeyIndex {
        let mut m = HashMap::new();
        for (i, a) in store.assumptions.iter().enumerate() {
            let ok = store
                .events
                .get(a.event as usize)
                .is_some_and(|e| !e.failed());
            if a.new_access_key.is_some() && ok {
                m.entry(a.new_access_key).or_insert(i);
            }
        }
        KeyIndex(m)
    }
}

/// The origin of the session that signed with `key` (a key `Sym`), or of `identity` when the key is unknown.
pub fn origin_of(store: &Store, index: &KeyIndex, identity: &Identity) -> SessionOrigin {
    let mut hops = Vec::new();
    let mut current = identity.clone();
    // Chains are a handful of hops; the bound protects against a crafted key cycle.
    for _ in 0..32 {
        let Some(&ai) = index.0.get(&current.access_key_id) else {
            break;
        };
        let a = &store.assumptions[ai];
        let Some(ev) = store.events.get(a.event as usize) else {
            break;
        };
        if hops
            .iter()
            .any(|h: &OriginHop| h.access_key_id == store.s(a.new_access_key))
        {
            break;
        }
        hops.push(OriginHop {
            access_key_id: store.s(a.new_access_key).to_string(),
            role_arn: store.strings.opt(a.role_arn).map(str::to_string),
            session_name: store.strings.opt(a.session_name).map(str::to_string),
            via: a.kind.as_str().to_string(),
            assume_event_id: store.event_id_string(ev),
            assumed_at: rfc3339(ev.time),
        });
        match store.identities.get(ev.identity as usize) {
            Some(caller) => current = caller.clone(),
            None => break,
        }
    }
    // A session whose assumption is not loaded, or a caller seen only as another account, is not the first
    // principal.
    let complete = !matches!(
        current.kind,
        IdentityType::AssumedRole | IdentityType::FederatedUser | IdentityType::AwsAccount
    );
    let opt = |s: Sym| store.strings.opt(s).map(str::to_string);
    SessionOrigin {
        principal_type: current.kind.as_str().to_string(),
        principal_arn: opt(current.arn),
        principal_id: opt(current.principal_id),
        user_name: opt(current.user_name),
        account: opt(current.account_id),
        identity_provider: opt(current.identity_provider),
        invoked_by: opt(current.invoked_by),
        access_key_id: opt(current.access_key_id),
        hops,
        complete,
    }
}
