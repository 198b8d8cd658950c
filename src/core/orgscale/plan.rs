//! The plan: what a finding's investigation needs from an organisation's trail, and no more, as typed queries.
//! 1. **Scope**: every event in `[from, to]` in the accounts that matter.
//! 2. **Chain completion**, round after round: the assumption and sign-in events that created sessions seen so
//!    far but happened before `from`, found by access key.
//! 3. **Baseline**: the days before `from` for the named principals and every role, user and session on their
//!    chains.
//!
//! Each query is SQL text with `?` parameters ([`super::sql`]), pruned to its days (and accounts and regions where
//! the layout allows, [`super::layout`]), selecting the record fields by column path ([`super::columns`]),
//! ordered by `eventtime, eventid` so that paging is deterministic, and capped at `max_rows + 1` rows so that an
//! over-large result is detected rather than cut silently. Chain rounds depend on what the earlier queries
//! returned, so they are built as the fetch goes ([`chain`]).

use super::columns::{Column, TableColumns, ValueKind};
use super::layout::{Layout, PartitionRange, day_of, predicate};
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

    /// Append this principal's row filter.
    fn filter(&self, sql: &mut Sql) -> Result<(), BadValue> {
        match self {
            Principal::AccessKey(k) => {
                sql.push("\"useridentity\".\"accesskeyid\" = ").param(k)?;
            }
            Principal::PrincipalId(p) => {
                sql.push("\"useridentity\".\"principalid\" = ").param(p)?;
            }
            Principal::Role(r) => {
                sql.push("\"useridentity\".\"sessioncontext\".\"sessionissuer\".\"arn\" = ")
                    .param(r)?;
            }
            Principal::Arn(a) => {
                sql.push("\"useridentity\".\"arn\" = ").param(a)?;
            }
            // The baseline of a session is its role's: behaviour profiles are per role.
            Principal::Identity { role_arn, .. } => {
                sql.push("\"useridentity\".\"sessioncontext\".\"sessionissuer\".\"arn\" = ")
                    .param(role_arn)?;
            }
        }
        Ok(())
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
    fn lake(&self) -> bool {
        matches!(self, Source::Lake(_))
    }

    /// The text of a time bound as this engine compares it with `eventtime`.
    fn time(&self, epoch: i64) -> String {
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

const NEEDED: &[&str] = &[
    "eventid",
    "eventtime",
    "eventname",
    "useridentity.accesskeyid",
    "responseelements",
];

impl Target {
    /// The columns selected: every known record field the table has.
    pub fn selected(&self) -> Vec<Column> {
        self.columns.selectable()
    }

    fn check(&self, s: &Settings) -> Result<(), PlanError> {
        if let Some(missing) = NEEDED.iter().find(|c| !self.columns.has(c)) {
            return Err(PlanError::MissingColumn(missing));
        }
        if self.layout.date.is_none() && !s.allow_full_scan && !self.source.lake() {
            return Err(PlanError::FullScan);
        }
        Ok(())
    }

    /// `SELECT <columns> FROM <table> WHERE "eventtime" >= ? AND "eventtime" <= ? <partitions>`, the row
    /// filters for accounts and regions the layout cannot prune, then `extra` and the ordering and cap.
    fn query(
        &self,
        part: Part,
        (from, to): (i64, i64),
        s: &Settings,
        accounts: Option<&[String]>,
        regions: Option<&[String]>,
        extra: impl FnOnce(&mut Sql) -> Result<(), BadValue>,
    ) -> Result<Query, PlanError> {
        self.check(s)?;
        let mut sql = Sql::default();
        sql.push("SELECT ");
        let lake = self.source.lake();
        for (i, c) in self.selected().iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(&select_expr(c));
            if lake {
                sql.push(&format!(" AS \"{}\"", alias(i)));
            }
        }
        sql.push(" FROM ").push(&self.source.to_string());
        let (open, close) = if lake { ("CAST(", " AS TIMESTAMP)") } else { ("", "") };
        sql.push(" WHERE \"eventtime\" >= ").push(open);
        sql.param(&self.source.time(from))?.push(close);
        sql.push(" AND \"eventtime\" <= ").push(open);
        sql.param(&self.source.time(to))?.push(close);
        let mut partitions = predicate(&self.layout, &mut sql, (day_of(from), day_of(to)), accounts, regions)?;
        if lake {
            // Lake prunes what it scans on eventtime.
            partitions.keys.push("eventtime".into());
        }
        if let Some(list) = accounts.filter(|l| !l.is_empty())
            && self.layout.account.is_none()
        {
            sql.push(" AND \"recipientaccountid\" IN ");
            sql.param_list(list.iter().map(String::as_str))?;
        }
        if let Some(list) = regions.filter(|l| !l.is_empty())
            && self.layout.region.is_none()
        {
            sql.push(" AND \"awsregion\" IN ");
            sql.param_list(list.iter().map(String::as_str))?;
        }
        extra(&mut sql)?;
        sql.push(" ORDER BY \"eventtime\", \"eventid\"");
        sql.push(&format!(" LIMIT {}", s.max_rows.saturating_add(1)));
        Ok(Query {
            part,
            sql,
            partitions,
            from: rfc3339(from),
            to: rfc3339(to),
        })
    }

    /// Step 1: every event of `window` in the settings' accounts and regions.
    pub fn scope(&self, window: (i64, i64), s: &Settings) -> Result<Query, PlanError> {
        self.query(
            Part::Scope,
            window,
            s,
            s.accounts.as_deref(),
            s.regions.as_deref(),
            |_| Ok(()),
        )
    }

    /// Step 2, round `round`: the origin events in `window` (the baseline start to the scope start) whose
    /// response hands out one of `keys` (temporary access keys seen in use whose creation is not yet known),
    /// in `accounts`. Regions are not pruned: an assumption is logged where its STS endpoint was, which need
    /// not be where the session acted.
    pub fn chain(
        &self,
        round: u32,
        window: (i64, i64),
        keys: &[String],
        accounts: Option<&[String]>,
        s: &Settings,
    ) -> Result<Query, PlanError> {
        // Access keys are `[A-Z0-9]`: the key's text appears verbatim inside the response JSON (Athena: a JSON
        // string column) or inside the `credentials` value of Lake's map, however Lake renders that nested object.
        // `json_extract` gives a JSON string there, which casts to VARCHAR on Trino and DuckDB alike.
        let haystack = if self.source.lake() {
            "CAST(json_extract(CAST(\"responseelements\" AS JSON), '$.credentials') AS VARCHAR)"
        } else {
            "\"responseelements\""
        };
        self.query(Part::Chain(round), window, s, accounts, None, |sql| {
            sql.push(" AND \"eventname\" IN ");
            sql.param_list(ORIGIN_EVENTS.iter().copied())?;
            sql.push(" AND (");
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("strpos(").push(haystack).push(", ").param(k)?.push(") > 0");
            }
            sql.push(")");
            Ok(())
        })
    }

    /// Step 3: the `window` before the scope for `principals`, in `accounts` (regions are never pruned here: a
    /// baseline missing a region would make that region look new).
    pub fn baseline(
        &self,
        window: (i64, i64),
        principals: &[Principal],
        accounts: Option<&[String]>,
        s: &Settings,
    ) -> Result<Query, PlanError> {
        self.query(Part::Baseline, window, s, accounts, None, |sql| {
            sql.push(" AND (");
            for (i, p) in principals.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                p.filter(sql)?;
            }
            sql.push(")");
            Ok(())
        })
    }
}

/// The select expression of a column: its quoted path, `resources` and maps as JSON.
pub fn select_expr(c: &Column) -> String {
    let path: Vec<String> = c.path.split('.').map(|p| format!("\"{p}\"")).collect();
    let path = path.join(".");
    match c.kind {
        ValueKind::Resources | ValueKind::Map => format!("CAST({path} AS JSON)"),
        _ => path,
    }
}

/// The alias of the `i`-th selected column where results name values by alias (CloudTrail Lake).
pub fn alias(i: usize) -> String {
    format!("c{i}")
}

/// The baseline window before a scope starting at `from`: `days` whole days, ending one second before `from`.
pub fn baseline_window(from: i64, days: u32) -> (i64, i64) {
    (from - i64::from(days) * 86_400, from - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(keys: &[&str]) -> Target {
        Target {
            source: Source::Athena("trails.org".parse().unwrap()),
            layout: Layout::from_partition_keys(keys.iter().copied()),
            columns: TableColumns::from_metadata([
                ("eventid", "string"),
                ("eventtime", "string"),
                ("eventname", "string"),
                ("useridentity", "struct<accesskeyid:string,arn:string>"),
                ("responseelements", "string"),
                ("resources", "array<struct<arn:string>>"),
            ]),
        }
    }

    fn settings() -> Settings {
        Settings {
            accounts: Some(vec!["111122223333".into()]),
            regions: None,
            max_rows: 1000,
            allow_full_scan: false,
        }
    }

    #[test]
    fn scope_query_is_pruned_parameterised_and_ordered() {
        let q = target(&["account", "region", "timestamp"])
            .scope((1_793_836_800, 1_793_890_800), &settings())
            .unwrap();
        assert_eq!(
            q.sql.text,
            "SELECT \"useridentity\".\"arn\", \"useridentity\".\"accesskeyid\", \"eventtime\", \"eventname\", \
             \"responseelements\", \"eventid\", CAST(\"resources\" AS JSON) FROM \"trails\".\"org\" \
             WHERE \"eventtime\" >= ? AND \"eventtime\" <= ? AND \"account\" IN (?) AND \"timestamp\" >= ? AND \
             \"timestamp\" <= ? ORDER BY \"eventtime\", \"eventid\" LIMIT 1001"
        );
        assert_eq!(
            q.sql.params,
            [
                "'2026-11-05T00:00:00Z'",
                "'2026-11-05T15:00:00Z'",
                "'111122223333'",
                "'2026/11/05'",
                "'2026/11/05'"
            ]
        );
    }

    #[test]
    fn accounts_become_row_filters_when_the_layout_cannot_prune_them() {
        let q = target(&["timestamp"]).scope((0, 10), &settings()).unwrap();
        assert!(
            q.sql.text.contains("AND \"recipientaccountid\" IN (?)"),
            "{}",
            q.sql.text
        );
        assert_eq!(q.partitions.keys, ["timestamp"]);
    }

    #[test]
    fn no_date_partition_is_refused_unless_allowed() {
        let t = target(&[]);
        assert_eq!(t.scope((0, 10), &settings()), Err(PlanError::FullScan));
        let s = Settings {
            allow_full_scan: true,
            ..settings()
        };
        assert!(t.scope((0, 10), &s).is_ok());
    }

    #[test]
    fn hostile_principals_stay_parameters() {
        let hostile = "x' OR 1=1 -- ;\\ \u{202e}é";
        let t = target(&["timestamp"]);
        let principals = [
            Principal::Arn(format!("arn:aws:iam::111122223333:user/{hostile}")),
            Principal::PrincipalId(hostile.into()),
        ];
        let q = t.baseline((0, 10), &principals, None, &settings()).unwrap();
        let plain = t.baseline(
            (0, 10),
            &[Principal::Arn("a".into()), Principal::PrincipalId("b".into())],
            None,
            &settings(),
        );
        assert_eq!(q.sql.text, plain.unwrap().sql.text, "values never change the text");
        assert!(q.sql.params.contains(&"'x'' OR 1=1 -- ;\\ \u{202e}é'".to_string()));
    }

    #[test]
    fn chain_rounds_look_for_keys_in_origin_events() {
        let q = target(&["timestamp"])
            .chain(2, (0, 10), &["ASIAEXAMPLE000000001".into()], None, &settings())
            .unwrap();
        assert_eq!(q.part, Part::Chain(2));
        assert!(
            q.sql.text.contains("AND (strpos(\"responseelements\", ?) > 0)"),
            "{}",
            q.sql.text
        );
        assert!(q.sql.params.contains(&"'AssumeRole'".to_string()));
    }

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

    fn lake() -> Target {
        Target {
            source: Source::Lake("EXAMPLE-f852-4e8f".parse().unwrap()),
            layout: Layout::default(),
            columns: TableColumns::lake(),
        }
    }

    #[test]
    fn lake_queries_cast_times_alias_columns_and_need_no_partitions() {
        let q = lake().scope((1_793_836_800, 1_793_890_800), &settings()).unwrap();
        assert!(
            q.sql
                .text
                .starts_with("SELECT \"eventversion\" AS \"c0\", \"useridentity\".\"type\" AS \"c1\","),
            "{}",
            q.sql.text
        );
        assert!(
            q.sql.text.contains("CAST(\"requestparameters\" AS JSON) AS \"c"),
            "{}",
            q.sql.text
        );
        assert!(
            q.sql.text.contains(
                " FROM EXAMPLE-f852-4e8f WHERE \"eventtime\" >= CAST(? AS TIMESTAMP) AND \"eventtime\" <= \
                 CAST(? AS TIMESTAMP) AND \"recipientaccountid\" IN (?) ORDER BY \"eventtime\", \"eventid\" LIMIT 1001"
            ),
            "{}",
            q.sql.text
        );
        assert_eq!(
            q.sql.params,
            ["'2026-11-05 00:00:00'", "'2026-11-05 15:00:00'", "'111122223333'"]
        );
        assert_eq!(q.partitions.keys, ["eventtime"]);
        assert!(q.sql.inline().contains(">= CAST('2026-11-05 00:00:00' AS TIMESTAMP)"));
        let c = lake()
            .chain(1, (0, 10), &["ASIAEXAMPLE000000001".into()], None, &settings())
            .unwrap();
        assert!(
            c.sql.text.contains(
                "strpos(CAST(json_extract(CAST(\"responseelements\" AS JSON), '$.credentials') AS VARCHAR), ?) > 0"
            ),
            "{}",
            c.sql.text
        );
    }

    #[test]
    fn hostile_values_inlined_for_lake_stay_one_literal() {
        let hostile = [
            "x' OR '1'='1",
            "a'; DROP TABLE t; --",
            "back\\slash\\'",
            "?",
            "sessión\u{202e}\u{e0041}名前",
        ];
        let principals: Vec<Principal> = hostile.iter().map(|h| Principal::PrincipalId(h.to_string())).collect();
        let q = lake().baseline((0, 10), &principals, None, &settings()).unwrap();
        let plain: Vec<Principal> = hostile.iter().map(|_| Principal::PrincipalId("p".into())).collect();
        let p = lake().baseline((0, 10), &plain, None, &settings()).unwrap();
        assert_eq!(q.sql.text, p.sql.text, "values never change the text");
        let inlined = q.sql.inline();
        for h in hostile {
            assert!(
                inlined.contains(&format!("= '{}'", h.replace('\'', "''"))),
                "{h}: {inlined}"
            );
        }
        // Removing every literal leaves the text the plain query has, literal for literal.
        let strip = |s: &str| {
            let mut out = String::new();
            let mut in_lit = false;
            for ch in s.chars() {
                if ch == '\'' {
                    in_lit = !in_lit;
                    continue;
                }
                if !in_lit {
                    out.push(ch);
                }
            }
            out
        };
        assert_eq!(strip(&inlined), strip(&p.sql.inline()));
        let bad = [Principal::PrincipalId("a\nb".into())];
        assert!(lake().baseline((0, 10), &bad, None, &settings()).is_err());
    }

    #[test]
    fn baseline_window_ends_before_the_scope() {
        assert_eq!(baseline_window(86_400 * 50, 45), (86_400 * 5, 86_400 * 50 - 1));
    }
}
