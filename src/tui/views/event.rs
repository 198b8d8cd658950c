//! The event detail view: the raw record pretty-printed, sanitised line by line, scrollable. The record is read
//! from disk by a background job (`Command::ReadRaw`); until it arrives the normalised fields are shown.

use super::events::{api_name, caller};
use crate::tui::app::App;
use crate::tui::sanitize::{clean, clean_lines};
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn render(f: &mut Frame, area: Rect, app: &mut App, index: usize, theme: &Theme) {
    let store = app.data.store();
    let mut lines: Vec<Line> = Vec::new();
    let title = match store.events.get(index) {
        Some(e) => format!(
            " {} {} by {} ",
            crate::core::time::rfc3339(e.time),
            clean(&api_name(store, e.event_source, e.event_name)),
            clean(&caller(store, e))
        ),
        None => " event ".to_string(),
    };
    match &app.raw {
        Some(r) if r.event == index => match &r.text {
            Ok(text) => {
                for l in clean_lines(text, 4096) {
                    lines.push(json_line(l, theme));
                }
            }
            Err(e) => lines.push(Line::styled(
                format!("raw record unavailable: {}", clean(e)),
                theme.style(Slot::StatusError),
            )),
        },
        _ => lines.push(Line::styled("reading the raw record…", theme.style(Slot::TextDim))),
    }
    let max_scroll = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
    let top = app.top_mut();
    top.scroll = top.scroll.min(max_scroll);
    let block = Block::bordered()
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(clean(&title).into_owned(), theme.style(Slot::Title)));
    f.render_widget(Paragraph::new(lines).block(block).scroll((top.scroll, 0)), area);
}

/// Colour a pretty-printed JSON line: keys dim, values plain.
fn json_line(l: String, theme: &Theme) -> Line<'static> {
    let trimmed = l.trim_start();
    if trimmed.starts_with('"')
        && let Some(pos) = l.find("\": ")
    {
        let (k, v) = l.split_at(pos + 2);
        return Line::from(vec![
            Span::styled(k.to_string(), theme.style(Slot::TextDim)),
            Span::styled(v.to_string(), theme.style(Slot::Text)),
        ]);
    }
    Line::styled(l, theme.style(Slot::Text))
}
