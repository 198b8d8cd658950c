//! The Events tab of every profile (and group, and a rule's hits): one row per scoped event, formatted only when on
//! screen; filtered and sorted on typed values (each distinct caller, API and interned string tested once), not on
//! formatted cells. The Rules column shows the rules that hit each event (`rule_hits`, cells computed with the
//! model); it and the Resource column give way first on a narrow terminal.

use super::ViewCtx;
use crate::core::model::{Event, IdentityType, Store, Sym};
use crate::core::time::rfc3339;
use crate::tui::app::Drawn;
use crate::tui::sanitize::clean;
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::theme::Slot;
use crate::tui::views::rule_hits::{EventRules, RuleCell, level_slot};
use crate::tui::widgets::table::{Column, Key, Needle, TableSource, col, optional};
use hashbrown::HashMap;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::Rect;
use std::borrow::Cow;

pub struct EventRows<'a> {
    pub store: &'a Store,
    pub items: &'a [u32],
    /// The Rules cells of `items` (computed with the model).
    pub rules: &'a EventRules,
}

/// The Rules column (index in [`COLUMNS`]).
const RULES: usize = 5;

/// At 120 columns the Rules column takes the room the Resource column had (an ARN cut after 19 cells says little);
/// the Resource column comes back on a wider terminal. At 80 both give way and the rest keeps its place.
const COLUMNS: &[Column] = &[
    col("Time (UTC)", Length(20)),
    col("API", Length(26)),
    col("Caller", Fill(2)),
    col("IP", Length(15)),
    col("Result", Length(12)),
    optional("Rules", Fill(2)),
    optional("Resource", Fill(1)),
];

/// Does this view's table list events (the Events tab, a rule's hits)? Those tables have the Rules column and
/// take the `:rule` filter.
pub fn lists_events(spec: &ViewSpec, tab: Option<Tab>) -> bool {
    tab == Some(Tab::Events) || matches!(spec, ViewSpec::Rule(_))
}

impl EventRows<'_> {
    fn rule_cell(&self, row: usize) -> Option<&RuleCell> {
        self.rules.get(*self.items.get(row)?)
    }
}

/// `service:Name` as IAM policies write it (`ec2:RunInstances`).
pub fn api_name(store: &Store, source: Sym, name: Sym) -> String {
    let src = store.s(source);
    let svc = src.strip_suffix(".amazonaws.com").unwrap_or(src);
    format!("{}:{}", svc, store.s(name))
}

/// A short caller label: `DemoRole1/sara` for a role session, the user name for IAM users, the service name…
pub fn caller(store: &Store, e: &Event) -> String {
    let id = store.identity(e);
    match id.kind {
        IdentityType::AssumedRole => {
            let arn = store.s(id.arn);
            match arn.split_once(":assumed-role/") {
                Some((_, rest)) => rest.to_string(),
                None => arn.to_string(),
            }
        }
        IdentityType::IamUser => format!("user/{}", store.s(id.user_name)),
        IdentityType::AwsService => store.s(id.invoked_by).to_string(),
        IdentityType::AwsAccount => format!("account {} ({})", store.s(id.account_id), store.s(id.principal_id)),
        IdentityType::Root => format!("root {}", store.s(id.account_id)),
        _ => {
            let arn = store.s(id.arn);
            if arn.is_empty() {
                format!("{} {}", id.kind, store.s(id.principal_id))
            } else {
                arn.to_string()
            }
        }
    }
}

impl TableSource for EventRows<'_> {
    fn columns(&self) -> &[Column] {
        COLUMNS
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    fn cell(&self, row: usize, c: usize) -> Cow<'_, str> {
        let Some(e) = self.items.get(row).and_then(|&i| self.store.events.get(i as usize)) else {
            return Cow::Borrowed("");
        };
        match c {
            0 => Cow::Owned(rfc3339(e.time)),
            1 => Cow::Owned(clean(&api_name(self.store, e.event_source, e.event_name)).into_owned()),
            2 => Cow::Owned(clean(&caller(self.store, e)).into_owned()),
            3 => clean(self.store.s(e.source_ip)),
            4 => {
                if e.failed() {
                    clean(self.store.s(e.error_code))
                } else {
                    Cow::Borrowed("ok")
                }
            }
            RULES => match self.rule_cell(row) {
                Some(r) => Cow::Borrowed(r.text.as_str()),
                None if self.rules.is_pending() => Cow::Borrowed(super::rule_hits::PENDING_CELL),
                None => Cow::Borrowed(""),
            },
            6 => clean(self.store.s(e.resource)),
            _ => Cow::Borrowed(""),
        }
    }
    fn style(&self, row: usize, c: usize) -> Option<Slot> {
        let e = self.store.events.get(*self.items.get(row)? as usize)?;
        match c {
            0 => Some(Slot::TextDim),
            RULES if self.rules.is_pending() => Some(Slot::TextDim),
            RULES => self.rule_cell(row).map(|r| level_slot(r.level)),
            4 if e.failed() => Some(Slot::StatusError),
            3 | 2 => Some(Slot::TextAccent),
            _ => None,
        }
    }
    fn key(&self, row: usize, c: usize) -> Key<'_> {
        let Some(e) = self.items.get(row).and_then(|&i| self.store.events.get(i as usize)) else {
            return Key::Empty;
        };
        fn text(s: Cow<'_, str>) -> Key<'_> {
            if s.is_empty() { Key::Empty } else { Key::Text(s) }
        }
        match c {
            0 => Key::Num(e.time as f64),
            1 => text(Cow::Owned(api_name(self.store, e.event_source, e.event_name))),
            2 => text(Cow::Owned(caller(self.store, e))),
            3 => text(Cow::Borrowed(self.store.s(e.source_ip))),
            4 if e.failed() => text(Cow::Borrowed(self.store.s(e.error_code))),
            4 => Key::Text(Cow::Borrowed("ok")),
            // As displayed (the sort agrees with the cells): events of the same top rule come together.
            RULES => match self.rule_cell(row) {
                Some(r) => Key::Text(Cow::Borrowed(r.text.as_str())),
                None => Key::Empty,
            },
            6 => text(Cow::Borrowed(self.store.s(e.resource))),
            _ => Key::Empty,
        }
    }
    /// Each distinct caller, API, IP, error and resource is tested once (events share them); only the time is
    /// formatted per row, and only when the needle could be part of a timestamp.
    fn matching(&self, needle: &Needle) -> Vec<u32> {
        let store = self.store;
        let mut by_sym: HashMap<Sym, bool> = HashMap::new();
        let mut sym = |s: Sym| *by_sym.entry(s).or_insert_with(|| needle.found_in(&clean(store.s(s))));
        // Identities are dense indices: a table, not a map (0: not tested yet, 1: no match, 2: match).
        let mut by_identity = vec![0u8; store.identities.len()];
        let mut by_api: HashMap<(Sym, Sym), bool> = HashMap::new();
        let ok = needle.found_in("ok");
        let timelike = needle.is_timelike();
        // Only the events rules hit have a Rules cell; each is tested once.
        let ruled: hashbrown::HashSet<u32> = self
            .rules
            .cells()
            .iter()
            .filter(|c| needle.found_in(&c.text))
            .map(|c| c.event)
            .collect();
        (0..self.items.len() as u32)
            .filter(|&row| {
                let Some(e) = self.items.get(row as usize).and_then(|&i| store.events.get(i as usize)) else {
                    return false;
                };
                (timelike && needle.found_in(&rfc3339(e.time)))
                    || *by_api
                        .entry((e.event_source, e.event_name))
                        .or_insert_with(|| needle.found_in(&clean(&api_name(store, e.event_source, e.event_name))))
                    || match by_identity.get_mut(e.identity as usize) {
                        Some(seen @ 0) => {
                            let hit = needle.found_in(&clean(&caller(store, e)));
                            *seen = 1 + hit as u8;
                            hit
                        }
                        Some(seen) => *seen == 2,
                        None => needle.found_in(&clean(&caller(store, e))),
                    }
                    || sym(e.source_ip)
                    || if e.failed() { sym(e.error_code) } else { ok }
                    || sym(e.resource)
                    || self.items.get(row as usize).is_some_and(|i| ruled.contains(i))
            })
            .collect()
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.items.get(row).map(|&i| ViewSpec::Event(i as usize))
    }
}

/// The Events tab: the scoped events (those a rule hit, under `:rule`).
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    super::draw_table(f, body, ctx, &title("Events in scope (Enter: raw record)", ctx))
}

/// A table title with the `:rule` filter named after it.
pub fn title(base: &str, ctx: &ViewCtx) -> String {
    match &ctx.frame().rule {
        Some(r) => format!("{base} · {}", r.label()),
        None => base.to_string(),
    }
}
