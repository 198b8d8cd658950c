//! The plan: what a finding's investigation needs from an organisation's trail, and no more, as typed queries.
//! 1. **Scope**: every event in `[from, to]` in the accounts that matter.
//! 2. **Chain completion**, round after round: the assumption and sign-in events that created sessions seen so
//!    far but happened before `from`, found by access key.
//! 3. **Baseline**: the days before `from` for the named principals and every role, user and session on their
//!    chains.
//!
//! Each query ([`super::query`] writes them) is SQL text with `?` parameters ([`super::sql`]), pruned to its days
//! (and accounts and regions where the layout allows, [`super::layout`]), selecting the record fields by column path
//! ([`super::columns`]), ordered by `eventtime, eventid` so that paging is deterministic, and capped at `max_rows +
//! 1` rows so that an over-large result is detected rather than cut silently. Chain rounds depend on what the earlier
//! queries returned, so they are built as the fetch goes ([`Target::chain`]).

use super::columns::TableColumns;
use super::layout::{Layout, PartitionRange};
use super::sql::{BadValue, EventDataStore, Sql, TableRef};
use crate::core::time::rfc3339;

/// The events that create sessions or sign someone in: the chain-completion rounds look for these.
pub const ORIGIN_EVENTS: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "GetSessionToken",
    "GetFederationToken",
    "ConsoleLogin",
    "GetRoleCredentials",
    "Federate",
];

/// The most chain-completion rounds run (a chain of roles assuming roles is rarely longer than a few hops).
pub const MAX_CHAIN_ROUNDS: u32 = 8;

/// Which part of the plan a query is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "part", content = "round")]
pub enum Part {
    /// Every event of the window in scope.
    Scope,
    /// Chain completion, round `n` (from 1).
    Chain(u32),
    /// The baseline before the window.
    Baseline,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Part::Scope => f.write_str("scope"),
            Part::Chain(n) => write!(f, "chain round {n}"),
            Part::Baseline => f.write_str("baseline"),
        }
    }
}

/// A principal to follow, as given with `--principal` or taken from a finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Principal {
    /// An access key id (`AKIA…`, `ASIA…`).
    AccessKey(String),
    /// A `userIdentity.principalId` (`AIDA…`, `AROA…:session`).
    PrincipalId(String),
    /// A role ARN: every session of the role.
    Role(String),
    /// An IAM user ARN (or any `userIdentity.arn`, such as an assumed-role session ARN).
    Arn(String),
    /// A session identity: role ARN and session name (`identity:ROLE_ARN#SESSION`).
    Identity {
        /// The role assumed.
        role_arn: String,
        /// The session name.
        session_name: String,
    },
}

impl std::str::FromStr for Principal {
    type Err = String;
    /// `identity:ROLE_ARN#SESSION`, `role:ARN`, `key:ID`, `session:ID`, `principal:X`, or bare: an ARN (`:role/`
    /// names a role), a 20-character `AKIA`/`ASIA` key, else a principal id.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use crate::core::entity::EntityRef;
        if s.is_empty() {
            return Err("empty principal".into());
        }
        if let Ok(e) = s.parse::<EntityRef>() {
            match e {
                EntityRef::Identity { role_arn, session_name } => {
                    return Ok(Principal::Identity { role_arn, session_name });
                }
                EntityRef::Role(r) => return Ok(Principal::Role(r)),
                EntityRef::Session(k) | EntityRef::AccessKey(k) => return Ok(Principal::AccessKey(k)),
                EntityRef::Principal(p) => return Ok(Self::bare(&p)),
                _ => {}
            }
        }
        Ok(Self::bare(s))
    }
}

impl Principal {
    fn bare(s: &str) -> Principal {
        if s.starts_with("arn:") {
            if s.contains(":role/") {
                Principal::Role(s.to_string())
            } else {
                Principal::Arn(s.to_string())
            }
        } else if s.len() == 20 && (s.starts_with("AKIA") || s.starts_with("ASIA")) {
            Principal::AccessKey(s.to_string())
        } else {
            Principal::PrincipalId(s.to_string())
        }
    }

    /// The account an ARN names, if any.
    pub fn account(&self) -> Option<&str> {
        let arn = match self {
            Principal::Role(a) | Principal::Arn(a) => a,
            Principal::Identity { role_arn, .. } => role_arn,
            _ => return None,
        };
        arn.split(':').nth(4).filter(|a| is_account_id(a))
    }
}

/// An AWS account id: 12 digits.
pub fn is_account_id(a: &str) -> bool {
    a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())
}

/// What the plan's queries read: an Athena table or a CloudTrail Lake event data store. The two differ in the SQL
/// around the same plan: Lake names the store by its id in `FROM`, its `eventtime` is a timestamp (compared with
/// `CAST('yyyy-MM-dd HH:mm:ss' AS TIMESTAMP)`), it has no partitions (it prunes on `eventtime` itself), its
/// `responseelements` is a map, and its results name each value by its column alias (so every column gets one).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `[catalog.]database.table` in Athena.
    Athena(TableRef),
    /// A CloudTrail Lake event data store.
    Lake(EventDataStore),
}

impl std::fmt::Display for Source {
    /// As SQL names it after `FROM`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Athena(t) => t.fmt(f),
            Source::Lake(e) => e.fmt(f),
        }
    }
}

impl Source {
    pub(super) fn lake(&self) -> bool {
        matches!(self, Source::Lake(_))
    }

    /// The text of a time bound as this engine compares it with `eventtime`.
    pub(super) fn time(&self, epoch: i64) -> String {
        match self {
            // A string column of RFC 3339 text: ISO-8601 strings compare as times do.
            Source::Athena(_) => rfc3339(epoch),
            // A timestamp: `yyyy-MM-dd HH:mm:ss`, cast.
            Source::Lake(_) => rfc3339(epoch).replace('T', " ").trim_end_matches('Z').to_string(),
        }
    }
}

/// The table a plan runs against.
#[derive(Clone, Debug)]
pub struct Target {
    /// The table or event data store.
    pub source: Source,
    /// Its partition keys.
    pub layout: Layout,
    /// Its columns.
    pub columns: TableColumns,
}

/// One query of the plan.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Query {
    /// Which part of the plan it is.
    #[serde(flatten)]
    pub part: Part,
    /// Text and parameters.
    #[serde(flatten)]
    pub sql: Sql,
    /// The partitions it touches.
    pub partitions: PartitionRange,
    /// Its time bounds, RFC 3339, inclusive.
    pub from: String,
    /// See `from`.
    pub to: String,
}

/// Why a plan cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A value cannot be a parameter.
    #[error(transparent)]
    Value(#[from] BadValue),
    /// The table lacks a column the plan needs.
    #[error("the table has no `{0}` column, which the plan needs")]
    MissingColumn(&'static str),
    /// No date partition and no `--allow-full-scan`.
    #[error(
        "the table has no date partition (`timestamp`, or `year`/`month`/`day`): every query would scan the whole \
         table; rerun with --allow-full-scan to accept that"
    )]
    FullScan,
}

/// What every query shares.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Accounts in scope (`None`: every account).
    pub accounts: Option<Vec<String>>,
    /// Regions in scope (`None`: every region).
    pub regions: Option<Vec<String>>,
    /// Row cap per query.
    pub max_rows: u64,
    /// Accept a table without a date partition.
    pub allow_full_scan: bool,
}

/// The baseline window before a scope starting at `from`: `days` whole days, ending one second before `from`.
pub fn baseline_window(from: i64, days: u32) -> (i64, i64) {
    (from - i64::from(days) * 86_400, from - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_read_from_the_command_line() {
        let p = |s: &str| s.parse::<Principal>().unwrap();
        assert_eq!(
            p("ASIAEXAMPLE000000001"),
            Principal::AccessKey("ASIAEXAMPLE000000001".into())
        );
        assert_eq!(
            p("arn:aws:iam::111122223333:role/Admin"),
            Principal::Role("arn:aws:iam::111122223333:role/Admin".into())
        );
        assert_eq!(
            p("identity:arn:aws:iam::111122223333:role/Admin#sara"),
            Principal::Identity {
                role_arn: "arn:aws:iam::111122223333:role/Admin".into(),
                session_name: "sara".into()
            }
        );
        assert_eq!(p("AROAEXAMPLE:sara"), Principal::PrincipalId("AROAEXAMPLE:sara".into()));
        assert_eq!(p("arn:aws:iam::111122223333:user/bob").account(), Some("111122223333"));
    }

    #[test]
    fn baseline_window_ends_before_the_scope() {
        assert_eq!(baseline_window(86_400 * 50, 45), (86_400 * 5, 86_400 * 50 - 1));
    }
}
