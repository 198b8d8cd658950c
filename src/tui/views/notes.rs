//! The Notes view: the case's notes (newest revision of each), with the entity each is about to pivot to.

use crate::core::case::Note;
use crate::core::time::rfc3339;
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::layout::Constraint::{Fill, Length};

pub fn rows(notes: Option<&Result<Vec<Note>, String>>) -> StaticRows {
    let notes = match notes {
        Some(Ok(n)) => n.as_slice(),
        _ => &[],
    };
    StaticRows {
        columns: vec![
            col("#", Length(4)),
            col("About", Fill(2)),
            col("Author", Length(10)),
            col("Updated (UTC)", Length(20)),
            col("Note", Fill(3)),
        ],
        rows: notes
            .iter()
            .map(|n| {
                let mut r = StaticRow::new(vec![
                    n.id.to_string(),
                    clean(&n.entity.to_string()).into_owned(),
                    clean(&n.updated_by).into_owned(),
                    rfc3339(n.updated),
                    clean(&n.text).into_owned(),
                ])
                .number(0, n.id as f64)
                .style(1, Slot::TextAccent)
                .style(3, Slot::TextDim)
                .target(ViewSpec::from_entity(&n.entity));
                if n.conflict_with.is_some() {
                    r = r.style(4, Slot::StatusWarning);
                }
                r
            })
            .collect(),
    }
}
