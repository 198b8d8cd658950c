//! The findings list (GuardDuty and IAM Access Analyzer together) and the finding detail view: severity,
//! counts by type and account, the finding's entities to pivot to with its scope.

use crate::core::model::Store;
use crate::core::time::Scope;
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::{Slot, Theme};
use crate::tui::widgets::table::{Column, StaticRows, TableSource, col};
use ratatui::Frame;
use ratatui::layout::Constraint::Fill;
use ratatui::layout::Rect;
use ratatui::text::Line;
use std::borrow::Cow;

pub struct FindingRows<'a> {
    store: &'a Store,
}

impl<'a> FindingRows<'a> {
    pub fn new(store: &'a Store) -> Self {
        FindingRows { store }
    }
}

const COLUMNS: &[Column] = &[col("Id", Fill(1))];

impl TableSource for FindingRows<'_> {
    fn columns(&self) -> &[Column] {
        COLUMNS
    }
    fn len(&self) -> usize {
        self.store.findings.len()
    }
    fn cell(&self, row: usize, _c: usize) -> Cow<'_, str> {
        self.store.findings.get(row).map(|f| clean(&f.id)).unwrap_or_default()
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.store.findings.get(row).map(|f| ViewSpec::Finding(f.id.clone()))
    }
}

pub fn scope(_store: &Store, _id: &str) -> Option<Scope> {
    None
}

pub fn entities(_store: &Store, _id: &str) -> StaticRows {
    StaticRows {
        columns: vec![col("Entity", Fill(1))],
        rows: Vec::new(),
    }
}

pub fn details(_store: &Store, id: &str, theme: &Theme) -> Vec<Line<'static>> {
    vec![Line::styled(clean(id).into_owned(), theme.style(Slot::Text))]
}

pub fn render_counts(f: &mut Frame, area: Rect, store: &Store, theme: &Theme) {
    let line = Line::styled(
        format!(
            " {} findings, {} events loaded",
            store.findings.len(),
            store.events.len()
        ),
        theme.style(Slot::TextDim),
    );
    super::panel(f, area, vec![line], theme, "Counts");
}
