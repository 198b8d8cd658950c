//! What the session graph's queries (`super::query`) return, shaped for the CLI's JSON and the TUI's views: a
//! session, an origin, a chain hop, a call, a trace and a role's profile, names resolved and times in RFC 3339.

use super::{IdentityCenterView, Link, OriginKind, RootView, SessionId, SessionKind, TagIssueView, TagView};
use serde::Serialize;

/// Deepest chain followed; real chains are a handful of hops, corrupt data must not loop or blow the stack.
pub const MAX_CHAIN_DEPTH: usize = 256;

/// Why a chain walk stopped before reaching an origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainStop {
    /// A session reappeared: the records form a cycle (corrupt, spliced or replayed logs).
    Loop,
    /// More than [`MAX_CHAIN_DEPTH`] hops.
    TooDeep,
}

/// A role session as the CLI and TUI show it: names resolved, times in RFC 3339.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct SessionView {
    /// The session's temporary key.
    pub access_key_id: Option<String>,
    /// `AROA…:session`, or the federated user id.
    pub principal_id: Option<String>,
    /// Detective's role session id `roleId:sessionName` (not unique over time).
    pub role_session_id: Option<String>,
    /// The role assumed.
    pub role_arn: Option<String>,
    /// The account the credentials belong to.
    pub account: Option<String>,
    /// The session name the caller chose.
    pub session_name: Option<String>,
    /// `arn:aws:sts::…:assumed-role/Role/session`.
    pub arn: Option<String>,
    /// What kind of temporary credentials it holds.
    pub kind: SessionKind,
    /// First time the session was observed (creation or any call), RFC 3339 UTC.
    pub first_seen: String,
    /// Last time the session was observed, RFC 3339 UTC.
    pub last_seen: String,
    /// Whether it was created with MFA; `None` when the logs do not say.
    pub mfa: Option<bool>,
    /// The session's `sourceIdentity`, if one was set.
    pub source_identity: Option<String>,
    /// How this session's calls were tied to its assumption; `None` when the assumption is not in the logs.
    pub link: Option<Link>,
    /// How many calls the session signed in all loaded data (not only in scope).
    pub calls_total: u64,
    /// Its effective session tags, each with its source (absent when it has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagView>,
    /// Permission set and Identity Center user (absent for other sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_center: Option<IdentityCenterView>,
    /// The root task of an `AssumeRoot` session (absent for other sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<RootView>,
    /// What an elevated-access broker's context says about it (README "Elevated-access brokers"); absent without
    /// broker context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::core::broker::view::BrokerView>,
}

/// The origin of a chain as the CLI and TUI show it: names resolved.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct OriginView {
    /// What kind of principal it is.
    pub kind: OriginKind,
    /// Display name: user name, service host, account id, or what is known.
    pub name: Option<String>,
    /// The principal's ARN, when the logs give one.
    pub arn: Option<String>,
    /// The account the principal belongs to.
    pub account: Option<String>,
    /// The principal id.
    pub principal_id: Option<String>,
    /// For services: the instance / function / task the service acted for.
    pub acting_for: Option<String>,
    /// Identity provider (SAML provider ARN, OIDC issuer), when known.
    pub provider: Option<String>,
    /// False for outside accounts whose own logs are not loaded (only "account X, principal Y" is known).
    pub logs_loaded: bool,
    /// One honest sentence for people: what is known and what is not.
    pub description: String,
    /// Identity Center user id (`onBehalfOf.userId`), when the records give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The identity store of `user_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_store_arn: Option<String>,
    /// Identity Center portal sessions (`credentialId`) seen in the origin's own records.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub portal_sessions: Vec<String>,
}

/// One assumption hop in a chain (outermost first), or one session started by the traced session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ChainHop {
    /// The role assumed at this hop.
    pub role_arn: Option<String>,
    /// The account the new credentials belong to.
    pub account: Option<String>,
    /// The session name chosen at this hop.
    pub session_name: Option<String>,
    /// The key the assumption returned (the hop's session).
    pub access_key_id: Option<String>,
    /// When the assumption happened; `None` when the session was created outside the loaded logs.
    pub assumed_at: Option<String>,
    /// CloudTrail `eventID` of the assumption event.
    pub event_id: Option<String>,
    /// How the session's calls were tied to the assumption; `None` when nothing ties them.
    pub link: Option<Link>,
    /// The session's `sourceIdentity`, if one was set.
    pub source_identity: Option<String>,
    /// The caller had a source identity and this session's is missing or different.
    pub source_identity_break: bool,
    /// Both accounts' copies of this cross-account assumption are loaded.
    pub cross_account_copies: bool,
    /// Tag issues on this hop (transitive tag changed or dropped, retagging, a value new for the role).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_issues: Vec<TagIssueView>,
    /// Trusted identity propagation: the context provider the assumption named (`providedContexts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided_context: Option<String>,
    /// For an `AssumeRoot` hop: the root task it was scoped to (`S3UnlockBucketPolicy`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_task: Option<String>,
    /// For children: depth below the traced session (1 = started by it) and the key that started it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// For children: the key of the session that started this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_access_key_id: Option<String>,
    /// Set when an elevated-access broker granted this hop: how it was tied to the broker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_link: Option<crate::core::broker::BrokerLink>,
    /// The hop's session in the graph (not serialised).
    #[serde(skip)]
    pub session: SessionId,
}

/// How often one API was called in scope, split by outcome.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The service host, e.g. `s3.amazonaws.com`.
    pub event_source: String,
    /// The API name, e.g. `ListBuckets`.
    pub event_name: String,
    /// Calls without an error code.
    pub success: u64,
    /// Calls with an error code.
    pub failure: u64,
}

/// Everything `trailhound trace` says about one session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Trace {
    /// The traced session.
    pub session: SessionView,
    /// Where its chain starts.
    pub origin: OriginView,
    /// The assumptions from the origin down to the traced session, outermost first.
    pub chain: Vec<ChainHop>,
    /// Sessions the traced session started, directly or further down, depth first.
    pub children: Vec<ChainHop>,
    /// The session's calls in scope, by service and API.
    pub calls: Vec<Call>,
    /// Warnings worth an analyst's eye (source identity dropped, weak links, cycles).
    pub flags: Vec<String>,
    /// The broker grant that decides the origin (the nearest broker-granted hop at or above the session); absent
    /// without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::core::broker::view::BrokerView>,
}

/// Something that assumed a role, or a role that was assumed (Detective's resource interaction rows).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RoleUse {
    /// `role`, or an origin kind (`iam-user`, `aws-service`, `aws-account`, …).
    pub kind: String,
    /// Display name of the role or origin.
    pub name: Option<String>,
    /// Its ARN, when known.
    pub arn: Option<String>,
    /// Its account.
    pub account: Option<String>,
    /// First assumption in scope, RFC 3339 UTC.
    pub first: String,
    /// Last assumption in scope, RFC 3339 UTC.
    pub last: String,
    /// How many assumptions there were in scope.
    pub count: u64,
}

/// Detective's role profile ("resource interaction"): who assumed the role, what its sessions assumed, and the sessions.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RoleProfile {
    /// The role ARNs the profile covers (one role, or every role of that name across accounts).
    pub role_arns: Vec<String>,
    /// Who assumed the role: sessions' roles and origins.
    pub assumed_by: Vec<RoleUse>,
    /// Roles that the role's sessions went on to assume.
    pub assumed_roles: Vec<RoleUse>,
    /// Every session of the role.
    pub sessions: Vec<SessionView>,
    /// The role as an elevated-access broker manages it (its requests); absent when no broker manages it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::core::broker::view::RoleBrokerView>,
}
