//! Detective's "details for scope time": the profile's calls in the scope as trees with success/failure counts.
//!
//! - `by_ip`: source address → API → caller (the access key, else the principal ARN / id);
//! - `by_api`: service → API → source address → access key;
//! - `by_access_key`: access key → source address → API, and `by_resource`: resource → source address → API.
//!
//! Trees are built on symbols and turned into strings once; [`sort_tree`] and [`filter_tree`] serve the CLI's
//! `--sort` / `--filter` and the TUI's table.

use super::index::BehaviorIndex;
use super::newbehavior::service_of;
use super::select::Selection;
use super::travel::place_label;
use crate::core::geo::GeoDb;
use crate::core::model::{Store, Sym};
use crate::core::time::Scope;
use hashbrown::HashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// One node of a drill-down tree: calls grouped under a key (an address, an API, a key, a resource), with sub-groups.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct DrillNode {
    /// The group's key as shown (an address, `service:Api`, an access key, a resource).
    pub key: String,
    /// Extra words for people: the place or class of an address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Calls in the group that succeeded.
    pub success: u64,
    /// Calls in the group that failed (error code set).
    pub failure: u64,
    /// The next level of grouping (empty at the last level).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<DrillNode>,
}

impl DrillNode {
    /// All calls in the group.
    pub fn total(&self) -> u64 {
        self.success + self.failure
    }
}

/// How drill-down levels are ordered; named on the command line `total` (or `count`), `success`, `failure` (or
/// `failed`), `key` (or `name`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, strum::Display, strum::EnumString, strum::IntoStaticStr)]
#[strum(parse_err_ty = crate::core::vocab::UnknownWord, parse_err_fn = unknown_sort)]
pub enum DrillSort {
    /// Most calls first (default).
    #[default]
    #[strum(to_string = "total", serialize = "count")]
    Total,
    /// Most successful calls first.
    #[strum(to_string = "success")]
    Success,
    /// Most failed calls first.
    #[strum(to_string = "failure", serialize = "failed")]
    Failure,
    /// Alphabetical.
    #[strum(to_string = "key", serialize = "name")]
    Key,
}

fn unknown_sort(s: &str) -> crate::core::vocab::UnknownWord {
    crate::core::vocab::UnknownWord::new("sort", s, "total, success, failure or key")
}

/// Sort every level of a tree.
pub fn sort_tree(nodes: &mut [DrillNode], by: DrillSort) {
    nodes.sort_by(|a, b| {
        let ord = match by {
            DrillSort::Total => b.total().cmp(&a.total()),
            DrillSort::Success => b.success.cmp(&a.success),
            DrillSort::Failure => b.failure.cmp(&a.failure),
            DrillSort::Key => std::cmp::Ordering::Equal,
        };
        ord.then_with(|| a.key.cmp(&b.key))
    });
    for n in nodes {
        sort_tree(&mut n.children, by);
    }
}

/// Keep the nodes whose key or label contains `needle` (case-insensitive), with their ancestors and, under a
/// match, everything below it.
pub fn filter_tree(nodes: Vec<DrillNode>, needle: &str) -> Vec<DrillNode> {
    let needle = needle.to_lowercase();
    fn go(nodes: Vec<DrillNode>, needle: &str) -> Vec<DrillNode> {
        nodes
            .into_iter()
            .filter_map(|mut n| {
                let hit = n.key.to_lowercase().contains(needle)
                    || n.label.as_ref().is_some_and(|l| l.to_lowercase().contains(needle));
                if hit {
                    return Some(n);
                }
                n.children = go(std::mem::take(&mut n.children), needle);
                (!n.children.is_empty()).then_some(n)
            })
            .collect()
    }
    go(nodes, &needle)
}

/// Path of symbol values or dense API ids, one per level (levels past `depth` are 0 and ignored).
type Path = [u32; 4];
type Namer<'a> = dyn Fn(usize, u32) -> (String, Option<String>) + 'a;

fn tree(counts: BTreeMap<Path, (u64, u64)>, depth: usize, name: &Namer) -> Vec<DrillNode> {
    fn build(items: &[(Path, (u64, u64))], level: usize, depth: usize, name: &Namer) -> Vec<DrillNode> {
        items
            .chunk_by(|a, b| a.0[level] == b.0[level])
            .map(|group| {
                let (key, label) = name(level, group[0].0[level]);
                let success = group.iter().map(|g| g.1.0).sum();
                let failure = group.iter().map(|g| g.1.1).sum();
                let children = if level + 1 < depth {
                    build(group, level + 1, depth, name)
                } else {
                    Vec::new()
                };
                DrillNode {
                    key,
                    label,
                    success,
                    failure,
                    children,
                }
            })
            .collect()
    }
    let items: Vec<(Path, (u64, u64))> = counts.into_iter().collect();
    let mut out = build(&items, 0, depth, name);
    sort_tree(&mut out, DrillSort::Total);
    out
}

/// The scope's four drill-downs, as Detective's "details for scope time" shows them.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Drilldowns {
    /// Source IP → API → caller.
    pub by_ip: Vec<DrillNode>,
    /// API (grouped by service) → IP → access key.
    pub by_api: Vec<DrillNode>,
    /// Access key → IP → API.
    pub by_access_key: Vec<DrillNode>,
    /// Resource → IP → API.
    pub by_resource: Vec<DrillNode>,
}

impl Drilldowns {
    /// Order every level of every tree by `by`.
    pub fn sort(&mut self, by: DrillSort) {
        for t in [
            &mut self.by_ip,
            &mut self.by_api,
            &mut self.by_access_key,
            &mut self.by_resource,
        ] {
            sort_tree(t, by);
        }
    }
    /// Keep the nodes whose key or label contains `needle` (case-insensitive), with their ancestors and everything
    /// below a match.
    pub fn filter(self, needle: &str) -> Drilldowns {
        Drilldowns {
            by_ip: filter_tree(self.by_ip, needle),
            by_api: filter_tree(self.by_api, needle),
            by_access_key: filter_tree(self.by_access_key, needle),
            by_resource: filter_tree(self.by_resource, needle),
        }
    }
}

pub fn drilldowns(sel: &Selection, store: &Store, ix: &BehaviorIndex, geo: &GeoDb, scope: Scope) -> Drilldowns {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let mut by_ip: BTreeMap<Path, (u64, u64)> = BTreeMap::new();
    let mut by_api: BTreeMap<Path, (u64, u64)> = BTreeMap::new();
    let mut by_key: BTreeMap<Path, (u64, u64)> = BTreeMap::new();
    let mut by_res: BTreeMap<Path, (u64, u64)> = BTreeMap::new();
    let bump = |m: &mut BTreeMap<Path, (u64, u64)>, p: Path, failed: bool| {
        let c = m.entry(p).or_default();
        if failed {
            c.1 += 1;
        } else {
            c.0 += 1;
        }
    };
    let mut ips: Vec<Sym> = Vec::new();
    for part in sel.window(lo, hi) {
        for &i in part.events {
            let (Some(e), Some(r)) = (store.events.get(i as usize), ix.rows.get(i as usize)) else {
                continue;
            };
            let id = store.identity(e);
            let key = id.access_key_id.0;
            let caller = [id.access_key_id, id.arn, id.principal_id, id.invoked_by]
                .into_iter()
                .find(|s| s.is_some())
                .unwrap_or(Sym::NONE)
                .0;
            let (ip, src, api, f) = (e.source_ip.0, e.event_source.0, r.api_id(), e.failed());
            ips.push(e.source_ip);
            bump(&mut by_ip, [ip, api, caller, 0], f);
            bump(&mut by_api, [src, api, ip, key], f);
            bump(&mut by_key, [key, ip, api, 0], f);
            bump(&mut by_res, [e.resource.0, ip, api, 0], f);
        }
    }
    ips.sort_unstable();
    ips.dedup();
    let labels: HashMap<u32, String> = ips
        .into_iter()
        .filter(|s| s.is_some())
        .map(|s| {
            let info = geo.lookup(store.s(s));
            let label = match &info.place {
                Some(p) => place_label(p),
                None => info.class.label(),
            };
            (s.0, label)
        })
        .collect();
    let text = |s: u32, none: &str| store.strings.opt(Sym(s)).unwrap_or(none).to_string();
    let ip_node = |s: u32| (text(s, "(no source address)"), labels.get(&s).cloned());
    let api_full = |a: u32| match ix.apis.get(a as usize) {
        Some(&(src, name)) => format!("{}:{}", service_of(store.s(src)), store.s(name)),
        None => String::new(),
    };
    let api_name = |a: u32| match ix.apis.get(a as usize) {
        Some(&(_, name)) => store.s(name).to_string(),
        None => String::new(),
    };
    Drilldowns {
        by_ip: tree(by_ip, 3, &|level, s| match level {
            0 => ip_node(s),
            1 => (api_full(s), None),
            _ => (text(s, "(unknown caller)"), None),
        }),
        by_api: tree(by_api, 4, &|level, s| match level {
            0 => (
                service_of(&text(s, "(no event source)")).to_string(),
                Some(text(s, "(no event source)")),
            ),
            1 => (api_name(s), None),
            2 => ip_node(s),
            _ => (text(s, "(no access key)"), None),
        }),
        by_access_key: tree(by_key, 3, &|level, s| match level {
            0 => (text(s, "(no access key)"), None),
            1 => ip_node(s),
            _ => (api_full(s), None),
        }),
        by_resource: tree(by_res, 3, &|level, s| match level {
            0 => (text(s, "(no resource)"), None),
            1 => ip_node(s),
            _ => (api_full(s), None),
        }),
    }
}
