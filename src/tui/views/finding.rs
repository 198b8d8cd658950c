//! One finding: its fields and the entities it names, to pivot to with its scope (Detective's window); for
//! Access Analyzer, the CloudTrail policy writes that created the access and who was really behind each; for an
//! attack sequence, each signal with the CloudTrail events linked to it and the session behind them.

use super::ViewCtx;
use super::findings::{severity_slot, source_label};
use crate::core::findings::{Finding, pivots};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};

fn find<'a>(store: &'a Store, id: &str) -> Option<&'a Finding> {
    store.findings.iter().find(|f| f.id == id)
}

/// Detective's scope for the finding (first..last seen, whole hours).
pub fn scope(store: &Store, id: &str) -> Option<Scope> {
    find(store, id).map(|f| f.scope()).filter(|s| *s != Scope::ALL)
}

/// The entities the finding names (resolved against the loaded logs), then — for Access Analyzer — the policy
/// writes behind the access, each pivoting to its raw record.
pub fn entities(store: &Store, graph: &SessionGraph, id: &str) -> StaticRows {
    let columns = vec![
        col("Relation", Length(22)),
        col("Entity", Fill(1)),
        col("Detail", Fill(1)),
    ];
    let Some(f) = find(store, id) else {
        return StaticRows {
            columns,
            rows: Vec::new(),
        };
    };
    let mut list = f.entities();
    pivots::resolve_entities(store, &mut list);
    let mut rows: Vec<StaticRow> = list
        .iter()
        .map(|e| {
            let detail = e
                .geo
                .as_ref()
                .map(|g| {
                    [g.city.clone(), g.country.clone(), g.asn_org.clone().or(g.org.clone())]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let target = ViewSpec::from_entity(&e.entity);
            StaticRow::new(vec![
                e.relation.to_string(),
                clean(&e.entity.to_string()).into_owned(),
                clean(&detail).into_owned(),
            ])
            .style(0, Slot::TextDim)
            .style(1, if target.is_some() { Slot::TextAccent } else { Slot::Text })
            .target(target)
        })
        .collect();
    // Access Analyzer: the CloudTrail policy writes that created the access, and who was really behind each.
    for pc in pivots::policy_changes(store, graph, f) {
        let role = |h: &crate::core::graph::ChainHop| {
            let r = h.role_arn.as_deref().unwrap_or("?");
            format!(
                "{}/{}",
                r.rsplit('/').next().unwrap_or(r),
                h.session_name.as_deref().unwrap_or("?")
            )
        };
        let behind = match &pc.origin {
            Some(o) => {
                let hops: Vec<String> = o.chain.iter().map(role).collect();
                if hops.is_empty() {
                    o.origin.description.clone()
                } else {
                    format!("{} → {}", o.origin.description, hops.join(" → "))
                }
            }
            None => "no signer in the record".into(),
        };
        let status = if pc.success {
            "policy write"
        } else {
            "policy write (failed)"
        };
        rows.push(
            StaticRow::new(vec![
                status.to_string(),
                clean(&format!(
                    "{} {} key {}",
                    rfc3339(pc.time),
                    pc.event_name,
                    pc.access_key_id.as_deref().unwrap_or("-")
                ))
                .into_owned(),
                clean(&behind).into_owned(),
            ])
            .style(
                0,
                if pc.success {
                    Slot::SeverityHigh
                } else {
                    Slot::StatusError
                },
            )
            .style(2, Slot::TextAccent)
            .target(Some(ViewSpec::Event(pc.event))),
        );
    }
    rows.extend(signal_rows(store, graph, f));
    StaticRows { columns, rows }
}

/// An attack sequence's signals, oldest first: what was observed, how many CloudTrail events were linked to it and
/// how, pivoting to the session behind them (or to the finding a `FINDING` signal names).
fn signal_rows(store: &Store, graph: &SessionGraph, f: &Finding) -> Vec<StaticRow> {
    let Some(seq) = &f.sequence else {
        return Vec::new();
    };
    pivots::signal_evidence(store, graph, f, &store.findings)
        .into_iter()
        .filter_map(|e| {
            let sig = seq.signals.get(e.signal)?;
            let behind = e
                .sessions
                .iter()
                .map(|x| match &x.origin {
                    Some(o) => format!("{} by {}", x.access_key_id, o.origin.description),
                    None => x.access_key_id.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
            let target = match (&e.finding, e.sessions.first()) {
                (Some(id), _) => Some(ViewSpec::Finding(id.clone())),
                (None, Some(x)) => Some(ViewSpec::of_access_key(&x.access_key_id)),
                (None, None) => None,
            };
            Some(
                StaticRow::new(vec![
                    format!("signal {}", sig.signal_type),
                    clean(&format!(
                        "{} · {} event(s), {}",
                        sig.name.as_deref().unwrap_or("-"),
                        e.total,
                        e.basis
                    ))
                    .into_owned(),
                    clean(&format!(
                        "{} {behind}",
                        sig.first_seen.map(rfc3339).unwrap_or_else(|| "?".into())
                    ))
                    .into_owned(),
                ])
                .style(0, Slot::TextDim)
                .style(1, if target.is_some() { Slot::TextAccent } else { Slot::Text })
                .target(target),
            )
        })
        .collect()
}

/// The finding's fields, `key: value` (computed with the model).
pub fn details(store: &Store, id: &str) -> Vec<StyledLine> {
    let Some(f) = find(store, id) else {
        return vec![StyledLine(vec![(
            format!("no loaded finding has id {}", clean(id)),
            Some(Slot::StatusError),
        )])];
    };
    let kv = |k: &str, v: String, slot: Slot| StyledLine::kv(12, k, &v, slot);
    let mut l = vec![
        kv("title", f.title.clone(), Slot::Title),
        kv(
            "type",
            format!("{} ({})", f.finding_type, source_label(f.source)),
            Slot::Text,
        ),
        kv(
            "severity",
            format!("{} {:.1}", f.severity.label, f.severity.value),
            severity_slot(f.severity.label),
        ),
        kv(
            "account",
            format!(
                "{} · {}",
                f.account.as_deref().unwrap_or("?"),
                f.region.as_deref().unwrap_or("?")
            ),
            Slot::Text,
        ),
        kv("id", f.id.clone(), Slot::TextDim),
    ];
    let t = |o: Option<i64>| o.map(rfc3339).unwrap_or_else(|| "?".into());
    if f.first_seen.is_some() || f.last_seen.is_some() {
        l.push(kv(
            "observed",
            format!(
                "{} → {} (count {})",
                t(f.first_seen),
                t(f.last_seen),
                f.count.unwrap_or(1)
            ),
            Slot::Text,
        ));
    } else {
        l.push(kv("created", t(f.created_at), Slot::Text));
    }
    if let Some(r) = f.resource_label() {
        l.push(kv("resource", r, Slot::TextAccent));
    }
    if let Some(s) = f
        .status
        .clone()
        .or(f.archived.map(|a| if a { "archived".into() } else { "active".into() }))
    {
        l.push(kv("status", s, Slot::Text));
    }
    if f.sample {
        l.push(kv(
            "note",
            "GuardDuty sample finding (not a real detection)".into(),
            Slot::StatusWarning,
        ));
    }
    if let Some(d) = &f.description {
        l.push(kv("description", d.clone(), Slot::TextDim));
    }
    l
}

/// The fields over the entities.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let lines = &ctx.model().header;
    let h = (lines.len() as u16 + 2).min(area.height / 2);
    let [top, rest] = Layout::vertical([Length(h), Fill(1)]).areas(area);
    super::panel(f, top, lines, ctx.theme, "Finding");
    super::draw_table(f, rest, ctx, "Entities (Enter: open with the finding's scope)")
}
