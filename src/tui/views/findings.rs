//! The findings list (GuardDuty and IAM Access Analyzer together: severity-coloured, counts by severity, type and
//! account), with the Sigma rules that hit in the scope beside them: a row per detection rule (level as severity,
//! title, account, origins and session identities behind its hits, first hit, events hit) and per correlation that
//! fired, each pivoting to the events it hit (the `rule` view, which also says the last hit). The rule rows' numbers are `core::rules::tally`,
//! the same `trailhound detect` prints. One finding's view is `finding`.

use super::ViewCtx;
use super::rule_hits::level_slot;
use crate::core::findings::{SeverityLabel, Source};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::rules::{self, Detections, Level, RuleTally};
use crate::core::time::{Scope, rfc3339};
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::{clean, clean_max};
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{Column, Key, StaticRow, StaticRows, TableSource, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub struct FindingRows<'a> {
    store: &'a Store,
    /// The rule rows after the findings (computed with the model: [`detection_rows`]).
    rules: Option<&'a StaticRows>,
}

impl<'a> FindingRows<'a> {
    pub fn new(store: &'a Store, rules: Option<&'a StaticRows>) -> Self {
        FindingRows { store, rules }
    }

    /// A row past the findings: a rule row's index.
    fn rule_row(&self, row: usize) -> Option<usize> {
        row.checked_sub(self.store.findings.len())
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

/// Where a rule level sorts among GuardDuty severities (the bottom of each band: high is 7.0, medium 4.0).
fn level_severity(l: Level) -> f64 {
    match l {
        Level::Informational => 0.0,
        Level::Low => 1.0,
        Level::Medium => 4.0,
        Level::High => 7.0,
        Level::Critical => 9.0,
    }
}

/// `High`, `Medium`, … as the severity column writes GuardDuty's labels.
fn level_label(l: Level) -> String {
    let s = l.to_string();
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The rows of the rules that hit in `scope` (detection rules by their `tally` in it, then each correlation that
/// fired), in the findings table's columns. Titles and group values are sanitised here.
pub fn detection_rows(
    store: &Store,
    graph: &SessionGraph,
    d: &Detections,
    tally: &[RuleTally],
    scope: Scope,
) -> StaticRows {
    let scope = (scope != Scope::ALL).then_some(scope);
    let mut rows = Vec::new();
    for t in tally {
        let m = d.rule(t.rule);
        let mut who = format!(
            "{} origin{} · {} session identit{}",
            t.origins,
            if t.origins == 1 { "" } else { "s" },
            t.session_identities,
            if t.session_identities == 1 { "y" } else { "ies" }
        );
        if t.unattributed > 0 {
            who.push_str(&format!(" · origin unknown for {}", t.unattributed));
        }
        let account = match t.accounts.as_slice() {
            [one] => clean(one).into_owned(),
            many => format!("{} accounts", many.len()),
        };
        rows.push(
            StaticRow::new(vec![
                level_label(m.level),
                "Rule".into(),
                clean_max(&m.title, 200).into_owned(),
                account,
                who,
                rfc3339(t.first),
                t.events.to_string(),
            ])
            .style(0, level_slot(m.level))
            .style(5, Slot::TextDim)
            .number(0, level_severity(m.level))
            .number(5, t.first as f64)
            .number(6, t.events as f64)
            .target(Some(ViewSpec::Rule(m.id.clone()))),
        );
    }
    for c in rules::correlations_in(store, d, scope) {
        let m = d.correlation_rule(c.correlation);
        let group = c.group_text(store, graph);
        rows.push(
            StaticRow::new(vec![
                level_label(m.level),
                "Correlate".into(),
                clean_max(&m.title, 200).into_owned(),
                String::new(),
                clean_max(&group, 200).into_owned(),
                rfc3339(c.first),
                c.events.len().to_string(),
            ])
            .style(0, level_slot(m.level))
            .style(5, Slot::TextDim)
            .number(0, level_severity(m.level))
            .number(5, c.first as f64)
            .number(6, c.events.len() as f64)
            .target(Some(ViewSpec::Rule(m.id.clone()))),
        );
    }
    StaticRows {
        columns: COLUMNS.to_vec(),
        rows,
    }
}

/// The counts line of the rules that hit in `scope` (their `tally` in it): how many rules, events, by level, and
/// correlations.
pub fn detection_counts(store: &Store, d: &Detections, tally: &[RuleTally], scope: Scope) -> StyledLine {
    let scope = (scope != Scope::ALL).then_some(scope);
    let events = d
        .events()
        .filter(|&e| scope.is_none_or(|s| store.events.get(e as usize).is_some_and(|ev| s.contains(ev.time))))
        .count();
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    for t in tally {
        *by_level.entry(d.rule(t.rule).level).or_default() += 1;
    }
    let correlations = rules::correlations_in(store, d, scope).count();
    let head = if tally.is_empty() {
        " no rule hit an event in scope ".to_string()
    } else {
        format!(
            " {} rule{} hit {events} event{} in scope: ",
            tally.len(),
            if tally.len() == 1 { "" } else { "s" },
            if events == 1 { "" } else { "s" }
        )
    };
    let mut line = vec![(head, Some(Slot::Text))];
    for (l, n) in by_level.iter().rev() {
        line.push((format!("{} {n}  ", level_label(*l)), Some(level_slot(*l))));
    }
    line.push((
        format!(
            "· {correlations} correlation{} fired",
            if correlations == 1 { "" } else { "s" }
        ),
        Some(Slot::TextDim),
    ));
    StyledLine(line)
}

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
        self.store.findings.len() + self.rules.map_or(0, |r| r.len())
    }
    fn cell(&self, row: usize, c: usize) -> Cow<'_, str> {
        if let (Some(r), Some(rules)) = (self.rule_row(row), self.rules) {
            return rules.cell(r, c);
        }
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
        if let (Some(r), Some(rules)) = (self.rule_row(row), self.rules) {
            return rules.style(r, c);
        }
        let f = self.store.findings.get(row)?;
        match c {
            0 => Some(severity_slot(f.severity.label)),
            5 => Some(Slot::TextDim),
            _ => None,
        }
    }
    fn key(&self, row: usize, c: usize) -> Key<'_> {
        if let (Some(r), Some(rules)) = (self.rule_row(row), self.rules) {
            return rules.key(r, c);
        }
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
        if let (Some(r), Some(rules)) = (self.rule_row(row), self.rules) {
            return rules.target(r);
        }
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
    let lines = ctx.model().header.len() as u16;
    let [counts, rest] = Layout::vertical([Length(lines + 2), Fill(1)]).areas(area);
    super::panel(f, counts, &ctx.model().header, ctx.theme, "Counts");
    super::draw_table(
        f,
        rest,
        ctx,
        "Findings (GuardDuty + IAM Access Analyzer) and rules hit in scope",
    )
}
