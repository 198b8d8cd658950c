//! The findings list (GuardDuty and IAM Access Analyzer together: severity-coloured, counts by type and
//! account) and the finding detail view (its fields and the entities it names, to pivot to with its scope; for
//! Access Analyzer, the CloudTrail policy writes that created the access).

use crate::core::findings::{Finding, SeverityLabel, Source, pivots};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::{Slot, Theme};
use crate::tui::widgets::table::{Column, StaticRow, StaticRows, TableSource, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub struct FindingRows<'a> {
    store: &'a Store,
}

impl<'a> FindingRows<'a> {
    pub fn new(store: &'a Store) -> Self {
        FindingRows { store }
    }
}

const COLUMNS: &[Column] = &[
    col("Severity", Length(11)),
    col("Source", Length(9)),
    col("Type", Fill(3)),
    col("Account", Length(12)),
    col("Resource", Fill(2)),
    col("First seen (UTC)", Length(20)),
    col("Count", Length(6)),
];

pub fn severity_slot(l: SeverityLabel) -> Slot {
    match l {
        SeverityLabel::Low => Slot::SeverityLow,
        SeverityLabel::Medium => Slot::SeverityMedium,
        SeverityLabel::High => Slot::SeverityHigh,
        SeverityLabel::Critical => Slot::SeverityCritical,
    }
}

fn source_label(s: Source) -> &'static str {
    match s {
        Source::GuardDuty => "GuardDuty",
        Source::AccessAnalyzer => "Analyzer",
    }
}

impl TableSource for FindingRows<'_> {
    fn columns(&self) -> &[Column] {
        COLUMNS
    }
    fn len(&self) -> usize {
        self.store.findings.len()
    }
    fn cell(&self, row: usize, c: usize) -> Cow<'_, str> {
        let Some(f) = self.store.findings.get(row) else {
            return Cow::Borrowed("");
        };
        match c {
            0 => Cow::Owned(format!("{:?} {:.1}", f.severity.label, f.severity.value)),
            1 => Cow::Borrowed(source_label(f.source)),
            2 => clean(&f.finding_type),
            3 => clean(f.account.as_deref().unwrap_or("")),
            4 => Cow::Owned(clean(&f.resource_label().unwrap_or_default()).into_owned()),
            5 => Cow::Owned(f.first_seen.or(f.created_at).map(rfc3339).unwrap_or_default()),
            6 => Cow::Owned(f.count.map(|c| c.to_string()).unwrap_or_default()),
            _ => Cow::Borrowed(""),
        }
    }
    fn style(&self, row: usize, c: usize) -> Option<Slot> {
        let f = self.store.findings.get(row)?;
        match c {
            0 => Some(severity_slot(f.severity.label)),
            5 => Some(Slot::TextDim),
            _ => None,
        }
    }
    fn number(&self, row: usize, c: usize) -> Option<f64> {
        let f = self.store.findings.get(row)?;
        match c {
            0 => Some(f.severity.value),
            5 => f.first_seen.or(f.created_at).map(|t| t as f64),
            6 => f.count.map(|c| c as f64),
            _ => None,
        }
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.store.findings.get(row).map(|f| ViewSpec::Finding(f.id.clone()))
    }
}

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
    StaticRows { columns, rows }
}

pub fn details(store: &Store, id: &str, theme: &Theme) -> Vec<Line<'static>> {
    let Some(f) = find(store, id) else {
        return vec![Line::styled(
            format!("no loaded finding has id {}", clean(id)),
            theme.style(Slot::StatusError),
        )];
    };
    let kv = |k: &str, v: String, slot: Slot| {
        Line::from(vec![
            Span::styled(format!("{k:>12}: "), theme.style(Slot::TextDim)),
            Span::styled(clean(&v).into_owned(), theme.style(slot)),
        ])
    };
    let mut l = vec![
        kv("title", f.title.clone(), Slot::Title),
        kv(
            "type",
            format!("{} ({})", f.finding_type, source_label(f.source)),
            Slot::Text,
        ),
        kv(
            "severity",
            format!("{:?} {:.1}", f.severity.label, f.severity.value),
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

/// Counts by severity, source, type and account, above the list.
pub fn render_counts(f: &mut Frame, area: Rect, store: &Store, theme: &Theme) {
    let mut sev: BTreeMap<SeverityLabel, usize> = BTreeMap::new();
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    let mut accounts: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &store.findings {
        *sev.entry(x.severity.label).or_default() += 1;
        *types.entry(x.finding_type.as_str()).or_default() += 1;
        *accounts.entry(x.account.as_deref().unwrap_or("?")).or_default() += 1;
    }
    let mut spans = vec![Span::styled(
        format!(" {} findings: ", store.findings.len()),
        theme.style(Slot::Text),
    )];
    for (l, n) in sev.iter().rev() {
        spans.push(Span::styled(format!("{l:?} {n}  "), theme.style(severity_slot(*l))));
    }
    let mut by_type: Vec<_> = types.into_iter().collect();
    by_type.sort_by_key(|t| std::cmp::Reverse(t.1));
    let types_text = by_type
        .iter()
        .take(4)
        .map(|(t, n)| format!("{} {n}", clean(t)))
        .collect::<Vec<_>>()
        .join(" · ");
    let acct_text = accounts
        .iter()
        .map(|(a, n)| format!("{} {n}", clean(a)))
        .collect::<Vec<_>>()
        .join(" · ");
    let lines = vec![
        Line::from(spans),
        Line::from(vec![
            Span::styled(" by type: ", theme.style(Slot::TextDim)),
            Span::raw(types_text),
            Span::styled("   by account: ", theme.style(Slot::TextDim)),
            Span::raw(acct_text),
        ]),
    ];
    super::panel(f, area, lines, theme, "Counts");
}
