//! The volume drill-downs count calls per drill-down key and build their trees from the distinct keys
//! (`core::behavior::index::Combo`). Here every tree of every account, source address and session identity of the
//! behaviour scenarios (`tests/data/behavior/`) is compared, leaf by leaf, with the straightforward computation
//! written from the events' own fields, over whole-hour, ragged and all-data scopes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use trailhound::core::behavior::{self, BehaviorConfig, BehaviorIndex, DrillNode, Profile, VolumeReport};
use trailhound::core::geo::GeoDb;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::load_paths;
use trailhound::core::model::{Event, Store, Sym};
use trailhound::core::time::Scope;

type Leaves = BTreeMap<Vec<String>, (u64, u64)>;
/// Whether an event (by index) belongs to a profile.
type Member<'a> = Box<dyn Fn(u32) -> bool + 'a>;

/// Every leaf of a tree as its path of keys, with its counts; and every inner node must hold its children's sum.
fn leaves(nodes: &[DrillNode], path: &mut Vec<String>, out: &mut Leaves) {
    for n in nodes {
        path.push(n.key.clone());
        if n.children.is_empty() {
            let c = out.entry(path.clone()).or_default();
            c.0 += n.success;
            c.1 += n.failure;
        } else {
            let sum = n
                .children
                .iter()
                .fold((0, 0), |a, c| (a.0 + c.success, a.1 + c.failure));
            assert_eq!(sum, (n.success, n.failure), "node {path:?}");
            leaves(&n.children, path, out);
        }
        path.pop();
    }
}

fn flat(nodes: &[DrillNode]) -> Leaves {
    let mut out = Leaves::new();
    leaves(nodes, &mut Vec::new(), &mut out);
    out
}

/// The four trees' leaves computed from each event's fields, as README "volume" describes the trees.
fn expected(store: &Store, events: &[&Event]) -> [Leaves; 4] {
    let text = |s: Sym, none: &str| store.strings.opt(s).unwrap_or(none).to_string();
    let service = |e: &Event| {
        let src = text(e.event_source, "(no event source)");
        src.strip_suffix(".amazonaws.com").unwrap_or(&src).to_string()
    };
    let mut trees: [Leaves; 4] = Default::default();
    for e in events {
        let id = store.identity(e);
        let ip = text(e.source_ip, "(no source address)");
        let api = format!("{}:{}", service(e), store.s(e.event_name));
        let key = text(id.access_key_id, "(no access key)");
        let caller = [id.access_key_id, id.arn, id.principal_id, id.invoked_by]
            .into_iter()
            .find(|s| s.is_some())
            .map_or_else(|| "(unknown caller)".to_string(), |s| store.s(s).to_string());
        let paths = [
            vec![ip.clone(), api.clone(), caller],
            vec![service(e), store.s(e.event_name).to_string(), ip.clone(), key.clone()],
            vec![key, ip.clone(), api.clone()],
            vec![text(e.resource, "(no resource)"), ip, api],
        ];
        for (tree, path) in trees.iter_mut().zip(paths) {
            let c = tree.entry(path).or_default();
            if e.failed() {
                c.1 += 1;
            } else {
                c.0 += 1;
            }
        }
    }
    trees
}

fn check(store: &Store, v: &VolumeReport, events: &[&Event], what: &str) {
    let want = expected(store, events);
    let got = [&v.by_ip, &v.by_api, &v.by_access_key, &v.by_resource].map(|t| flat(t));
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{what}: tree {k}");
    }
}

#[test]
fn drill_downs_counted_per_key_equal_the_per_event_computation() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior"));
    let geo = GeoDb::empty();
    let mut checked = 0;
    for file in [
        "spike.json.gz",
        "travel.json.gz",
        "continents.json.gz",
        "instance.json.gz",
        "training.json.gz",
    ] {
        let store = load_paths(&[dir.join(file)]);
        let graph = SessionGraph::build(&store);
        let ix = BehaviorIndex::build(&store, &graph);
        let (first, last) = (store.events[0].time, store.events[store.events.len() - 1].time);
        let scopes = [
            Scope::new(first, last + 1),
            Scope::parse("2026-11-05T14:00:00Z..2026-11-05T15:00:00Z").unwrap(),
            Scope::parse("2026-11-05T14:07:13Z..2026-11-05T14:41:59Z").unwrap(),
            Scope::new(first + (last - first) / 3, last - (last - first) / 3),
        ];
        // Profiles with a definition independent of the index: by account, by address, by session identity.
        let mut profiles: Vec<(Profile, Member)> = Vec::new();
        let events_of = &store.events;
        let mut accounts: Vec<Sym> = store.events.iter().map(|e| e.recipient_account).collect();
        let mut ips: Vec<Sym> = store.events.iter().map(|e| e.source_ip).collect();
        for v in [&mut accounts, &mut ips] {
            v.sort_unstable();
            v.dedup();
            v.retain(|s| s.is_some());
        }
        for &a in &accounts {
            let p = Profile::Account {
                id: store.s(a).to_string(),
            };
            profiles.push((p, Box::new(move |i| events_of[i as usize].recipient_account == a)));
        }
        for &a in &ips {
            let p = Profile::Ip {
                addr: store.s(a).to_string(),
            };
            profiles.push((p, Box::new(move |i| events_of[i as usize].source_ip == a)));
        }
        for id in &graph.identities {
            let mut events: Vec<u32> = id
                .sessions
                .iter()
                .flat_map(|&s| graph.session(s).events.clone())
                .collect();
            events.sort_unstable();
            let p = Profile::SessionIdentity {
                role_arn: store.s(id.role_arn).to_string(),
                session_name: store.s(id.session_name).to_string(),
            };
            profiles.push((p, Box::new(move |i| events.binary_search(&i).is_ok())));
        }
        for (p, member) in &profiles {
            let Ok(sel) = behavior::select(p, &store, &graph, &ix) else {
                continue;
            };
            for &scope in &scopes {
                let events: Vec<&Event> = (0..store.events.len() as u32)
                    .filter(|&i| member(i))
                    .map(|i| &store.events[i as usize])
                    .filter(|e| scope.contains(e.time))
                    .collect();
                let v = behavior::volume(
                    &sel,
                    &store,
                    &ix,
                    &geo,
                    scope,
                    &BehaviorConfig::default(),
                    None,
                    &Default::default(),
                )
                .unwrap();
                check(&store, &v, &events, &format!("{file} {} {scope:?}", p.entity()));
                checked += usize::from(!events.is_empty());
            }
        }
    }
    // The scenarios hold calls in most of these scopes: the comparison is not vacuous.
    assert!(checked > 50, "{checked}");
}

/// A node of the cut tree as written from the leaves: key, (successful, failed), how many groups a `more` node
/// stands for, children.
#[derive(Debug, PartialEq)]
struct Cut {
    key: String,
    counts: (u64, u64),
    more: Option<u64>,
    children: Vec<Cut>,
}

fn cut_of(nodes: &[DrillNode]) -> Vec<Cut> {
    nodes
        .iter()
        .map(|n| Cut {
            key: n.key.clone(),
            counts: (n.success, n.failure),
            more: n.more,
            children: cut_of(&n.children),
        })
        .collect()
}

/// The tree README "volume --limit" describes, from the per-event leaves: under `prefix`, the groups of the next
/// key ordered by `sort` (then by key), the first `limit` kept, the rest summed into one `(N more)` node.
fn cut_from_leaves(
    leaves: &Leaves,
    prefix: &[String],
    depth: usize,
    sort: behavior::DrillSort,
    limit: usize,
) -> Vec<Cut> {
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (path, c) in leaves.iter().filter(|(p, _)| p.starts_with(prefix)) {
        let g = groups.entry(path[prefix.len()].clone()).or_default();
        g.0 += c.0;
        g.1 += c.1;
    }
    let mut v: Vec<(String, (u64, u64))> = groups.into_iter().collect();
    v.sort_by(|a, b| {
        let by = match sort {
            behavior::DrillSort::Total => (b.1.0 + b.1.1).cmp(&(a.1.0 + a.1.1)),
            behavior::DrillSort::Success => b.1.0.cmp(&a.1.0),
            behavior::DrillSort::Failure => b.1.1.cmp(&a.1.1),
            behavior::DrillSort::Key => std::cmp::Ordering::Equal,
        };
        by.then_with(|| a.0.cmp(&b.0))
    });
    let rest = if v.len() > limit {
        v.split_off(limit)
    } else {
        Vec::new()
    };
    let mut out: Vec<Cut> = v
        .into_iter()
        .map(|(key, counts)| {
            let mut below = prefix.to_vec();
            below.push(key.clone());
            let children = if below.len() < depth {
                cut_from_leaves(leaves, &below, depth, sort, limit)
            } else {
                Vec::new()
            };
            Cut {
                key,
                counts,
                more: None,
                children,
            }
        })
        .collect();
    if !rest.is_empty() {
        out.push(Cut {
            key: format!("({} more)", rest.len()),
            counts: rest.iter().fold((0, 0), |a, r| (a.0 + r.1.0, a.1 + r.1.1)),
            more: Some(rest.len() as u64),
            children: Vec::new(),
        });
    }
    out
}

/// `--limit` keeps, at every level, exactly the first groups of the whole tree's order (ties broken by key, so
/// which of equal groups are kept never depends on the build), and the `(N more)` node holds the calls of the rest.
#[test]
fn a_limited_tree_is_the_whole_tree_cut_at_every_level() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior"));
    let geo = GeoDb::empty();
    let mut cut_somewhere = 0;
    for file in [
        "spike.json.gz",
        "travel.json.gz",
        "continents.json.gz",
        "instance.json.gz",
    ] {
        let store = load_paths(&[dir.join(file)]);
        let graph = SessionGraph::build(&store);
        let ix = BehaviorIndex::build(&store, &graph);
        let (first, last) = (store.events[0].time, store.events[store.events.len() - 1].time);
        let scope = Scope::new(first, last + 1);
        let mut accounts: Vec<Sym> = store.events.iter().map(|e| e.recipient_account).collect();
        accounts.sort_unstable();
        accounts.dedup();
        accounts.retain(|s| s.is_some());
        for a in accounts {
            let p = Profile::Account {
                id: store.s(a).to_string(),
            };
            let sel = behavior::select(&p, &store, &graph, &ix).unwrap();
            let events: Vec<&Event> = store.events.iter().filter(|e| e.recipient_account == a).collect();
            let leaves = expected(&store, &events);
            for sort in [
                behavior::DrillSort::Total,
                behavior::DrillSort::Success,
                behavior::DrillSort::Failure,
                behavior::DrillSort::Key,
            ] {
                for limit in [1, 2, 3, 7] {
                    let drill = behavior::DrillOptions {
                        sort,
                        filter: None,
                        limit: Some(limit),
                    };
                    let v = behavior::volume(&sel, &store, &ix, &geo, scope, &BehaviorConfig::default(), None, &drill)
                        .unwrap();
                    let got = [&v.by_ip, &v.by_api, &v.by_access_key, &v.by_resource].map(|t| cut_of(t));
                    for (k, (g, depth)) in got.iter().zip([3, 4, 3, 3]).enumerate() {
                        let want = cut_from_leaves(&leaves[k], &[], depth, sort, limit);
                        assert_eq!(g, &want, "{file} account {} tree {k} {sort} limit {limit}", store.s(a));
                        cut_somewhere += usize::from(g.iter().any(|n| n.more.is_some()));
                    }
                }
            }
        }
    }
    // The scenarios have levels wider than the limits: the cut is exercised, not vacuous.
    assert!(cut_somewhere > 20, "{cut_somewhere}");
}
