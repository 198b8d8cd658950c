//! The Investigation tab of a profile view, from `core::investigate` (what `trailhound investigate` prints, without
//! intel lists): a panel with the severity, the events looked at and what was not checked, and one table whose rows
//! pivot — techniques and their events (Enter: the event), flagged addresses (the address), travel and new places
//! (the address), new user agents (the user agent), related findings (the finding), recommended actions with their
//! command (the event that calls for it), and what could not be checked. The view's scope, else the hour of the
//! profile's last activity (the command's default).
//!
//! ```text
//! ┌ severity · events · not checked ┐
//! ┌ Row │ Indicator / action │ Count │ When (UTC) ┐
//! ```

use super::ViewCtx;
use super::behavior::profile_of;
use crate::core::behavior;
use crate::core::dataset::Dataset;
use crate::core::investigate::{self, Inputs, Investigation, SeverityLevel};
use crate::core::time::Scope;
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

/// The profile's investigation in `scope` (`Scope::ALL`: the hour of its last activity); `Err` when the view is
/// not a profile or names nothing loaded.
pub fn report(data: &Dataset, spec: &ViewSpec, scope: Scope) -> Result<Investigation, String> {
    let (store, graph, ix) = (data.store(), data.graph(), data.behavior());
    let p = profile_of(spec).ok_or("not a profile")?;
    let sel = behavior::select(&p, store, graph, ix).map_err(|e| e.to_string())?;
    let scope = if scope == Scope::ALL {
        investigate::default_scope(&sel, ix).ok_or("the profile has no events")?
    } else {
        scope
    };
    let inputs = Inputs {
        store,
        graph,
        ix,
        geo: data.geo(),
        detections: Some(data.detections()),
        intel: None,
    };
    Ok(investigate::investigate(&inputs, &sel, scope))
}

fn level_slot(l: SeverityLevel) -> Slot {
    match l {
        SeverityLevel::Critical | SeverityLevel::High => Slot::SeverityHigh,
        SeverityLevel::Medium => Slot::SeverityMedium,
        SeverityLevel::Low | SeverityLevel::None => Slot::Text,
    }
}

/// The panel above the table.
pub fn header(r: &Result<Investigation, String>) -> Vec<StyledLine> {
    let kv = |k: &str, v: String, slot: Slot| StyledLine::kv(12, k, &v, slot);
    let r = match r {
        Ok(r) => r,
        Err(e) => return vec![kv("severity", format!("not computed: {e}"), Slot::StatusWarning)],
    };
    let items = r.severity.lines.iter().filter(|l| l.points > 0).count();
    vec![
        kv(
            "severity",
            format!(
                "{} (score {} from {items} scored items; docs/investigate.md)",
                r.severity.level, r.severity.score
            ),
            level_slot(r.severity.level),
        ),
        kv("scope", format!("{} .. {}", r.scope.from, r.scope.to), Slot::Text),
        kv(
            "events",
            format!(
                "{} own, {} assumptions, {} down the chain",
                r.events.own, r.events.assumptions, r.events.chain
            ),
            Slot::Text,
        ),
        kv(
            "not checked",
            if r.not_checked.is_empty() {
                "nothing left out".to_string()
            } else {
                r.not_checked
                    .iter()
                    .map(|n| n.kind.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            if r.not_checked.is_empty() {
                Slot::Text
            } else {
                Slot::StatusWarning
            },
        ),
    ]
}

fn row(kind: &str, what: String, count: Option<u64>, when: &str) -> StaticRow {
    let mut r = StaticRow::new(vec![
        kind.into(),
        what,
        count.map(|c| c.to_string()).unwrap_or_default(),
        when.to_string(),
    ])
    .style(0, Slot::TextDim);
    if let Some(c) = count {
        r = r.number(2, c as f64);
    }
    r
}

/// The tab's table: indicators, actions, what was not checked.
pub fn rows(r: &Result<Investigation, String>) -> StaticRows {
    let columns = vec![
        col("Row", Length(12)),
        col("Indicator / action", Fill(3)),
        col("Count", Length(6)),
        col("When (UTC)", Length(20)),
    ];
    let Ok(r) = r else {
        return StaticRows {
            columns,
            rows: Vec::new(),
        };
    };
    let mut rows = Vec::new();
    for t in &r.techniques {
        let tactic = t.tactic.map_or("untagged".to_string(), |t| t.to_string());
        for x in &t.techniques {
            let id = x.technique.as_ref().map_or("untagged".to_string(), |t| t.to_string());
            let rules: Vec<String> = x
                .rules
                .iter()
                .map(|r| format!("{} ({})", clean(&r.title), r.level))
                .collect();
            let last = x.events.last();
            rows.push(
                row(
                    "technique",
                    format!("{tactic} / {id} · {}", rules.join("; ")),
                    Some(x.event_count as u64),
                    last.map_or("", |e| e.time.as_str()),
                )
                .style(1, Slot::SeverityHigh)
                .target(last.map(|e| ViewSpec::Event(e.event as usize))),
            );
            for e in x.events.iter().rev() {
                let failed = e
                    .error_code
                    .as_deref()
                    .map(|c| format!(" ({})", clean(c)))
                    .unwrap_or_default();
                rows.push(
                    row(
                        "  event",
                        format!(
                            "  {} {}{failed} · {}",
                            clean(&e.event_source),
                            clean(&e.event_name),
                            e.via
                        ),
                        None,
                        &e.time,
                    )
                    .target(Some(ViewSpec::Event(e.event as usize))),
                );
            }
        }
    }
    for f in &r.flagged_addresses {
        let mut on: Vec<String> = f
            .intel
            .iter()
            .map(|m| format!("{} ({})", clean(&m.label), m.entry))
            .collect();
        on.extend(f.guardduty.iter().map(|g| {
            format!(
                "GuardDuty list {}",
                g.threat_list_name.as_deref().map_or_else(|| "not named".into(), clean)
            )
        }));
        rows.push(
            row(
                "address",
                format!("{} · {}", clean(&f.ip), on.join("; ")),
                Some(f.calls),
                &f.last_seen,
            )
            .style(1, Slot::SeverityHigh)
            .target(Some(ViewSpec::Ip(f.ip.clone()))),
        );
    }
    for t in &r.impossible_travel {
        rows.push(
            row(
                "travel",
                format!(
                    "{} → {} · {:.0} km/h · {}",
                    clean(&t.start.ip),
                    clean(&t.end.ip),
                    t.speed_kmh,
                    clean(&t.origin)
                ),
                Some(t.occurrences),
                &t.end.time,
            )
            .style(1, Slot::SeverityHigh)
            .target(Some(ViewSpec::Ip(t.end.ip.clone()))),
        );
    }
    for g in &r.new_geolocations {
        rows.push(
            row(
                "new place",
                clean(&g.label).into_owned(),
                Some(g.scope_count),
                &g.first_seen,
            )
            .target(g.addresses.first().map(|a| ViewSpec::Ip(a.clone()))),
        );
    }
    for a in &r.new_asos {
        rows.push(
            row(
                "new AS",
                format!("AS{} {}", a.asn, clean(&a.org)),
                Some(a.scope_count),
                &a.first_seen,
            )
            .target(a.addresses.first().map(|x| ViewSpec::Ip(x.clone()))),
        );
    }
    for u in &r.new_user_agents {
        rows.push(
            row(
                "new agent",
                clean(&u.user_agent).into_owned(),
                Some(u.scope_count),
                &u.first_seen,
            )
            .target(Some(ViewSpec::UserAgent(u.user_agent.clone()))),
        );
    }
    for f in &r.related_findings {
        rows.push(
            row(
                "finding",
                format!(
                    "{} {} · {} {} · {} {}",
                    clean(&f.finding_type),
                    clean(&f.id),
                    f.severity.label,
                    f.severity.value,
                    f.relation,
                    clean(&f.on)
                ),
                None,
                "",
            )
            .style(1, Slot::TextAccent)
            .target(Some(ViewSpec::Finding(f.id.clone()))),
        );
    }
    for b in &r.denied.bursts {
        rows.push(row(
            "burst",
            format!("denied calls {} → {}", b.first, b.last),
            Some(b.denials),
            &b.last,
        ));
    }
    for a in &r.actions {
        let target = a.evidence.first().map(|e| ViewSpec::Event(e.event as usize));
        let when = a.evidence.first().map_or("", |e| e.time.as_str());
        rows.push(
            row("action", clean(&a.why).into_owned(), None, when)
                .style(1, Slot::TextAccent)
                .target(target.clone()),
        );
        let (text, slot) = match (&a.command, &a.not_prefilled) {
            (Some(c), _) => (format!("  $ {}", clean(c)), Slot::Text),
            (None, Some(why)) => (format!("  not prefilled: {}", clean(why)), Slot::StatusWarning),
            (None, None) => continue,
        };
        rows.push(row("", text, None, "").style(1, slot).target(target));
    }
    for n in &r.not_checked {
        rows.push(row("not checked", clean(&n.detail).into_owned(), None, "").style(1, Slot::StatusWarning));
    }
    StaticRows { columns, rows }
}

/// The Investigation tab: the panel and the table.
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    let model = ctx.model();
    let h = super::profile::details_height(model.header.len(), body);
    let [top, rest] = Layout::vertical([Length(h), Fill(1)]).areas(body);
    super::panel(f, top, &model.header, ctx.theme, "Investigation");
    super::draw_table(
        f,
        rest,
        ctx,
        "Techniques, addresses, places, findings, actions (Enter: event / address / finding)",
    )
}
