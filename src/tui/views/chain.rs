//! The chain graph: the tree from a session's origin through every assumption hop to this session and the
//! sessions it (and its ancestors) started, across accounts, with each link's confidence.
//!
//! Until `core::graph` lands this view links by the strongest rule only (DOMAIN.md §3, rule 1: the caller's
//! access key equals the key an assumption issued). Callers that no loaded assumption issued are shown as the
//! origin, described as the logs describe them — an account and principal id when that is all there is.

use crate::core::model::{IdentityType, Store, Sym};
use crate::core::time::rfc3339;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use crate::tui::widgets::tree::TreeNode;
use ratatui::layout::Constraint::{Fill, Length};
use std::collections::{HashMap, HashSet};

/// Hops followed up or down; chains deeper than this are cut (logs are hostile; no unbounded recursion).
const MAX_DEPTH: usize = 32;

pub struct ChainModel {
    pub nodes: Vec<TreeNode>,
    pub targets: Vec<Option<ViewSpec>>,
    /// Index of the node for the session the view was opened on.
    pub focus: usize,
}

pub fn build(store: &Store, key: &str) -> ChainModel {
    let mut m = ChainModel {
        nodes: Vec::new(),
        targets: Vec::new(),
        focus: 0,
    };
    let Some(k) = store.strings.get(key).filter(|s| s.is_some()) else {
        m.nodes.push(TreeNode {
            depth: 0,
            title: key.to_string(),
            title_slot: Slot::PrincipalUnknown,
            lines: vec![("no loaded event names this key".into(), Slot::TextDim)],
            edge: None,
        });
        m.targets.push(None);
        return m;
    };
    // assumption index by the key it issued; assumptions by the key that made them
    let mut issued: HashMap<Sym, usize> = HashMap::new();
    let mut started: HashMap<Sym, Vec<usize>> = HashMap::new();
    for (i, a) in store.assumptions.iter().enumerate() {
        if a.new_access_key.is_some() {
            issued.entry(a.new_access_key).or_insert(i);
        }
        if let Some(ev) = store.events.get(a.event as usize) {
            let caller = store.identity(ev).access_key_id;
            if caller.is_some() {
                started.entry(caller).or_default().push(i);
            }
        }
    }
    // Walk up to the top-most session issued by a loaded assumption.
    let mut top = k;
    let mut seen = HashSet::from([k]);
    for _ in 0..MAX_DEPTH {
        let Some(&a) = issued.get(&top) else { break };
        let Some(ev) = store.events.get(store.assumptions[a].event as usize) else {
            break;
        };
        let caller = store.identity(ev).access_key_id;
        if caller.is_none() || !issued.contains_key(&caller) || !seen.insert(caller) {
            break;
        }
        top = caller;
    }
    // The origin: whoever made the top session's assumption (or the key itself if nothing issued it).
    origin_node(store, issued.get(&top).copied(), top, &mut m);
    session_tree(store, top, 1, &issued, &started, &mut HashSet::new(), k, &mut m);
    m
}

fn origin_node(store: &Store, assumption: Option<usize>, top: Sym, m: &mut ChainModel) {
    let (title, slot, lines, target) = match assumption.and_then(|a| {
        let ev = store.events.get(store.assumptions[a].event as usize)?;
        Some((store.identity(ev), ev, &store.assumptions[a]))
    }) {
        None => (
            format!("key {}", store.s(top)),
            Slot::PrincipalUnknown,
            vec![(
                "origin unknown: the assumption that issued this key is not loaded".to_string(),
                Slot::PrincipalUnknown,
            )],
            None,
        ),
        Some((id, ev, a)) => {
            let mut lines = vec![(
                format!("{} · account {}", id.kind.as_str(), store.s(id.account_id)),
                Slot::TextDim,
            )];
            let (title, slot, target) = match id.kind {
                IdentityType::AwsAccount => {
                    let loaded = store.events.iter().any(|e| e.recipient_account == id.account_id);
                    lines.push((format!("principal {}", store.s(id.principal_id)), Slot::Text));
                    if !loaded {
                        lines.push(("logs of this account not loaded".into(), Slot::PrincipalUnknown));
                    }
                    (
                        format!("account {}", store.s(id.account_id)),
                        Slot::PrincipalExternal,
                        Some(ViewSpec::Account(store.s(id.account_id).to_string())),
                    )
                }
                IdentityType::AwsService => (store.s(id.invoked_by).to_string(), Slot::Title, None),
                _ if a.provider.is_some() && id.arn.is_none() => {
                    lines.push((format!("via {}", store.s(a.provider)), Slot::TextDim));
                    (format!("{} (federated)", store.s(a.session_name)), Slot::Title, None)
                }
                _ => {
                    let who = store
                        .s(if id.arn.is_some() { id.arn } else { id.principal_id })
                        .to_string();
                    // `arn:aws:iam::123:user/christophe` → `user/christophe` in the title, the ARN below it.
                    let short = who.splitn(6, ':').nth(5).unwrap_or(&who).to_string();
                    lines.push((who.clone(), Slot::TextAccent));
                    (short, Slot::Title, Some(ViewSpec::Principal(who)))
                }
            };
            lines.push((format!("from {}", store.s(ev.source_ip)), Slot::TextDim));
            (title, slot, lines, target)
        }
    };
    m.nodes.push(TreeNode {
        depth: 0,
        title,
        title_slot: slot,
        lines,
        edge: None,
    });
    m.targets.push(target);
}

#[allow(clippy::too_many_arguments)]
fn session_tree(
    store: &Store,
    key: Sym,
    depth: usize,
    issued: &HashMap<Sym, usize>,
    started: &HashMap<Sym, Vec<usize>>,
    seen: &mut HashSet<Sym>,
    focus: Sym,
    m: &mut ChainModel,
) {
    if depth > MAX_DEPTH || !seen.insert(key) {
        return;
    }
    let a = issued.get(&key).map(|&i| &store.assumptions[i]);
    let title = match a {
        Some(a) => {
            let role = store.s(a.role_arn);
            format!(
                "{}/{}",
                role.rsplit('/').next().unwrap_or(role),
                store.s(a.session_name)
            )
        }
        None => format!("key {}", store.s(key)),
    };
    let mut lines = vec![(store.s(key).to_string(), Slot::TextAccent)];
    let mut edge = None;
    if let Some(a) = a {
        let account = store.s(a.role_arn).split(':').nth(4).unwrap_or("").to_string();
        let when = store
            .events
            .get(a.event as usize)
            .map(|e| rfc3339(e.time))
            .unwrap_or_default();
        lines.push((format!("account {account} · {when}"), Slot::TextDim));
        edge = Some((
            format!("{} · exact access key", a.kind.as_str()),
            Slot::EdgeStrong,
            false,
        ));
    }
    if key == focus {
        m.focus = m.nodes.len();
    }
    m.nodes.push(TreeNode {
        depth,
        title,
        title_slot: if key == focus { Slot::BehaviorNew } else { Slot::Title },
        lines,
        edge,
    });
    m.targets.push(Some(ViewSpec::Session(store.s(key).to_string())));
    for &child in started.get(&key).map(|v| v.as_slice()).unwrap_or(&[]) {
        let ck = store.assumptions[child].new_access_key;
        if ck.is_some() {
            session_tree(store, ck, depth + 1, issued, started, seen, focus, m);
        }
    }
}

/// The chain's nodes as a table source (selection and Enter work like every other list).
pub fn rows(model: &ChainModel) -> StaticRows {
    StaticRows {
        columns: vec![col("Depth", Length(6)), col("Node", Fill(1))],
        rows: model
            .nodes
            .iter()
            .zip(&model.targets)
            .map(|(n, t)| StaticRow::new(vec![n.depth.to_string(), n.title.clone()]).target(t.clone()))
            .collect(),
    }
}
