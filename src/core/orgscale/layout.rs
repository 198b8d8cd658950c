//! Partition layouts of CloudTrail tables in Athena and the predicates that prune them. Athena bills every byte of
//! every file in the partitions a query touches (CloudTrail JSON is not columnar), so every query of the plan
//! names its days, and its accounts and regions where the table is partitioned by them. Recognised from the
//! table's partition keys (`docs/org-scale.md`):
//! - projection on `timestamp` (`yyyy/MM/dd`), one account and region per table;
//! - the organisation-wide projection `account` / `region` / `timestamp`;
//! - classic `region` / `year` / `month` / `day` partitions (optionally with `account` first).

use super::sql::{BadValue, Ident, Sql};

/// How a table's partitions encode the date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateKeys {
    /// One string key in `yyyy/MM/dd` form (partition projection, `projection.<key>.format=yyyy/MM/dd`).
    Projected(Ident),
    /// Three string keys `yyyy`, `MM`, `dd` (classic `ALTER TABLE ADD PARTITION`).
    Ymd {
        /// The year key.
        year: Ident,
        /// The month key (two digits).
        month: Ident,
        /// The day key (two digits).
        day: Ident,
    },
}

/// The partition keys that matter for pruning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The account key (`account`), if any.
    pub account: Option<Ident>,
    /// The region key (`region`), if any.
    pub region: Option<Ident>,
    /// The date key(s), if any; a table without them can only be scanned whole.
    pub date: Option<DateKeys>,
}

impl Layout {
    /// Recognise the layout from the partition key names (`GetTableMetadata`'s `PartitionKeys`). Unknown keys are
    /// ignored (they are not constrained, which costs money but never loses records).
    pub fn from_partition_keys<'a>(names: impl IntoIterator<Item = &'a str>) -> Layout {
        let keys: Vec<Ident> = names.into_iter().filter_map(|n| Ident::new(n).ok()).collect();
        let find = |want: &[&str]| keys.iter().find(|k| want.contains(&k.as_str())).cloned();
        let date = match (find(&["timestamp"]), find(&["year"]), find(&["month"]), find(&["day"])) {
            (Some(ts), ..) => Some(DateKeys::Projected(ts)),
            (None, Some(year), Some(month), Some(day)) => Some(DateKeys::Ymd { year, month, day }),
            _ => None,
        };
        Layout {
            account: find(&["account", "accountid", "account_id"]),
            region: find(&["region"]),
            date,
        }
    }

    /// A short name for the plan printout.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = &self.account {
            parts.push(a.as_str().to_string());
        }
        if let Some(r) = &self.region {
            parts.push(r.as_str().to_string());
        }
        match &self.date {
            Some(DateKeys::Projected(t)) => parts.push(format!("{} (yyyy/MM/dd)", t.as_str())),
            Some(DateKeys::Ymd { year, month, day }) => {
                parts.push(format!("{}/{}/{}", year.as_str(), month.as_str(), day.as_str()))
            }
            None => parts.push("no date partition".into()),
        }
        parts.join(", ")
    }
}

/// A civil date (UTC).
pub type Day = (i16, i8, i8);

/// The UTC day of an epoch second.
pub fn day_of(epoch: i64) -> Day {
    let d = jiff::Timestamp::from_second(epoch)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    (d.year(), d.month(), d.day())
}

/// The partitions one query touches, for the plan printout and the tests.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PartitionRange {
    /// First and last day, `yyyy/MM/dd`, inclusive.
    pub days: (String, String),
    /// Accounts the query is pruned to (`None`: every account, or the table has no account key).
    pub accounts: Option<Vec<String>>,
    /// Regions the query is pruned to (`None`: every region, or the table has no region key).
    pub regions: Option<Vec<String>>,
    /// The partition keys the predicate constrains.
    pub keys: Vec<String>,
}

fn slash(d: Day) -> String {
    format!("{:04}/{:02}/{:02}", d.0, d.1, d.2)
}

/// Append ` AND <partition predicate>` for days `first..=last`, `accounts` and `regions` (`None` = all) to `sql`,
/// and describe it. Keys the layout lacks are not constrained (the caller adds row filters for them).
pub fn predicate(
    layout: &Layout,
    sql: &mut Sql,
    (first, last): (Day, Day),
    accounts: Option<&[String]>,
    regions: Option<&[String]>,
) -> Result<PartitionRange, BadValue> {
    let mut range = PartitionRange {
        days: (slash(first), slash(last)),
        accounts: None,
        regions: None,
        keys: Vec::new(),
    };
    if let (Some(key), Some(list)) = (&layout.account, accounts.filter(|l| !l.is_empty())) {
        sql.push(" AND ").push(&key.to_string()).push(" IN ");
        sql.param_list(list.iter().map(String::as_str))?;
        range.accounts = Some(list.to_vec());
        range.keys.push(key.as_str().into());
    }
    if let (Some(key), Some(list)) = (&layout.region, regions.filter(|l| !l.is_empty())) {
        sql.push(" AND ").push(&key.to_string()).push(" IN ");
        sql.param_list(list.iter().map(String::as_str))?;
        range.regions = Some(list.to_vec());
        range.keys.push(key.as_str().into());
    }
    match &layout.date {
        Some(DateKeys::Projected(key)) => {
            sql.push(" AND ")
                .push(&key.to_string())
                .push(" >= ")
                .param(&slash(first))?;
            sql.push(" AND ")
                .push(&key.to_string())
                .push(" <= ")
                .param(&slash(last))?;
            range.keys.push(key.as_str().into());
        }
        Some(DateKeys::Ymd { year, month, day }) => {
            // One term per month: `(year = ? AND month = ? AND day >= ? AND day <= ?)`, OR-ed. Two-digit strings
            // compare as numbers do.
            sql.push(" AND (");
            for (i, (y, m, d0, d1)) in months(first, last).into_iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("(")
                    .push(&year.to_string())
                    .push(" = ")
                    .param(&format!("{y:04}"))?;
                sql.push(" AND ")
                    .push(&month.to_string())
                    .push(" = ")
                    .param(&format!("{m:02}"))?;
                sql.push(" AND ")
                    .push(&day.to_string())
                    .push(" >= ")
                    .param(&format!("{d0:02}"))?;
                sql.push(" AND ")
                    .push(&day.to_string())
                    .push(" <= ")
                    .param(&format!("{d1:02}"))?;
                sql.push(")");
            }
            sql.push(")");
            range.keys.extend([year, month, day].map(|k| k.as_str().to_string()));
        }
        None => {}
    }
    Ok(range)
}

/// The months of `first..=last` as (year, month, first day, last day).
fn months(first: Day, last: Day) -> Vec<(i16, i8, i8, i8)> {
    let mut out = Vec::new();
    let (mut y, mut m) = (first.0, first.1);
    loop {
        let d0 = if (y, m) == (first.0, first.1) { first.2 } else { 1 };
        let d1 = if (y, m) == (last.0, last.1) { last.2 } else { 31 };
        out.push((y, m, d0, d1));
        if (y, m) >= (last.0, last.1) {
            break;
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_layouts_are_recognised() {
        let l = Layout::from_partition_keys(["timestamp"]);
        assert_eq!(l.date, Some(DateKeys::Projected(Ident::new("timestamp").unwrap())));
        assert_eq!((l.account, l.region), (None, None));
        let l = Layout::from_partition_keys(["account", "region", "timestamp"]);
        assert_eq!(l.describe(), "account, region, timestamp (yyyy/MM/dd)");
        let l = Layout::from_partition_keys(["region", "year", "month", "day"]);
        assert_eq!(l.describe(), "region, year/month/day");
        assert_eq!(Layout::from_partition_keys(["dt"]).date, None);
    }

    #[test]
    fn projected_org_layout_prunes_accounts_regions_and_days() {
        let l = Layout::from_partition_keys(["account", "region", "timestamp"]);
        let mut sql = Sql::default();
        let accts = ["111122223333".to_string()];
        let r = predicate(&l, &mut sql, ((2026, 11, 4), (2026, 11, 5)), Some(&accts), None).unwrap();
        assert_eq!(
            sql.text,
            " AND \"account\" IN (?) AND \"timestamp\" >= ? AND \"timestamp\" <= ?"
        );
        assert_eq!(sql.params, ["'111122223333'", "'2026/11/04'", "'2026/11/05'"]);
        assert_eq!(r.keys, ["account", "timestamp"]);
        assert_eq!(r.days, ("2026/11/04".into(), "2026/11/05".into()));
    }

    #[test]
    fn classic_layout_spans_months_and_years() {
        let l = Layout::from_partition_keys(["region", "year", "month", "day"]);
        let mut sql = Sql::default();
        predicate(
            &l,
            &mut sql,
            ((2025, 12, 30), (2026, 1, 2)),
            None,
            Some(&["eu-west-1".into()]),
        )
        .unwrap();
        assert_eq!(
            sql.text,
            " AND \"region\" IN (?) AND ((\"year\" = ? AND \"month\" = ? AND \"day\" >= ? AND \"day\" <= ?) OR \
             (\"year\" = ? AND \"month\" = ? AND \"day\" >= ? AND \"day\" <= ?))"
        );
        assert_eq!(
            sql.params,
            [
                "'eu-west-1'",
                "'2025'",
                "'12'",
                "'30'",
                "'31'",
                "'2026'",
                "'01'",
                "'01'",
                "'02'"
            ]
        );
    }

    #[test]
    fn days_are_utc() {
        assert_eq!(day_of(1_793_836_800), (2026, 11, 5));
        assert_eq!(day_of(1_793_836_799), (2026, 11, 4));
    }
}
