//! Entity references: the one vocabulary for "what a note, star, verdict, pivot or export row is about".
//!
//! Written as `kind:value` (`session:ASIA…`, `role:arn:aws:iam::…:role/X`, `finding:<id>`, `ip:198.51.100.23`,
//! `event:<eventID>`, …) on the command line, in the case store and in exports.

use std::fmt;

/// What a note, star, verdict, pivot or export row is about; written `kind:value` (see [`EntityRef::parse`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum EntityRef {
    /// The case as a whole.
    Case,
    /// A GuardDuty or Access Analyzer finding, by id.
    Finding(String),
    /// One role session (one assumption), by its temporary access key.
    Session(String),
    /// A session identity: role ARN + session name (`identity:<role arn>/<session name>` is ambiguous, so the
    /// form is `identity:<role arn>#<session name>`).
    Identity {
        /// The role assumed.
        role_arn: String,
        /// The session name used.
        session_name: String,
    },
    /// A role, by ARN.
    Role(String),
    /// An origin principal (IAM user, SAML/web identity user, service, external account…) by ARN or id.
    Principal(String),
    /// An access key that is not (known to be) a role session, typically a long-term `AKIA…` key.
    AccessKey(String),
    /// A source address, as logged.
    Ip(String),
    /// An AWS account id.
    Account(String),
    /// A user agent, exactly as logged.
    UserAgent(String),
    /// One CloudTrail record, by `eventID`.
    Event(String),
    /// An EC2 instance by id (`instance:i-…`), as GuardDuty findings name them.
    Instance(String),
    /// Any other AWS resource by ARN (`resource:arn:aws:s3:::bucket`, KMS keys, queues…), e.g. an Access
    /// Analyzer finding's resource or a GuardDuty finding's bucket.
    Resource(String),
}

impl EntityRef {
    /// The kind word written before the `:` (`session`, `identity`, `key`, `ua`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            EntityRef::Case => "case",
            EntityRef::Finding(_) => "finding",
            EntityRef::Session(_) => "session",
            EntityRef::Identity { .. } => "identity",
            EntityRef::Role(_) => "role",
            EntityRef::Principal(_) => "principal",
            EntityRef::AccessKey(_) => "key",
            EntityRef::Ip(_) => "ip",
            EntityRef::Account(_) => "account",
            EntityRef::UserAgent(_) => "ua",
            EntityRef::Event(_) => "event",
            EntityRef::Instance(_) => "instance",
            EntityRef::Resource(_) => "resource",
        }
    }

    /// Read `kind:value` (or `case`); the error names the accepted kinds.
    pub fn parse(s: &str) -> Result<EntityRef, String> {
        if s == "case" {
            return Ok(EntityRef::Case);
        }
        let (kind, value) = s.split_once(':').ok_or_else(|| {
            format!("entity {s:?}: expected KIND:VALUE (session:, identity:, role:, principal:, key:, finding:, ip:, account:, ua:, event:, instance:, resource:, or case)")
        })?;
        if value.is_empty() {
            return Err(format!("entity {s:?}: empty value"));
        }
        let v = value.to_string();
        Ok(match kind {
            "finding" => EntityRef::Finding(v),
            "session" => EntityRef::Session(v),
            "identity" => {
                let (role_arn, session_name) = value
                    .rsplit_once('#')
                    .ok_or_else(|| format!("entity {s:?}: expected identity:<role arn>#<session name>"))?;
                EntityRef::Identity {
                    role_arn: role_arn.to_string(),
                    session_name: session_name.to_string(),
                }
            }
            "role" => EntityRef::Role(v),
            "principal" | "user" => EntityRef::Principal(v),
            "key" => EntityRef::AccessKey(v),
            "ip" => EntityRef::Ip(v),
            "account" => EntityRef::Account(v),
            "ua" => EntityRef::UserAgent(v),
            "event" => EntityRef::Event(v),
            "instance" => EntityRef::Instance(v),
            "resource" => EntityRef::Resource(v),
            other => return Err(format!("entity {s:?}: unknown kind {other:?}")),
        })
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityRef::Case => write!(f, "case"),
            EntityRef::Identity { role_arn, session_name } => write!(f, "identity:{role_arn}#{session_name}"),
            EntityRef::Finding(v)
            | EntityRef::Session(v)
            | EntityRef::Role(v)
            | EntityRef::Principal(v)
            | EntityRef::AccessKey(v)
            | EntityRef::Ip(v)
            | EntityRef::Account(v)
            | EntityRef::UserAgent(v)
            | EntityRef::Event(v)
            | EntityRef::Instance(v)
            | EntityRef::Resource(v) => write!(f, "{}:{v}", self.kind()),
        }
    }
}

impl From<EntityRef> for String {
    fn from(e: EntityRef) -> String {
        e.to_string()
    }
}

impl TryFrom<String> for EntityRef {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        EntityRef::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "case",
            "session:ASIASARAADMIN0000001",
            "role:arn:aws:iam::111122223333:role/DemoRole1",
            "identity:arn:aws:iam::111122223333:role/DemoRole1#sara",
            "finding:5ac5b1a1f0e2d3c4b5a6978877665544",
            "ip:2001:db8::1",
            "event:a0ed971f-389f-406a-9fcf-887c5ca6903a",
            "instance:i-0a1b2c3d4e5f60001",
            "resource:arn:aws:s3:::prod-customer-data",
        ] {
            assert_eq!(EntityRef::parse(s).unwrap().to_string(), s);
        }
        assert!(EntityRef::parse("bogus").is_err());
        assert!(EntityRef::parse("planet:mars").is_err());
        assert!(EntityRef::parse("session:").is_err());
    }
}
