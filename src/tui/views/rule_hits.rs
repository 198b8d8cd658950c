//! Rule hits wherever events appear (`core::rules`, README "Detections"): the Rules column of every events table,
//! the `:rule` filter's events, and what `:rule` accepts and completes. Hits are read from
//! `Dataset::detections()` (evaluated once per load) while the view model is computed ([`EventRules::of`],
//! [`hit_events`]); drawing only looks cells up. Rule titles and ids come from rule files — hostile input — and
//! are sanitised here, before they reach a cell, a header or the status line.

use crate::core::rules::{Detections, Hit, Level, RuleMeta};
use crate::tui::sanitize::{clean, clean_max};
use crate::tui::theme::Slot;

/// The `:rule` filter of an events table: the rule's id (what the filter matches) and its title (what the scope
/// bar and the table title show; sanitised when drawn).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleFilter {
    pub id: String,
    pub title: String,
}

impl RuleFilter {
    /// `rule: TITLE`, for the scope bar and the table title.
    pub fn label(&self) -> String {
        format!("rule: {}", clean_max(&self.title, 48))
    }
}

/// One event's Rules cell.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleCell {
    pub event: u32,
    /// `Title +N · T1098.003 T1078` (sanitised): the highest-level rule's title, how many more rules hit, and
    /// every ATT&CK technique of them all.
    pub text: String,
    /// The highest level among them (the cell's colour).
    pub level: Level,
}

/// The Rules cells of the events of one table, by event (events without hits have none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventRules {
    cells: Vec<RuleCell>,
    /// The rules are still being evaluated: an empty cell is not yet "no rule hit".
    pending: bool,
}

impl EventRules {
    /// The cells of `items`' events that rules hit.
    pub fn of(d: &Detections, items: &[u32]) -> EventRules {
        let mut cells: Vec<RuleCell> = items
            .iter()
            .filter_map(|&e| {
                let hits = d.of_event(e);
                let level = hits.iter().map(|h| d.rule(h.rule).level).max()?;
                Some(RuleCell {
                    event: e,
                    text: cell_text(d, hits),
                    level,
                })
            })
            .collect();
        cells.sort_by_key(|c| c.event);
        cells.dedup_by_key(|c| c.event);
        EventRules { cells, pending: false }
    }

    /// No cells yet: the rules are being evaluated in the background ([`Dataset::detections_ready`]).
    ///
    /// [`Dataset::detections_ready`]: crate::core::dataset::Dataset::detections_ready
    pub fn pending() -> EventRules {
        EventRules {
            cells: Vec::new(),
            pending: true,
        }
    }

    /// Are the rules still being evaluated (every cell says so instead of being empty)?
    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// The cell of event `event`, if rules hit it.
    pub fn get(&self, event: u32) -> Option<&RuleCell> {
        self.cells
            .binary_search_by_key(&event, |c| c.event)
            .ok()
            .map(|i| &self.cells[i])
    }

    /// Every cell, in event order.
    pub fn cells(&self) -> &[RuleCell] {
        &self.cells
    }
}

/// The rules of `hits`, highest level first (then by title).
pub fn ranked<'a>(d: &'a Detections, hits: &[Hit]) -> Vec<&'a RuleMeta> {
    let mut rules: Vec<&RuleMeta> = hits.iter().map(|h| d.rule(h.rule)).collect();
    rules.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.title.cmp(&b.title)));
    rules
}

/// `Title +N · T1098.003 T1078` for one event's hits (sanitised).
pub fn cell_text(d: &Detections, hits: &[Hit]) -> String {
    let rules = ranked(d, hits);
    let Some(first) = rules.first() else {
        return String::new();
    };
    let mut text = clean_max(&first.title, 80).into_owned();
    if rules.len() > 1 {
        text.push_str(&format!(" +{}", rules.len() - 1));
    }
    let mut techniques: Vec<String> = rules
        .iter()
        .flat_map(|r| r.techniques.iter().map(ToString::to_string))
        .collect();
    techniques.sort();
    techniques.dedup();
    if !techniques.is_empty() {
        text.push_str(" · ");
        text.push_str(&clean(&techniques.join(" ")));
    }
    text
}

/// The colour of a rule level (the findings' severity colours).
pub fn level_slot(l: Level) -> Slot {
    match l {
        Level::Informational => Slot::TextDim,
        Level::Low => Slot::SeverityLow,
        Level::Medium => Slot::SeverityMedium,
        Level::High => Slot::SeverityHigh,
        Level::Critical => Slot::SeverityCritical,
    }
}

/// The events (indices into `store.events`, ascending) a rule with id `id` hit: a detection rule's shown hits, or
/// every event of a correlation rule's groups.
pub fn hit_events(d: &Detections, id: &str) -> Vec<u32> {
    // The rules with that id (a user's rule may share a built-in's), looked up once rather than per hit.
    let rules: Vec<_> = d.rules_hit().iter().copied().filter(|&r| d.rule(r).id == id).collect();
    let mut out: Vec<u32> = d
        .hits()
        .iter()
        .filter(|h| rules.contains(&h.rule))
        .map(|h| h.event)
        .chain(
            d.correlations()
                .iter()
                .filter(|c| d.correlation_rule(c.correlation).id == id)
                .flat_map(|c| c.events.iter().copied()),
        )
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Keep the `items` a rule with id `id` hit.
pub fn retain_hit(d: &Detections, id: &str, items: &mut Vec<u32>) {
    let hit = hit_events(d, id);
    items.retain(|e| hit.binary_search(e).is_ok());
}

/// The rules `:rule` can name: detection rules with hits and correlation rules that fired (each once, by id).
fn candidates(d: &Detections) -> Vec<&RuleMeta> {
    let mut out: Vec<&RuleMeta> = d.rules_hit().iter().map(|&r| d.rule(r)).collect();
    for c in d.correlations() {
        let m = d.correlation_rule(c.correlation);
        if !out.iter().any(|o| o.id == m.id) {
            out.push(m);
        }
    }
    out
}

/// What stands for the rule hits while the rules are evaluated in the background (the findings list's header, an
/// event's Rules section): never an empty list that would read as "no rule hit".
pub fn pending_line() -> crate::tui::app::StyledLine {
    crate::tui::app::StyledLine(vec![(PENDING_TEXT.to_string(), Some(Slot::TextDim))])
}

/// The text of [`pending_line`].
pub const PENDING_TEXT: &str = " rules: being evaluated over what was loaded; their hits appear here when ready ";

/// The Rules cell of an event while the rules are evaluated.
pub const PENDING_CELL: &str = "evaluating…";

/// What `:rule ARG` names: a rule with hits whose id or title is `arg` (titles also ignoring case).
pub fn resolve(d: &Detections, arg: &str) -> Result<RuleFilter, String> {
    let rules = candidates(d);
    let found = rules
        .iter()
        .find(|r| r.id == arg)
        .or_else(|| rules.iter().find(|r| r.title == arg))
        .or_else(|| rules.iter().find(|r| r.title.to_lowercase() == arg.to_lowercase()));
    match found {
        Some(r) => Ok(RuleFilter {
            id: r.id.clone(),
            title: r.title.clone(),
        }),
        None => Err(format!(
            "no rule that hit is named {} (Tab completes rule titles and ids)",
            clean_max(arg, 60)
        )),
    }
}

/// What Tab offers after `:rule `: the titles and ids of the rules that hit, sorted, each once. Titles are
/// completed as written (a filter matches them exactly); the command line is sanitised when drawn.
pub fn completions(d: &Detections) -> Vec<String> {
    let mut out: Vec<String> = candidates(d)
        .iter()
        .flat_map(|r| [r.title.clone(), r.id.clone()])
        .collect();
    out.sort();
    out.dedup();
    out
}
