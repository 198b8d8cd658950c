//! IAM Identity Center (`docs/identity-context.md` §2): the permission set behind an `AWSReservedSSO_` role, and
//! the Identity Center user a session acted for, by user id.
//!
//! The link is exact or absent: a session is tied to a user only when its own calls carry
//! `userIdentity.onBehalfOf.userId` (trusted identity propagation, identity-enhanced sessions). A user *name*
//! never ties two records together here — names are typed by people and reused; user ids are the identity
//! store's. Origins built from `IdentityCenterUser` / `Unknown` records that carry a user id are one origin per
//! user id (see `build::origin_key`).

use super::{SessionGraph, SessionId, Signer};
use crate::core::model::{Store, Sym};
use hashbrown::HashMap;

/// The permission set name inside an Identity Center role ARN or name (`AWSReservedSSO_<PermissionSet>_<hash>`),
/// or `None` for any other role. Permission set names may hold `_`; the hash is the last segment.
pub fn permission_set(role: &str) -> Option<&str> {
    let name = role.rsplit('/').next()?;
    let rest = name.strip_prefix("AWSReservedSSO_")?;
    let (set, hash) = rest.rsplit_once('_')?;
    (!set.is_empty() && !hash.is_empty()).then_some(set)
}

/// An Identity Center user as the records name it: user id and identity store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IcUser {
    /// `onBehalfOf.userId`.
    pub user_id: Sym,
    /// `onBehalfOf.identityStoreArn` (`NONE` when not logged).
    pub identity_store: Sym,
}

/// The Identity Center users each session's calls were made on behalf of (usually none, or one).
#[derive(Default)]
pub struct OnBehalf {
    by_session: HashMap<SessionId, Vec<IcUser>>,
}

impl OnBehalf {
    /// The users session `s` acted for, in the order first seen.
    pub fn of(&self, s: SessionId) -> &[IcUser] {
        self.by_session.get(&s).map_or(&[], |v| v)
    }
}

/// Who each session's calls were made on behalf of: one pass over the events whose identity names a user id.
pub fn compute(g: &SessionGraph, store: &Store) -> OnBehalf {
    let named: Vec<bool> = store.identities.iter().map(|i| i.on_behalf_of.is_some()).collect();
    let mut out = OnBehalf::default();
    if !named.contains(&true) {
        return out;
    }
    for (i, ev) in store.events.iter().enumerate() {
        if !named[ev.identity as usize] {
            continue;
        }
        if let Some(Signer::Session(s)) = g.signer.get(i) {
            let id = store.identity(ev);
            let u = IcUser {
                user_id: id.on_behalf_of,
                identity_store: id.identity_store_arn,
            };
            let v = out.by_session.entry(*s).or_default();
            if !v.contains(&u) {
                v.push(u);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::permission_set;

    #[test]
    fn permission_sets_are_read_from_reserved_role_names_only() {
        let arn = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
        assert_eq!(permission_set(arn), Some("AdministratorAccess"));
        assert_eq!(
            permission_set("AWSReservedSSO_Read_Only_Audit_ab12"),
            Some("Read_Only_Audit")
        );
        assert_eq!(permission_set("arn:aws:iam::1:role/AWSReservedSSO_"), None);
        assert_eq!(permission_set("arn:aws:iam::1:role/AWSReservedSSO_NoHash"), None);
        assert_eq!(permission_set("arn:aws:iam::1:role/Admin"), None);
    }
}
