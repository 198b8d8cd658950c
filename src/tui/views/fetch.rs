//! Drawing the `:fetch` dialog over the body: the form (with each field's validation message), and once a fetch
//! has started, a gauge of queries started, a per service × region table (pages, items, retries, errors) and the
//! latest errors and notes. All text passes through `sanitize` (AWS error strings are outside input).

use crate::aws::Service;
use crate::tui::app::App;
use crate::tui::fetch_dialog::{FIELDS, FetchForm};
use crate::tui::fetch_job::{FetchJob, Outcome};
use crate::tui::sanitize::clean_max;
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph};

pub fn draw(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Some(form) = app.fetch.form.as_ref() else { return };
    let [area] = Layout::horizontal([Constraint::Length(104.min(body.width))])
        .flex(Flex::Center)
        .areas(body);
    let [area] = Layout::vertical([Constraint::Length(30.min(body.height))])
        .flex(Flex::Center)
        .areas(area);
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(" Fetch from AWS ", theme.style(Slot::Title)))
        .title_bottom(Span::styled(
            " Tab/↓ next · Shift-Tab/↑ previous · Space toggles · Enter starts · Esc closes (the fetch goes on) ",
            theme.style(Slot::TextDim),
        ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [form_area, gauge_area, job_area] = Layout::vertical([
        Constraint::Length(FIELDS.len() as u16 + 1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(form_lines(form, theme)), form_area);
    match app.fetch.job.as_ref() {
        Some(job) => {
            gauge(f, gauge_area, job, theme);
            let lines = job_lines(job, job_area.width, job_area.height, theme);
            f.render_widget(Paragraph::new(lines), job_area);
        }
        None => f.render_widget(
            Line::styled(
                " No fetch yet. Credentials come from the profile; none is shown or stored.",
                theme.style(Slot::TextDim),
            ),
            gauge_area,
        ),
    }
}

fn form_lines<'a>(form: &'a FetchForm, theme: &Theme) -> Vec<Line<'a>> {
    FIELDS
        .iter()
        .enumerate()
        .map(|(i, &field)| {
            let focused = i == form.focus % FIELDS.len();
            let label_style = if focused {
                theme.style(Slot::Selection)
            } else {
                theme.style(Slot::TextAccent)
            };
            let mut spans = vec![
                Span::raw(" "),
                Span::styled(format!("{:<17}", field.label()), label_style),
                Span::raw(" "),
            ];
            if let Some(on) = form.toggle(field) {
                spans.push(Span::styled(if on { "[x]" } else { "[ ]" }, theme.style(Slot::Text)));
            } else {
                let text = form.text(field).unwrap_or_default();
                if text.is_empty() && !focused {
                    spans.push(Span::styled(field.placeholder(), theme.style(Slot::TextDim)));
                } else {
                    spans.push(Span::styled(clean_max(text, 70).into_owned(), theme.style(Slot::Text)));
                }
                if focused {
                    spans.push(Span::styled("█", theme.style(Slot::TextDim)));
                }
            }
            if let Some(e) = form.error(field) {
                spans.push(Span::styled(
                    format!("  ✗ {}", clean_max(e, 70)),
                    theme.style(Slot::StatusError),
                ));
            }
            Line::from(spans)
        })
        .collect()
}

fn gauge(f: &mut Frame, area: Rect, job: &FetchJob, theme: &Theme) {
    let n = job.queries().len();
    let (events, findings) = job.totals();
    let state = match &job.outcome {
        None => format!("{} of {n} queries done", job.done.len()),
        Some(Outcome::Finished(_)) => "finished".to_string(),
        Some(Outcome::Failed(_)) => "failed".to_string(),
    };
    let label = format!("{state} · {events} events · {findings} findings");
    let g = Gauge::default()
        .gauge_style(theme.style(Slot::Gauge))
        .ratio(job.ratio().clamp(0.0, 1.0))
        .label(label);
    f.render_widget(g, area);
}

fn service_name(s: Service) -> &'static str {
    match s {
        Service::CloudTrail => "CloudTrail",
        Service::GuardDuty => "GuardDuty",
        Service::AccessAnalyzer => "Access Analyzer",
        Service::Athena => "Athena",
        Service::Lake => "CloudTrail Lake",
    }
}

/// `text` cut into rows of at most `width` characters (AWS error messages are long and must be read whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect()
}

fn job_lines(job: &FetchJob, width: u16, height: u16, theme: &Theme) -> Vec<Line<'static>> {
    let width = (width as usize).saturating_sub(3);
    let dim = theme.style(Slot::TextDim);
    let mut lines = vec![
        Line::styled(
            format!(
                " profile {} · into {}",
                if job.profile.is_empty() {
                    "(resolving…)".to_string()
                } else {
                    clean_max(&job.profile, 40).into_owned()
                },
                clean_max(&job.spec.case_dir.join("fetched").display().to_string(), 60)
            ),
            dim,
        ),
        Line::styled(
            format!(
                " {:<17} {:<16} {:>6} {:>9} {:>8} {:>7}",
                "service", "region", "pages", "items", "retries", "errors"
            ),
            theme.style(Slot::Header),
        ),
    ];
    for (service, region) in job.queries() {
        let c = job.counter(service, &region);
        let style = if c.errors > 0 {
            theme.style(Slot::StatusError)
        } else {
            theme.style(Slot::Text)
        };
        lines.push(Line::styled(
            format!(
                " {:<17} {:<16} {:>6} {:>9} {:>8} {:>7}",
                service_name(service),
                clean_max(&region, 16),
                c.pages,
                c.items,
                c.retries,
                c.errors
            ),
            style,
        ));
    }
    let mut messages: Vec<(bool, &str)> = job.messages.iter().map(|(e, m)| (*e, m.as_str())).collect();
    if let Some(Outcome::Failed(e)) = &job.outcome {
        messages.push((true, e));
    }
    let mut rows = Vec::new();
    for (is_error, m) in messages {
        let (mark, style) = if is_error {
            ("✗", theme.style(Slot::StatusError))
        } else {
            ("·", theme.style(Slot::StatusWarning))
        };
        for (i, part) in wrap(&clean_max(m, 600), width).into_iter().enumerate() {
            let mark = if i == 0 { mark } else { " " };
            rows.push(Line::styled(format!(" {mark} {part}"), style));
        }
    }
    // The newest rows that fit under the table.
    let room = (height as usize).saturating_sub(lines.len());
    let skip = rows.len().saturating_sub(room);
    lines.extend(rows.into_iter().skip(skip));
    lines
}
