//! The Policy tab of a profile view, from `core::policy`: the least-privilege policy of the profile's successful
//! calls in the scope (a panel with the counts and the policy JSON), over a table of the used actions, each
//! followed by its events (Enter pivots to the raw record), then the calls left unmapped and those that need no
//! permission. Recomputed with the scope like every tab.

use super::ViewCtx;
use super::behavior::profile_of;
use crate::core::behavior::{self, BehaviorIndex};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::policy::PolicyReport;
use crate::core::policy::generate::resource_patterns;
use crate::core::policy::report::report_of;
use crate::core::policy::usage::{OtherCall, usage};
use crate::core::time::{Scope, rfc3339};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};

/// Events listed under each action; the rest are counted (the Events tab lists them all).
pub const EVENTS_PER_ACTION: usize = 20;

/// The report and its table for a profile view in `scope`.
pub fn compute(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    spec: &ViewSpec,
    scope: Scope,
) -> Result<(PolicyReport, StaticRows), String> {
    let p = profile_of(spec).ok_or("not a profile")?;
    let sel = behavior::select(&p, store, graph, ix).map_err(|e| e.to_string())?;
    let u = usage(&sel, store, graph, ix, scope);
    let mut rows = Vec::new();
    for a in &u.actions {
        rows.push(
            StaticRow::new(vec![
                clean(&a.action).into_owned(),
                a.calls.to_string(),
                clean(&resource_patterns(a).join(" ")).into_owned(),
            ])
            .style(0, Slot::Title)
            .number(1, a.calls as f64),
        );
        event_rows(store, &a.events, &mut rows);
    }
    let others = |title: &str, list: &[OtherCall], slot: Slot, rows: &mut Vec<StaticRow>| {
        if list.is_empty() {
            return;
        }
        rows.push(StaticRow::new(vec![title.to_owned(), String::new(), String::new()]).style(0, Slot::TextDim));
        for c in list {
            let why = c
                .reason
                .map(crate::core::policy::report::reason_label)
                .unwrap_or("no permission needed");
            rows.push(
                StaticRow::new(vec![
                    format!("{} {}", clean(&c.event_source), clean(&c.event_name)),
                    c.calls.to_string(),
                    why.to_owned(),
                ])
                .style(0, slot)
                .number(1, c.calls as f64),
            );
            event_rows(store, &c.events, rows);
        }
    };
    others(
        "unmapped calls (not in the policy)",
        &u.unmapped,
        Slot::StatusWarning,
        &mut rows,
    );
    others(
        "calls that need no permission",
        &u.no_permission,
        Slot::TextDim,
        &mut rows,
    );
    let report = report_of(&sel, &u, None);
    Ok((
        report,
        StaticRows {
            columns: vec![
                col("Action / event", Percentage(45)),
                col("Calls", Length(7)),
                col("Resources", Fill(1)),
            ],
            rows,
        },
    ))
}

/// An action's (or call's) events as indented rows pivoting to the raw record.
fn event_rows(store: &Store, events: &[u32], rows: &mut Vec<StaticRow>) {
    for &i in events.iter().take(EVENTS_PER_ACTION) {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        rows.push(
            StaticRow::new(vec![
                format!("  └ {} {}", rfc3339(e.time), clean(store.s(e.event_name))),
                String::new(),
                clean(store.strings.opt(e.resource).unwrap_or("")).into_owned(),
            ])
            .target(Some(ViewSpec::Event(i as usize))),
        );
    }
    if events.len() > EVENTS_PER_ACTION {
        rows.push(
            StaticRow::new(vec![
                format!("  … {} more (Events tab)", events.len() - EVENTS_PER_ACTION),
                String::new(),
                String::new(),
            ])
            .style(0, Slot::TextDim),
        );
    }
}

/// The panel's lines: counts, principals, then the policy JSON (inert: every hazard escaped).
pub fn header(r: &PolicyReport) -> Vec<StyledLine> {
    let c = &r.counts;
    let mut lines = vec![
        StyledLine::kv(
            10,
            "calls",
            &format!(
                "{} mapped, {} no permission, {} unmapped; {} failed left out",
                c.mapped, c.no_permission, c.unmapped, c.failed
            ),
            Slot::Text,
        ),
        StyledLine::kv(10, "principals", &r.principals.join(", "), Slot::Text),
    ];
    let json = crate::core::text::json::to_string_pretty(&r.policy).unwrap_or_default();
    lines.extend(
        json.lines()
            .map(|l| StyledLine(vec![(clean(l).into_owned(), Some(Slot::TextAccent))])),
    );
    lines
}

/// The policy panel over the actions table.
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    let [top, list] = Layout::vertical([Percentage(45), Fill(1)]).areas(body);
    let title = match &ctx.model().policy {
        Some(Ok(r)) => {
            // A session's tab is about that session's own calls, not its identity's.
            let panel_title = match &r.profile.asked {
                Some(a) => format!("Policy of {a}'s own calls ({} characters)", r.policy_characters),
                None => format!(
                    "Policy of {} ({} characters)",
                    r.profile.description, r.policy_characters
                ),
            };
            super::panel(f, top, &header(r), ctx.theme, &panel_title);
            "Used actions and their events (Enter: raw record)".to_owned()
        }
        Some(Err(e)) => {
            super::panel(f, top, &[], ctx.theme, "Policy");
            format!("Policy unavailable: {}", clean(e))
        }
        None => Tab::Policy.label().to_string(),
    };
    super::draw_table(f, list, ctx, &title)
}
