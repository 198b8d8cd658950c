//! Detective's "details for scope time" under the API-volume chart: the scoped calls grouped three ways, each
//! three levels deep, with successful and failed counts — IP → API → caller; service → API → IP → key (shown as
//! service › API, IP, key); resource/key → IP → API. `d` cycles through them.

use super::events::{api_name, caller};
use crate::core::model::{Event, Store};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::layout::Constraint::{Fill, Length};
use std::collections::BTreeMap;

pub const NAMES: &[&str] = &["IP → API → caller", "API → IP → access key", "resource/key → IP → API"];

#[derive(Default)]
struct Node {
    ok: u64,
    failed: u64,
    children: BTreeMap<String, Node>,
}

#[derive(Clone, Copy)]
enum Level {
    Ip,
    Api,
    Caller,
    Key,
    ResourceOrKey,
}

fn value(store: &Store, e: &Event, l: Level) -> String {
    let key = || store.s(store.identity(e).access_key_id).to_string();
    match l {
        Level::Ip => store.s(e.source_ip).to_string(),
        Level::Api => api_name(store, e.event_source, e.event_name),
        Level::Caller => caller(store, e),
        Level::Key => key(),
        Level::ResourceOrKey => {
            if e.resource.is_some() {
                store.s(e.resource).to_string()
            } else {
                format!("key {}", key())
            }
        }
    }
}

fn target(l: Level, v: &str) -> Option<ViewSpec> {
    match l {
        Level::Ip => Some(ViewSpec::Ip(v.to_string())),
        Level::Key if v.starts_with("ASIA") => Some(ViewSpec::Session(v.to_string())),
        Level::Key if !v.is_empty() => Some(ViewSpec::AccessKey(v.to_string())),
        Level::ResourceOrKey => match v.strip_prefix("key ") {
            Some(k) if k.starts_with("ASIA") => Some(ViewSpec::Session(k.to_string())),
            Some(_) => None,
            None => Some(ViewSpec::Resource(v.to_string())),
        },
        _ => None,
    }
}

/// Drill-down `which` (index into [`NAMES`]) over the scoped events.
pub fn rows(store: &Store, items: &[u32], which: usize) -> StaticRows {
    let levels = match which % NAMES.len() {
        0 => [Level::Ip, Level::Api, Level::Caller],
        1 => [Level::Api, Level::Ip, Level::Key],
        _ => [Level::ResourceOrKey, Level::Ip, Level::Api],
    };
    let mut root = Node::default();
    for &i in items {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        let mut n = &mut root;
        for l in levels {
            n = n.children.entry(value(store, e, l)).or_default();
            if e.failed() {
                n.failed += 1;
            } else {
                n.ok += 1;
            }
        }
    }
    let mut rows = Vec::new();
    walk(&root, &levels, 0, &mut rows);
    StaticRows {
        columns: vec![
            col(NAMES[which % NAMES.len()], Fill(1)),
            col("Succeeded", Length(10)),
            col("Failed", Length(8)),
        ],
        rows,
    }
}

fn walk(n: &Node, levels: &[Level; 3], depth: usize, rows: &mut Vec<StaticRow>) {
    let mut kids: Vec<(&String, &Node)> = n.children.iter().collect();
    kids.sort_by_key(|(k, c)| (std::cmp::Reverse(c.ok + c.failed), (*k).clone()));
    for (k, c) in kids {
        let label = if k.is_empty() { "(none)" } else { k.as_str() };
        let indent = "  ".repeat(depth);
        let mark = if depth == 0 { "" } else { "└ " };
        let mut r = StaticRow::new(vec![
            format!("{indent}{mark}{}", clean(label)),
            c.ok.to_string(),
            c.failed.to_string(),
        ])
        .style(0, if depth == 0 { Slot::Title } else { Slot::Text })
        .target(target(levels[depth], k));
        if c.failed > 0 {
            r = r.style(2, Slot::StatusError);
        }
        rows.push(r);
        if depth + 1 < levels.len() {
            walk(c, levels, depth + 1, rows);
        }
    }
}
