//! Who a `userIdentity` is when it is not a role session: the origin of a chain (`docs/domain.md` §2–3).
//!
//! The mapping is deliberately literal: an `AWSAccount` caller stays "account X, principal Y" (we never guess the
//! person in an account whose logs are not loaded), an `AWSService` caller is the service acting for the resource
//! it named the session after (instance id, function name), and Identity Center users are recognised by the
//! `AWSReservedSSO_` role they assume through the `AWSSSO_…_DO_NOT_DELETE` SAML provider.

use super::{Origin, OriginKind};
use crate::core::model::{Assumption, Event, Identity, IdentityType, Store, Sym};
use hashbrown::HashSet;

/// True when a role ARN is an IAM Identity Center permission-set role.
pub fn is_sso_role(role_arn: &str) -> bool {
    role_arn.contains("/AWSReservedSSO_") || role_arn.contains(":role/AWSReservedSSO_")
}

/// The account id inside an ARN (`arn:partition:service:region:account:…`).
pub fn arn_account(arn: &str) -> Option<&str> {
    let acct = arn.split(':').nth(4)?;
    (!acct.is_empty()).then_some(acct)
}

/// The origin an identity stands for, or `None` when the identity is a (temporary-credential) session.
/// `assumption` is set when the identity is the caller of that assumption (it names the session and role).
pub fn origin_of_identity(
    store: &Store,
    loaded_accounts: &HashSet<Sym>,
    id: &Identity,
    ev: &Event,
    assumption: Option<&Assumption>,
) -> Option<Origin> {
    let s = |sym: Sym| store.s(sym);
    let blank = Origin {
        kind: OriginKind::Unknown,
        name: Sym::NONE,
        arn: id.arn,
        account: id.account_id,
        principal_id: id.principal_id,
        acting_for: Sym::NONE,
        provider: id.identity_provider,
        user_id: Sym::NONE,
        identity_store: Sym::NONE,
        logs_loaded: true,
    };
    let role_arn = assumption.map(|a| s(a.role_arn)).unwrap_or("");
    Some(match id.kind {
        IdentityType::AssumedRole | IdentityType::FederatedUser => return None,
        IdentityType::IamUser => Origin {
            kind: OriginKind::IamUser,
            name: if id.user_name.is_some() { id.user_name } else { id.arn },
            ..blank
        },
        IdentityType::Root => Origin {
            kind: OriginKind::Root,
            name: if id.account_id.is_some() {
                id.account_id
            } else {
                ev.recipient_account
            },
            account: if id.account_id.is_some() {
                id.account_id
            } else {
                ev.recipient_account
            },
            ..blank
        },
        IdentityType::SamlUser => {
            let provider = assumption
                .map(|a| a.provider)
                .filter(|p| p.is_some())
                .unwrap_or(id.identity_provider);
            let sso = is_sso_role(role_arn) || s(provider).contains("AWSSSO_");
            let name = if id.user_name.is_some() {
                id.user_name
            } else {
                assumption.map(|a| a.session_name).unwrap_or(Sym::NONE)
            };
            Origin {
                kind: if sso {
                    OriginKind::IdentityCenterUser
                } else {
                    OriginKind::SamlUser
                },
                name,
                provider,
                // Logged in the role's account.
                account: ev.recipient_account,
                ..blank
            }
        }
        IdentityType::WebIdentityUser => Origin {
            kind: OriginKind::WebIdentityUser,
            name: if id.user_name.is_some() {
                id.user_name
            } else {
                id.principal_id
            },
            provider: if id.identity_provider.is_some() {
                id.identity_provider
            } else {
                assumption.map(|a| a.provider).unwrap_or(Sym::NONE)
            },
            account: ev.recipient_account,
            ..blank
        },
        IdentityType::AwsService => {
            let service = if id.invoked_by.is_some() {
                id.invoked_by
            } else {
                ev.source_ip
            };
            Origin {
                kind: OriginKind::AwsService,
                name: service,
                acting_for: assumption.map(|a| a.session_name).unwrap_or(Sym::NONE),
                account: ev.recipient_account,
                ..blank
            }
        }
        IdentityType::AwsAccount => {
            let loaded = loaded_accounts.contains(&id.account_id);
            Origin {
                kind: OriginKind::AwsAccount,
                name: id.account_id,
                logs_loaded: loaded,
                ..blank
            }
        }
        IdentityType::IdentityCenterUser | IdentityType::Unknown => {
            let name = [id.user_name, id.on_behalf_of, id.principal_id]
                .into_iter()
                .find(|x| x.is_some());
            match name {
                Some(n) => Origin {
                    kind: OriginKind::IdentityCenterUser,
                    name: n,
                    user_id: id.on_behalf_of,
                    identity_store: id.identity_store_arn,
                    ..blank
                },
                None => Origin {
                    kind: OriginKind::Unknown,
                    name: Sym::NONE,
                    ..blank
                },
            }
        }
        IdentityType::Missing => return None,
    })
}
