//! The day summary (the landing view): `core::summary` for one UTC day drawn as a header of counts and one table
//! of sections — findings, principals with the most indicators, newly observed geolocations (each followed by the
//! principals that called from there), the busiest principals and roles with their 7-day sparkline, instance
//! credentials used from outside AWS. Every row pivots: findings to the finding, principals to their latest
//! session in the day (or the principal's profile), places to the address, roles to the role. `[` and `]` move by
//! a day. The summary is computed with the view model (on the model task), never while drawing.

use super::ViewCtx;
use crate::core::dataset::Dataset;
use crate::core::entity::EntityRef;
use crate::core::summary::{self, Day, PrincipalJson, Summary, SummaryConfig, sparkline};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

/// Principals listed under each new place.
const PLACE_PRINCIPALS: usize = 5;

/// The summary of `day` (`None`: the last day loaded); `None` when nothing is loaded.
pub fn compute(data: &Dataset, day: Option<Day>) -> Option<Summary> {
    summary::summarize(data, day, &SummaryConfig::default())
}

/// Where a principal pivots: its latest session in the day, else its profile.
fn principal_target(p: &PrincipalJson) -> Option<ViewSpec> {
    match &p.session {
        Some(k) => Some(ViewSpec::of_access_key(k)),
        None => ViewSpec::from_entity(&p.entity),
    }
}

/// Longest role name shown before the session name (Identity Center role names run past 50 characters, and the
/// session name — who — must survive a narrow terminal).
const ROLE_CHARS: usize = 24;

/// "role / session (account)" with a long role name shortened, or the origin's label.
fn principal_name(p: &PrincipalJson) -> String {
    let label = match &p.entity {
        EntityRef::Identity { role_arn, session_name } if !role_arn.is_empty() => {
            let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
            let role = if role.chars().count() > ROLE_CHARS {
                format!("{}…", role.chars().take(ROLE_CHARS - 1).collect::<String>())
            } else {
                role.to_string()
            };
            format!("{} / {}", clean(&role), clean(session_name))
        }
        _ => clean(&p.label).into_owned(),
    };
    match &p.account {
        Some(a) => format!("{label} ({})", clean(a)),
        None => label,
    }
}

fn section(name: &str, item: String, count: u64, detail: String) -> StaticRow {
    StaticRow::new(vec![name.into(), item, count.to_string(), detail])
        .number(2, count as f64)
        .style(0, Slot::TextDim)
}

fn none(name: &str, why: &str) -> StaticRow {
    StaticRow::new(vec![name.into(), why.into(), String::new(), String::new()])
        .style(0, Slot::TextDim)
        .style(1, Slot::TextDim)
}

/// The table: one block of rows per section, in the order the page reads.
pub fn rows(s: &Summary) -> StaticRows {
    let mut rows: Vec<StaticRow> = Vec::new();
    for f in &s.findings.findings {
        // The count column holds the severity band; it sorts by the severity number.
        let slot = super::findings::severity_slot(f.severity);
        rows.push(
            StaticRow::new(vec![
                "Finding".into(),
                clean(&f.finding_type).into_owned(),
                f.severity.to_string(),
                clean(&f.title).into_owned(),
            ])
            .number(2, f.severity_value)
            .style(0, Slot::TextDim)
            .style(1, slot)
            .style(2, slot)
            .target(Some(ViewSpec::Finding(f.id.clone()))),
        );
    }
    if s.findings.findings.is_empty() {
        rows.push(none("Finding", "no findings in the day"));
    }
    for r in &s.principals_with_indicators {
        let mut what: Vec<String> = Vec::new();
        what.extend(r.new_geolocations.iter().map(|g| format!("new place {}", clean(g))));
        if !r.impossible_travel.is_empty() {
            let t = &r.impossible_travel[0];
            what.push(format!(
                "impossible travel {} → {} ×{}",
                clean(&t.from_place),
                clean(&t.to_place),
                r.impossible_travel.len()
            ));
        }
        if !r.denied_bursts.is_empty() {
            let n: u64 = r.denied_bursts.iter().map(|b| b.denials).sum();
            what.push(format!("denied bursts ×{} ({n} denials)", r.denied_bursts.len()));
        }
        if !r.findings.is_empty() {
            what.push(format!("findings ×{}", r.findings.len()));
        }
        let mut row = section(
            "Indicators",
            principal_name(&r.principal),
            r.indicators,
            what.join(" · "),
        )
        .target(principal_target(&r.principal));
        if let Some(sev) = r.highest_severity {
            row = row.style(1, super::findings::severity_slot(sev));
        }
        rows.push(row);
    }
    if s.principals_with_indicators.is_empty() {
        rows.push(none("Indicators", "no principal has an indicator"));
    }
    for g in &s.new_geolocations {
        let target = g.addresses.first().map(|a| ViewSpec::Ip(a.clone()));
        rows.push(
            section(
                "New place",
                clean(&g.label).into_owned(),
                g.calls,
                format!("{} · {} principals", clean(&g.addresses.join(", ")), g.principal_count),
            )
            .style(1, Slot::BehaviorNew)
            .target(target),
        );
        for p in g.principals.iter().take(PLACE_PRINCIPALS) {
            rows.push(
                section(
                    "",
                    format!("  └ {}", principal_name(&p.principal)),
                    p.calls,
                    String::new(),
                )
                .target(principal_target(&p.principal)),
            );
        }
    }
    if s.new_geolocations.is_empty() {
        let why = if s.baseline.in_training {
            "in training: too little history to call a place new"
        } else {
            "no place first observed in the day"
        };
        rows.push(none("New place", why));
    }
    for p in &s.top_principals {
        rows.push(
            section(
                "Most calls",
                principal_name(&p.principal),
                p.calls,
                format!("{}  {} failed", sparkline(&p.daily), p.failed),
            )
            .target(principal_target(&p.principal)),
        );
    }
    for r in &s.top_roles {
        let name = r.role_arn.rsplit('/').next().unwrap_or(&r.role_arn);
        let account = r.role_arn.split(':').nth(4).unwrap_or("");
        rows.push(
            section(
                "Role calls",
                format!("{} ({})", clean(name), clean(account)),
                r.calls,
                format!("{}  {} identities", sparkline(&r.daily), r.identities),
            )
            .target(Some(ViewSpec::Role(r.role_arn.clone()))),
        );
    }
    for u in &s.instance_credentials_outside_aws {
        let net = match u.network {
            summary::Network::OutsideAws => u.as_org.clone().unwrap_or_default(),
            summary::Network::UnknownNetwork => "network unknown".into(),
        };
        rows.push(
            section(
                "Outside AWS",
                format!("{} {}", clean(&u.instance), clean(&u.session)),
                u.calls,
                format!(
                    "{} {} · {}{}",
                    clean(&u.ip),
                    clean(u.place.as_deref().unwrap_or("")),
                    clean(&net),
                    if u.address_seen_before { "" } else { " · new address" }
                ),
            )
            .style(1, Slot::PrincipalExternal)
            .target(Some(ViewSpec::of_access_key(&u.session))),
        );
    }
    if s.instance_credentials_outside_aws.is_empty() {
        rows.push(none("Outside AWS", "no instance credentials used from outside AWS"));
    }
    StaticRows {
        columns: vec![
            col("Section", Length(11)),
            col("Principal / item", Fill(4)),
            col("Count", Length(8)),
            col("Detail", Fill(3)),
        ],
        rows,
    }
}

/// The panel above the table: the day, its size, the findings by severity and type.
pub fn header(s: &Summary) -> Vec<StyledLine> {
    let mut sev = vec![(format!(" {} findings: ", s.findings.total), Some(Slot::Text))];
    for c in &s.findings.by_severity {
        sev.push((
            format!("{} {}  ", c.severity, c.count),
            Some(super::findings::severity_slot(c.severity)),
        ));
    }
    let types = s
        .findings
        .by_type
        .iter()
        .take(4)
        .map(|t| format!("{} {}", clean(&t.finding_type), t.count))
        .collect::<Vec<_>>()
        .join(" · ");
    vec![
        StyledLine(vec![
            (format!(" {} (UTC)  ", s.day), Some(Slot::TextAccent)),
            (format!("{} events, {} failed", s.events, s.failed), Some(Slot::Text)),
            (
                format!("   data {} … {}   [ ] day", s.first_day, s.last_day),
                Some(Slot::TextDim),
            ),
        ]),
        StyledLine(sev),
        StyledLine(vec![(" by type: ".into(), Some(Slot::TextDim)), (types, None)]),
    ]
}

/// A summary that could not be computed (nothing loaded).
pub fn empty_header() -> Vec<StyledLine> {
    vec![StyledLine(vec![(
        " no CloudTrail events loaded".into(),
        Some(Slot::TextDim),
    )])]
}

/// The header panel over the sections table.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let [top, rest] = Layout::vertical([Length(5), Fill(1)]).areas(area);
    super::panel(f, top, &ctx.model().header, ctx.theme, &ctx.spec().crumb());
    super::draw_table(f, rest, ctx, "Day summary (Enter pivots)")
}
