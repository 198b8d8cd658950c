//! One incident group (`core::groups`): the rule that made it, the group as a graph of its findings and the
//! entities they share (each shared entity drawn with the findings it joins), a timeline of the findings over the
//! group's window, and a table to pivot from (findings, shared entities, principals). Opening a group sets the
//! scope to its window; its Events tab lists the calls of all its principals in the scope — investigating a group
//! covers every principal in it. Lines and rows are computed with the model; `render` only draws.

use super::ViewCtx;
use super::findings::{severity_slot, source_label};
use crate::core::dataset::Dataset;
use crate::core::entity::EntityRef;
use crate::core::graph::SessionGraph;
use crate::core::groups::{DEFAULT_WINDOW_SECS, FindingGroup};
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::{clean, clean_max};
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

/// Width of a timeline bar, in cells.
const BAR: usize = 28;

/// The group holding finding `id`.
pub fn of<'a>(groups: &'a [FindingGroup], id: &str) -> Option<&'a FindingGroup> {
    groups.iter().find(|g| g.contains(id))
}

/// The window to scope to when the group of finding `id` is opened (`None`: no such group, or untimed).
pub fn scope(data: &Dataset, id: &str) -> Option<Scope> {
    of(data.groups(), id)
        .map(FindingGroup::scope)
        .filter(|s| *s != Scope::ALL)
}

fn hhmm(t: i64) -> String {
    let s = rfc3339(t);
    // `YYYY-MM-DDTHH:MM:SSZ` → `MM-DD HH:MM`.
    match (s.get(5..10), s.get(11..16)) {
        (Some(d), Some(h)) => format!("{d} {h}"),
        _ => s,
    }
}

/// The short label of member `i` (1-based, as the timeline numbers them).
fn tag(i: usize) -> String {
    format!("#{}", i + 1)
}

/// Summary, the timeline (one bar per finding over the group's window), then the graph of shared entities.
pub fn header(g: Option<&FindingGroup>, id: &str) -> Vec<StyledLine> {
    let Some(g) = g else {
        return vec![StyledLine(vec![(
            format!("no loaded finding has id {}", clean(id)),
            Some(Slot::StatusError),
        )])];
    };
    let t = |x: Option<i64>| x.map(rfc3339).unwrap_or_else(|| "?".into());
    let mut l = vec![StyledLine(vec![
        (
            format!("{} {:.1}", g.severity.label, g.severity.value),
            Some(severity_slot(g.severity.label)),
        ),
        (
            format!(
                " (highest member) · {} findings · {} → {}",
                g.findings.len(),
                t(g.from),
                t(g.to)
            ),
            Some(Slot::Text),
        ),
    ])];
    let pos = |m: usize| g.findings.iter().position(|f| f.id == g.findings[m].id).map(tag);
    let name = |fid: &str| {
        g.findings
            .iter()
            .position(|f| f.id == fid)
            .map(tag)
            .unwrap_or_else(|| "?".into())
    };
    let (from, to) = (g.from.unwrap_or(0), g.to.unwrap_or(0));
    let span = (to - from).max(1);
    let cell = |x: i64| (((x - from).clamp(0, span) as i128 * (BAR as i128 - 1)) / span as i128) as usize;
    for (i, m) in g.findings.iter().enumerate() {
        let bar = match (m.from, m.to) {
            (Some(a), Some(b)) => {
                let (a, b) = (cell(a), cell(b).max(cell(a)));
                format!("{}{}{}", "·".repeat(a), "█".repeat(b - a + 1), "·".repeat(BAR - 1 - b))
            }
            _ => "?".repeat(BAR),
        };
        l.push(StyledLine(vec![
            (
                format!(
                    " {:<3} {:<11} ",
                    pos(i).unwrap_or_default(),
                    m.from.map(hhmm).unwrap_or_else(|| "untimed".into())
                ),
                Some(Slot::TextDim),
            ),
            (bar, Some(severity_slot(m.severity.label))),
            (
                format!(" {:.1} ", m.severity.value),
                Some(severity_slot(m.severity.label)),
            ),
            (clean_max(&m.finding_type, 60).into_owned(), Some(Slot::Text)),
        ]));
    }
    // The graph: each shared entity with the findings it joins.
    for s in &g.shared {
        let members: Vec<String> = s.findings.iter().map(|f| name(f)).collect();
        l.push(StyledLine(vec![
            (format!(" ◆ {:<11}", s.kind.to_string()), Some(Slot::TextDim)),
            (
                clean_max(&s.entity.to_string(), 60).into_owned(),
                Some(Slot::TextAccent),
            ),
            (format!(" ── {}", members.join(" ── ")), Some(Slot::Text)),
        ]));
    }
    l
}

/// The panel title: the rule that made the group.
pub fn title(window_hours: i64) -> String {
    format!("Group rule: shared key/principal/chain/origin/resource/IP, ≤ {window_hours} h apart")
}

/// The table: the findings (→ finding), each join with the entity that made it, then every principal (→ profile).
pub fn rows(g: Option<&FindingGroup>) -> StaticRows {
    let columns = vec![
        col("Kind", Length(20)),
        col("Entity / finding", Fill(2)),
        col("Detail", Fill(1)),
    ];
    let Some(g) = g else {
        return StaticRows {
            columns,
            rows: Vec::new(),
        };
    };
    let name = |fid: &str| {
        g.findings
            .iter()
            .position(|f| f.id == fid)
            .map(tag)
            .unwrap_or_else(|| "?".into())
    };
    let mut rows: Vec<StaticRow> = g
        .findings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            StaticRow::new(vec![
                format!("{} {}", tag(i), source_label(m.source)),
                clean(&format!("{} {}", m.finding_type, m.id)).into_owned(),
                format!("{} {:.1}", m.severity.label, m.severity.value),
            ])
            .style(1, Slot::TextAccent)
            .style(2, severity_slot(m.severity.label))
            .target(Some(ViewSpec::Finding(m.id.clone())))
        })
        .collect();
    for j in &g.joins {
        let target = ViewSpec::from_entity(&j.entity);
        rows.push(
            StaticRow::new(vec![
                format!("joined by {}", j.kind),
                clean(&j.entity.to_string()).into_owned(),
                format!("{} ↔ {}", name(&j.a), name(&j.b)),
            ])
            .style(0, Slot::TextDim)
            .style(1, if target.is_some() { Slot::TextAccent } else { Slot::Text })
            .target(target),
        );
    }
    for p in &g.principals {
        let target = ViewSpec::from_entity(p);
        rows.push(
            StaticRow::new(vec![
                "principal".into(),
                clean(&p.to_string()).into_owned(),
                String::new(),
            ])
            .style(0, Slot::TextDim)
            .style(1, if target.is_some() { Slot::TextAccent } else { Slot::Text })
            .target(target),
        );
    }
    StaticRows { columns, rows }
}

/// The last row of a finding's entities: its incident group, to open (with the group's window as the scope).
pub fn pivot_row(g: &FindingGroup, id: &str) -> StaticRow {
    let others = g.findings.len().saturating_sub(1);
    StaticRow::new(vec![
        "incident group".into(),
        format!(
            "{} finding(s), {} {:.1}",
            g.findings.len(),
            g.severity.label,
            g.severity.value
        ),
        if others == 0 {
            "no other finding shares an entity with it".into()
        } else {
            format!("with {others} other finding(s) sharing its entities")
        },
    ])
    .style(0, Slot::TextDim)
    .style(1, severity_slot(g.severity.label))
    .target(Some(ViewSpec::Group(id.to_string())))
}

/// The calls of every principal of the group in `scope` (time order, each once). Accounts and roles are left
/// out: an account's view is every call made in it and a role's every session of it, far more than the
/// principal they stand for (the group's own sessions are there by key).
pub fn events(store: &Store, graph: &SessionGraph, g: Option<&FindingGroup>, scope: Scope) -> Vec<u32> {
    let Some(g) = g else { return Vec::new() };
    let mut out: Vec<u32> = g
        .principals
        .iter()
        .filter(|p| !matches!(p, EntityRef::Account(_) | EntityRef::Role(_)))
        .filter_map(ViewSpec::from_entity)
        .flat_map(|spec| super::select::events(store, graph, &spec, scope))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Tabs, then the graph and timeline over the pivot table, or the principals' events.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let [tabs_area, body] = Layout::vertical([Length(1), Fill(1)]).areas(area);
    super::render_tabs(f, tabs_area, ctx.spec().tabs(), ctx.frame().tab, ctx.theme);
    let mut drawn = match ctx.app.tab().unwrap_or(Tab::Overview) {
        Tab::Events => super::events::render(f, body, ctx),
        _ => {
            let lines = &ctx.model().header;
            let h = (lines.len() as u16 + 2).min(body.height / 2);
            let [top, rest] = Layout::vertical([Length(h), Fill(1)]).areas(body);
            super::panel(f, top, lines, ctx.theme, &title(DEFAULT_WINDOW_SECS / 3600));
            super::draw_table(
                f,
                rest,
                ctx,
                "Findings, joins and principals (Enter: open in the group's scope)",
            )
        }
    };
    drawn.hits.tabs = tabs_area;
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_shorten_to_day_and_minute() {
        assert_eq!(
            hhmm(crate::core::time::parse_epoch("2026-11-05T14:12:07Z").unwrap()),
            "11-05 14:12"
        );
    }

    #[test]
    fn a_missing_group_says_so() {
        let l = header(None, "\u{1b}[31mx");
        assert!(l[0].0[0].0.starts_with("no loaded finding"));
        assert!(!l[0].0[0].0.contains('\u{1b}'));
        assert!(rows(None).rows.is_empty());
    }
}
