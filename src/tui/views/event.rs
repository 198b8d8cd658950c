//! The event detail view: the raw record pretty-printed, sanitised line by line (only the lines on screen are
//! sanitised when drawing), scrollable. The record is read from disk by a background job (`Command::ReadRaw`).
//! A denied call's explanation (`core::policy::denied`, computed with the model after the title line) is drawn
//! beside the record on a wide screen, above it on a narrow one. The rules that hit the event (`rule`, computed
//! with the model) are listed above both: title, level, ATT&CK tags, rule id and file, and the correlations the
//! event is part of.

use super::ViewCtx;
use super::events::{api_name, caller};
use crate::core::model::Store;
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::{clean, clean_lines};
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The title line (time, API, caller), computed with the model.
pub fn title(store: &Store, index: usize) -> Vec<StyledLine> {
    let text = match store.events.get(index) {
        Some(e) => format!(
            " {} {} by {} ",
            crate::core::time::rfc3339(e.time),
            clean(&api_name(store, e.event_source, e.event_name)),
            clean(&caller(store, e))
        ),
        None => " event ".to_string(),
    };
    vec![StyledLine(vec![(clean(&text).into_owned(), Some(Slot::Title))])]
}

/// The raw record, sanitising only the lines on screen, with a denied call's explanation beside (or above) it;
/// returns the scroll clamped to the text.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx, index: usize) -> Drawn {
    use ratatui::layout::Constraint::{Fill, Length};
    use ratatui::layout::Layout;
    let rules = &ctx.model().rules;
    let area = if rules.is_empty() {
        area
    } else {
        let h = (rules.len() as u16).saturating_add(2).min((area.height / 3).max(3));
        let [top, rest] = Layout::vertical([Length(h), Fill(1)]).areas(area);
        super::panel(f, top, rules, ctx.theme, "Rules that hit this event");
        rest
    };
    let explanation = ctx.model().header.get(1..).unwrap_or_default();
    if explanation.is_empty() {
        return record(f, area, ctx, index);
    }
    let (record_area, panel_area) = if area.width >= 100 {
        let [a, b] = Layout::horizontal([Fill(1), Length(area.width * 2 / 5)]).areas(area);
        (a, b)
    } else {
        // Room for the wrapped lines, up to three fifths of the screen.
        let inner = usize::from(area.width.saturating_sub(2).max(1));
        let wrapped: usize = explanation
            .iter()
            .map(|l| {
                // Word wrapping moves a long value to a line of its own: one more line than the characters need.
                let n = l.0.iter().map(|(t, _)| t.chars().count()).sum::<usize>();
                n.div_ceil(inner).max(1) + usize::from(n > inner)
            })
            .sum();
        let h = (wrapped as u16).saturating_add(2).min(area.height * 3 / 5);
        let [b, a] = Layout::vertical([Length(h), Fill(1)]).areas(area);
        (a, b)
    };
    // Wrapped: ARNs are long, and a cut ARN is a wrong one.
    let block = Block::bordered()
        .border_style(ctx.theme.style(Slot::Border))
        .title(Span::styled(
            " Why it was denied (as the message states) ",
            ctx.theme.style(Slot::Title),
        ));
    f.render_widget(
        Paragraph::new(super::themed(explanation, ctx.theme))
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block),
        panel_area,
    );
    record(f, record_area, ctx, index)
}

fn record(f: &mut Frame, area: Rect, ctx: &ViewCtx, index: usize) -> Drawn {
    let theme = ctx.theme;
    let height = area.height.saturating_sub(2);
    let mut lines: Vec<Line> = Vec::new();
    let mut total = 1u16;
    let scroll = |total: u16| ctx.frame().scroll.min(total.saturating_sub(height));
    match &ctx.app.raw {
        Some(r) if r.event == index => match &r.text {
            Ok(text) => {
                total = text.split('\n').count().min(u16::MAX as usize) as u16;
                let visible: Vec<&str> = text
                    .split('\n')
                    .skip(scroll(total) as usize)
                    .take(height as usize)
                    .collect();
                for l in clean_lines(&visible.join("\n"), 4096) {
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
    let title = ctx
        .model()
        .header
        .first()
        .and_then(|l| l.0.first())
        .map_or(" event ", |(t, _)| t.as_str());
    let block = Block::bordered()
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(
            crate::tui::sanitize::clean_max(title, 200).into_owned(),
            theme.style(Slot::Title),
        ));
    f.render_widget(Paragraph::new(lines).block(block), area);
    Drawn {
        scroll: Some(scroll(total)),
        ..Drawn::default()
    }
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
