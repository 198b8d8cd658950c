//! Detective's "details for scope time": the profile's calls in the scope as trees with success/failure counts.
//!
//! - `by_ip`: source address → API → caller (the access key, else the principal ARN / id);
//! - `by_api`: service → API → source address → access key;
//! - `by_access_key`: access key → source address → API, and `by_resource`: resource → source address → API.
//!
//! Trees are built on symbols and ordered, filtered and cut ([`DrillOptions`]: the CLI's `--sort` / `--filter` /
//! `--limit`, the TUI's limit) before any key is turned into a string, so a busy scope's answer costs what is kept:
//! a group is named when it is kept, or when its place in the order depends on its name (tied with the last group
//! kept). A level past the limit ends in one `(N more)` node with the calls of the groups it stands for.

use super::index::{BehaviorIndex, Combos};
use super::newbehavior::service_of;
use super::select::Selection;
use super::travel::place_label;
use crate::core::geo::GeoDb;
use crate::core::model::{Store, Sym};
use crate::core::time::Scope;
use hashbrown::HashMap;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BinaryHeap;

/// One node of a drill-down tree: calls grouped under a key (an address, an API, a key, a resource), with sub-groups.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct DrillNode {
    /// The group's key as shown (an address, `service:Api`, an access key, a resource); for the node that stands
    /// for the groups past the limit, `(N more)`.
    pub key: String,
    /// Extra words for people: the place or class of an address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Calls in the group that succeeded.
    pub success: u64,
    /// Calls in the group that failed (error code set).
    pub failure: u64,
    /// Set only on the last node of a level cut by [`DrillOptions::limit`]: how many groups it stands for (their
    /// calls are its counts, so a level's counts still add up to its parent's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<u64>,
    /// The next level of grouping (empty at the last level, and under a `more` node).
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

impl DrillSort {
    /// The order of two groups' counts (`(successful, failed)`) before their keys break the tie.
    fn counts(self, a: (u64, u64), b: (u64, u64)) -> std::cmp::Ordering {
        match self {
            DrillSort::Total => (b.0 + b.1).cmp(&(a.0 + a.1)),
            DrillSort::Success => b.0.cmp(&a.0),
            DrillSort::Failure => b.1.cmp(&a.1),
            DrillSort::Key => std::cmp::Ordering::Equal,
        }
    }
}

/// How the drill-down trees are ordered and cut: `volume --sort/--filter/--limit`, and the TUI's API volume tab
/// (its own limit). The default is every node, most calls first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrillOptions {
    /// The order of every level (and which groups a limit keeps).
    pub sort: DrillSort,
    /// Keep the nodes whose key or label contains this text (case-insensitive), with their ancestors (their counts
    /// unchanged) and, under a match, everything below it.
    pub filter: Option<String>,
    /// At most this many groups at the top and under any one node, in `sort`'s order; the rest become one last
    /// node saying how many they are, with their calls. `None` (or 0): no limit.
    pub limit: Option<usize>,
}

/// The limit `volume` and the TUI's API volume tab cut the trees at by default (`volume --limit`): a busy
/// account's whole tree over weeks is millions of rows nobody reads, and seconds to build.
pub const DRILL_LIMIT: usize = 100;

/// Path of symbol values or dense API ids, one per level (levels past `depth` are 0 and ignored).
type Path = [u32; 4];
/// A level's key and label for a value, borrowed from the store and the names made once per scope: ordering and
/// filtering compare them without allocating, and only kept nodes copy them.
type Namer<'a> = dyn Fn(usize, u32) -> (&'a str, Option<&'a str>) + Sync + 'a;

/// Calls per path, (successful, failed), sorted by path with every path once (the order a `BTreeMap` of the paths
/// would give). A path's calls are events, whose indices are `u32`: 24 bytes an item, not 32, for the sort to move.
type Counted = Vec<(Path, (u32, u32))>;

/// `v` sorted by path, the counts of equal paths added up. Sorting one vector is several times faster than a
/// `BTreeMap` insert per key when a scope holds hundreds of thousands of distinct keys.
fn merged(mut v: Counted) -> Counted {
    v.sort_unstable_by_key(|x| x.0);
    v.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1.0 = kept.1.0.saturating_add(later.1.0);
            kept.1.1 = kept.1.1.saturating_add(later.1.1);
        }
        same
    });
    v
}

/// One tree's build: its paths, how deep it is, how its keys are named and what the options keep.
struct Build<'a, 'n> {
    items: Counted,
    /// Per path (with a filter): does a node on it match? Paths with no match are below no kept node's match.
    kept: Vec<bool>,
    depth: usize,
    name: &'a Namer<'n>,
    opts: &'a DrillOptions,
    /// The filter, lower-cased.
    needle: Option<String>,
    /// Whether (level, value) matches the filter, each asked once.
    hits: std::cell::RefCell<HashMap<(usize, u32), bool>>,
}

/// The groups of one level under one node: a value, its range of paths, its calls.
struct Group {
    value: u32,
    range: std::ops::Range<usize>,
    counts: (u64, u64),
}

impl Build<'_, '_> {
    fn hit(&self, level: usize, value: u32) -> bool {
        let Some(needle) = &self.needle else {
            return true;
        };
        *self.hits.borrow_mut().entry((level, value)).or_insert_with(|| {
            let (key, label) = (self.name)(level, value);
            key.to_lowercase().contains(needle.as_str())
                || label.is_some_and(|l| l.to_lowercase().contains(needle.as_str()))
        })
    }

    /// The nodes of `level` over the paths in `range`; `matched`: an ancestor matched the filter.
    fn level(&self, range: std::ops::Range<usize>, level: usize, matched: bool) -> Vec<DrillNode> {
        let items = &self.items[range.clone()];
        let mut groups: Vec<Group> = Vec::new();
        let mut at = range.start;
        for chunk in items.chunk_by(|a, b| a.0[level] == b.0[level]) {
            let r = at..at + chunk.len();
            at = r.end;
            let value = chunk[0].0[level];
            // Without a match above or here, a group stays only if a match lies below it.
            if !matched && !self.hit(level, value) && !self.kept[r.clone()].iter().any(|&k| k) {
                continue;
            }
            let counts = chunk
                .iter()
                .fold((0, 0), |a, c| (a.0 + u64::from(c.1.0), a.1 + u64::from(c.1.1)));
            groups.push(Group {
                value,
                range: r,
                counts,
            });
        }
        let sort = self.opts.sort;
        let limit = self.opts.limit.filter(|&l| l > 0).unwrap_or(usize::MAX);
        // Past the limit, the counts of the last group kept (found without sorting) split the groups: those ranked
        // before it are kept, those after it are not, and those tied with it are named and kept by name for the
        // places left. Only tied groups are named for their place; the kept ones are sorted below.
        let rest = if groups.len() > limit {
            groups.select_nth_unstable_by(limit - 1, |a, b| sort.counts(a.counts, b.counts));
            let edge = groups[limit - 1].counts;
            let (better, others): (Vec<Group>, Vec<Group>) =
                groups.into_iter().partition(|g| sort.counts(g.counts, edge).is_lt());
            let (tied, mut rest): (Vec<Group>, Vec<Group>) =
                others.into_iter().partition(|g| sort.counts(g.counts, edge).is_eq());
            // Only the places left are taken from the tied groups, in name order. A busy scope's level can tie
            // millions of groups at one call: each is named once and compared with the last of the best so far
            // (a heap of at most `places`), neither sorted nor selected by comparing names with each other.
            let places = limit - better.len();
            let mut best: BinaryHeap<(&str, u32, usize)> = BinaryHeap::with_capacity(places + 1);
            for (i, g) in tied.iter().enumerate() {
                if places == 0 {
                    break;
                }
                let name = (self.name)(level, g.value).0;
                if best.len() < places {
                    best.push((name, g.value, i));
                } else if best.peek().is_some_and(|top| (name, g.value) < (top.0, top.1)) {
                    best.pop();
                    best.push((name, g.value, i));
                }
            }
            let mut chosen = vec![false; tied.len()];
            best.iter().for_each(|&(_, _, i)| chosen[i] = true);
            groups = better;
            for (g, keep) in tied.into_iter().zip(chosen) {
                if keep { groups.push(g) } else { rest.push(g) }
            }
            rest
        } else {
            Vec::new()
        };
        let mut nodes: Vec<DrillNode> = groups
            .into_iter()
            .map(|g| {
                let (key, label) = (self.name)(level, g.value);
                let here = matched || (self.needle.is_some() && self.hit(level, g.value));
                let children = if level + 1 < self.depth {
                    self.level(g.range, level + 1, here)
                } else {
                    Vec::new()
                };
                DrillNode {
                    key: key.to_string(),
                    label: label.map(str::to_string),
                    success: g.counts.0,
                    failure: g.counts.1,
                    more: None,
                    children,
                }
            })
            .collect();
        nodes.sort_by(|a, b| {
            sort.counts((a.success, a.failure), (b.success, b.failure))
                .then_with(|| a.key.cmp(&b.key))
        });
        if !rest.is_empty() {
            let (success, failure) = rest.iter().fold((0, 0), |a, g| (a.0 + g.counts.0, a.1 + g.counts.1));
            nodes.push(DrillNode {
                key: format!("({} more)", rest.len()),
                label: None,
                success,
                failure,
                more: Some(rest.len() as u64),
                children: Vec::new(),
            });
        }
        nodes
    }
}

fn tree<'n>(counts: Counted, depth: usize, name: &Namer<'n>, opts: &DrillOptions) -> Vec<DrillNode> {
    let items = merged(counts);
    let needle = opts.filter.as_ref().map(|f| f.to_lowercase());
    let mut b = Build {
        kept: Vec::new(),
        items,
        depth,
        name,
        opts,
        needle,
        hits: Default::default(),
    };
    if b.needle.is_some() {
        let kept = b
            .items
            .iter()
            .map(|(p, _)| (0..depth).any(|l| b.hit(l, p[l])))
            .collect();
        b.kept = kept;
    }
    let len = b.items.len();
    b.level(0..len, 0, false)
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

/// Calls in scope per drill-down key ([`super::index::Combo`]): (successful, failed), as (key, counts) pairs.
///
/// A scope with many calls for the number of keys (a busy account over weeks: millions of calls) counts into a
/// table indexed by the dense key id — no hashing, one pass — and collects the keys it touched; a small scope
/// counts into a hash map, so it never pays for a table the size of every key loaded.
fn count_keys(sel: &Selection, ix: &BehaviorIndex, combos: &Combos, scope: Scope) -> Vec<(u32, (u32, u32))> {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    let calls: usize = sel.window(lo, hi).map(|p| p.len()).sum();
    count_keys_into(sel, ix, combos, scope, calls >= combos.keys.len() / 8)
}

/// [`count_keys`] with the way of counting chosen: `dense`, the table indexed by key id.
fn count_keys_into(
    sel: &Selection,
    ix: &BehaviorIndex,
    combos: &Combos,
    scope: Scope,
    dense: bool,
) -> Vec<(u32, (u32, u32))> {
    let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
    // Counts of events, whose indices are `u32`.
    let add = |c: &mut (u32, u32), failed: bool| {
        if failed {
            c.1 = c.1.saturating_add(1);
        } else {
            c.0 = c.0.saturating_add(1);
        }
    };
    if dense {
        let mut table = vec![(0u32, 0u32); combos.keys.len()];
        for part in sel.window(lo, hi) {
            part.for_each_keyed(ix, combos, |k, r| {
                if let Some(c) = table.get_mut(k as usize) {
                    add(c, r.failed());
                }
            });
        }
        return table
            .into_iter()
            .enumerate()
            .filter(|(_, c)| c.0 > 0 || c.1 > 0)
            .map(|(k, c)| (k as u32, c))
            .collect();
    }
    let mut counts: HashMap<u32, (u32, u32)> = HashMap::new();
    for part in sel.window(lo, hi) {
        part.for_each_keyed(ix, combos, |k, r| add(counts.entry(k).or_default(), r.failed()));
    }
    counts.into_iter().collect()
}

/// One drill-down key in scope with its calls: the symbols and ids the four trees' paths are made of.
struct Parts {
    ip: u32,
    api: u32,
    /// The API's event source.
    source: u32,
    /// The caller's access key.
    key: u32,
    /// The caller as the by-address tree names it: its access key, else its ARN, principal id or invoking service.
    caller: u32,
    resource: u32,
    n: (u32, u32),
}

/// The scope's four drill-down trees. Calls are counted per drill-down key first, so the trees are built from the
/// distinct keys in scope, not from every event (`core::behavior::index`).
pub fn drilldowns(
    sel: &Selection,
    store: &Store,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    scope: Scope,
    opts: &DrillOptions,
) -> Drilldowns {
    let combos = ix.combos(store, sel.graph());
    let counted = count_keys(sel, ix, combos, scope);
    // What each key's paths are made of, looked up once per key (the caller's identity is a random access).
    let parts: Vec<Parts> = counted
        .par_iter()
        .filter_map(|&(combo, n)| {
            let k = combos.keys.get(combo as usize)?;
            let id = store.identities.get(k.identity as usize)?;
            let caller = [id.access_key_id, id.arn, id.principal_id, id.invoked_by]
                .into_iter()
                .find(|s| s.is_some())
                .unwrap_or(Sym::NONE);
            Some(Parts {
                ip: k.source_ip.0,
                api: k.api,
                source: ix.apis.get(k.api as usize).map_or(Sym::NONE, |a| a.0).0,
                key: id.access_key_id.0,
                caller: caller.0,
                resource: k.resource.0,
                n,
            })
        })
        .collect();
    drop(counted);
    let ips: hashbrown::HashSet<u32> = parts.iter().map(|p| p.ip).collect();
    // Keys and labels are made once per address and API in scope and borrowed by the trees: a busy scope's trees
    // repeat each address and API in hundreds of thousands of groups.
    let text = |s: u32, none: &'static str| store.strings.opt(Sym(s)).unwrap_or(none);
    let ip_names: HashMap<u32, (&str, Option<String>)> = ips
        .into_iter()
        .map(|s| {
            let label = (s != 0).then(|| {
                let info = geo.lookup(store.s(Sym(s)));
                match &info.place {
                    Some(p) => place_label(p),
                    None => info.class.label(),
                }
            });
            (s, (text(s, "(no source address)"), label))
        })
        .collect();
    let ip_node = |s: u32| match ip_names.get(&s) {
        Some((key, label)) => (*key, label.as_deref()),
        None => (text(s, "(no source address)"), None),
    };
    let api_names: Vec<(String, &str)> = ix
        .apis
        .iter()
        .map(|&(src, name)| {
            let name = store.s(name);
            (format!("{}:{name}", service_of(store.s(src))), name)
        })
        .collect();
    let api_full = |a: u32| api_names.get(a as usize).map_or("", |n| n.0.as_str());
    let api_name = |a: u32| api_names.get(a as usize).map_or("", |n| n.1);
    let ip_tree = |level: usize, s: u32| match level {
        0 => ip_node(s),
        1 => (api_full(s), None),
        _ => (text(s, "(unknown caller)"), None),
    };
    let api_tree = |level: usize, s: u32| match level {
        0 => {
            let source = text(s, "(no event source)");
            (service_of(source), Some(source))
        }
        1 => (api_name(s), None),
        2 => ip_node(s),
        _ => (text(s, "(no access key)"), None),
    };
    let key_tree = |level: usize, s: u32| match level {
        0 => (text(s, "(no access key)"), None),
        1 => ip_node(s),
        _ => (api_full(s), None),
    };
    let resource_tree = |level: usize, s: u32| match level {
        0 => (text(s, "(no resource)"), None),
        1 => ip_node(s),
        _ => (api_full(s), None),
    };
    let paths = |path: fn(&Parts) -> Path| -> Counted { parts.iter().map(|p| (path(p), p.n)).collect() };
    // The four trees are independent: built two at a time, each from its own paths (it sorts every distinct path
    // in scope).
    let ((by_ip, by_api), (by_access_key, by_resource)) = rayon::join(
        || {
            rayon::join(
                || tree(paths(|p| [p.ip, p.api, p.caller, 0]), 3, &ip_tree, opts),
                || tree(paths(|p| [p.source, p.api, p.ip, p.key]), 4, &api_tree, opts),
            )
        },
        || {
            rayon::join(
                || tree(paths(|p| [p.key, p.ip, p.api, 0]), 3, &key_tree, opts),
                || tree(paths(|p| [p.resource, p.ip, p.api, 0]), 3, &resource_tree, opts),
            )
        },
    );
    Drilldowns {
        by_ip,
        by_api,
        by_access_key,
        by_resource,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::behavior::{Profile, select};
    use crate::core::graph::SessionGraph;

    /// The table and the hash map count the same calls per key, for every account and session identity of a
    /// behaviour scenario, over all of it and over parts of it (the drill-down tests reach mostly the table); a
    /// session's keys read in session order are its events' keys, for windows that start inside it too.
    #[test]
    fn both_ways_of_counting_agree() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/behavior/spike.json.gz");
        let store = crate::core::ingest::load_paths(&[dir]);
        let graph = SessionGraph::build(&store);
        let ix = BehaviorIndex::build(&store, &graph);
        let (first, last) = (store.events[0].time, store.events[store.events.len() - 1].time);
        let mut profiles: Vec<Profile> = store
            .events
            .iter()
            .map(|e| Profile::Account {
                id: store.s(e.recipient_account).to_string(),
            })
            .collect();
        profiles.dedup();
        for id in &graph.identities {
            profiles.push(Profile::SessionIdentity {
                role_arn: store.s(id.role_arn).to_string(),
                session_name: store.s(id.session_name).to_string(),
            });
        }
        let (mut failed, mut windowed) = (0, 0);
        for p in &profiles {
            let Ok(sel) = select(p, &store, &graph, &ix) else {
                continue;
            };
            let combos = ix.combos(&store, &graph);
            // Over all, the last hour, and from the middle of a few sessions on (windows that cut a session).
            let mut scopes = vec![Scope::new(first, last + 1), Scope::new(last - 3600, last + 1)];
            for part in sel.parts.iter().filter(|p| p.len() > 2).take(3) {
                let t = store.events[part.events[part.len() / 2] as usize].time;
                scopes.push(Scope::new(t, last + 1));
            }
            for scope in scopes {
                // A session part's keys, read in session order from where its window starts, are its events' keys.
                for part in sel.window(ix.index_at(scope.from), ix.index_at(scope.to)) {
                    let mut keyed = Vec::new();
                    part.for_each_keyed(&ix, combos, |k, _| keyed.push(k));
                    let direct: Vec<u32> = part.events.iter().map(|&i| combos.of_event[i as usize]).collect();
                    assert_eq!(keyed, direct, "{p:?} {scope:?}");
                    let starts_inside = part.session_id().is_some_and(|s| {
                        part.events
                            .first()
                            .is_some_and(|&i| graph.session(s).events.first() != Some(&i))
                    });
                    windowed += usize::from(starts_inside);
                }
                let mut table = count_keys_into(&sel, &ix, combos, scope, true);
                let mut map = count_keys_into(&sel, &ix, combos, scope, false);
                table.sort_unstable();
                map.sort_unstable();
                assert_eq!(table, map, "{p:?} {scope:?}");
                failed += table.iter().map(|(_, c)| u64::from(c.1)).sum::<u64>();
            }
        }
        assert!(failed > 0, "failed calls are counted too");
        assert!(
            windowed > 0,
            "some session parts are windows that start inside the session"
        );
    }
}
