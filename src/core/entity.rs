//! Entity references: the one vocabulary for "what a note, star, verdict, pivot or export row is about".
//!
//! Written as `kind:value` (`session:ASIA…`, `role:arn:aws:iam::…:role/X`, `finding:<id>`, `ip:198.51.100.23`,
//! `event:<eventID>`, …) on the command line, in the case store and in exports.

use std::fmt;
use std::str::FromStr;

/// What a note, star, verdict, pivot or export row is about; written `kind:value` (its `FromStr` and `Display`).
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

/// The `kind` of `kind:value`: one word per [`EntityRef`] variant (`user` is accepted for `principal`).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum EntityKind {
    /// `case`: the case as a whole (written alone, without a value).
    Case,
    /// `finding:<id>`.
    Finding,
    /// `session:<temporary access key>`.
    Session,
    /// `identity:<role arn>#<session name>`.
    Identity,
    /// `role:<arn>`.
    Role,
    /// `principal:<arn or id>` (also read as `user:`).
    #[strum(to_string = "principal", serialize = "user")]
    Principal,
    /// `key:<access key id>`.
    #[strum(to_string = "key")]
    AccessKey,
    /// `ip:<address>`.
    Ip,
    /// `account:<12 digits>`.
    Account,
    /// `ua:<user agent>`.
    #[strum(to_string = "ua")]
    UserAgent,
    /// `event:<eventID>`.
    Event,
    /// `instance:<EC2 instance id>`.
    Instance,
    /// `resource:<arn>`.
    Resource,
}

/// Why a `kind:value` text is not an entity reference.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntityParseError {
    /// No `kind:` in the text (and it is not `case`).
    #[error(
        "entity {0:?}: expected KIND:VALUE (session:, identity:, role:, principal:, key:, finding:, ip:, account:, ua:, event:, instance:, resource:, or case)"
    )]
    NoKind(String),
    /// Nothing after the `:`.
    #[error("entity {0:?}: empty value")]
    EmptyValue(String),
    /// A kind word that is not one of [`EntityKind`].
    #[error("entity {text:?}: unknown kind {kind:?}")]
    UnknownKind {
        /// The whole text.
        text: String,
        /// The word before the `:`.
        kind: String,
    },
    /// An `identity:` without the `#` between role ARN and session name.
    #[error("entity {0:?}: expected identity:<role arn>#<session name>")]
    Identity(String),
}

impl EntityRef {
    /// The kind word written before the `:` (`session`, `identity`, `key`, `ua`, …).
    pub fn kind(&self) -> EntityKind {
        match self {
            EntityRef::Case => EntityKind::Case,
            EntityRef::Finding(_) => EntityKind::Finding,
            EntityRef::Session(_) => EntityKind::Session,
            EntityRef::Identity { .. } => EntityKind::Identity,
            EntityRef::Role(_) => EntityKind::Role,
            EntityRef::Principal(_) => EntityKind::Principal,
            EntityRef::AccessKey(_) => EntityKind::AccessKey,
            EntityRef::Ip(_) => EntityKind::Ip,
            EntityRef::Account(_) => EntityKind::Account,
            EntityRef::UserAgent(_) => EntityKind::UserAgent,
            EntityRef::Event(_) => EntityKind::Event,
            EntityRef::Instance(_) => EntityKind::Instance,
            EntityRef::Resource(_) => EntityKind::Resource,
        }
    }

    /// The entity of `kind` named `value` (the two halves of `kind:value`, already split).
    pub fn new(kind: EntityKind, value: &str) -> Result<EntityRef, EntityParseError> {
        let text = || format!("{kind}:{value}");
        if value.is_empty() {
            return Err(EntityParseError::EmptyValue(text()));
        }
        let v = value.to_string();
        Ok(match kind {
            EntityKind::Case => return Err(EntityParseError::NoKind(text())),
            EntityKind::Finding => EntityRef::Finding(v),
            EntityKind::Session => EntityRef::Session(v),
            EntityKind::Identity => {
                let (role_arn, session_name) = value
                    .rsplit_once('#')
                    .ok_or_else(|| EntityParseError::Identity(text()))?;
                EntityRef::Identity {
                    role_arn: role_arn.to_string(),
                    session_name: unescape_name(session_name),
                }
            }
            EntityKind::Role => EntityRef::Role(v),
            EntityKind::Principal => EntityRef::Principal(v),
            EntityKind::AccessKey => EntityRef::AccessKey(v),
            EntityKind::Ip => EntityRef::Ip(v),
            EntityKind::Account => EntityRef::Account(v),
            EntityKind::UserAgent => EntityRef::UserAgent(v),
            EntityKind::Event => EntityRef::Event(v),
            EntityKind::Instance => EntityRef::Instance(v),
            EntityKind::Resource => EntityRef::Resource(v),
        })
    }
}

/// The one grammar: `case`, or `kind:value` split at the first `:` (values may contain `:`, as ARNs and IPv6
/// addresses do); `identity:<role arn>#<session name>` splits its value at the last `#`.
impl FromStr for EntityRef {
    type Err = EntityParseError;
    fn from_str(s: &str) -> Result<EntityRef, EntityParseError> {
        if s == "case" {
            return Ok(EntityRef::Case);
        }
        let (kind, value) = s
            .split_once(':')
            .ok_or_else(|| EntityParseError::NoKind(s.to_string()))?;
        let kind = match kind.parse::<EntityKind>() {
            Ok(EntityKind::Case) | Err(_) => {
                return Err(EntityParseError::UnknownKind {
                    text: s.to_string(),
                    kind: kind.to_string(),
                });
            }
            Ok(k) => k,
        };
        if value.is_empty() {
            return Err(EntityParseError::EmptyValue(s.to_string()));
        }
        EntityRef::new(kind, value).map_err(|e| match e {
            EntityParseError::Identity(_) => EntityParseError::Identity(s.to_string()),
            other => other,
        })
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityRef::Case => write!(f, "case"),
            EntityRef::Identity { role_arn, session_name } => {
                write!(f, "identity:{role_arn}#{}", escape_name(session_name))
            }
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

/// AWS session names cannot hold `#` or `%`, but a hostile log can: in the text form they are written `%23` and
/// `%25`, so the last `#` is always the separator and every identity reads back as itself.
fn escape_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.contains(['#', '%']) {
        name.replace('%', "%25").replace('#', "%23").into()
    } else {
        name.into()
    }
}

/// Reverses [`escape_name`] in one left-to-right pass; any other `%` is kept as written.
fn unescape_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("%23") {
            out.push('#');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("%25") {
            out.push('%');
            rest = after;
        } else {
            out.push('%');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

impl From<EntityRef> for String {
    fn from(e: EntityRef) -> String {
        e.to_string()
    }
}

impl TryFrom<String> for EntityRef {
    type Error = EntityParseError;
    fn try_from(s: String) -> Result<Self, EntityParseError> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<EntityRef, EntityParseError> {
        s.parse()
    }

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
            assert_eq!(parse(s).unwrap().to_string(), s);
        }
        assert_eq!(
            parse("user:sara"),
            Ok(EntityRef::Principal("sara".into())),
            "user is an alias"
        );
        for bad in [
            "bogus",
            "planet:mars",
            "session:",
            "case:x",
            "identity:no-hash",
            "",
            ":x",
            "Session:A",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse("planet:mars").unwrap_err().to_string(),
            "entity \"planet:mars\": unknown kind \"planet\""
        );
    }

    /// `FromStr` after `Display` is the identity for every entity with a non-empty value, whatever the value
    /// holds: separators of the grammar (`:`, `#`), escapes, bidi overrides, the escape's own `%`.
    #[test]
    fn display_then_parse_is_the_identity_on_hostile_values() {
        let hostile = [
            "a",
            ":",
            "::",
            "#",
            "a#b",
            "a#b#c",
            "%",
            "%23",
            "%25",
            "%#%",
            "%2",
            "x%",
            "arn:aws:iam::1:role/a#b",
            "2001:db8::1",
            "\u{1b}[31mred\u{7}",
            "\u{202e}exe.txt\u{200b}",
            "\u{e0041}tag",
            "line\nbreak\r",
            " leading and trailing ",
            "case",
            "session:ASIA",
            "日本語",
        ];
        let mut entities = vec![EntityRef::Case];
        for v in hostile {
            let s = v.to_string();
            entities.extend([
                EntityRef::Finding(s.clone()),
                EntityRef::Session(s.clone()),
                EntityRef::Role(s.clone()),
                EntityRef::Principal(s.clone()),
                EntityRef::AccessKey(s.clone()),
                EntityRef::Ip(s.clone()),
                EntityRef::Account(s.clone()),
                EntityRef::UserAgent(s.clone()),
                EntityRef::Event(s.clone()),
                EntityRef::Instance(s.clone()),
                EntityRef::Resource(s.clone()),
            ]);
            for w in hostile {
                entities.push(EntityRef::Identity {
                    role_arn: s.clone(),
                    session_name: w.to_string(),
                });
            }
        }
        for e in entities {
            let text = e.to_string();
            assert_eq!(parse(&text).as_ref(), Ok(&e), "{text:?}");
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<EntityRef>(&json).unwrap(), e, "{json}");
        }
    }

    #[test]
    fn every_kind_word_is_its_display() {
        use strum::VariantArray;
        for k in EntityKind::VARIANTS {
            assert_eq!(k.to_string().parse::<EntityKind>(), Ok(*k));
        }
        assert_eq!("user".parse::<EntityKind>(), Ok(EntityKind::Principal));
    }
}
