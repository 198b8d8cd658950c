//! Drawing the `:fetch` dialog over the body: the form (with each field's validation message; the fields of the
//! chosen source), and once an API fetch has started, a gauge of queries started, a per service × region table
//! (pages, items, retries, errors) and the latest errors and notes. For Athena and CloudTrail Lake: the plan
//! before anything runs (the text `fetch --dry-run` prints), then per query its part, state, rows, bytes scanned
//! and estimated cost, with the totals. All text passes through `sanitize` (AWS error strings and whatever the
//! form holds are outside input).

use crate::aws::Service;
use crate::tui::app::App;
use crate::tui::fetch_dialog::{FetchForm, Field};
use crate::tui::fetch_job::{FetchJob, Outcome, Stage, bytes_text};
use crate::tui::sanitize::{clean_lines, clean_max};
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph};

pub fn draw(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Some(form) = app.fetch.form.as_ref() else { return };
    let org_job = app.fetch.job.as_ref().filter(|j| j.org.is_some());
    let [area] = Layout::horizontal([Constraint::Length(104.min(body.width))])
        .flex(Flex::Center)
        .areas(body);
    let [area] = Layout::vertical([Constraint::Length(30.min(body.height))])
        .flex(Flex::Center)
        .areas(area);
    f.render_widget(Clear, area);
    let (title, keys) = match (&app.fetch.stage, org_job) {
        (Stage::Plan { .. }, _) => (
            " Fetch: the plan ",
            " ↑/↓ scroll · Enter runs these queries · Esc back to the form ",
        ),
        (Stage::Progress, Some(job)) if job.outcome.is_none() => {
            if job.org.as_ref().is_some_and(|o| o.stopping) {
                (" Fetch: queries ", " stopping the running queries… ")
            } else {
                (
                    " Fetch: queries ",
                    " Esc stops the running queries (as Ctrl-C in the CLI) ",
                )
            }
        }
        (Stage::Progress, _) => (" Fetch: queries ", " Enter back to the form · Esc closes "),
        (Stage::Form, _) if form.source != crate::tui::fetch_dialog::SourceKind::Apis => (
            " Fetch from AWS ",
            " Tab/↓ next · ↑ previous · Space/←→ source · Enter: the plan · Esc closes ",
        ),
        (Stage::Form, _) => (
            " Fetch from AWS ",
            " Tab/↓ next · Shift-Tab/↑ previous · Space toggles · Enter starts · Esc closes (the fetch goes on) ",
        ),
    };
    let block = Block::bordered()
        .border_style(theme.style(Slot::BorderFocused))
        .title(Span::styled(title, theme.style(Slot::Title)))
        .title_bottom(Span::styled(keys, theme.style(Slot::TextDim)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    match (&app.fetch.stage, org_job) {
        (Stage::Plan { text, scroll, .. }, _) => {
            plan(f, inner, text.as_ref(), *scroll, theme);
            return;
        }
        (Stage::Progress, Some(job)) => {
            let [gauge_area, job_area] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
            gauge(f, gauge_area, job, theme);
            let lines = org_lines(job, job_area.width, job_area.height, theme);
            f.render_widget(Paragraph::new(lines), job_area);
            return;
        }
        _ => {}
    }
    let [form_area, gauge_area, job_area] = Layout::vertical([
        Constraint::Length(form.fields().len() as u16 + 1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(form_lines(form, theme)), form_area);
    match app.fetch.job.as_ref() {
        Some(job) => {
            gauge(f, gauge_area, job, theme);
            let lines = if job.org.is_some() {
                org_lines(job, job_area.width, job_area.height, theme)
            } else {
                job_lines(job, job_area.width, job_area.height, theme)
            };
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

/// The plan's text (or that it is being made, or why it could not be), wrapped, from row `scroll`.
fn plan(f: &mut Frame, area: Rect, text: Option<&Result<String, String>>, scroll: u16, theme: &Theme) {
    let width = (area.width as usize).saturating_sub(2).max(1);
    let wrapped = |l: String, style| -> Vec<Line<'static>> {
        wrap(&l, width)
            .into_iter()
            .map(|part| Line::styled(format!(" {part}"), style))
            .collect()
    };
    let lines: Vec<Line> = match text {
        None => vec![Line::styled(
            " making the plan (Athena: reading the table's columns and partitions)…",
            theme.style(Slot::TextDim),
        )],
        Some(Err(e)) => clean_lines(e, 2000)
            .into_iter()
            .flat_map(|l| wrapped(format!(" ✗ {l}"), theme.style(Slot::StatusError)))
            .collect(),
        Some(Ok(t)) => clean_lines(t, 20_000)
            .into_iter()
            .flat_map(|l| wrapped(l, theme.style(Slot::Text)))
            .collect(),
    };
    let rows = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let scroll = scroll.min(rows.saturating_sub(area.height));
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

fn form_lines<'a>(form: &'a FetchForm, theme: &Theme) -> Vec<Line<'a>> {
    let fields = form.fields();
    fields
        .iter()
        .enumerate()
        .map(|(i, &field)| {
            let focused = i == form.focus % fields.len();
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
            if field == Field::Source {
                spans.push(Span::styled(
                    format!("‹ {} ›", form.source.label()),
                    theme.style(Slot::Text),
                ));
            } else if let Some(on) = form.toggle(field) {
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
    if let Some(org) = &job.org {
        let (ended, known) = org.ended();
        let (rows, bytes, cost) = org.totals();
        let state = match &job.outcome {
            None if org.stopping => format!("stopping · {ended} of {known} queries ended"),
            None => format!("{ended} of {known} queries ended"),
            Some(Outcome::Failed(_)) => "failed".to_string(),
            Some(_) => "finished".to_string(),
        };
        let label = format!("{state} · {rows} rows · {} scanned · ~${cost:.4}", bytes_text(bytes));
        let g = Gauge::default()
            .gauge_style(theme.style(Slot::Gauge))
            .ratio(job.ratio().clamp(0.0, 1.0))
            .label(label);
        f.render_widget(g, area);
        return;
    }
    let n = job.queries().len();
    let (events, findings) = job.totals();
    let state = match &job.outcome {
        None => format!("{} of {n} queries done", job.done.len()),
        Some(Outcome::Finished(_) | Outcome::OrgFinished(_)) => "finished".to_string(),
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

/// `text` cut into rows of at most `width` characters (AWS error messages and the plan's SQL are long and must be
/// read whole); an empty text is one empty row.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect()
}

fn job_lines(job: &FetchJob, width: u16, height: u16, theme: &Theme) -> Vec<Line<'static>> {
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
    let room = height.saturating_sub(lines.len() as u16);
    lines.extend(message_rows(job, width, room, theme));
    lines
}

/// An Athena/Lake fetch: where it runs and writes, a row per query in plan order (part, state, rows, bytes
/// scanned, estimated cost, query id), the totals, then the newest errors and notes that fit.
fn org_lines(job: &FetchJob, width: u16, height: u16, theme: &Theme) -> Vec<Line<'static>> {
    let Some(org) = &job.org else { return Vec::new() };
    let dim = theme.style(Slot::TextDim);
    let mut lines = vec![
        Line::styled(
            format!(
                " {} {} · profile {} · into {}",
                org.engine,
                clean_max(&org.target, 48),
                if job.profile.is_empty() {
                    "(resolving…)".to_string()
                } else {
                    clean_max(&job.profile, 24).into_owned()
                },
                clean_max(&job.spec.case_dir.join("fetched").display().to_string(), 40)
            ),
            dim,
        ),
        Line::styled(
            format!(
                " {:<16} {:<10} {:>8} {:<5} {:>10} {:>9}  {}",
                "query", "state", "rows", "via", "scanned", "est. cost", "id"
            ),
            theme.style(Slot::Header),
        ),
    ];
    if org.queries.is_empty() {
        lines.push(Line::styled(" (starting…)", dim));
    }
    for q in &org.queries {
        let style = match q.state.as_str() {
            "FAILED" | "CANCELLED" | "STOPPED" | "TIMED_OUT" => theme.style(Slot::StatusError),
            _ if q.ended => theme.style(Slot::Text),
            _ => theme.style(Slot::StatusWarning),
        };
        let started = q.query_id.is_some() && !q.reused;
        lines.push(Line::styled(
            format!(
                " {:<16} {:<10} {:>8} {:<5} {:>10} {:>9}  {}",
                clean_max(&q.part, 16),
                clean_max(if q.reused { "REUSED" } else { &q.state }, 10),
                q.rows,
                // How the rows were read: the result file (`csv`) or the paged call (`pages`), README "Org scale".
                q.results.map_or("-".to_string(), |r| r.to_string()),
                if started {
                    bytes_text(q.bytes_scanned)
                } else {
                    "-".into()
                },
                if started {
                    format!("${:.4}", q.cost_usd)
                } else {
                    "-".into()
                },
                clean_max(q.query_id.as_deref().unwrap_or("-"), 40)
            ),
            style,
        ));
    }
    let (rows, bytes, cost) = org.totals();
    lines.push(Line::styled(
        format!(
            " {:<16} {:<10} {:>8} {:<5} {:>10} {:>9}",
            "total",
            "",
            rows,
            "",
            bytes_text(bytes),
            format!("${cost:.4}")
        ),
        theme.style(Slot::Header),
    ));
    lines.extend(message_rows(
        job,
        width,
        height.saturating_sub(lines.len() as u16),
        theme,
    ));
    lines
}

/// The newest errors and notes (the fatal one last) that fit in `room` rows, each wrapped to `width`.
fn message_rows(job: &FetchJob, width: u16, room: u16, theme: &Theme) -> Vec<Line<'static>> {
    let width = (width as usize).saturating_sub(3);
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
    let skip = rows.len().saturating_sub(room as usize);
    rows.into_iter().skip(skip).collect()
}
