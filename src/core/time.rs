//! Time: CloudTrail and finding timestamps to epoch seconds (UTC), RFC 3339 output, and the analysis [`Scope`].
//!
//! CloudTrail writes `2026-11-05T14:12:07Z`; that exact shape is parsed by hand because it sits on the ingest hot
//! path (millions of calls); anything else (fractional seconds, offsets) goes through jiff.

use serde::Serialize;

/// Parse an ISO 8601 / RFC 3339 timestamp into epoch seconds (fractions dropped). `None` if unparseable.
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
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        return Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se);
    }
    slow_parse(s)
}

fn slow_parse(s: &str) -> Option<i64> {
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    // A civil time without offset (some exports drop the `Z`): read it as UTC.
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok().map(|t| t.as_second());
    }
    None
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-05T14:12:07Z`.
pub fn rfc3339(epoch: i64) -> String {
    match jiff::Timestamp::from_second(epoch) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => format!("@{epoch}"),
    }
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
    pub fn parse(s: &str) -> Result<Scope, String> {
        let (a, b) = s
            .split_once("..")
            .ok_or_else(|| format!("scope {s:?}: expected FROM..TO"))?;
        let from = parse_epoch(a.trim()).ok_or_else(|| format!("scope start {a:?} is not an RFC 3339 time"))?;
        let to = parse_epoch(b.trim()).ok_or_else(|| format!("scope end {b:?} is not an RFC 3339 time"))?;
        if to <= from {
            return Err(format!("scope {s:?}: end is not after start"));
        }
        Ok(Scope { from, to })
    }
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
