//! Time: CloudTrail and finding timestamps to epoch seconds (UTC), RFC 3339 output, and the analysis [`Scope`].
//!
//! CloudTrail writes `eventTime` in UTC as ISO 8601 with second precision (`2026-11-05T14:12:07Z`); that exact
//! shape is parsed by hand because it sits on the ingest hot path (millions of calls). Anything else (fractional
//! seconds, offsets, no offset, a date alone) goes through jiff's RFC 3339 / ISO 8601 parser. The fast path is only
//! a shortcut: it accepts and rejects exactly what the slow path does (a test compares them field by field), so an
//! impossible date such as `2026-02-31` is an error the ingest reports per record, never a shifted time. jiff reads
//! a leap second `:60` as `:59` of the same minute (`jiff::fmt::temporal`), and so does the fast path.
//!
//! Times are kept in RFC 3339's range, years 0000 to 9999 (RFC 3339 writes four-digit years): [`parse_epoch`]
//! returns nothing outside it, and [`rfc3339`] prints every second inside it (jiff's own timestamps stop a day
//! short of the end of year 9999, so printing does the calendar arithmetic itself).

use serde::Serialize;

/// `0000-01-01T00:00:00Z`, the first second RFC 3339 can write.
const RFC3339_MIN: i64 = -62_167_219_200;
/// `9999-12-31T23:59:59Z`, the last second RFC 3339 can write.
const RFC3339_MAX: i64 = 253_402_300_799;

/// Parse an ISO 8601 / RFC 3339 timestamp into epoch seconds (fractions dropped; no offset means UTC). `None` if
/// unparseable, an impossible date or time, or outside years 0000–9999.
pub fn parse_epoch(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() == 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':' && b[19] == b'Z'
    {
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let mut v = 0i64;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + (c - b'0') as i64;
            }
            Some(v)
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        return Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se.min(59));
    }
    slow_parse(s)
}

/// jiff's parser validates the text (calendar, clock, offset); the arithmetic is ours so that the whole of year
/// 9999 is reachable (see the module note).
fn slow_parse(s: &str) -> Option<i64> {
    let p = jiff::fmt::temporal::Pieces::parse(s).ok()?;
    let date = p.date();
    let time = p.time().unwrap_or(jiff::civil::Time::midnight());
    let offset = p.to_numeric_offset().map_or(0, |o| i64::from(o.seconds()));
    let days = days_from_civil(i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    let t = days * 86_400 + i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second())
        - offset;
    (RFC3339_MIN..=RFC3339_MAX).contains(&t).then_some(t)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day since 1970-01-01 (Howard Hinnant's `civil_from_days`, the inverse of
/// [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-11-05T14:12:07Z`. A time outside years 0000–9999 has no RFC 3339 form and prints as `@<epoch seconds>`
/// (nothing [`parse_epoch`] returns is out there; only sentinels such as [`Scope::ALL`]'s ends are).
pub fn rfc3339(epoch: i64) -> String {
    if !(RFC3339_MIN..=RFC3339_MAX).contains(&epoch) {
        return format!("@{epoch}");
    }
    let (y, mo, d) = civil_from_days(epoch.div_euclid(86_400));
    let s = epoch.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// A time window `[from, to)` in epoch seconds: the scope every analysis is computed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Start, inclusive, epoch seconds (UTC).
    pub from: i64,
    /// End, exclusive, epoch seconds (UTC); never before `from`.
    pub to: i64,
}

impl Scope {
    /// Everything: no bound on either side.
    pub const ALL: Scope = Scope {
        from: i64::MIN,
        to: i64::MAX,
    };

    /// The window `[from, to)`; a `to` before `from` is raised to `from` (an empty window).
    pub fn new(from: i64, to: i64) -> Scope {
        Scope { from, to: to.max(from) }
    }
    /// Whether `t` (epoch seconds) falls in the window.
    pub fn contains(&self, t: i64) -> bool {
        t >= self.from && t < self.to
    }
    /// Length of the window in seconds (saturating for [`Scope::ALL`]).
    pub fn seconds(&self) -> i64 {
        self.to.saturating_sub(self.from)
    }
    /// Detective's rule for a finding: first..last observed, widened to whole hours, at least one hour.
    pub fn from_observed(first: i64, last: i64) -> Scope {
        let (first, last) = (first.min(last), first.max(last));
        let from = first.div_euclid(3600) * 3600;
        let mut to = (last.div_euclid(3600) + 1) * 3600;
        if to - from < 3600 {
            to = from + 3600;
        }
        Scope { from, to }
    }
    /// Parse `FROM..TO` (RFC 3339 either side).
    pub fn parse(s: &str) -> Result<Scope, ScopeParseError> {
        let (a, b) = s
            .split_once("..")
            .ok_or_else(|| ScopeParseError::NoRange(s.to_string()))?;
        let from = parse_epoch(a.trim()).ok_or_else(|| ScopeParseError::BadStart(a.to_string()))?;
        let to = parse_epoch(b.trim()).ok_or_else(|| ScopeParseError::BadEnd(b.to_string()))?;
        if to <= from {
            return Err(ScopeParseError::Empty(s.to_string()));
        }
        Ok(Scope { from, to })
    }
}

/// Why a `FROM..TO` scope did not parse (the text as typed in each).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScopeParseError {
    /// No `..` between two times.
    #[error("scope {0:?}: expected FROM..TO")]
    NoRange(String),
    /// The start is not an RFC 3339 time.
    #[error("scope start {0:?} is not an RFC 3339 time")]
    BadStart(String),
    /// The end is not an RFC 3339 time.
    #[error("scope end {0:?} is not an RFC 3339 time")]
    BadEnd(String),
    /// The end is not after the start.
    #[error("scope {0:?}: end is not after start")]
    Empty(String),
}

/// JSON form of a scope: `{"from": "...Z", "to": "...Z"}`.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct ScopeJson {
    /// Start, RFC 3339 UTC.
    pub from: String,
    /// End (exclusive), RFC 3339 UTC.
    pub to: String,
}

impl From<Scope> for ScopeJson {
    fn from(s: Scope) -> Self {
        ScopeJson {
            from: rfc3339(s.from),
            to: rfc3339(s.to),
        }
    }
}

/// An RFC 3339 time, or a date (`YYYY-MM-DD`, its midnight UTC), as epoch seconds.
pub fn parse_time(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t.as_second());
    }
    match s.parse::<jiff::civil::Date>() {
        Ok(d) => Ok(days_from_civil(i64::from(d.year()), i64::from(d.month()), i64::from(d.day())) * 86_400),
        Err(_) => Err(format!(
            "{s:?}: expected RFC 3339 (2026-11-05T14:00:00Z) or a date (2026-11-05)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cloudtrail_and_other_forms() {
        assert_eq!(parse_epoch("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_epoch("2026-11-05T14:12:07Z"), Some(1_793_887_927));
        assert_eq!(parse_epoch("2026-11-05T14:12:07.123Z"), Some(1_793_887_927));
        assert_eq!(parse_epoch("2026-11-05T16:12:07+02:00"), Some(1_793_887_927));
        assert_eq!(parse_epoch("2026-11-05T14:12:07"), Some(1_793_887_927));
        assert_eq!(parse_epoch("2026-13-05T14:12:07Z"), None);
        assert_eq!(parse_epoch("garbage"), None);
        assert_eq!(parse_epoch(""), None);
        assert_eq!(rfc3339(1_793_887_927), "2026-11-05T14:12:07Z");
    }

    #[test]
    fn impossible_dates_and_times_are_rejected_not_shifted() {
        for bad in [
            "2026-02-31T00:00:00Z",
            "2026-02-29T12:00:00Z",
            "2100-02-29T12:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-05T24:00:00Z",
            "2026-11-05T14:60:00Z",
            "2026-11-05T14:12:61Z",
            "2026-00-05T14:12:07Z",
            "2026-11-00T14:12:07Z",
        ] {
            assert_eq!(parse_epoch(bad), None, "{bad}");
        }
        assert_eq!(parse_epoch("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(parse_epoch("2000-02-29T00:00:00Z"), Some(951_782_400));
        // A leap second stays in its minute (jiff's rule: `:60` reads as `:59`), never the next minute or day.
        assert_eq!(parse_epoch("2016-12-31T23:59:60Z"), Some(1_483_228_799));
        assert_eq!(parse_epoch("2016-12-31T23:59:60.5Z"), Some(1_483_228_799));
    }

    /// The fast path is only a shortcut: for every string of its shape it answers exactly what jiff answers.
    #[test]
    fn fast_path_agrees_with_jiff_on_every_field_value() {
        let mut checked = 0;
        for y in ["0000", "1600", "1900", "1970", "2000", "2023", "2024", "2100", "9999"] {
            for mo in 0..=13 {
                for d in [0, 1, 28, 29, 30, 31, 32] {
                    for (h, mi, se) in [
                        (0, 0, 0),
                        (23, 59, 59),
                        (23, 59, 60),
                        (24, 0, 0),
                        (12, 60, 0),
                        (7, 8, 61),
                    ] {
                        let s = format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}Z");
                        assert_eq!(parse_epoch(&s), slow_parse(&s), "{s}");
                        // jiff's own timestamps stop 26 hours short of the end of year 9999.
                        if y != "9999" {
                            let jiff = s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second());
                            assert_eq!(parse_epoch(&s), jiff, "{s}");
                        }
                        // Fractions go the slow way; they must land on the same second.
                        let frac = s.replace('Z', ".25Z");
                        assert_eq!(parse_epoch(&frac), parse_epoch(&s), "{frac}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 9 * 14 * 7 * 6);
        for junk in [
            "2026-11-05T14:12:0aZ",
            "+026-11-05T14:12:07Z",
            "2026-11-05t14:12:07Z",
            "2026-11-05 14:12:07Z",
        ] {
            assert_eq!(parse_epoch(junk), slow_parse(junk), "{junk}");
        }
    }

    #[test]
    fn every_representable_time_prints_as_rfc3339() {
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(parse_epoch("9999-12-31T23:59:59Z"), Some(253_402_300_799));
        assert_eq!(parse_epoch("9999-12-31T23:59:59.999Z"), Some(253_402_300_799));
        assert_eq!(rfc3339(-62_167_219_200), "0000-01-01T00:00:00Z");
        assert_eq!(parse_epoch("0000-01-01T00:00:00Z"), Some(-62_167_219_200));
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        // Outside RFC 3339's four-digit years there is no RFC 3339 form, and nothing parses to such a time.
        assert_eq!(rfc3339(253_402_300_800), "@253402300800");
        assert_eq!(parse_epoch("-000001-01-01T00:00:00Z"), None);
        assert_eq!(parse_epoch("9999-12-31T23:59:59-01:00"), None);
        // Round trip over the whole range, a day and a second at a time (every month length, every leap rule).
        let mut t = -62_167_219_200;
        while t <= 253_402_300_799 {
            let s = rfc3339(t);
            assert_eq!(parse_epoch(&s), Some(t), "{s}");
            t += 86_401 * 7;
        }
    }

    #[test]
    fn finding_scope_widens_to_whole_hours() {
        let first = parse_epoch("2026-11-05T14:12:07Z").unwrap();
        let last = parse_epoch("2026-11-05T14:48:53Z").unwrap();
        let s = Scope::from_observed(first, last);
        assert_eq!(rfc3339(s.from), "2026-11-05T14:00:00Z");
        assert_eq!(rfc3339(s.to), "2026-11-05T15:00:00Z");
        let s = Scope::from_observed(last, parse_epoch("2026-11-05T16:00:00Z").unwrap());
        assert_eq!(
            (rfc3339(s.from), rfc3339(s.to)),
            ("2026-11-05T14:00:00Z".into(), "2026-11-05T17:00:00Z".into())
        );
    }
}
