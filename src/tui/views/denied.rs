//! The Denied tab of a profile view, from `core::policy::denied` (what `trailhound denied` prints), kept in the
//! shared scope: a panel with the counts and bursts, and one table whose rows pivot — a policy type → action →
//! resource tree (Enter on an action opens its latest denied event, on a resource the resource), the sessions the
//! denials were signed with (Enter: the session), and the latest denied calls (Enter: the event, whose detail view
//! shows the explanation beside the raw record).
//!
//! ```text
//! ┌ denied: N of M calls · explicit · implicit · bursts ┐
//! └─────────────────────────────────────────────────────┘
//! ┌ Row │ Policy type → action → resource / call │ Denied │ Explicit │ Implicit │ Last (UTC) ┐
//! ```

use super::ViewCtx;
use super::behavior::profile_of;
use crate::core::behavior::{self, BehaviorIndex};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::policy::denied::{self, Counts, DeniedConfig, DeniedReport, DenyKind, Explanation, PolicyType};
use crate::core::time::Scope;
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

/// Denied calls listed one by one in the tab (the latest); the tree counts them all.
const CALLS_LISTED: usize = 200;

/// The profile's denied report in `scope`; `Err` when the view is not a profile or names nothing loaded.
pub fn report(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    spec: &ViewSpec,
    scope: Scope,
) -> Result<DeniedReport, String> {
    let p = profile_of(spec).ok_or("not a profile")?;
    let sel = behavior::select(&p, store, graph, ix).map_err(|e| e.to_string())?;
    let cfg = DeniedConfig {
        max_calls: CALLS_LISTED,
        ..Default::default()
    };
    Ok(denied::denied(&sel, store, graph, ix, scope, &cfg))
}

fn type_slot(t: PolicyType) -> Slot {
    match t {
        PolicyType::NotStated => Slot::PrincipalUnknown,
        PolicyType::ServiceControlPolicy | PolicyType::ResourceControlPolicy => Slot::SeverityHigh,
        _ => Slot::SeverityMedium,
    }
}

fn counted(kind: &str, what: String, c: &Counts) -> StaticRow {
    StaticRow::new(vec![
        kind.into(),
        what,
        c.denied.to_string(),
        c.explicit.to_string(),
        c.implicit.to_string(),
        c.last_seen.clone(),
    ])
    .number(2, c.denied as f64)
    .number(3, c.explicit as f64)
    .number(4, c.implicit as f64)
    .style(0, Slot::TextDim)
}

/// The panel above the table.
pub fn header(r: &Result<DeniedReport, String>) -> Vec<StyledLine> {
    let kv = |k: &str, v: String, slot: Slot| StyledLine::kv(12, k, &v, slot);
    let r = match r {
        Ok(r) => r,
        Err(e) => return vec![kv("denied", format!("not computed: {e}"), Slot::StatusWarning)],
    };
    let c = &r.counts;
    let mut lines = vec![kv(
        "denied",
        format!(
            "{} of {} calls in scope ({} explicit, {} implicit, {} not stated)",
            c.denied,
            r.calls_in_scope,
            c.explicit,
            c.implicit,
            c.denied - c.explicit - c.implicit
        ),
        if c.denied > 0 { Slot::StatusWarning } else { Slot::Text },
    )];
    let rule = format!(
        "≥ {} denials within {} minutes",
        r.rules.burst.min_denials, r.rules.burst.window_minutes
    );
    if r.bursts.is_empty() {
        lines.push(kv("bursts", format!("none ({rule})"), Slot::Text));
    }
    for b in &r.bursts {
        lines.push(kv(
            "burst",
            format!("{} denials {} → {} ({rule})", b.denials, b.first, b.last),
            Slot::SeverityHigh,
        ));
    }
    lines
}

/// The tab's table: the tree, the sessions, the latest calls.
pub fn rows(r: &Result<DeniedReport, String>) -> StaticRows {
    let columns = vec![
        col("Row", Length(10)),
        col("Policy type → action → resource / call", Fill(3)),
        col("Denied", Length(7)),
        col("Explicit", Length(8)),
        col("Implicit", Length(8)),
        col("Last (UTC)", Length(20)),
    ];
    let Ok(r) = r else {
        return StaticRows {
            columns,
            rows: Vec::new(),
        };
    };
    let mut rows = Vec::new();
    for t in &r.by_policy_type {
        rows.push(counted("type", t.label.to_string(), &t.counts).style(1, type_slot(t.policy_type)));
        for a in &t.actions {
            let action = match &a.action {
                Some(x) => clean(x).into_owned(),
                None => format!("(not stated) {} {}", clean(&a.event_source), clean(&a.event_name)),
            };
            rows.push(
                counted("action", format!("  {action}"), &a.counts)
                    .style(1, Slot::TextAccent)
                    .target(Some(ViewSpec::Event(a.counts.last_event as usize))),
            );
            for x in &a.resources {
                let (what, target) = match &x.resource {
                    Some(res) => (clean(res).into_owned(), Some(ViewSpec::Resource(res.clone()))),
                    None => (
                        "(not stated)".to_string(),
                        Some(ViewSpec::Event(x.counts.last_event as usize)),
                    ),
                };
                rows.push(counted("resource", format!("    {what}"), &x.counts).target(target));
            }
        }
    }
    // The sessions the listed denials were signed with.
    let mut sessions: Vec<(&str, u64, &str)> = Vec::new();
    for c in &r.calls {
        if let Some(k) = c.session.as_deref() {
            match sessions.iter_mut().find(|s| s.0 == k) {
                Some(s) => {
                    s.1 += 1;
                    s.2 = &c.time;
                }
                None => sessions.push((k, 1, &c.time)),
            }
        }
    }
    for (k, n, last) in sessions {
        rows.push(
            StaticRow::new(vec![
                "session".into(),
                clean(k).into_owned(),
                n.to_string(),
                String::new(),
                String::new(),
                last.to_string(),
            ])
            .number(2, n as f64)
            .style(0, Slot::TextDim)
            .style(1, Slot::TextAccent)
            .target(Some(ViewSpec::Session(k.to_string()))),
        );
    }
    for c in r.calls.iter().rev() {
        let e = &c.explanation;
        let what = format!(
            "{} {} · {} ({}) · {}",
            clean(&c.error_code),
            clean(e.action.as_deref().unwrap_or(&c.event_name)),
            e.policy_type.label(),
            e.deny,
            clean(c.resource_shown.as_deref().unwrap_or("(resource not stated)"))
        );
        rows.push(
            StaticRow::new(vec![
                "call".into(),
                what,
                String::new(),
                String::new(),
                String::new(),
                c.time.clone(),
            ])
            .style(0, Slot::TextDim)
            .target(Some(ViewSpec::Event(c.event as usize))),
        );
    }
    StaticRows { columns, rows }
}

/// The explanation of a denied event as panel lines (the event detail view shows them beside the raw record);
/// empty when the event is not a denied call.
pub fn explanation(store: &Store, i: usize) -> Vec<StyledLine> {
    let Some((form, ex)) = denied::explain_event(store, i) else {
        return Vec::new();
    };
    let kv = |k: &str, v: &str, slot: Slot| StyledLine::kv(11, k, v, slot);
    let Explanation {
        policy_type,
        deny,
        action,
        resource,
        policy_arn,
        principal,
        encoded,
    } = ex;
    let stated = |o: &Option<String>| o.clone().unwrap_or_else(|| "not stated".into());
    let mut lines = vec![
        kv("policy", policy_type.label(), type_slot(policy_type)),
        kv(
            "deny",
            deny.into(),
            if deny == DenyKind::Explicit {
                Slot::SeverityHigh
            } else {
                Slot::Text
            },
        ),
        kv("action", &stated(&action), Slot::TextAccent),
        kv("resource", &stated(&resource), Slot::Text),
        kv("policy ARN", &stated(&policy_arn), Slot::Text),
        kv("principal", &stated(&principal), Slot::Text),
        kv("message", form.into(), Slot::TextDim),
    ];
    if encoded {
        lines.push(kv(
            "encoded",
            "yes: aws sts decode-authorization-message",
            Slot::StatusWarning,
        ));
    }
    lines
}

/// The Denied tab: the panel and the table.
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    let model = ctx.model();
    let h = super::profile::details_height(model.header.len(), body);
    let [top, rest] = Layout::vertical([Length(h), Fill(1)]).areas(body);
    super::panel(f, top, &model.header, ctx.theme, "Denied calls in scope");
    super::draw_table(
        f,
        rest,
        ctx,
        "Policy type → action → resource, sessions, latest calls (Enter: event / resource / session)",
    )
}
