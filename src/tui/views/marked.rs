//! Marks wherever an entity appears in a table: once the case has any star or verdict, every table (except the
//! Notes view, which has its own column) gets a trailing "Mark" column with the star and verdict of the entity
//! each row opens (`★ mal`, `sus`, …), so marked sessions, IPs, roles and events stand out in any list and the
//! filter finds them (`/mal`).

use crate::core::entity::EntityRef;
use crate::tui::app::App;
use crate::tui::marks::Marks;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{Column, TableSource, col};
use ratatui::layout::Constraint::Length;
use std::borrow::Cow;

pub struct Marked<'a> {
    inner: Box<dyn TableSource + 'a>,
    app: &'a App,
    marks: &'a Marks,
    columns: Vec<Column>,
}

/// Wrap `src` when there is something to show; otherwise hand it back unchanged.
pub fn decorate<'a>(app: &'a App, src: Box<dyn TableSource + 'a>) -> Box<dyn TableSource + 'a> {
    match &app.marks {
        Some(m) if (!m.stars.is_empty() || !m.verdicts.is_empty()) && app.spec() != &ViewSpec::Notes => {
            let mut columns = src.columns().to_vec();
            columns.push(col("Mark", Length(6)));
            Box::new(Marked {
                inner: src,
                app,
                marks: m,
                columns,
            })
        }
        _ => src,
    }
}

/// `★ mal`, `★`, `sus`, or empty.
fn short(marks: &Marks, e: &EntityRef) -> String {
    let star = marks.starred(e);
    let v = marks.verdict(e).map(|v| v.as_str().get(..3).unwrap_or(""));
    match (star, v) {
        (true, Some(v)) => format!("★ {v}"),
        (true, None) => "★".into(),
        (false, Some(v)) => v.into(),
        (false, None) => String::new(),
    }
}

impl Marked<'_> {
    fn is_mark(&self, col: usize) -> bool {
        col + 1 == self.columns.len()
    }
}

impl TableSource for Marked<'_> {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn cell(&self, row: usize, col: usize) -> Cow<'_, str> {
        if !self.is_mark(col) {
            return self.inner.cell(row, col);
        }
        match self.inner.target(row) {
            Some(spec) => match crate::tui::case_io::entity_of(&spec, self.app.data.store()) {
                EntityRef::Case => Cow::Borrowed(""),
                e => Cow::Owned(short(self.marks, &e)),
            },
            None => Cow::Borrowed(""),
        }
    }
    fn style(&self, row: usize, col: usize) -> Option<Slot> {
        if self.is_mark(col) {
            Some(Slot::TextAccent)
        } else {
            self.inner.style(row, col)
        }
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.inner.target(row)
    }
    fn number(&self, row: usize, col: usize) -> Option<f64> {
        if self.is_mark(col) {
            None
        } else {
            self.inner.number(row, col)
        }
    }
}
