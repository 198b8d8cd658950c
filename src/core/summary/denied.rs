//! Denied bursts in the day summary: each principal's denied calls of the day, judged by the one burst rule
//! (`core::policy::denied::burst`; README "Summary" states the rule). Which calls are denials is the one
//! `errorCode` family of `core::policy::denied::codes`. Only the day's calls are judged.

use super::principal::PrincipalKey;
use crate::core::policy::denied::burst::{Burst, BurstRule, bursts_in};
use hashbrown::HashMap;

/// Bursts in each principal's denied calls; `denials` holds (principal, time) in time order per principal.
pub fn bursts(denials: &HashMap<PrincipalKey, Vec<i64>>, rule: BurstRule) -> HashMap<PrincipalKey, Vec<Burst>> {
    let mut out = HashMap::new();
    for (&k, times) in denials {
        let found = bursts_in(times, rule);
        if !found.is_empty() {
            out.insert(k, found);
        }
    }
    out
}
