//! The Notes view: the case's notes (newest revision of each), with the entity each is about to pivot to, and
//! that entity's star and verdict.

use super::ViewCtx;
use crate::core::case::Note;
use crate::core::time::rfc3339;
use crate::tui::app::Drawn;
use crate::tui::marks::Marks;
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::Rect;

pub fn rows(notes: Option<&Result<Vec<Note>, String>>, marks: Option<&Marks>) -> StaticRows {
    let notes = match notes {
        Some(Ok(n)) => n.as_slice(),
        _ => &[],
    };
    StaticRows {
        columns: vec![
            col("#", Length(4)),
            col("About", Fill(3)),
            col("Marks", Length(12)),
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
                    mark_cell(marks, &n.entity),
                    clean(&n.updated_by).into_owned(),
                    rfc3339(n.updated),
                    clean(&n.text).into_owned(),
                ])
                .number(0, n.id as f64)
                .style(1, Slot::TextAccent)
                .style(2, Slot::TextAccent)
                .style(4, Slot::TextDim)
                .target(ViewSpec::from_entity(&n.entity));
                if n.conflict_with.is_some() {
                    r = r.style(5, Slot::StatusWarning);
                }
                r
            })
            .collect(),
    }
}

/// `★ malicious`, `★`, `benign` or empty: the entity's star and verdict.
fn mark_cell(marks: Option<&Marks>, e: &crate::core::entity::EntityRef) -> String {
    let star = marks.is_some_and(|m| m.starred(e));
    let verdict = marks.and_then(|m| m.verdict(e)).map(<&str>::from);
    match (star, verdict) {
        (true, Some(v)) => format!("★ {v}"),
        (true, None) => "★".into(),
        (false, Some(v)) => v.into(),
        (false, None) => String::new(),
    }
}

/// The notes table, titled with the keys that act on it (or why there is none).
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let title = match &ctx.app.notes {
        None => "Notes (reading the case…)".to_string(),
        Some(Err(e)) => format!("Notes — case unavailable: {e}"),
        Some(Ok(_)) => {
            use crate::tui::action::Action;
            let k = |a| ctx.app.key_hint(a);
            format!(
                "Notes ({}: write · {}: edit · {}: star · {}: verdict · {}: open its entity)",
                k(Action::AddNote),
                k(Action::EditNote),
                k(Action::ToggleStar),
                k(Action::SetVerdict),
                k(Action::Enter)
            )
        }
    };
    super::draw_table(f, area, ctx, &title)
}
