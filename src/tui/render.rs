//! Drawing the whole screen from the app state.
//!
//! ```text
//! ┌──────────────────────────────────────────────────────────────┐
//! │ trailhound › Findings › finding 5ac5… › session ASIA…        │  breadcrumbs (the pivot stack)
//! │ Scope 2026-11-05T14:00:00Z → 15:00:00Z (1 h) finding window  │  scope bar, always visible
//! │                                                              │
//! │                     the top view (views::render)             │
//! │                                                              │
//! │ status / filter / command line / key hints                   │
//! └──────────────────────────────────────────────────────────────┘
//! ```
//! Popups (help, loading gauge) are drawn over the body. Rendering is pure ([`frame`] takes the app by shared
//! reference): what a draw settles — mouse hit areas, the table's window, a text view's scroll — is returned and
//! stored by `update` ([`draw`] does both, for the runtime and the tests).

use super::action::Action;
use super::app::{App, Drawn, Mode, ScopeKind};
use super::sanitize::clean_max;
use super::theme::{Slot, Theme};
use super::views;
use crate::core::time::{Scope, rfc3339};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph};

/// Draw a frame, then record what it settled through `update` (`Input::Drawn`).
pub fn draw(f: &mut Frame, app: &mut App, theme: &Theme) {
    let drawn = frame(f, app, theme);
    super::update::update(app, super::action::Input::Drawn(drawn));
}

/// Draw the whole screen from the app state, changing nothing; returns what the draw settled.
pub fn frame(f: &mut Frame, app: &App, theme: &Theme) -> Drawn {
    let [crumbs, scope, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    breadcrumbs(f, crumbs, app, theme);
    scope_bar(f, scope, app, theme);
    let drawn = views::render(f, body, &views::ViewCtx { app, theme });
    status_line(f, status, app, theme);
    if let Some(p) = app.loading {
        loading(f, body, &p, theme);
    }
    if !app.completions.is_empty() {
        completions(f, body, app, theme);
    }
    super::note_editor::render(f, body, app, theme);
    super::verdict_pick::render(f, body, app, theme);
    if app.mode == Mode::Fetch {
        views::fetch::draw(f, body, app, theme);
    }
    if let Mode::Help { scroll } = app.mode {
        help(f, body, app, scroll, theme);
    }
    drawn
}

/// The pivot stack; when it does not fit, the oldest crumbs after the root give way to `…`.
fn breadcrumbs(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let crumbs: Vec<String> = app
        .stack
        .iter()
        .map(|fr| clean_max(&fr.spec.crumb(), 60).into_owned())
        .collect();
    // " trailhound" + " › crumb" per shown crumb + " › …" when some are hidden.
    let width = |skip: usize| {
        let shown = crumbs.iter().enumerate().filter(|(i, _)| *i == 0 || *i > skip);
        11 + shown.map(|(_, c)| c.chars().count() + 3).sum::<usize>() + if skip > 0 { 4 } else { 0 }
    };
    // The entity's star/verdict/notes strip is kept whole; crumbs give way first.
    let strip = super::marks::current_strip(app).map(|s| format!("   {s}"));
    let room = (area.width as usize).saturating_sub(strip.as_ref().map_or(0, |s| s.chars().count()));
    let mut skip = 0;
    while skip + 2 < crumbs.len() && width(skip) > room {
        skip += 1;
    }
    let mut spans = vec![Span::styled(" trailhound", theme.style(Slot::Title))];
    for (i, c) in crumbs.iter().enumerate() {
        if i > 0 && i <= skip {
            if i == 1 {
                spans.push(Span::styled(" › …", theme.style(Slot::TextDim)));
            }
            continue;
        }
        spans.push(Span::styled(" › ", theme.style(Slot::TextDim)));
        let style = if i + 1 == crumbs.len() {
            theme.style(Slot::Title)
        } else {
            theme.style(Slot::Breadcrumb)
        };
        spans.push(Span::styled(c.clone(), style));
    }
    if let Some(strip) = strip {
        spans.push(Span::styled(strip, theme.style(Slot::TextAccent)));
    }
    f.render_widget(Line::from(spans), area);
}

/// `2026-11-05T14:00:00Z → 2026-11-05T15:00:00Z (1 h)`.
pub fn scope_text(s: Scope) -> String {
    if s == Scope::ALL {
        return "all loaded data".into();
    }
    let h = s.seconds() / 3600;
    let len = if h >= 48 {
        format!("{} d", h / 24)
    } else {
        format!("{h} h")
    };
    format!("{} → {} ({len})", rfc3339(s.from), rfc3339(s.to))
}

fn scope_bar(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let kind = match app.scope.kind {
        ScopeKind::AllData => "everything loaded".to_string(),
        ScopeKind::Finding => app.scope.window_of.label().to_string(),
        ScopeKind::Adjusted(h) => format!("{} ±{h} h", app.scope.window_of.label()),
        ScopeKind::Day => "24 h".to_string(),
        ScopeKind::Week => "7 days".to_string(),
        ScopeKind::Custom => "custom".to_string(),
    };
    let k = |a| app.key_hint(a);
    let hint = format!(
        "  [{}]finding [{}/{}]±1h [{}]24h [{}]7d [{}]custom",
        k(Action::ScopeReset),
        k(Action::ScopeWiden),
        k(Action::ScopeNarrow),
        k(Action::Scope24h),
        k(Action::Scope7d),
        k(Action::ScopeCustom)
    );
    let mut spans = vec![
        Span::raw(" Scope "),
        Span::raw(scope_text(app.scope.scope)),
        Span::raw(format!(" · {kind}")),
    ];
    // The events table's `:rule` filter is named before the hints, so a narrow screen keeps it.
    if let Some(r) = &app.top().rule {
        spans.push(Span::styled(format!(" · {}", r.label()), theme.style(Slot::TextAccent)));
    }
    spans.push(Span::raw(hint));
    let line = Line::from(spans).style(theme.style(Slot::ScopeBar));
    f.render_widget(Paragraph::new(line).style(theme.style(Slot::ScopeBar)), area);
}

fn status_line(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let line = match &app.mode {
        Mode::Filter(e) => Line::from(vec![
            Span::styled("/", theme.style(Slot::TextAccent)),
            Span::raw(clean_max(&e.text, 200).into_owned()),
            Span::styled("█", theme.style(Slot::TextDim)),
        ]),
        Mode::Command(e) => Line::from(vec![
            Span::styled(":", theme.style(Slot::TextAccent)),
            Span::raw(clean_max(&e.text, 200).into_owned()),
            Span::styled("█", theme.style(Slot::TextDim)),
            Span::styled(
                "   Tab completes · Enter runs · Esc cancels",
                theme.style(Slot::TextDim),
            ),
        ]),
        Mode::ScopeInput(e) => Line::from(vec![
            Span::styled("scope FROM..TO: ", theme.style(Slot::TextAccent)),
            Span::raw(clean_max(&e.text, 200).into_owned()),
            Span::styled("█", theme.style(Slot::TextDim)),
        ]),
        _ => match &app.status {
            Some((slot, msg)) => Line::styled(format!(" {}", clean_max(msg, 300)), theme.style(*slot)),
            None => {
                let k = |a| app.key_hint(a);
                Line::styled(
                    format!(
                        " {} help · {} open · {} back · {} filter · {} command · {} tabs · {} chain · {} raw · {} quit",
                        k(Action::Help),
                        k(Action::Enter),
                        k(Action::Back),
                        k(Action::Filter),
                        k(Action::Command),
                        k(Action::NextTab),
                        k(Action::Chain),
                        k(Action::RawEvent),
                        k(Action::Quit)
                    ),
                    theme.style(Slot::TextDim),
                )
            }
        },
    };
    // Which case notes go to, always in view at the right end (kept short; the line gives way first).
    let case = app
        .case_label
        .as_deref()
        .map(|c| format!(" case {} ", clean_max(c, 40)))
        .filter(|c| area.width as usize >= c.chars().count() + 40);
    match case {
        Some(c) => {
            let [left, right] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(c.chars().count() as u16)]).areas(area);
            f.render_widget(line, left);
            f.render_widget(Line::styled(c, theme.style(Slot::TextAccent)), right);
        }
        None => f.render_widget(line, area),
    }
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(area);
    let [r] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(r);
    r
}

fn loading(f: &mut Frame, body: Rect, p: &crate::core::ingest::Progress, theme: &Theme) {
    let area = centered(body, 64, 3);
    f.render_widget(Clear, area);
    let label = format!(
        "{}/{} files · {:.1}/{:.1} MB",
        p.files_done,
        p.files_total,
        p.bytes_done as f64 / 1e6,
        p.bytes_total as f64 / 1e6
    );
    let ratio = if p.bytes_total > 0 {
        p.bytes_done as f64 / p.bytes_total as f64
    } else if p.files_total > 0 {
        p.files_done as f64 / p.files_total as f64
    } else {
        0.0
    };
    let g = Gauge::default()
        .block(
            Block::bordered()
                .border_style(theme.style(Slot::BorderFocused))
                .title(Span::styled(" Loading ", theme.style(Slot::Title))),
        )
        .gauge_style(theme.style(Slot::Gauge))
        .ratio(ratio.clamp(0.0, 1.0))
        .label(label);
    f.render_widget(g, area);
}

/// The help popup, generated from the keymap entries (the same data key handling uses).
fn help(f: &mut Frame, body: Rect, app: &App, scroll: u16, theme: &Theme) {
    let entries = app.keymap.entries();
    let mut lines: Vec<Line> = entries
        .iter()
        .map(|e| {
            let keys = e.keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" ");
            Line::from(vec![
                Span::styled(format!(" {keys:<18}"), theme.style(Slot::TextAccent)),
                Span::styled(e.desc.clone(), theme.style(Slot::Text)),
            ])
        })
        .collect();
    // The command words come from the same table the command line resolves and completes with.
    lines.extend(
        super::command::words::help_lines(88)
            .into_iter()
            .map(|l| Line::styled(format!(" {l}"), theme.style(Slot::TextDim))),
    );
    let area = centered(body, 92, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(" Keys (any key closes) ", theme.style(Slot::Title)));
    f.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

/// The open completion candidates, in a box at the bottom of the body.
fn completions(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let n = app.completions.len().min(10) as u16;
    let h = (n + 2).min(body.height);
    let area = Rect::new(body.x, body.bottom().saturating_sub(h), body.width.min(90), h);
    f.render_widget(Clear, area);
    let mut lines: Vec<Line> = app
        .completions
        .iter()
        .take(10)
        .map(|c| Line::styled(format!(" {}", clean_max(c, 120)), theme.style(Slot::TextAccent)))
        .collect();
    if app.completions.len() > 10 {
        lines.push(Line::styled(
            format!(" … {} more", app.completions.len() - 10),
            theme.style(Slot::TextDim),
        ));
    }
    let block = Block::bordered()
        .border_style(theme.style(Slot::Border))
        .title(Span::styled(" Completions ", theme.style(Slot::Title)));
    f.render_widget(Paragraph::new(lines).block(block), area);
}
