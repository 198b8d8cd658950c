//! How the plan's queries are written: `SELECT` of the record's columns from the target, bounded by time and
//! pruned by partition, filtered to the accounts, regions, principals or access keys a part of the plan needs,
//! ordered and capped ([`super::plan`] names the parts and why each exists). The text holds only `?` placeholders
//! for values ([`super::sql`]), so a hostile principal or key stays one parameter.

use super::columns::{Column, ValueKind};
use super::layout::{day_of, predicate};
use super::plan::{ORIGIN_EVENTS, Part, PlanError, Principal, Query, Settings, Target};
use super::sql::{BadValue, Sql};
use crate::core::time::rfc3339;

impl Principal {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::orgscale::columns::TableColumns;
    use crate::core::orgscale::layout::Layout;
    use crate::core::orgscale::plan::Source;

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
}
