//! SQL text for the query engines, built so that no value can change a query: identifiers (catalog, database,
//! table, column and partition names) pass a strict allow-list and are always double-quoted; every value is a
//! positional `?` parameter whose text is made by [`literal`], the one audited quoting function (Athena's
//! `ExecutionParameters` take each value as a SQL literal, `'AssumeRole'` with its quotes; CloudTrail Lake has no
//! parameters and gets the same literals inlined by [`Sql::inline`]). See `docs/org-scale.md`.

use std::fmt;

/// An identifier that is safe to put in SQL text: ASCII `[a-z_][a-z0-9_]*`, 1–128 characters, lower-cased on
/// parsing (Athena and Trino fold identifiers to lower case). Written double-quoted, so reserved words such as
/// `timestamp` (a partition name in the documented projection layout) need no special case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct Ident(String);

/// Why a name is not an [`Ident`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an allowed SQL identifier (letters, digits and _, starting with a letter or _, at most 128)")]
pub struct BadIdent(pub String);

impl Ident {
    /// Check `s` against the allow-list.
    pub fn new(s: &str) -> Result<Ident, BadIdent> {
        let ok = !s.is_empty()
            && s.len() <= 128
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !s.as_bytes()[0].is_ascii_digit();
        if ok {
            Ok(Ident(s.to_ascii_lowercase()))
        } else {
            Err(BadIdent(s.to_string()))
        }
    }

    /// The name, lower case, unquoted.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Ident> for String {
    fn from(i: Ident) -> String {
        i.0
    }
}

impl fmt::Display for Ident {
    /// Double-quoted: the allow-list leaves no `"` to escape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

/// `[CATALOG.]DATABASE.TABLE`, as given to `--athena`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TableRef {
    /// The data catalog (`AwsDataCatalog` when absent).
    pub catalog: Option<Ident>,
    /// The Glue database.
    pub database: Ident,
    /// The table.
    pub table: Ident,
}

impl std::str::FromStr for TableRef {
    type Err = BadIdent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('.').collect();
        match parts.as_slice() {
            [d, t] => Ok(TableRef {
                catalog: None,
                database: Ident::new(d)?,
                table: Ident::new(t)?,
            }),
            [c, d, t] => Ok(TableRef {
                catalog: Some(Ident::new(c)?),
                database: Ident::new(d)?,
                table: Ident::new(t)?,
            }),
            _ => Err(BadIdent(s.to_string())),
        }
    }
}

impl fmt::Display for TableRef {
    /// The table as SQL names it: `"database"."table"` (the catalog goes in the query context, not the text).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.database, self.table)
    }
}

/// A CloudTrail Lake event data store, as given to `--lake`: its ARN
/// (`arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID`) or the id alone. Lake's SQL names the store by its id,
/// unquoted, in `FROM` (AWS's examples: `FROM EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE`), so the id passes a strict
/// allow-list: ASCII letters, digits and `-`, 3–128 characters, starting with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct EventDataStore {
    /// The id, as it goes in `FROM`.
    pub id: String,
    /// The region of the ARN, when an ARN was given.
    pub region: Option<String>,
}

impl std::str::FromStr for EventDataStore {
    type Err = BadIdent;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadIdent(s.to_string());
        let (id, region) = match s.strip_prefix("arn:") {
            Some(rest) => {
                // partition:cloudtrail:region:account:eventdatastore/ID
                let parts: Vec<&str> = rest.splitn(5, ':').collect();
                let [_, "cloudtrail", region, _, resource] = parts.as_slice() else {
                    return Err(bad());
                };
                let id = resource.strip_prefix("eventdatastore/").ok_or_else(bad)?;
                let region_ok = !region.is_empty()
                    && region
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                (id, region_ok.then(|| region.to_string()))
            }
            None => (s, None),
        };
        let ok = (3..=128).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && id.as_bytes()[0].is_ascii_alphanumeric();
        if ok {
            Ok(EventDataStore {
                id: id.to_string(),
                region,
            })
        } else {
            Err(bad())
        }
    }
}

impl fmt::Display for EventDataStore {
    /// The id, unquoted, as Lake's `FROM` takes it (the allow-list leaves nothing to quote).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// Why a value cannot be a query parameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadValue {
    /// Longer than an Athena execution parameter may be (1,024 characters with its quotes).
    #[error("a value of {0} characters is too long for a query parameter (at most 1,000)")]
    TooLong(usize),
    /// A control character (NUL, line breaks, escapes…): no CloudTrail identifier holds one.
    #[error("a value holding control characters cannot be a query parameter")]
    Control,
}

/// Longest value accepted: Athena caps an execution parameter at 1,024 characters, quotes and doubled quotes
/// included; 1,000 leaves room for the quotes of a value with a few `'`.
pub const MAX_VALUE_CHARS: usize = 1_000;

/// **The** quoting function: `value` as a SQL string literal. ANSI SQL (and so Trino, Athena and DuckDB) string
/// literals know exactly one escape, a doubled `'`; backslashes, `--`, `;` and Unicode are ordinary characters
/// inside the quotes. Control characters are refused rather than escaped (no identifier in a CloudTrail record
/// holds one, and refusing keeps the literal readable in a printed plan).
pub fn literal(value: &str) -> Result<String, BadValue> {
    let chars = value.chars().count();
    if chars > MAX_VALUE_CHARS {
        return Err(BadValue::TooLong(chars));
    }
    if value.chars().any(char::is_control) {
        return Err(BadValue::Control);
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    Ok(out)
}

/// A query under construction: text with `?` placeholders and, in order, the literal of each placeholder.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sql {
    /// The text; its only `?` characters are placeholders (identifiers cannot hold one, values never enter it).
    pub text: String,
    /// One SQL literal per `?`, in order (each made by [`literal`]).
    pub params: Vec<String>,
}

impl Sql {
    /// Append fixed SQL text (keywords, operators, quoted identifiers). Callers pass only text written in this
    /// module's callers or an [`Ident`]'s display.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Append a `?` bound to `value`.
    pub fn param(&mut self, value: &str) -> Result<&mut Self, BadValue> {
        self.params.push(literal(value)?);
        self.text.push('?');
        Ok(self)
    }

    /// Append `(?, ?, …)` bound to `values` (never empty: callers check).
    pub fn param_list<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> Result<&mut Self, BadValue> {
        self.text.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.param(v)?;
        }
        self.text.push(')');
        Ok(self)
    }

    /// The text with each `?` replaced by its literal, for an engine without parameters (CloudTrail Lake). The
    /// literals come from [`literal`], so this is as safe as the parameters themselves.
    pub fn inline(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + self.params.iter().map(String::len).sum::<usize>());
        let mut params = self.params.iter();
        for c in self.text.chars() {
            match (c, c == '?') {
                (_, true) => out.push_str(params.next().map_or("NULL", String::as_str)),
                (c, false) => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_pass_only_the_allow_list() {
        assert_eq!(Ident::new("UserIdentity").unwrap().to_string(), "\"useridentity\"");
        assert_eq!(Ident::new("timestamp").unwrap().to_string(), "\"timestamp\"");
        for bad in ["", "1abc", "a-b", "a\"b", "a b", "a;b", "tëst", "a.b", &"x".repeat(129)] {
            assert!(Ident::new(bad).is_err(), "{bad:?}");
        }
        let t: TableRef = "cloudtrail_db.org_trail".parse().unwrap();
        assert_eq!(t.to_string(), "\"cloudtrail_db\".\"org_trail\"");
        let t: TableRef = "AwsDataCatalog.db.t".parse().unwrap();
        assert_eq!(t.catalog.unwrap().as_str(), "awsdatacatalog");
        for bad in ["db", "a.b.c.d", "db.t;drop", "db.\"t\""] {
            assert!(bad.parse::<TableRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn event_data_stores_are_an_arn_or_an_id() {
        let e: EventDataStore = "arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f-8bd1"
            .parse()
            .unwrap();
        assert_eq!(
            (e.id.as_str(), e.region.as_deref()),
            ("EXAMPLE-f852-4e8f-8bd1", Some("eu-west-1"))
        );
        assert_eq!(e.to_string(), "EXAMPLE-f852-4e8f-8bd1");
        let e: EventDataStore = "0a1b2c3d-0000-1111-2222-333344445555".parse().unwrap();
        assert_eq!(e.region, None);
        for bad in [
            "",
            "ab",
            "-abc",
            "abc def",
            "abc;drop",
            "abc'--",
            "abc\"x",
            "ab/c",
            "arn:aws:s3:::bucket",
            "arn:aws:cloudtrail:us-east-1:1:trail/x",
            "arn:aws:cloudtrail:us-east-1:1:eventdatastore/a b",
            "sessión",
        ] {
            assert!(bad.parse::<EventDataStore>().is_err(), "{bad}");
        }
    }

    #[test]
    fn literals_double_quotes_and_keep_everything_else() {
        assert_eq!(literal("AssumeRole").unwrap(), "'AssumeRole'");
        assert_eq!(literal("o'brien").unwrap(), "'o''brien'");
        assert_eq!(literal("x' OR '1'='1").unwrap(), "'x'' OR ''1''=''1'");
        assert_eq!(literal("a\\' -- ;").unwrap(), "'a\\'' -- ;'");
        assert_eq!(literal("sessión\u{202e}").unwrap(), "'sessión\u{202e}'");
        assert_eq!(literal("").unwrap(), "''");
        assert_eq!(literal("a\nb"), Err(BadValue::Control));
        assert_eq!(literal("a\0b"), Err(BadValue::Control));
        assert_eq!(literal(&"x".repeat(1001)), Err(BadValue::TooLong(1001)));
    }

    #[test]
    fn placeholders_and_inlining_agree() {
        let mut q = Sql::default();
        q.push("SELECT 1 WHERE a = ").param("it's").unwrap();
        q.push(" AND b IN ").param_list(["x", "?"]).unwrap();
        assert_eq!(q.text, "SELECT 1 WHERE a = ? AND b IN (?, ?)");
        assert_eq!(q.params, ["'it''s'", "'x'", "'?'"]);
        assert_eq!(q.inline(), "SELECT 1 WHERE a = 'it''s' AND b IN ('x', '?')");
    }
}
