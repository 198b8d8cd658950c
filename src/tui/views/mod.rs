//! One module per view. Each turns (store, spec, scope) into a view model and draws it; `source` gives the
//! focused table so `update` can filter, sort and pivot without knowing which view is on top.

pub mod behavior;
pub mod chain;
pub mod event;
pub mod events;
pub mod fetch;
pub mod findings;
pub mod map;
pub mod marked;
pub mod notes;
pub mod profile;
pub mod related;
pub mod select;
pub mod volume;

use super::app::{App, ViewModel};
use super::spec::ViewSpec;
use super::theme::{Slot, Theme};
use super::widgets::table::{self, TableSource};
use crate::core::dataset::Dataset;
use crate::core::model::Store;
use crate::core::time::Scope;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::sync::Arc;

/// Views that scroll text instead of moving a table selection.
pub fn is_text_view(spec: &ViewSpec) -> bool {
    matches!(spec, ViewSpec::Event(_))
}

/// The window Detective would open for finding `id`.
pub fn finding_scope(store: &Store, id: &str) -> Option<Scope> {
    findings::scope(store, id)
}

/// Everything a view model is computed from. The loaded data is shared as `Arc<Dataset>`, so a request can be
/// handed to a background task as is.
#[derive(Clone)]
pub struct ModelRequest {
    pub key: u64,
    pub data: Arc<Dataset>,
    pub notes: Option<Result<Vec<crate::core::case::Note>, String>>,
    /// Stars and verdicts (the Notes view's columns).
    pub marks: Option<crate::tui::marks::Marks>,
    pub spec: ViewSpec,
    pub tab: &'static str,
    pub drill: usize,
    pub scope: Scope,
}

/// Which (spec, tab, drill, scope, data, notes) the top view's model must be computed for.
pub fn model_key(app: &App) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (app.spec(), app.top().tab, app.top().drill, app.scope.scope).hash(&mut h);
    // A new read of the case's notes changes the Notes view.
    app.notes
        .as_ref()
        .map(|n| n.as_ref().map(|v| v.len()).map_err(|e| e.len()))
        .hash(&mut h);
    // An edit keeps the count but changes a revision; a star or verdict changes the Notes view's columns.
    if let Some(Ok(notes)) = &app.notes {
        notes.iter().for_each(|n| (n.id, n.rev).hash(&mut h));
    }
    app.marks.hash(&mut h);
    // Data is replaced wholesale on load: its generation tells a new load from the old one.
    app.data.generation().hash(&mut h);
    // Zero is the key of "no model yet" (`ViewModel::default`).
    h.finish().max(1)
}

pub fn request(app: &App) -> ModelRequest {
    ModelRequest {
        key: model_key(app),
        data: Arc::clone(&app.data),
        notes: if app.spec() == &ViewSpec::Notes {
            app.notes.clone()
        } else {
            None
        },
        marks: if app.spec() == &ViewSpec::Notes {
            app.marks.clone()
        } else {
            None
        },
        spec: app.spec().clone(),
        tab: app.tab_name().unwrap_or(""),
        drill: app.top().drill,
        scope: app.scope.scope,
    }
}

/// Is the top view's model the one its current state needs?
pub fn model_ready(app: &App) -> bool {
    app.top().model.key == model_key(app)
}

/// Make the top view's model current. Synchronous by default (headless tests, benchmarks); with
/// `app.defer_models` (the terminal runtime) a stale model is cleared and a request left in `app.pending_model`
/// for a background task, so an expensive profile (an account over weeks) never blocks key handling.
pub fn prepare(app: &mut App) {
    let key = model_key(app);
    if app.top().model.key == key {
        return;
    }
    if app.defer_models {
        app.top_mut().model = ViewModel::default();
        if app.requested_model != Some(key) {
            app.requested_model = Some(key);
            app.pending_model = Some(request(app));
        }
        return;
    }
    let m = compute(&request(app));
    app.top_mut().model = m;
}

/// Compute a view model (pure; runs on a background task in the terminal runtime).
pub fn compute(r: &ModelRequest) -> ViewModel {
    let (store, graph, scope, spec, tab) = (r.data.store(), r.data.graph(), r.scope, &r.spec, r.tab);
    let items = select::events(store, graph, spec, scope);
    let mut rows = match spec {
        ViewSpec::Chain(k) => Some(chain::rows(&chain::build(store, graph, k))),
        ViewSpec::Finding(id) => Some(findings::entities(store, graph, id)),
        ViewSpec::Notes => Some(notes::rows(r.notes.as_ref(), r.marks.as_ref())),
        ViewSpec::Findings | ViewSpec::Event(_) => None,
        _ if tab == "API volume" || tab == "New behaviour" => None,
        _ => profile::rows(store, graph, spec, tab, scope, &items),
    };
    let (mut report, mut volume_report) = (None, None);
    // Behaviour analytics need a bounded window: "everything loaded" is the loaded range in whole hours.
    let bscope = match (store.events.first(), store.events.last()) {
        (Some(a), Some(b)) if scope == Scope::ALL => Scope::from_observed(a.time, b.time),
        _ => scope,
    };
    if tab == "New behaviour" {
        let rep = behavior::report(store, graph, r.data.behavior(), r.data.geo(), spec, bscope);
        rows = Some(rep.as_ref().map(behavior::new_rows).unwrap_or_default());
        report = Some(rep);
    }
    if tab == "API volume" {
        let v = behavior::volume(store, graph, r.data.behavior(), r.data.geo(), spec, bscope);
        rows = Some(v.as_ref().map(|v| behavior::drill_rows(v, r.drill)).unwrap_or_default());
        volume_report = Some(v);
    }
    let failed = items
        .iter()
        .filter(|&&i| store.events.get(i as usize).is_some_and(|e| e.failed()))
        .count();
    let volume = if tab == "Overview" {
        volume::buckets(store, &items, scope, volume::RESOLUTION)
    } else {
        Vec::new()
    };
    ViewModel {
        key: r.key,
        items,
        rows,
        report,
        volume_report,
        failed,
        volume,
    }
}

/// The focused table of the top view (over the model `prepare` computed).
pub fn source(app: &App) -> Option<Box<dyn TableSource + '_>> {
    let store = app.data.store();
    let model = &app.top().model;
    let src: Option<Box<dyn TableSource + '_>> = match app.spec() {
        ViewSpec::Findings => Some(Box::new(findings::FindingRows::new(store))),
        ViewSpec::Event(_) => None,
        _ => match &model.rows {
            Some(rows) => Some(Box::new(rows)),
            None if app.tab_name() == Some("Events") => Some(Box::new(events::EventRows {
                store,
                items: &model.items,
            })),
            None => None,
        },
    };
    src.map(|s| marked::decorate(app, s))
}

/// Draw the body of the top view into `area`.
pub fn render(f: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    app.hits.table = Rect::default();
    app.hits.tabs = Rect::default();
    if !model_ready(app) {
        let line = Line::styled("  computing…", theme.style(Slot::TextDim));
        panel(f, area, vec![Line::from(""), line], theme, &app.spec().crumb());
        return;
    }
    let spec = app.spec().clone();
    match &spec {
        ViewSpec::Findings => {
            let [counts, rest] = Layout::vertical([Constraint::Length(4), Constraint::Fill(1)]).areas(area);
            findings::render_counts(f, counts, app.data.store(), theme);
            draw_table(f, rest, app, theme, "Findings (GuardDuty + IAM Access Analyzer)");
        }
        ViewSpec::Finding(id) => {
            let lines = findings::details(app.data.store(), id, theme);
            let h = (lines.len() as u16 + 2).min(area.height / 2);
            let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(area);
            panel(f, top, lines, theme, "Finding");
            draw_table(f, rest, app, theme, "Entities (Enter: open with the finding's scope)");
        }
        ViewSpec::Event(i) => event::render(f, area, app, *i, theme),
        ViewSpec::Chain(key) => {
            let model = chain::build(app.data.store(), app.data.graph(), key);
            let [legend, rest] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            f.render_widget(
                Line::from(vec![
                    Span::styled(" links: ", theme.style(Slot::TextDim)),
                    Span::styled("── exact access key", theme.style(Slot::EdgeStrong)),
                    Span::styled("  ── principal + time", theme.style(Slot::EdgeMedium)),
                    Span::styled("  ┄┄ name + time (weak)", theme.style(Slot::EdgeWeak)),
                    Span::styled("   j/k select · Enter opens", theme.style(Slot::TextDim)),
                ]),
                legend,
            );
            let sel = app.top().table.selected;
            crate::tui::widgets::tree::render(f, rest, &model.nodes, sel, theme);
        }
        ViewSpec::Notes => {
            let title = match &app.notes {
                None => "Notes (reading the case…)".to_string(),
                Some(Err(e)) => format!("Notes — case unavailable: {e}"),
                Some(Ok(_)) => {
                    use crate::tui::action::Action;
                    let k = |a| app.key_hint(a);
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
            draw_table(f, area, app, theme, &title);
        }
        spec => {
            let tabs = spec.tabs();
            let [tabs_area, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            render_tabs(f, tabs_area, tabs, app.top().tab, theme);
            app.hits.tabs = tabs_area;
            let tab = app.tab_name().unwrap_or("Overview");
            match tab {
                "Overview" => {
                    let lines = profile::details(
                        app.data.store(),
                        app.data.graph(),
                        app.data.geo(),
                        &app.top().model,
                        spec,
                        theme,
                    );
                    let h = profile::details_height(lines.len(), body);
                    let [top, rest] = Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(body);
                    panel(f, top, lines, theme, &spec.crumb());
                    // A compact API-volume chart under the details when the screen is tall enough.
                    let rest = if rest.height >= 18 {
                        let [chart, table] = Layout::vertical([Constraint::Length(7), Constraint::Fill(1)]).areas(rest);
                        volume::render(f, chart, &app.top().model.volume, app.scope.scope, theme);
                        table
                    } else {
                        rest
                    };
                    let title = match spec {
                        ViewSpec::Session(_) => {
                            "Chain from the origin, started sessions, role, IPs, user agents, findings (Enter: pivot, c: graph)"
                        }
                        ViewSpec::Role(_) => "Resource interaction in scope (Enter: pivot)",
                        _ => "Related entities in scope (Enter: pivot)",
                    };
                    draw_table(f, rest, app, theme, title);
                }
                "API volume" => {
                    let [chart, rest] = Layout::vertical([Constraint::Percentage(45), Constraint::Fill(1)]).areas(body);
                    let drill = behavior::DRILLS[app.top().drill % behavior::DRILLS.len()];
                    let title = match &app.top().model.volume_report {
                        Some(Ok(v)) => {
                            volume::render_series(f, chart, v, theme);
                            format!(
                                "Details for scope time: {drill} ({} for the next drill-down)",
                                app.key_hint(crate::tui::action::Action::Drill)
                            )
                        }
                        Some(Err(e)) => format!("API volume unavailable: {e}"),
                        None => "API volume".to_string(),
                    };
                    draw_table(f, rest, app, theme, &title);
                }
                "Events" => draw_table(f, body, app, theme, "Events in scope (Enter: raw record)"),
                _ => {
                    let [m, list] = Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(body);
                    let title = match &app.top().model.report {
                        Some(Ok(r)) => {
                            let (known, new) = behavior::places(r);
                            let training = if r.baseline.in_training {
                                " — baseline still in training: nothing is called new"
                            } else {
                                ""
                            };
                            let title = format!("Places: ● known ● new — {}{training}", r.profile.description);
                            map::render(f, m, &known, &new, &title, theme);
                            format!(
                                "New behaviour in scope vs the {}-day baseline (Enter: pivot)",
                                r.baseline.days
                            )
                        }
                        Some(Err(e)) => {
                            map::render(f, m, &[], &[], "Places", theme);
                            format!("New behaviour unavailable: {e}")
                        }
                        None => "New behaviour".to_string(),
                    };
                    draw_table(f, list, app, theme, &title);
                }
            }
        }
    }
}

fn draw_table(f: &mut Frame, area: Rect, app: &mut App, theme: &Theme, title: &str) {
    let mut state = std::mem::take(&mut app.top_mut().table);
    if let Some(src) = source(app) {
        table::render(f, area, src.as_ref(), &mut state, theme, title, true);
    }
    app.top_mut().table = state;
    app.hits.table = area;
}

pub fn panel(f: &mut Frame, area: Rect, lines: Vec<Line<'static>>, theme: &Theme, title: &str) {
    let block = Block::bordered()
        .border_style(theme.style(Slot::Border))
        .title(Span::styled(
            format!(" {} ", crate::tui::sanitize::clean_max(title, 80)),
            theme.style(Slot::Title),
        ));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_tabs(f: &mut Frame, area: Rect, tabs: &[&str], active: usize, theme: &Theme) {
    let mut spans = Vec::new();
    for (i, t) in tabs.iter().enumerate() {
        let style = if i == active {
            theme.style(Slot::TabActive)
        } else {
            theme.style(Slot::TextDim)
        };
        spans.push(Span::styled(format!(" {t} "), style));
        spans.push(Span::styled("│", theme.style(Slot::Border)));
    }
    f.render_widget(Line::from(spans), area);
}
