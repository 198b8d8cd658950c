//! Overall API call volume: successful and failed calls per bucket over the scope plus context (the scope ± two
//! scope lengths), the baseline's average per bucket, the scope marked.
//!
//! The bucket is the smallest of 1m, 5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, 7d that gives at most 60 buckets
//! (settable). Buckets are aligned to multiples of their size since the epoch, so they read as clock times.

use super::baseline::Baseline;
use super::error::BehaviorError;
use super::index::BehaviorIndex;
use super::select::Selection;
use crate::core::time::{Scope, rfc3339};
use serde::Serialize;

/// Bucket sizes tried, seconds.
const LADDER: [i64; 12] = [
    60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 604_800,
];
/// Most buckets chosen automatically; an explicit bucket may give up to [`MAX_BUCKETS`].
pub const TARGET_BUCKETS: i64 = 60;
pub const MAX_BUCKETS: i64 = 10_000;
/// Context on each side of the scope, in scope lengths.
pub const CONTEXT_SCOPES: i64 = 2;

/// Calls in one chart bucket.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Start of the bucket, RFC 3339 UTC.
    pub start: String,
    /// Successful calls in the bucket.
    pub success: u64,
    /// Failed calls in the bucket (error code set).
    pub failure: u64,
    /// The bucket overlaps the scope.
    pub in_scope: bool,
}

/// API call volume over time: the scope with context on each side, against the baseline average.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Series {
    /// Width of each bucket, in seconds.
    pub bucket_seconds: i64,
    /// The charted range (scope plus context, aligned to buckets).
    pub from: String,
    /// End of the charted range, RFC 3339 UTC.
    pub to: String,
    /// The buckets, oldest first.
    pub buckets: Vec<Bucket>,
    /// Baseline calls (success + failure) per bucket-length interval over the effective baseline.
    pub baseline_per_bucket: f64,
    /// Baseline failed calls per bucket-length interval over the effective baseline.
    pub baseline_failure_per_bucket: f64,
}

/// Parse `90s`, `5m`, `1h`, `2d`, `1w` (or plain seconds).
pub fn parse_bucket(s: &str) -> Result<i64, BehaviorError> {
    let s = s.trim();
    let bad = |reason| BehaviorError::Bucket {
        text: s.to_string(),
        reason,
    };
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| bad("expected a number and a unit (s, m, h, d, w)"))?;
    let mult = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad("unit must be s, m, h, d or w")),
    };
    let secs = n.checked_mul(mult).filter(|&v| v > 0);
    secs.ok_or_else(|| bad("must be a positive duration"))
}

/// The charted range for a scope.
pub fn chart_range(scope: Scope) -> Scope {
    let ctx = scope.seconds().saturating_mul(CONTEXT_SCOPES);
    Scope::new(scope.from.saturating_sub(ctx), scope.to.saturating_add(ctx))
}

/// The automatic bucket for a range.
pub fn auto_bucket(range: Scope) -> i64 {
    let span = range.seconds().max(1) as u64;
    LADDER
        .iter()
        .copied()
        .find(|&b| span.div_ceil(b as u64) <= TARGET_BUCKETS as u64)
        .unwrap_or_else(|| span.div_ceil(TARGET_BUCKETS as u64) as i64)
}

pub fn series(
    sel: &Selection,
    ix: &BehaviorIndex,
    scope: Scope,
    base: &Baseline,
    bucket: Option<i64>,
) -> Result<Series, BehaviorError> {
    let range = chart_range(scope);
    let b = bucket.unwrap_or_else(|| auto_bucket(range)).max(1);
    let from = range.from.div_euclid(b).saturating_mul(b);
    let n = range.to.saturating_sub(from).saturating_add(b - 1) / b;
    if n > MAX_BUCKETS {
        return Err(BehaviorError::TooManyBuckets {
            bucket: b,
            count: n,
            from: rfc3339(range.from),
            to: rfc3339(range.to),
            max: MAX_BUCKETS,
        });
    }
    let to = from.saturating_add(n.saturating_mul(b));
    let mut buckets: Vec<Bucket> = (0..n)
        .map(|k| {
            let start = from.saturating_add(k * b);
            Bucket {
                start: rfc3339(start),
                success: 0,
                failure: 0,
                in_scope: start < scope.to && start.saturating_add(b) > scope.from,
            }
        })
        .collect();
    for part in sel.window(ix.index_at(from), ix.index_at(to)) {
        part.for_each(ix, |_, r| {
            if let Some(bk) = buckets.get_mut((r.time.saturating_sub(from) / b) as usize) {
                if r.failed() {
                    bk.failure += 1;
                } else {
                    bk.success += 1;
                }
            }
        });
    }
    let (mut total, mut failed) = (0u64, 0u64);
    for part in sel.window(ix.index_at(base.effective_from), ix.index_at(base.window.to)) {
        total += part.len() as u64;
        part.for_each(ix, |_, r| failed += r.failed() as u64);
    }
    let intervals = base.window.to.saturating_sub(base.effective_from) as f64 / b as f64;
    let per = |x: u64| {
        if intervals > 0.0 {
            ((x as f64 / intervals) * 100.0).round() / 100.0
        } else {
            0.0
        }
    };
    Ok(Series {
        bucket_seconds: b,
        from: rfc3339(from),
        to: rfc3339(to),
        buckets,
        baseline_per_bucket: per(total),
        baseline_failure_per_bucket: per(failed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_text() {
        assert_eq!(parse_bucket("1h"), Ok(3600));
        assert_eq!(parse_bucket("30m"), Ok(1800));
        assert_eq!(parse_bucket("90"), Ok(90));
        assert_eq!(parse_bucket("2d"), Ok(172_800));
        assert_eq!(parse_bucket("1w"), Ok(604_800));
        for bad in ["", "h", "0m", "-1h", "1y", "99999999999999999999h", "1.5h"] {
            assert!(parse_bucket(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn automatic_bucket_gives_30_to_60_buckets_for_common_scopes() {
        for (scope_secs, want) in [(3600, 300), (6 * 3600, 1800), (86_400, 7200), (7 * 86_400, 86_400)] {
            let r = chart_range(Scope::new(1_793_887_200, 1_793_887_200 + scope_secs));
            let b = auto_bucket(r);
            assert_eq!(b, want, "scope {scope_secs}");
            let n = (r.seconds() as u64).div_ceil(b as u64);
            assert!((30..=60).contains(&n), "scope {scope_secs}: {n} buckets");
        }
        // Beyond the ladder: sized to 60 buckets.
        let r = Scope::new(0, 400 * 86_400 * 5);
        assert!((r.seconds() as u64).div_ceil(auto_bucket(r) as u64) <= 60);
        // Degenerate and extreme scopes do not panic or overflow.
        assert_eq!(auto_bucket(Scope::new(5, 5)), 60);
        let _ = chart_range(Scope::new(i64::MIN, i64::MAX));
    }
}
