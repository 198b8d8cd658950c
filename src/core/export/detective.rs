//! Amazon Detective console deep links (`docs/domain.md` §6) for report entities.
//!
//! Detective names profiles by its own ids: the principal id for roles (`AROA…`) and users (`AIDA…`),
//! `<role id>:<session name>` for role sessions, the address for IPs, the string for user agents. Those ids come
//! from the loaded events; when the events do not tell us the id, there is no link (a wrong link is worse).

use super::escape::url_component;
use crate::core::entity::EntityRef;
use crate::core::model::IdentityType;
use crate::core::time::Scope;

const CONSOLE: &str = "https://console.aws.amazon.com/detective/home";

/// What the builder learned about an entity from its events, enough to name it the way Detective does.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The principal id of an identity that signed the entity's calls (`AROA…:sara`, `AIDA…`).
    pub principal_id: Option<String>,
    /// How the principal was identified (`userIdentity.type`), which picks Detective's namespace.
    pub identity_type: Option<IdentityType>,
    /// The role id (`AROA…`) of the session issuer or of an assumption into the role.
    pub role_id: Option<String>,
    /// The region most of the entity's events were in.
    pub region: Option<String>,
    /// First evidence time, epoch seconds (the link's scope start).
    pub first: Option<i64>,
    /// Last evidence time, epoch seconds (the link's scope end).
    pub last: Option<i64>,
}

/// GuardDuty finding ids are 32 lowercase hex characters; Access Analyzer ids are UUID-like, so are not linked.
pub fn is_guardduty_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Detective's page for finding `id` in `region`; `None` unless `id` is a GuardDuty finding id.
pub(crate) fn finding_url(id: &str, region: &str) -> Option<String> {
    is_guardduty_id(id).then(|| {
        format!(
            "{CONSOLE}?region={}#findings/GuardDuty/{}",
            url_component(region),
            url_component(id)
        )
    })
}

/// The deep link for `entity`, or `None` when Detective has no profile for it or its id is unknown.
pub fn entity_url(entity: &EntityRef, facts: &Facts, scope: Option<Scope>) -> Option<String> {
    let region = facts.region.as_deref().unwrap_or("us-east-1");
    let (namespace, id) = match entity {
        EntityRef::Finding(id) => return finding_url(id, region),
        EntityRef::Account(a) => ("AwsAccount", a.clone()),
        EntityRef::Ip(a) => {
            a.parse::<std::net::IpAddr>().ok()?;
            ("IpAddress", a.clone())
        }
        EntityRef::UserAgent(u) => ("UserAgent", u.clone()),
        EntityRef::Role(_) => ("AwsRole", facts.role_id.clone()?),
        EntityRef::Session(_) => ("AwsRoleSession", facts.principal_id.clone()?),
        EntityRef::Identity { session_name, .. } => (
            "AwsRoleSession",
            format!("{}:{session_name}", facts.role_id.as_deref()?),
        ),
        EntityRef::Principal(_) => match facts.identity_type? {
            IdentityType::IamUser => ("AwsUser", facts.principal_id.clone()?),
            IdentityType::FederatedUser => ("FederatedUser", facts.principal_id.clone()?),
            IdentityType::AssumedRole => ("AwsRoleSession", facts.principal_id.clone()?),
            _ => return None,
        },
        EntityRef::Instance(i) => ("Ec2Instance", i.clone()),
        EntityRef::Resource(r) => match r.strip_prefix("arn:aws:s3:::") {
            Some(bucket) if !bucket.contains('/') => ("S3Bucket", bucket.to_string()),
            _ => return None,
        },
        EntityRef::Case | EntityRef::AccessKey(_) | EntityRef::Event(_) => return None,
    };
    let scope = scope.or_else(|| Some(Scope::from_observed(facts.first?, facts.last?)));
    let query = scope
        .map(|s| format!("?scopeStart={}&scopeEnd={}", s.from, s.to))
        .unwrap_or_default();
    Some(format!(
        "{CONSOLE}?region={}#entities/{namespace}/{}{query}",
        url_component(region),
        url_component(&id)
    ))
}
