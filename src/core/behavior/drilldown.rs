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

/// Calls per path, sorted by path with every path once (the order a `BTreeMap` of the paths would give).
type Counted = Vec<(Path, (u64, u64))>;

/// `v` sorted by path, the counts of equal paths added up. Sorting one vector is several times faster than a
/// `BTreeMap` insert per key when a scope holds hundreds of thousands of distinct keys.
fn merged(mut v: Counted) -> Counted {
    v.sort_unstable_by_key(|x| x.0);
    v.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1.0 += later.1.0;
            kept.1.1 += later.1.1;
        }
        same
    });
    v
}

fn tree(counts: Counted, depth: usize, name: &Namer) -> Vec<DrillNode> {
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
    let items = merged(counts);
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

/// Calls in scope per drill-down key ([`super::index::Combo`]): (successful, failed).
fn count_keys(sel: &Selection, ix: &BehaviorIndex, scope: Scope) -> HashMap<u32, (u64, u64)> {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let mut counts: HashMap<u32, (u64, u64)> = HashMap::new();
    for part in sel.window(lo, hi) {
        part.for_each(ix, |_, r| {
            let c = counts.entry(r.combo).or_default();
            if r.failed() {
                c.1 += 1;
            } else {
                c.0 += 1;
            }
        });
    }
    counts
}

/// The scope's four drill-down trees. Calls are counted per drill-down key first, so the trees are built from the
/// distinct keys in scope, not from every event (`core::behavior::index`).
pub fn drilldowns(sel: &Selection, store: &Store, ix: &BehaviorIndex, geo: &GeoDb, scope: Scope) -> Drilldowns {
    let counted = count_keys(sel, ix, scope);
    let mut by_ip: Counted = Vec::with_capacity(counted.len());
    let mut by_api: Counted = Vec::with_capacity(counted.len());
    let mut by_key: Counted = Vec::with_capacity(counted.len());
    let mut by_res: Counted = Vec::with_capacity(counted.len());
    let mut ips: Vec<Sym> = Vec::new();
    for (combo, n) in counted {
        let Some(k) = ix.combos.get(combo as usize) else {
            continue;
        };
        let Some(id) = store.identities.get(k.identity as usize) else {
            continue;
        };
        let key = id.access_key_id.0;
        let caller = [id.access_key_id, id.arn, id.principal_id, id.invoked_by]
            .into_iter()
            .find(|s| s.is_some())
            .unwrap_or(Sym::NONE)
            .0;
        let src = ix.apis.get(k.api as usize).map_or(Sym::NONE, |a| a.0).0;
        let (ip, api) = (k.source_ip.0, k.api);
        ips.push(k.source_ip);
        by_ip.push(([ip, api, caller, 0], n));
        by_api.push(([src, api, ip, key], n));
        by_key.push(([key, ip, api, 0], n));
        by_res.push(([k.resource.0, ip, api, 0], n));
    }
    ips.sort_unstable();
    ips.dedup();
    // Names are made once per address and API in scope and cloned into the nodes: a busy scope's trees repeat
    // each address and API in hundreds of thousands of nodes.
    let text = |s: u32, none: &str| store.strings.opt(Sym(s)).unwrap_or(none).to_string();
    let ip_names: HashMap<u32, (String, Option<String>)> = ips
        .into_iter()
        .map(|s| {
            let label = s.is_some().then(|| {
                let info = geo.lookup(store.s(s));
                match &info.place {
                    Some(p) => place_label(p),
                    None => info.class.label(),
                }
            });
            (s.0, (text(s.0, "(no source address)"), label))
        })
        .collect();
    let ip_node = |s: u32| match ip_names.get(&s) {
        Some(n) => n.clone(),
        None => (text(s, "(no source address)"), None),
    };
    let api_names: Vec<(String, String)> = ix
        .apis
        .iter()
        .map(|&(src, name)| {
            let name = store.s(name);
            (format!("{}:{name}", service_of(store.s(src))), name.to_string())
        })
        .collect();
    let api_full = |a: u32| api_names.get(a as usize).map(|n| n.0.clone()).unwrap_or_default();
    let api_name = |a: u32| api_names.get(a as usize).map(|n| n.1.clone()).unwrap_or_default();
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
