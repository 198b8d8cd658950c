//! Marks wherever an entity appears in a table: once the case has any star or verdict, every table (except the
//! Notes view, which has its own column) gets a trailing "Mark" column with the star and verdict of the entity
//! each row opens (`★ mal`, `sus`, …), so marked sessions, IPs, roles and events stand out in any list and the
//! filter finds them (`/mal`).

use crate::core::entity::EntityRef;
use crate::core::model::Store;
use crate::tui::marks::Marks;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{Column, Key, Needle, TableSource, col};
use ratatui::layout::Constraint::Length;
use std::borrow::Cow;
use std::collections::BTreeSet;

pub struct Marked<'a> {
    inner: Box<dyn TableSource + 'a>,
    store: &'a Store,
    marks: &'a Marks,
    columns: Vec<Column>,
}

/// Wrap `src` (a table of view `spec`) when there is something to show; otherwise hand it back unchanged.
pub fn decorate<'a>(
    marks: Option<&'a Marks>,
    spec: &ViewSpec,
    store: &'a Store,
    src: Box<dyn TableSource + 'a>,
) -> Box<dyn TableSource + 'a> {
    match marks {
        Some(m) if (!m.stars.is_empty() || !m.verdicts.is_empty()) && spec != &ViewSpec::Notes => {
            let mut columns = src.columns().to_vec();
            columns.push(col("Mark", Length(6)));
            Box::new(Marked {
                inner: src,
                store,
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
    let v = marks.verdict(e).map(|v| <&str>::from(v).get(..3).unwrap_or(""));
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

    fn entity(&self, row: usize) -> Option<EntityRef> {
        match crate::tui::case_io::entity_of(&self.inner.target(row)?, self.store) {
            EntityRef::Case => None,
            e => Some(e),
        }
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
        match self.entity(row) {
            Some(e) => Cow::Owned(short(self.marks, &e)),
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
    fn key(&self, row: usize, col: usize) -> Key<'_> {
        if !self.is_mark(col) {
            return self.inner.key(row, col);
        }
        match self.cell(row, col) {
            c if c.is_empty() => Key::Empty,
            c => Key::Text(c),
        }
    }
    /// The inner table's matches, plus the rows whose entity's mark matches; rows are only looked at when some
    /// marked entity's mark does.
    fn matching(&self, needle: &Needle) -> Vec<u32> {
        let mut rows = self.inner.matching(needle);
        let marked: BTreeSet<&EntityRef> = self
            .marks
            .stars
            .iter()
            .chain(self.marks.verdicts.keys())
            .filter(|e| needle.found_in(&short(self.marks, e)))
            .collect();
        if marked.is_empty() {
            return rows;
        }
        rows.extend((0..self.len() as u32).filter(|&r| self.entity(r as usize).is_some_and(|e| marked.contains(&e))));
        rows.sort_unstable();
        rows.dedup();
        rows
    }
}
