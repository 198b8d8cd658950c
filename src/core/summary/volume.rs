//! The principals and roles with the most API calls in the day, each with its calls per day over the seven days
//! ending with it (the sparkline). A role's calls are the sum of its session identities' calls.

use super::principal::{self, PrincipalJson, PrincipalKey};
use crate::core::behavior::BehaviorIndex;
use crate::core::entity::EntityRef;
use crate::core::graph::SessionGraph;
use crate::core::model::{Store, Sym};
use hashbrown::HashMap;
use serde::Serialize;

/// Days in the sparkline (the day and the six before it).
pub const SPARK_DAYS: usize = 7;

/// Calls of one principal or role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    /// Calls in the day.
    pub calls: u64,
    /// Of which failed (`errorCode` present).
    pub failed: u64,
}

/// A principal among those with the most calls.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopPrincipal {
    /// Who.
    pub principal: PrincipalJson,
    /// Calls in the day.
    pub calls: u64,
    /// Of which failed.
    pub failed: u64,
    /// Calls per UTC day, oldest first, the day itself last (7 values).
    pub daily: Vec<u64>,
}

/// A role among those with the most calls.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopRole {
    /// The role ARN.
    pub role_arn: String,
    /// Where it pivots (`role:<arn>`).
    pub entity: EntityRef,
    /// Session identities of the role that called in the day.
    pub identities: u64,
    /// Calls in the day.
    pub calls: u64,
    /// Of which failed.
    pub failed: u64,
    /// Calls per UTC day, oldest first, the day itself last (7 values).
    pub daily: Vec<u64>,
}

/// The `n` keys with the most calls, ties by key (deterministic).
fn top<K: Copy + Ord + std::hash::Hash>(m: &HashMap<K, Calls>, n: usize) -> Vec<(K, Calls)> {
    let mut v: Vec<(K, Calls)> = m.iter().map(|(k, c)| (*k, *c)).collect();
    v.sort_by(|a, b| b.1.calls.cmp(&a.1.calls).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// The role of a principal (session identities only; `Sym::NONE` for federation and session tokens).
pub fn role_of(graph: &SessionGraph, k: PrincipalKey) -> Sym {
    match k {
        PrincipalKey::Identity(id) => graph.identities.get(id as usize).map_or(Sym::NONE, |x| x.role_arn),
        PrincipalKey::Origin(_) => Sym::NONE,
    }
}

/// Top principals and roles; `week` is the event index range of the seven days, `day_from` the day's start.
#[allow(clippy::too_many_arguments)]
pub fn top_lists(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    by_principal: &HashMap<PrincipalKey, Calls>,
    sessions: &HashMap<PrincipalKey, u32>,
    week: std::ops::Range<usize>,
    day_from: i64,
    n: usize,
) -> (Vec<TopPrincipal>, Vec<TopRole>) {
    let mut roles: HashMap<Sym, Calls> = HashMap::new();
    let mut role_identities: HashMap<Sym, u64> = HashMap::new();
    for (&k, c) in by_principal {
        let r = role_of(graph, k);
        if r.is_some() {
            let e = roles.entry(r).or_default();
            e.calls += c.calls;
            e.failed += c.failed;
            *role_identities.entry(r).or_default() += 1;
        }
    }
    let tp = top(by_principal, n);
    let tr = top(&roles, n);
    let p_slot: HashMap<PrincipalKey, usize> = tp.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
    let r_slot: HashMap<Sym, usize> = tr.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect();
    let mut p_daily = vec![[0u64; SPARK_DAYS]; tp.len()];
    let mut r_daily = vec![[0u64; SPARK_DAYS]; tr.len()];
    let first = day_from - (SPARK_DAYS as i64 - 1) * 86_400;
    let start = week.start;
    for (off, r) in ix.rows.get(week).unwrap_or_default().iter().enumerate() {
        let Some(k) = principal::of_event(graph, ix, (start + off) as u32) else {
            continue;
        };
        let d = (r.time - first).div_euclid(86_400);
        let Ok(d) = usize::try_from(d) else { continue };
        if d >= SPARK_DAYS {
            continue;
        }
        if let Some(&i) = p_slot.get(&k) {
            p_daily[i][d] += 1;
        }
        if let Some(&i) = r_slot.get(&role_of(graph, k)) {
            r_daily[i][d] += 1;
        }
    }
    let principals = tp
        .into_iter()
        .zip(p_daily)
        .map(|((k, c), daily)| TopPrincipal {
            principal: principal::describe(store, graph, k, sessions.get(&k).copied()),
            calls: c.calls,
            failed: c.failed,
            daily: daily.to_vec(),
        })
        .collect();
    let roles = tr
        .into_iter()
        .zip(r_daily)
        .map(|((r, c), daily)| TopRole {
            role_arn: store.s(r).to_string(),
            entity: EntityRef::Role(store.s(r).to_string()),
            identities: role_identities.get(&r).copied().unwrap_or(0),
            calls: c.calls,
            failed: c.failed,
            daily: daily.to_vec(),
        })
        .collect();
    (principals, roles)
}

/// Daily counts as block characters (`▁`…`█`), scaled to the largest; a day without calls is a space.
pub fn sparkline(daily: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = daily.iter().copied().max().unwrap_or(0).max(1);
    daily
        .iter()
        .map(|&n| match n {
            0 => ' ',
            n => BARS[(n.saturating_mul(8).div_ceil(max)).clamp(1, 8) as usize - 1],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn sparkline_scales_to_the_largest_day_and_leaves_empty_days_blank() {
        assert_eq!(sparkline(&[0, 1, 2, 4, 8]), " ▁▂▄█");
        assert_eq!(sparkline(&[3, 3]), "██");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[0, 0]), "  ");
    }
}
