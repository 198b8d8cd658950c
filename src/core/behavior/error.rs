//! Why a behaviour question could not be answered: the profile text named nothing, or several things, or the
//! chart would be too large. Each variant carries what the message needs; the message is the `Display`.

/// An error of profile resolution, selection or volume charting.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BehaviorError {
    /// The profile text was empty.
    #[error("empty profile")]
    EmptyProfile,
    /// The text is none of the profile forms.
    #[error(
        "{0:?} is not a profile: expected identity:<role arn>#<session>, session:, role:, principal:, account:, ip:, ua:, an access key, a principal id or an IP"
    )]
    NotAProfile(String),
    /// A `kind:value` entity that has no behaviour (a finding, an event, a case), shown in entity syntax.
    #[error("{0} is not a behaviour profile (use identity:, session:, role:, principal:, account:, ip: or ua:)")]
    NotABehaviourProfile(String),
    /// The `kind:value` text did not parse as an entity (the entity grammar's message).
    #[error("{0}")]
    Entity(String),
    /// A principal id or session ARN whose sessions belong to several session identities.
    #[error("{text:?} matches {count} session identities; name one as identity:<role arn>#<session>")]
    AmbiguousIdentity {
        /// What the analyst typed.
        text: String,
        /// How many session identities it matched.
        count: usize,
    },
    /// A finding that names no principal to judge (Access Analyzer findings are about resources).
    #[error("finding {0} names no principal (no access key or principal id): give a profile")]
    FindingWithoutPrincipal(String),
    /// The profile (in entity syntax) matches nothing loaded.
    #[error("nothing in the loaded data matches {0}")]
    NothingMatches(String),
    /// A session identity whose role name exists in several accounts.
    #[error("{entity} names {} roles; give the full role ARN: {}", roles.len(), roles.join(", "))]
    AmbiguousIdentityRole {
        /// The profile in entity syntax.
        entity: String,
        /// The role ARNs it could mean.
        roles: Vec<String>,
    },
    /// A role name that exists in several accounts.
    #[error("role {role:?} exists in {} accounts; give the full ARN: {}", arns.len(), arns.join(", "))]
    AmbiguousRole {
        /// The role as typed.
        role: String,
        /// The role ARNs it could mean.
        arns: Vec<String>,
    },
    /// A principal name shared by different principals (no name-based merging).
    #[error("{name:?} names {} principals; give an ARN or principal id: {}", candidates.len(), candidates.join("; "))]
    AmbiguousPrincipal {
        /// The name as typed.
        name: String,
        /// A description of each principal it could mean.
        candidates: Vec<String>,
    },
    /// A `--bucket` value that is not a positive duration.
    #[error("bucket {text:?}: {reason}")]
    Bucket {
        /// The value as typed.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The chosen bucket would draw more buckets than a chart holds.
    #[error("bucket of {bucket} s gives {count} buckets over {from}..{to} (at most {max}); choose a larger --bucket")]
    TooManyBuckets {
        /// Bucket size in seconds.
        bucket: i64,
        /// Buckets it would take.
        count: i64,
        /// Start of the charted range (RFC 3339).
        from: String,
        /// End of the charted range (RFC 3339).
        to: String,
        /// The most buckets allowed.
        max: i64,
    },
}
