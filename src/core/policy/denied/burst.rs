//! The denied-burst rule, one implementation for every caller (the day summary's indicator, the denied analysis of a
//! profile): many access-denied calls in a few minutes are someone probing what stolen credentials may do, or a
//! tool enumerating permissions (`docs/denied.md` §4, README "Summary").
//!
//! A *burst* is at least `min_denials` denied calls within any `window_minutes` (inclusive: calls exactly the
//! window apart are within it); windows that share a call merge into one burst, reported with its first and last
//! denial and how many it holds. Callers decide whose calls form one sequence and hand their times in order.

use crate::core::time::rfc3339;
use serde::Serialize;

/// The burst rule's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BurstRule {
    /// Fewest denied calls that make a burst.
    pub min_denials: usize,
    /// …within this many minutes.
    pub window_minutes: i64,
}

impl Default for BurstRule {
    fn default() -> Self {
        BurstRule {
            min_denials: 5,
            window_minutes: 10,
        }
    }
}

/// One burst of denied calls.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Burst {
    /// First denied call of the burst, RFC 3339 UTC.
    pub first: String,
    /// Last denied call of the burst, RFC 3339 UTC.
    pub last: String,
    /// Denied calls in the burst.
    pub denials: u64,
}

/// Bursts in one sequence of denial times (epoch seconds, sorted ascending).
pub fn bursts_in(times: &[i64], rule: BurstRule) -> Vec<Burst> {
    let n = rule.min_denials.max(1);
    let span = rule.window_minutes.max(0) * 60;
    // (first index, last index) of each merged burst.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for a in 0..times.len().saturating_sub(n - 1) {
        let b = a + n - 1;
        if times[b] - times[a] > span {
            continue;
        }
        match runs.last_mut() {
            Some(last) if a <= last.1 => last.1 = b,
            _ => runs.push((a, b)),
        }
    }
    runs.into_iter()
        .map(|(a, b)| Burst {
            first: rfc3339(times[a]),
            last: rfc3339(times[b]),
            denials: (b - a + 1) as u64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: BurstRule = BurstRule {
        min_denials: 3,
        window_minutes: 10,
    };

    #[test]
    fn three_denials_in_ten_minutes_are_a_burst_and_overlapping_windows_merge() {
        // 0, 4, 9 min: one window of three; 12 min joins (4, 9, 12 fit in 10 minutes): one burst of four.
        let t = [0, 240, 540, 720];
        let b = bursts_in(&t, RULE);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].denials, 4);
        assert_eq!(b[0].first, "1970-01-01T00:00:00Z");
        assert_eq!(b[0].last, "1970-01-01T00:12:00Z");
    }

    #[test]
    fn denials_spread_out_are_not_a_burst() {
        // Three denials, the outer two 10 minutes and 1 second apart.
        assert!(bursts_in(&[0, 300, 601], RULE).is_empty());
        // Exactly ten minutes is within the window.
        assert_eq!(bursts_in(&[0, 300, 600], RULE).len(), 1);
        assert!(bursts_in(&[0, 1], RULE).is_empty(), "two denials are never three");
    }

    #[test]
    fn separate_bursts_stay_separate() {
        let t = [0, 60, 120, 7200, 7260, 7320];
        let b = bursts_in(&t, RULE);
        assert_eq!(b.iter().map(|b| b.denials).collect::<Vec<_>>(), vec![3, 3]);
    }
}
