//! One rule's hits: what the rule is (title, level, ATT&CK tags, id, file, author) and its numbers in the scope
//! (the findings list's, from `core::rules::tally`), above the events it hit — the events table with the Rules
//! column, Enter opening the raw record. A detection rule lists its shown hits; a correlation rule, every event of
//! the groups that fired. Opened from the findings list or by `:rule` on a view without an events table.

use super::ViewCtx;
use super::rule_hits::{hit_events, level_slot};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::rules::{self, Detections, RuleMeta};
use crate::core::time::{Scope, rfc3339};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean_max;
use crate::tui::theme::Slot;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

/// The rule with id `id`: a detection rule, else a correlation rule.
fn meta<'a>(d: &'a Detections, id: &str) -> Option<&'a RuleMeta> {
    let set = d.rules();
    (0..set.rule_count() as u32)
        .map(|r| set.rule(r))
        .chain((0..set.correlation_count() as u32).map(|c| set.correlation(c)))
        .find(|m| m.id == id)
}

/// The events rule `id` hit in `scope`, ascending.
pub fn events(store: &Store, d: &Detections, id: &str, scope: Scope) -> Vec<u32> {
    let mut hit = hit_events(d, id);
    hit.retain(|&e| store.events.get(e as usize).is_some_and(|ev| scope.contains(ev.time)));
    hit
}

/// The lines that describe one rule (also the event detail's, one block per rule that hit): level, title and
/// ATT&CK tags, then id, file and author.
pub fn describe(m: &RuleMeta) -> Vec<StyledLine> {
    let mut attack: Vec<String> = m.tactics.iter().map(ToString::to_string).collect();
    attack.extend(m.techniques.iter().map(ToString::to_string));
    let mut first = vec![
        (format!(" [{}] ", m.level), Some(level_slot(m.level))),
        (clean_max(&m.title, 200).into_owned(), Some(Slot::Title)),
    ];
    if !attack.is_empty() {
        first.push((
            format!("  {}", clean_max(&attack.join(" "), 200)),
            Some(Slot::TextAccent),
        ));
    }
    let mut second = format!("{} · {}", m.id, m.origin);
    if let Some(a) = m.author.as_deref().filter(|a| *a != "trailhound") {
        second.push_str(&format!(" · by {a}"));
    }
    vec![
        StyledLine(first),
        StyledLine(vec![(format!("   {}", clean_max(&second, 300)), Some(Slot::TextDim))]),
    ]
}

/// The panel above the events: the rule, and its numbers in the scope.
pub fn header(store: &Store, graph: &SessionGraph, d: &Detections, id: &str, scope: Scope) -> Vec<StyledLine> {
    let Some(m) = meta(d, id) else {
        return vec![StyledLine(vec![(
            format!(" no loaded rule has id {}", clean_max(id, 80)),
            Some(Slot::StatusError),
        )])];
    };
    let mut lines = describe(m);
    let scoped = (scope != Scope::ALL).then_some(scope);
    let tally = rules::tally(store, graph, d, scoped);
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let line = match tally.iter().find(|t| d.rule(t.rule).id == id) {
        Some(t) => format!(
            " {} in scope · {}{} · {} · first {} · last {}",
            plural(t.events, "event", "events"),
            plural(t.origins, "origin", "origins"),
            if t.unattributed > 0 {
                format!(" (origin unknown for {})", t.unattributed)
            } else {
                String::new()
            },
            plural(t.session_identities, "session identity", "session identities"),
            rfc3339(t.first),
            rfc3339(t.last)
        ),
        None => {
            let fired = rules::correlations_in(store, d, scoped)
                .filter(|c| d.correlation_rule(c.correlation).id == id)
                .count();
            if fired > 0 {
                format!(
                    " correlation fired {} in scope (the events of every group below)",
                    plural(fired, "time", "times")
                )
            } else {
                " no hit in scope".to_string()
            }
        }
    };
    lines.push(StyledLine(vec![(line, Some(Slot::Text))]));
    lines
}

/// The rule above the events it hit.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let lines = ctx.model().header.len() as u16;
    let [top, rest] = Layout::vertical([Length((lines + 2).min(area.height / 2)), Fill(1)]).areas(area);
    super::panel(f, top, &ctx.model().header, ctx.theme, "Rule");
    super::draw_table(
        f,
        rest,
        ctx,
        &super::events::title("Events the rule hit in scope (Enter: raw record)", ctx),
    )
}

/// The event detail's rules: each rule that hit event `event` (highest level first), then the correlations it is
/// part of.
pub fn event_lines(store: &Store, graph: &SessionGraph, d: &Detections, event: u32) -> Vec<StyledLine> {
    let mut lines: Vec<StyledLine> = super::rule_hits::ranked(d, d.of_event(event))
        .into_iter()
        .flat_map(describe)
        .collect();
    for c in d.correlations_of_event(event) {
        let m = d.correlation_rule(c.correlation);
        let group = c.group_text(store, graph);
        lines.push(StyledLine(vec![
            (format!(" [{}] ", m.level), Some(level_slot(m.level))),
            (clean_max(&m.title, 200).into_owned(), Some(Slot::Title)),
            (" (correlation)".into(), Some(Slot::TextDim)),
        ]));
        lines.push(StyledLine::kv(
            8,
            "group",
            &format!(
                "{} · {} events {} .. {}",
                group,
                c.events.len(),
                rfc3339(c.first),
                rfc3339(c.last)
            ),
            Slot::Text,
        ));
        lines.push(StyledLine::kv(
            8,
            "rule",
            &format!("{} · {}", m.id, m.origin),
            Slot::Text,
        ));
    }
    lines
}
