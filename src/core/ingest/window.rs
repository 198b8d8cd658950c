//! Reading only what the question needs: a load window (event time, recipient accounts, regions) that prunes
//! CloudTrail's S3 layout before any file is opened, and filters records of every other form as they are merged.
//!
//! CloudTrail writes to `…/AWSLogs/[<org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//! <account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<unique>.json.gz` (`docs/cloudtrail-layout.md`). The date folders and
//! the time stamp in the name are when the file was *delivered*, not when its events happened: every event in a
//! file happened before its delivery, and most are delivered within minutes, but some arrive much later. So a file
//! stamped `T` is read when `T ≥ from − EARLY_MARGIN` (its events cannot be earlier than the window's start and
//! still be delivered before it, allowing for clock differences) and `T < to + delivery_slack` (a late file may
//! still hold events from inside the window). The slack is [`DEFAULT_DELIVERY_SLACK`] (24 hours) unless the
//! analyst sets it. Records outside the window are dropped at merge and counted, whatever the file's form.

use std::path::Path;

/// Late delivery allowed by default: a file delivered up to 24 hours after the window's end is still read.
pub const DEFAULT_DELIVERY_SLACK: i64 = 24 * 3600;
/// Delivery stamps earlier than the window's start by up to this much are still read (clock differences).
pub const EARLY_MARGIN: i64 = 3600;

/// What to load: events in `[from, to)` logged in `accounts` and `regions` (empty: all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadWindow {
    /// Earliest event time (epoch seconds), inclusive.
    pub from: Option<i64>,
    /// Latest event time (epoch seconds), exclusive.
    pub to: Option<i64>,
    /// Recipient accounts to keep (12-digit ids); empty keeps all.
    pub accounts: Vec<String>,
    /// Regions to keep (`us-east-1`); empty keeps all.
    pub regions: Vec<String>,
    /// How late after its events a file may be delivered and still be read (seconds).
    pub delivery_slack: i64,
}

impl Default for LoadWindow {
    fn default() -> Self {
        LoadWindow {
            from: None,
            to: None,
            accounts: Vec::new(),
            regions: Vec::new(),
            delivery_slack: DEFAULT_DELIVERY_SLACK,
        }
    }
}

/// Why a file or folder was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pruned {
    /// Delivered outside the window (with the slack).
    Date,
    /// Another region.
    Region,
    /// Another account.
    Account,
}

/// What the S3 layout says about a path: any of account, region and delivery time (or day) it names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Layout<'a> {
    account: Option<&'a str>,
    region: Option<&'a str>,
    /// Delivery day `[start, start + 1 day)` from the `YYYY/MM/DD` folders (or a prefix of them: year, month).
    day_range: Option<(i64, i64)>,
    /// Delivery time from the file name (minute precision).
    delivered: Option<i64>,
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Start of a civil date (UTC), or `None` for an impossible one.
fn civil(y: i64, m: i64, d: i64) -> Option<i64> {
    // jiff decides validity (no 31 February); the day number is the core's one civil-date rule.
    jiff::civil::Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
    Some(crate::core::time::days_from_civil(y, m, d) * 86_400)
}

/// `YYYYMMDDTHHMMZ` as in CloudTrail object names.
fn stamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 14 || b[8] != b'T' || b[13] != b'Z' {
        return None;
    }
    let day = civil(num(&s[0..4], 4)?, num(&s[4..6], 2)?, num(&s[6..8], 2)?)?;
    let (h, m) = (num(&s[9..11], 2)?, num(&s[11..13], 2)?);
    (h < 24 && m < 60).then_some(day + h * 3600 + m * 60)
}

/// Read the layout from a path's components (only what follows a `CloudTrail` component, and the file name).
fn layout(path: &Path) -> Layout<'_> {
    let parts: Vec<&str> = path.iter().filter_map(|c| c.to_str()).collect();
    let mut l = Layout::default();
    if let Some(at) = parts.iter().rposition(|c| *c == "CloudTrail") {
        if at > 0 && is_account(parts[at - 1]) {
            l.account = Some(parts[at - 1]);
        }
        let rest = &parts[at + 1..];
        if let Some(region) = rest.first().filter(|r| rest.len() > 1 || !r.contains('.')) {
            l.region = Some(region);
        }
        let y = rest.get(1).and_then(|s| num(s, 4));
        let m = rest.get(2).and_then(|s| num(s, 2));
        let d = rest.get(3).and_then(|s| num(s, 2));
        l.day_range = match (y, m, d) {
            (Some(y), Some(m), Some(d)) => civil(y, m, d).map(|s| (s, s + 86_400)),
            (Some(y), Some(m), None) => civil(y, m, 1).zip(if m == 12 {
                civil(y + 1, 1, 1)
            } else {
                civil(y, m + 1, 1)
            }),
            (Some(y), None, None) => civil(y, 1, 1).zip(civil(y + 1, 1, 1)),
            _ => None,
        };
    }
    // `<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz`
    if let Some(name) = parts.last() {
        let f: Vec<&str> = name.splitn(5, '_').collect();
        if f.len() == 5 && is_account(f[0]) && f[1] == "CloudTrail" {
            l.account = Some(f[0]);
            l.region = Some(f[2]);
            l.delivered = stamp(f[3]);
        }
    }
    l
}

impl LoadWindow {
    /// True when nothing is restricted (the default): no path is parsed, no record filtered.
    pub fn is_everything(&self) -> bool {
        self.from.is_none() && self.to.is_none() && self.accounts.is_empty() && self.regions.is_empty()
    }

    /// Delivery times that may hold events of the window: `[from − EARLY_MARGIN, to + delivery_slack)`.
    fn delivery_range(&self) -> (i64, i64) {
        (
            self.from.map_or(i64::MIN, |f| f.saturating_sub(EARLY_MARGIN)),
            self.to
                .map_or(i64::MAX, |t| t.saturating_add(self.delivery_slack.max(0))),
        )
    }

    /// Whether a folder or file of the S3 layout can hold events of the window; `Ok` for anything whose path says
    /// nothing (other layouts are read and filtered record by record).
    pub fn admits_path(&self, path: &Path) -> Result<(), Pruned> {
        if self.is_everything() {
            return Ok(());
        }
        let l = layout(path);
        if let Some(a) = l.account
            && !self.accounts.is_empty()
            && !self.accounts.iter().any(|x| x == a)
        {
            return Err(Pruned::Account);
        }
        if let Some(r) = l.region
            && !self.regions.is_empty()
            && !self.regions.iter().any(|x| x == r)
        {
            return Err(Pruned::Region);
        }
        let (lo, hi) = self.delivery_range();
        if let Some(t) = l.delivered
            && (t < lo || t >= hi)
        {
            return Err(Pruned::Date);
        }
        if let Some((a, b)) = l.day_range
            && (b <= lo || a >= hi)
        {
            return Err(Pruned::Date);
        }
        Ok(())
    }

    /// The `YYYY/MM/DD` delivery-day folders that may hold files of the window (the days that meet
    /// `[from − EARLY_MARGIN, to + delivery_slack)`, oldest first), so a remote lister can ask for exactly those
    /// prefixes. `None` when either end is open or the range spans more than `max_days` (list the folders then).
    pub fn delivery_day_folders(&self, max_days: usize) -> Option<Vec<String>> {
        self.from?;
        self.to?;
        let (lo, hi) = self.delivery_range();
        if hi <= lo {
            return Some(Vec::new());
        }
        let first = lo.div_euclid(86_400);
        let last = (hi - 1).div_euclid(86_400);
        let n = usize::try_from(last - first + 1).ok()?;
        if n > max_days {
            return None;
        }
        // Folder names exist for years 0000–9999 only; a range reaching past them names no more folders.
        let max_day = crate::core::time::days_from_civil(9999, 12, 31);
        Some(
            (first.max(0)..=last.min(max_day))
                .map(|day| {
                    let (y, m, d) = crate::core::time::civil_from_days(day);
                    format!("{y:04}/{m:02}/{d:02}")
                })
                .collect(),
        )
    }

    /// Whether an event at `time` in `account` and `region` is in the window.
    pub fn admits_event(&self, time: i64, account: &str, region: &str) -> bool {
        self.from.is_none_or(|f| time >= f)
            && self.to.is_none_or(|t| time < t)
            && (self.accounts.is_empty() || self.accounts.iter().any(|a| a == account))
            && (self.regions.is_empty() || self.regions.iter().any(|r| r == region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_second()
    }

    const KEY: &str = "AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2026/11/05/\
                       111122223333_CloudTrail_us-east-1_20261105T1405Z_AbCdEf012345.json.gz";

    #[test]
    fn reads_the_layout() {
        let l = layout(Path::new(KEY));
        assert_eq!(l.account, Some("111122223333"));
        assert_eq!(l.region, Some("us-east-1"));
        assert_eq!(l.delivered, Some(at("2026-11-05T14:05:00Z")));
        assert_eq!(
            l.day_range,
            Some((at("2026-11-05T00:00:00Z"), at("2026-11-06T00:00:00Z")))
        );
        let month = layout(Path::new("x/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/02"));
        assert_eq!(
            month.day_range,
            Some((at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z")))
        );
        assert_eq!(month.account, Some("111122223333"));
        // Impossible dates and stamps say nothing rather than something wrong.
        assert_eq!(layout(Path::new("AWSLogs/1/CloudTrail/r/2026/02/31")).day_range, None);
        assert_eq!(stamp("20261105T2460Z"), None);
        assert_eq!(layout(Path::new("exports/events.jsonl")), Layout::default());
    }

    #[test]
    fn prunes_by_delivery_with_the_slack() {
        let w = LoadWindow {
            from: Some(at("2026-11-05T14:00:00Z")),
            to: Some(at("2026-11-05T15:00:00Z")),
            ..Default::default()
        };
        assert_eq!(w.admits_path(Path::new(KEY)), Ok(()));
        let file = |stamp: &str| {
            format!(
                "AWSLogs/111122223333/CloudTrail/us-east-1/{}/{}/{}/111122223333_CloudTrail_us-east-1_{stamp}_x.json.gz",
                &stamp[0..4],
                &stamp[4..6],
                &stamp[6..8]
            )
        };
        // Delivered 13:30: its records were all written before 13:30, but the 1 h early margin (clock differences)
        // keeps it; delivered 12:59, it is out.
        assert_eq!(w.admits_path(Path::new(&file("20261105T1330Z"))), Ok(()));
        assert_eq!(w.admits_path(Path::new(&file("20261105T1300Z"))), Ok(()));
        assert_eq!(w.admits_path(Path::new(&file("20261105T1259Z"))), Err(Pruned::Date));
        // Delivered the next day before 15:00: late delivery within 24 h is read; after it, not.
        assert_eq!(w.admits_path(Path::new(&file("20261106T1459Z"))), Ok(()));
        assert_eq!(w.admits_path(Path::new(&file("20261106T1500Z"))), Err(Pruned::Date));
        // Whole day folders outside the delivery range are never walked.
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/03")),
            Err(Pruned::Date)
        );
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/06")),
            Ok(())
        );
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail/us-east-1/2026/10")),
            Err(Pruned::Date)
        );
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail/us-east-1/2026")),
            Ok(())
        );
    }

    #[test]
    fn day_folders_cover_the_delivery_range() {
        let w = LoadWindow {
            from: Some(at("2026-11-05T00:30:00Z")),
            to: Some(at("2026-11-05T12:00:00Z")),
            ..Default::default()
        };
        // From 23:30 the day before (early margin) to 12:00 the day after (24 h slack), end exclusive.
        assert_eq!(
            w.delivery_day_folders(10).unwrap(),
            ["2026/11/04", "2026/11/05", "2026/11/06"]
        );
        let exact = LoadWindow {
            from: Some(at("2026-12-31T01:00:00Z")),
            to: Some(at("2026-12-31T02:00:00Z")),
            delivery_slack: 22 * 3600,
            ..Default::default()
        };
        assert_eq!(exact.delivery_day_folders(10).unwrap(), ["2026/12/31"]);
        assert_eq!(w.delivery_day_folders(2), None);
        assert_eq!(LoadWindow::default().delivery_day_folders(10), None);
    }

    #[test]
    fn prunes_by_account_and_region() {
        let w = LoadWindow {
            accounts: vec!["444455556666".into()],
            ..Default::default()
        };
        assert_eq!(w.admits_path(Path::new(KEY)), Err(Pruned::Account));
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail")),
            Err(Pruned::Account)
        );
        let w = LoadWindow {
            regions: vec!["eu-west-1".into()],
            ..Default::default()
        };
        assert_eq!(w.admits_path(Path::new(KEY)), Err(Pruned::Region));
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail/us-east-1")),
            Err(Pruned::Region)
        );
        assert_eq!(
            w.admits_path(Path::new("AWSLogs/111122223333/CloudTrail/eu-west-1")),
            Ok(())
        );
        assert!(w.admits_event(0, "111122223333", "eu-west-1"));
        assert!(!w.admits_event(0, "111122223333", "us-east-1"));
    }
}
