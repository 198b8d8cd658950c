//! The vocabulary of access-denied messages, as data: which words name which policy type, and the texts that
//! mean "denied" without saying more. Every entry comes from AWS's documented message format and examples
//! (`docs/denied.md` §2–3) and has a test built from a real message text (`tests.rs`). A phrase that is not here is
//! never guessed at: the message reads as "not stated".

use serde::Serialize;

/// The kind of policy an access-denied message names as responsible (`docs/denied.md` §2).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PolicyType {
    /// An AWS Organizations service control policy.
    ServiceControlPolicy,
    /// An AWS Organizations resource control policy.
    ResourceControlPolicy,
    /// The principal's permissions boundary.
    PermissionsBoundary,
    /// A session policy passed when the session was created.
    SessionPolicy,
    /// A policy attached to the user, role or group.
    IdentityBased,
    /// A policy attached to the resource (bucket policy, key policy, …).
    ResourceBased,
    /// The policy of the VPC endpoint the call went through.
    VpcEndpointPolicy,
    /// A role's trust policy (`sts:AssumeRole*` denials).
    RoleTrustPolicy,
    /// The message names no policy type, or one this table does not know.
    #[default]
    NotStated,
}

impl PolicyType {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            PolicyType::ServiceControlPolicy => "SCP",
            PolicyType::ResourceControlPolicy => "RCP",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::SessionPolicy => "session policy",
            PolicyType::IdentityBased => "identity-based",
            PolicyType::ResourceBased => "resource-based",
            PolicyType::VpcEndpointPolicy => "VPC endpoint policy",
            PolicyType::RoleTrustPolicy => "role trust policy",
            PolicyType::NotStated => "not stated",
        }
    }
}

/// Whether the message says a policy denied the call (explicit) or none allowed it (implicit).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum DenyKind {
    /// "with an explicit deny …": a `Deny` statement matched.
    Explicit,
    /// "because no … allows …": no `Allow` statement matched.
    Implicit,
    /// The message does not say.
    #[default]
    NotStated,
}

/// How the policy type is written in a message, after "with an explicit deny in a(n)" or "because no"
/// (`docs/denied.md` §2). Matched exactly and case-sensitively, as AWS writes them.
pub const POLICY_PHRASES: &[(&str, PolicyType)] = &[
    ("service control policy", PolicyType::ServiceControlPolicy),
    ("resource control policy", PolicyType::ResourceControlPolicy),
    ("permissions boundary", PolicyType::PermissionsBoundary),
    ("session policy", PolicyType::SessionPolicy),
    ("identity-based policy", PolicyType::IdentityBased),
    ("resource-based policy", PolicyType::ResourceBased),
    ("VPC endpoint policy", PolicyType::VpcEndpointPolicy),
    ("role trust policy", PolicyType::RoleTrustPolicy),
];

/// The sentence that carries the details: `<principal> is not authorized to perform: <action> …`.
pub const NOT_AUTHORIZED: &str = " is not authorized to perform: ";
/// Before the principal.
pub const USER_PREFIX: &str = "User: ";
/// Before the resource, after the action.
pub const ON_RESOURCE: &str = " on resource: ";
/// An explicit denial; a policy type may follow (`in a …`, `in an …`).
pub const EXPLICIT: &str = "with an explicit deny";
/// An implicit denial: `because no <type> allows the <action> action`.
pub const IMPLICIT: &str = "because no ";
/// Between the policy type and the action of an implicit denial.
pub const ALLOWS_THE: &str = " allows the ";
/// EC2's (and a few others') tail: an encoded explanation only `sts:DecodeAuthorizationMessage` can read.
pub const ENCODED: &str = "Encoded authorization failure message:";

/// Whole messages that say "denied" and nothing more (`docs/denied.md` §3), compared after trimming a final `.`.
pub const BARE_MESSAGES: &[&str] = &[
    // S3 across accounts and organisations.
    "Access Denied",
    // EC2 before the detailed format, and with only an encoded message.
    "You are not authorized to perform this operation",
];

/// Which policy type `text` starts with, and the rest after it.
pub fn policy_phrase(text: &str) -> Option<(PolicyType, &str)> {
    POLICY_PHRASES
        .iter()
        .find_map(|&(p, t)| text.strip_prefix(p).map(|rest| (t, rest)))
}
