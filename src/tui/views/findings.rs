//! The findings list (GuardDuty and IAM Access Analyzer together: severity-coloured, counts by severity, type and
//! account). One finding's view is `finding`.

use super::ViewCtx;
use crate::core::findings::{SeverityLabel, Source};
use crate::core::model::Store;
use crate::core::time::rfc3339;
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{Column, Key, TableSource, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
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

pub fn source_label(s: Source) -> &'static str {
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
            0 => Cow::Owned(format!("{} {:.1}", f.severity.label, f.severity.value)),
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
    fn key(&self, row: usize, c: usize) -> Key<'_> {
        let Some(f) = self.store.findings.get(row) else {
            return Key::Empty;
        };
        let num = |n: Option<f64>| n.map_or(Key::Empty, Key::Num);
        match c {
            0 => Key::Num(f.severity.value),
            5 => num(f.first_seen.or(f.created_at).map(|t| t as f64)),
            6 => num(f.count.map(|c| c as f64)),
            _ => match self.cell(row, c) {
                t if t.is_empty() => Key::Empty,
                t => Key::Text(t),
            },
        }
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.store.findings.get(row).map(|f| ViewSpec::Finding(f.id.clone()))
    }
}

/// Counts by severity, source, type and account, above the list (computed with the model).
pub fn counts(store: &Store) -> Vec<StyledLine> {
    let mut sev: BTreeMap<SeverityLabel, usize> = BTreeMap::new();
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    let mut accounts: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &store.findings {
        *sev.entry(x.severity.label).or_default() += 1;
        *types.entry(x.finding_type.as_str()).or_default() += 1;
        *accounts.entry(x.account.as_deref().unwrap_or("?")).or_default() += 1;
    }
    let mut first = vec![(format!(" {} findings: ", store.findings.len()), Some(Slot::Text))];
    for (l, n) in sev.iter().rev() {
        first.push((format!("{l} {n}  "), Some(severity_slot(*l))));
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
    vec![
        StyledLine(first),
        StyledLine(vec![
            (" by type: ".into(), Some(Slot::TextDim)),
            (types_text, None),
            ("   by account: ".into(), Some(Slot::TextDim)),
            (acct_text, None),
        ]),
    ]
}

/// The findings list under its counts.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let [counts, rest] = Layout::vertical([Length(4), Fill(1)]).areas(area);
    super::panel(f, counts, &ctx.model().header, ctx.theme, "Counts");
    super::draw_table(f, rest, ctx, "Findings (GuardDuty + IAM Access Analyzer)")
}
