//! Star toggling and the verdict picker (unknown / benign / suspicious / malicious) for the entity `marks::target`
//! names. Both write through the case worker; the strip and the Notes view change once the write is acknowledged.

use super::action::{Action, Input};
use super::app::{App, Mode};
use super::case_io::CaseRequest;
use super::sanitize::clean_max;
use super::theme::{Slot, Theme};
use super::update::Command;
use crate::core::case::Verdict;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const NOTHING: &str = "nothing to mark here: open an entity or select an event row";

/// `*`: star the target, or unstar it when it is starred.
pub fn toggle_star(app: &mut App) -> Vec<Command> {
    let Some(entity) = super::marks::target(app) else {
        app.set_status(Slot::StatusWarning, NOTHING);
        return Vec::new();
    };
    let on = !app.marks.as_ref().is_some_and(|m| m.starred(&entity));
    vec![Command::Case(CaseRequest::Star { entity, on })]
}

/// `v`: open the picker on the target's current verdict.
pub fn open(app: &mut App) {
    let Some(entity) = super::marks::target(app) else {
        app.set_status(Slot::StatusWarning, NOTHING);
        return;
    };
    let current = app.marks.as_ref().and_then(|m| m.verdict(&entity)).unwrap_or_default();
    let selected = Verdict::ALL.iter().position(|v| *v == current).unwrap_or(0);
    app.mode = Mode::VerdictPick { entity, selected };
}

/// Keys while the picker is open: up/down choose, Enter saves, anything else closes it.
pub fn handle(app: &mut App, input: Input) -> Vec<Command> {
    let Mode::VerdictPick { entity, selected } = &mut app.mode else {
        return Vec::new();
    };
    let n = Verdict::ALL.len();
    match input {
        Input::Action(Action::Up) | Input::ScrollUp => *selected = (*selected + n - 1) % n,
        Input::Action(Action::Down) | Input::ScrollDown => *selected = (*selected + 1) % n,
        Input::Action(Action::Enter) | Input::Submit => {
            let verdict = Verdict::ALL.get(*selected).copied().unwrap_or_default();
            let entity = entity.clone();
            app.mode = Mode::Normal;
            return vec![Command::Case(CaseRequest::SetVerdict { entity, verdict })];
        }
        Input::Resize { .. } => {}
        _ => app.mode = Mode::Normal,
    }
    Vec::new()
}

pub fn render(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Mode::VerdictPick { entity, selected } = &app.mode else {
        return;
    };
    let [area] = Layout::horizontal([Constraint::Length(52.min(body.width))])
        .flex(Flex::Center)
        .areas(body);
    let [area] = Layout::vertical([Constraint::Length(8.min(body.height))])
        .flex(Flex::Center)
        .areas(area);
    let mut lines: Vec<Line> = Verdict::ALL
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let style = if i == *selected {
                theme.style(Slot::Selection)
            } else {
                theme.style(Slot::Text)
            };
            Line::from(Span::styled(format!(" {v} "), style))
        })
        .collect();
    lines.push(Line::styled(" Enter sets · Esc cancels", theme.style(Slot::TextDim)));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" verdict for {} ", clean_max(&entity.to_string(), 36)))
        .border_style(theme.style(Slot::Border))
        .title_style(theme.style(Slot::Title));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block), area);
}
