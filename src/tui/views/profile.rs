//! Profile views (role session, role, origin principal, access key, IP, account, user agent): a details panel
//! and tabs (Overview, New behaviour, API volume, Events) over the scoped events.
//!
//! ```text
//!  Overview │ New behaviour │ API volume │ Events │
//! ┌ details (key: value) ──────────────────────────┐
//! └────────────────────────────────────────────────┘
//! ┌ chain + started sessions / related entities ───┐
//! ```

use super::ViewCtx;
use super::chain::{hop_label, link_label};
use super::related;
use crate::core::broker::BrokerAnalysis;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

/// The aggregate table of the current tab, computed from the scoped events (`None`: the tab's table is the
/// event list itself, or it has none).
pub fn rows(
    store: &Store,
    graph: &SessionGraph,
    brokers: &BrokerAnalysis,
    spec: &ViewSpec,
    tab: Option<Tab>,
    scope: Scope,
    items: &[u32],
) -> Option<StaticRows> {
    Some(match (tab, spec) {
        (Some(Tab::Overview), ViewSpec::Session(k)) => session_chain(store, graph, brokers, k, items, spec),
        (Some(Tab::Overview), ViewSpec::Role(arn)) => role_rows(store, graph, brokers, arn, scope, items, spec),
        (Some(Tab::Overview), _) => related::related(store, items, spec),
        _ => return None,
    })
}

/// The session's chain from its origin, itself, and the sessions it started, each with its link confidence.
fn session_chain(
    store: &Store,
    graph: &SessionGraph,
    brokers: &BrokerAnalysis,
    key: &str,
    items: &[u32],
    spec: &ViewSpec,
) -> StaticRows {
    let columns = vec![
        col("Relation", Length(14)),
        col("Session / principal", Fill(3)),
        col("Key / calls", Length(21)),
        col("Time (UTC)", Length(20)),
        col("Link / severity", Length(22)),
    ];
    let Some(s) = graph.session_by_key(store, key) else {
        return StaticRows {
            columns,
            rows: Vec::new(),
        };
    };
    let mut t = graph.trace(store, s, Scope::new(0, 0));
    brokers.annotate_trace(store, graph, s, &mut t);
    let mut rows = Vec::new();
    let o = &t.origin;
    let (_, slot, _) = link_label(None);
    let origin_slot = if o.logs_loaded { Slot::Text } else { slot };
    let origin_target = super::chain::origin_node(o).1;
    rows.push(
        StaticRow::new(vec![
            "origin".into(),
            clean(&o.description).into_owned(),
            String::new(),
            String::new(),
            String::new(),
        ])
        .style(1, origin_slot)
        .target(origin_target),
    );
    let hop_row = |rel: String, h: &crate::core::graph::ChainHop, here: bool| {
        let (label, lslot, _) = hop_label(h);
        let role = h.role_arn.as_deref().unwrap_or("?");
        let role = role.rsplit('/').next().unwrap_or(role);
        let name = format!("{} / {}", role, h.session_name.as_deref().unwrap_or("?"));
        StaticRow::new(vec![
            rel,
            clean(&name).into_owned(),
            clean(h.access_key_id.as_deref().unwrap_or("")).into_owned(),
            h.assumed_at.clone().unwrap_or_default(),
            label.to_string(),
        ])
        .style(0, if here { Slot::BehaviorNew } else { Slot::TextDim })
        .style(4, lslot)
        .target(h.access_key_id.clone().map(ViewSpec::Session))
    };
    let n = t.chain.len();
    for (i, h) in t.chain.iter().enumerate() {
        let rel = if i + 1 == n {
            "▶ this session".to_string()
        } else {
            format!("hop {}", i + 1)
        };
        rows.push(hop_row(rel, h, i + 1 == n));
    }
    for h in &t.children {
        rows.push(hop_row(format!("started (+{})", h.depth.unwrap_or(1)), h, false));
    }
    // The role, and where its calls in scope came from (IPs, user agents): one Enter away.
    if let Some(role) = &t.session.role_arn {
        rows.push(
            StaticRow::new(vec![
                "role".into(),
                clean(role).into_owned(),
                String::new(),
                String::new(),
                String::new(),
            ])
            .style(0, Slot::TextDim)
            .style(1, Slot::TextAccent)
            .target(Some(ViewSpec::Role(role.clone()))),
        );
    }
    for r in related::related(store, items, spec).rows {
        let rel = r.cells.first().map(String::as_str).unwrap_or("");
        if matches!(rel, "source IP" | "user agent") {
            let calls = r.cells.get(2).cloned().unwrap_or_default();
            let failed = r.cells.get(3).cloned().unwrap_or_default();
            let first = r.cells.get(4).cloned().unwrap_or_default();
            rows.push(
                StaticRow::new(vec![
                    rel.to_string(),
                    r.cells.get(1).cloned().unwrap_or_default(),
                    format!("{calls} calls, {failed} failed"),
                    first,
                    String::new(),
                ])
                .style(0, Slot::TextDim)
                .style(1, Slot::TextAccent)
                .target(r.target),
            );
        }
    }
    // Findings that name this session (by its key, or among their entities).
    let me = crate::core::entity::EntityRef::Session(key.to_string());
    for f in &store.findings {
        let by_key = f.resource.access_key.as_ref().and_then(|k| k.access_key_id.as_deref()) == Some(key);
        if by_key || f.entities().iter().any(|e| e.entity == me) {
            rows.push(
                StaticRow::new(vec![
                    "finding".into(),
                    clean(&f.finding_type).into_owned(),
                    clean(&f.id).into_owned(),
                    f.first_seen.or(f.created_at).map(rfc3339).unwrap_or_default(),
                    format!("{} {:.1}", f.severity.label, f.severity.value),
                ])
                .style(0, Slot::TextDim)
                .style(4, super::findings::severity_slot(f.severity.label))
                .target(Some(ViewSpec::Finding(f.id.clone()))),
            );
        }
    }
    StaticRows { columns, rows }
}

/// Role profile (Detective's resource interaction): who assumed it, what it assumed, its sessions in scope.
fn role_rows(
    store: &Store,
    graph: &SessionGraph,
    brokers: &BrokerAnalysis,
    arn: &str,
    scope: Scope,
    items: &[u32],
    spec: &ViewSpec,
) -> StaticRows {
    let mut p = graph.role_profile(store, arn, scope);
    brokers.annotate_role(store, graph, arn, &mut p);
    let mut rows = Vec::new();
    for (rel, uses) in [("assumed by", &p.assumed_by), ("assumed role", &p.assumed_roles)] {
        for u in uses {
            let who = u.arn.clone().or(u.name.clone()).unwrap_or_default();
            let target = match (u.kind.as_str(), &u.arn) {
                ("role", Some(a)) => Some(ViewSpec::Role(a.clone())),
                ("aws-account", _) => u.account.clone().map(ViewSpec::Account),
                (_, Some(a)) => Some(ViewSpec::Principal(a.clone())),
                _ => None,
            };
            rows.push(
                StaticRow::new(vec![
                    rel.into(),
                    clean(&format!("{} {who}", u.kind)).into_owned(),
                    u.count.to_string(),
                    u.first.clone(),
                    u.last.clone(),
                ])
                .number(2, u.count as f64)
                .style(0, Slot::TextDim)
                .style(
                    1,
                    if u.kind == "aws-account" {
                        Slot::PrincipalExternal
                    } else {
                        Slot::TextAccent
                    },
                )
                .target(target),
            );
        }
    }
    for sv in &p.sessions {
        rows.push(
            StaticRow::new(vec![
                "session".into(),
                clean(&format!(
                    "{} ({}){}",
                    sv.session_name.as_deref().unwrap_or("?"),
                    sv.access_key_id.as_deref().unwrap_or("no key"),
                    sv.broker
                        .as_ref()
                        .map(|b| format!(" broker: {}", b.approval))
                        .unwrap_or_default()
                ))
                .into_owned(),
                sv.calls_total.to_string(),
                sv.first_seen.clone(),
                sv.last_seen.clone(),
            ])
            .number(2, sv.calls_total as f64)
            .style(0, Slot::TextDim)
            .target(sv.access_key_id.clone().map(ViewSpec::Session)),
        );
    }
    // The entities its events touched (IPs, user agents…) follow.
    rows.extend(related::related(store, items, spec).rows.into_iter().map(|mut r| {
        r.cells.remove(3);
        r.numbers.truncate(3);
        r
    }));
    StaticRows {
        columns: vec![
            col("Relation", Length(16)),
            col("Entity", Fill(3)),
            col("Count", Length(7)),
            col("First (UTC)", Length(20)),
            col("Last (UTC)", Length(20)),
        ],
        rows,
    }
}

/// `label: value` lines of the details panel (computed with the model, from its scoped events and failures).
pub fn details(
    store: &Store,
    graph: &SessionGraph,
    brokers: &BrokerAnalysis,
    geo: &crate::core::geo::GeoDb,
    items: &[u32],
    failed: usize,
    spec: &ViewSpec,
) -> Vec<StyledLine> {
    let mut lines = Vec::new();
    let kv = |k: &str, v: String, slot: Slot| StyledLine::kv(16, k, &v, slot);
    if let ViewSpec::Session(key) = spec {
        session_details(store, graph, brokers, key, &mut lines, &kv);
    }
    if let ViewSpec::Ip(addr) = spec {
        let info = geo.lookup(addr);
        lines.push(kv("address", info.class.label(), Slot::Text));
        let place = info.place.map(|p| {
            let name = [p.city, p.region, p.country]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            format!("{name} ({:.2}, {:.2})", p.lat, p.lon)
        });
        let why = if geo.has_city() {
            "unknown (no City database entry)"
        } else {
            "unknown (no City database loaded; --geoip DIR)"
        };
        lines.push(kv("location", place.unwrap_or_else(|| why.into()), Slot::Text));
        let asn = info.asn.map(|a| format!("AS{} {}", a.asn, a.org));
        lines.push(kv(
            "AS organisation",
            asn.unwrap_or_else(|| "unknown".into()),
            Slot::Text,
        ));
    }
    if let ViewSpec::UserAgent(ua) = spec {
        lines.push(kv("family", crate::core::geo::useragent::family(ua), Slot::Text));
    }
    lines.push(kv(
        "calls in scope",
        format!("{} ({} failed)", items.len(), failed),
        if failed > 0 { Slot::StatusWarning } else { Slot::Text },
    ));
    let t = |i: Option<&u32>| i.and_then(|&i| store.events.get(i as usize)).map(|e| e.time);
    if let (Some(a), Some(b)) = (t(items.first()), t(items.last())) {
        lines.push(kv("calls seen", format!("{} → {}", rfc3339(a), rfc3339(b)), Slot::Text));
    }
    lines
}

fn session_details(
    store: &Store,
    graph: &SessionGraph,
    brokers: &BrokerAnalysis,
    key: &str,
    lines: &mut Vec<StyledLine>,
    kv: &dyn Fn(&str, String, Slot) -> StyledLine,
) {
    let Some(s) = graph.session_by_key(store, key) else {
        lines.push(kv(
            "session",
            format!("{key}: no session with this key in the loaded logs"),
            Slot::PrincipalUnknown,
        ));
        return;
    };
    let mut t = graph.trace(store, s, Scope::new(0, 0));
    brokers.annotate_trace(store, graph, s, &mut t);
    let v = &t.session;
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "(none)".into());
    lines.push(kv("role", opt(&v.role_arn), Slot::TextAccent));
    lines.push(kv("session name", opt(&v.session_name), Slot::Text));
    lines.push(kv("account", opt(&v.account), Slot::Text));
    lines.push(kv("role session id", opt(&v.role_session_id), Slot::Text));
    let by = match t.chain.len() {
        0 | 1 => t.origin.description.clone(),
        n => {
            let p = &t.chain[n - 2];
            format!(
                "session {} / {} ({})",
                p.role_arn
                    .as_deref()
                    .map(|a| a.rsplit('/').next().unwrap_or(a))
                    .unwrap_or("?"),
                p.session_name.as_deref().unwrap_or("?"),
                p.access_key_id.as_deref().unwrap_or("no key")
            )
        }
    };
    let by_slot = if t.origin.logs_loaded || t.chain.len() > 1 {
        Slot::TextAccent
    } else {
        Slot::PrincipalUnknown
    };
    lines.push(kv("assumed by", by, by_slot));
    lines.push(kv(
        "origin",
        t.origin.description.clone(),
        if t.origin.logs_loaded {
            Slot::Text
        } else {
            Slot::PrincipalUnknown
        },
    ));
    if let Some(b) = t.broker.as_ref().or(v.broker.as_ref()) {
        super::broker::details(b, lines, kv);
    }
    lines.push(kv(
        "observed",
        format!("{} → {}", v.first_seen, v.last_seen),
        Slot::Text,
    ));
    let mfa = match v.mfa {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    lines.push(kv("MFA", mfa.into(), Slot::Text));
    lines.push(kv("source identity", opt(&v.source_identity), Slot::Text));
    context_lines(v, lines, kv);
    let (label, slot, _) = link_label(v.link);
    lines.push(kv("link", label.into(), slot));
    for f in &t.flags {
        lines.push(kv("flag", f.clone(), Slot::StatusWarning));
    }
}

/// Identity context lines (permission set, Identity Center user, root task, session tags): only for sessions that
/// have them.
fn context_lines(
    v: &crate::core::graph::SessionView,
    lines: &mut Vec<StyledLine>,
    kv: &dyn Fn(&str, String, Slot) -> StyledLine,
) {
    if let Some(ic) = &v.identity_center {
        if let Some(ps) = &ic.permission_set {
            lines.push(kv("permission set", ps.clone(), Slot::Text));
        }
        for u in &ic.users {
            lines.push(kv(
                "IC user",
                format!("{} ({}, {})", u.user_id, u.link, u.confidence),
                Slot::TextAccent,
            ));
        }
    }
    if let Some(r) = &v.root {
        lines.push(kv(
            "root task",
            format!(
                "{} until {}",
                r.task.as_deref().unwrap_or("(none logged)"),
                r.expires_by
            ),
            Slot::StatusWarning,
        ));
    }
    const SHOWN: usize = 4;
    for t in v.tags.iter().take(SHOWN) {
        lines.push(kv(
            "tag",
            format!(
                "{}={} ({}{})",
                t.key,
                t.value,
                t.source,
                if t.transitive { ", transitive" } else { "" }
            ),
            Slot::Text,
        ));
    }
    if v.tags.len() > SHOWN {
        lines.push(kv("tag", format!("… {} more", v.tags.len() - SHOWN), Slot::TextDim));
    }
}

/// Height the details panel needs for `n` lines (plus borders), capped so the table keeps most of the screen.
pub fn details_height(n: usize, area: Rect) -> u16 {
    (n as u16 + 2).min(area.height / 2).max(3)
}

/// The Overview tab: details, a compact volume chart when the screen is tall enough, the chain or related
/// entities.
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    let (spec, model) = (ctx.spec(), ctx.model());
    let h = details_height(model.header.len(), body);
    let [top, rest] = Layout::vertical([Length(h), Fill(1)]).areas(body);
    super::panel(f, top, &model.header, ctx.theme, &spec.crumb());
    let rest = if rest.height >= 18 {
        let [chart, table] = Layout::vertical([Length(7), Fill(1)]).areas(rest);
        super::volume::render(f, chart, &model.volume, ctx.app.scope.scope, ctx.theme);
        table
    } else {
        rest
    };
    let title = match spec {
        ViewSpec::Session(_) => {
            "Chain from the origin, started sessions, role, IPs, user agents, findings (Enter: pivot, c: graph)"
        }
        ViewSpec::Role(_) => "Resource interaction in scope (Enter: pivot)",
        _ => "Related entities in scope (Enter: pivot)",
    };
    super::draw_table(f, rest, ctx, title)
}
