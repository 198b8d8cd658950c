//! `update`: the only place state changes. Pure: takes the app and one input, returns the commands (I/O) the
//! runtime must start. Headless tests drive the whole UI through it.

use super::action::{Action, Input};
use super::app::{App, Drawn, Frame, Mode, ScopeKind};
use super::command;
use super::line_edit::LineEdit;
use super::spec::{Tab, ViewSpec};
use super::theme::Slot;
use super::views;
use super::widgets::table;
use crate::core::time::Scope;

/// Work for the runtime: everything that touches files or the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Quit,
    /// Read the raw record of event `index` again from its file (for the event view).
    ReadRaw(usize),
    /// Ask the case for its notes, or write one.
    Case(super::case_io::CaseRequest),
    /// Write the case's report (`:export`) on a background task.
    Export {
        format: crate::core::export::Format,
        path: std::path::PathBuf,
    },
    /// Run a fetch from AWS in the background (`fetch_job::run_job`, or `fetch_job::run_org_job` for Athena and
    /// CloudTrail Lake).
    Fetch(super::fetch_dialog::FetchSpec),
    /// Make an Athena/Lake fetch's plan in the background (`fetch_job::plan_job`), to show before it runs.
    Plan(super::fetch_dialog::FetchSpec),
    /// Stop the running Athena/Lake fetch's queries (Esc in its progress).
    StopFetch,
    /// Load these inputs again (after a fetch: what was open plus `CASE/fetched/`).
    Load(Vec<std::path::PathBuf>),
}

pub fn update(app: &mut App, input: Input) -> Vec<Command> {
    if let Input::Drawn(d) = input {
        record(app, d);
        return Vec::new();
    }
    let mut out = Vec::new();
    match (&mut app.mode, input) {
        (_, Input::Resize { .. }) => {}
        (Mode::Filter(edit), i) => {
            let mut done = false;
            match i {
                Input::Char(c) => edit.push(c),
                Input::Backspace => edit.backspace(),
                Input::Submit => done = true,
                Input::Cancel => {
                    edit.text.clear();
                    done = true;
                }
                _ => {}
            }
            // The filter applies while typing; Esc clears it.
            let text = edit.text.clone();
            if done {
                app.mode = Mode::Normal;
            }
            app.top_mut().table.filter = text;
        }
        (Mode::Command(edit), i) => match i {
            Input::Char(c) => edit.push(c),
            Input::Backspace => edit.backspace(),
            Input::Complete => {
                // The rules with hits are listed once per evaluation (`Detections::rules_hit`): no hit is read here,
                // and none is waited for (until the background evaluation ends, only names complete).
                let rules = app
                    .data
                    .detections_ready()
                    .map(views::rule_hits::completions)
                    .unwrap_or_default();
                let (done, options) = command::complete_with_rules(app.data.names(), &rules, &edit.text);
                edit.text = done;
                app.completions = options;
            }
            Input::Submit => {
                let text = std::mem::take(&mut edit.text);
                app.mode = Mode::Normal;
                out.extend(command::run(app, &text));
            }
            Input::Cancel => app.mode = Mode::Normal,
            _ => {}
        },
        (Mode::ScopeInput(edit), i) => match i {
            Input::Char(c) => edit.push(c),
            Input::Backspace => edit.backspace(),
            Input::Submit => {
                let text = std::mem::take(&mut edit.text);
                app.mode = Mode::Normal;
                match Scope::parse(&text) {
                    Ok(s) => set_scope(app, s, ScopeKind::Custom),
                    Err(e) => app.set_status(Slot::StatusError, e.to_string()),
                }
            }
            Input::Cancel => app.mode = Mode::Normal,
            _ => {}
        },
        (Mode::NoteEditor(_), i) => out.extend(super::note_editor::handle(app, i)),
        (Mode::VerdictPick { .. }, i) => out.extend(super::verdict_pick::handle(app, i)),
        (Mode::Help { scroll }, Input::Action(a)) => match a {
            Action::Down => *scroll = scroll.saturating_add(1),
            Action::Up => *scroll = scroll.saturating_sub(1),
            Action::Quit => {
                app.quit = true;
                out.push(Command::Quit);
            }
            _ => app.mode = Mode::Normal,
        },
        (Mode::Help { .. }, _) => app.mode = Mode::Normal,
        (Mode::Fetch, i) => out.extend(super::fetch_dialog::handle(app, i)),
        (Mode::Normal, Input::Action(a)) => out.extend(action(app, a)),
        (Mode::Normal, Input::Click { column, row }) => click(app, column, row, &mut out),
        (Mode::Normal, Input::ScrollUp) => out.extend(action(app, Action::Up)),
        (Mode::Normal, Input::ScrollDown) => out.extend(action(app, Action::Down)),
        (Mode::Normal, _) => {}
    }
    if !matches!(app.mode, Mode::Command(_)) {
        app.completions.clear();
    }
    refresh(app);
    out
}

fn action(app: &mut App, a: Action) -> Vec<Command> {
    let mut out = Vec::new();
    let text_view = views::is_text_view(app.spec());
    match a {
        Action::Quit => {
            app.quit = true;
            out.push(Command::Quit);
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom if text_view => {
            let f = app.top_mut();
            f.scroll = match a {
                Action::Up => f.scroll.saturating_sub(1),
                Action::Down => f.scroll.saturating_add(1),
                Action::PageUp => f.scroll.saturating_sub(20),
                Action::PageDown => f.scroll.saturating_add(20),
                Action::Top => 0,
                _ => u16::MAX / 2,
            };
        }
        Action::Up => app.top_mut().table.move_by(-1),
        Action::Down => app.top_mut().table.move_by(1),
        Action::PageUp => {
            let p = app.top().table.page as isize;
            app.top_mut().table.move_by(-p)
        }
        Action::PageDown => {
            let p = app.top().table.page as isize;
            app.top_mut().table.move_by(p)
        }
        Action::Top => app.top_mut().table.top(),
        Action::Bottom => app.top_mut().table.bottom(),
        Action::Enter => {
            if let Some(spec) = selected_target(app) {
                out.extend(push(app, spec));
            }
        }
        Action::Back => {
            if !app.top().table.filter.is_empty() {
                app.top_mut().table.filter.clear();
            } else if app.top().rule.is_some() {
                app.top_mut().rule = None;
            } else if app.stack.len() > 1 {
                app.stack.pop();
            }
        }
        Action::NextTab | Action::PrevTab => {
            let n = app.spec().tabs().len();
            if n > 0 {
                let f = app.top_mut();
                f.tab = if a == Action::NextTab {
                    (f.tab + 1) % n
                } else {
                    (f.tab + n - 1) % n
                };
                f.table = Default::default();
                f.rule = None;
                f.scroll = 0;
            }
        }
        Action::Filter => {
            let current = app.top().table.filter.clone();
            app.mode = Mode::Filter(LineEdit::with(&current));
        }
        Action::Command => app.mode = Mode::Command(LineEdit::default()),
        Action::Help => app.mode = Mode::Help { scroll: 0 },
        Action::SortNext => {
            let n = views::source(app).map(|s| s.columns().len()).unwrap_or(0);
            app.top_mut().table.sort_next(n);
        }
        Action::SortReverse => app.top_mut().table.sort_reverse(),
        Action::ScopeReset => match app.scope.finding {
            Some(s) => set_scope(app, s, ScopeKind::Finding),
            None => set_scope(app, Scope::ALL, ScopeKind::AllData),
        },
        Action::ScopeWiden | Action::ScopeNarrow => {
            let base = app.scope.finding.unwrap_or(app.scope.scope);
            if base == Scope::ALL {
                app.set_status(Slot::StatusWarning, "open a finding or set a scope first");
            } else {
                let cur = match app.scope.kind {
                    ScopeKind::Adjusted(h) => h,
                    _ => 0,
                };
                let h = if a == Action::ScopeWiden {
                    cur + 1
                } else {
                    (cur - 1).max(0)
                };
                let s = Scope::new(base.from - h * 3600, base.to + h * 3600);
                let kind = if h == 0 {
                    ScopeKind::Finding
                } else {
                    ScopeKind::Adjusted(h)
                };
                set_scope(app, s, kind);
            }
        }
        Action::Scope24h | Action::Scope7d => {
            let end = scope_end(app);
            let (len, kind) = if a == Action::Scope24h {
                (86_400, ScopeKind::Day)
            } else {
                (7 * 86_400, ScopeKind::Week)
            };
            set_scope(app, Scope::new(end - len, end), kind);
        }
        Action::ScopeCustom => {
            let s = app.scope.scope;
            let init = if s == Scope::ALL {
                String::new()
            } else {
                format!(
                    "{}..{}",
                    crate::core::time::rfc3339(s.from),
                    crate::core::time::rfc3339(s.to)
                )
            };
            app.mode = Mode::ScopeInput(LineEdit::with(&init));
        }
        Action::Chain => {
            let key = match (app.spec(), selected_target(app)) {
                (_, Some(ViewSpec::Session(k))) => Some(k),
                (ViewSpec::Session(k), _) => Some(k.clone()),
                _ => None,
            };
            match key {
                Some(k) => out.extend(push(app, ViewSpec::Chain(k))),
                None => app.set_status(Slot::StatusWarning, "no session selected for the chain graph"),
            }
        }
        Action::Drill => {
            if app.tab() == Some(Tab::ApiVolume) {
                let f = app.top_mut();
                f.drill = (f.drill + 1) % views::api_volume::DRILLS.len();
                f.table = Default::default();
            } else {
                app.set_status(Slot::StatusWarning, "drill-downs are on the API volume tab");
            }
        }
        Action::RawEvent => match selected_target(app) {
            Some(ViewSpec::Event(i)) => out.extend(push(app, ViewSpec::Event(i))),
            _ => app.set_status(Slot::StatusWarning, "select an event row to see its raw record"),
        },
        Action::Notes => {
            if app.spec() != &ViewSpec::Notes {
                out.extend(push(app, ViewSpec::Notes));
            }
        }
        Action::AddNote => super::note_editor::open_new(app),
        Action::Home => app.stack.truncate(1),
        Action::EditNote => super::note_editor::edit_selected(app),
        Action::ToggleStar => out.extend(super::verdict_pick::toggle_star(app)),
        Action::SetVerdict => super::verdict_pick::open(app),
        Action::Summary => {
            if !matches!(app.spec(), ViewSpec::Summary(_)) {
                out.extend(push(app, ViewSpec::Summary(None)));
            }
        }
        Action::PrevDay | Action::NextDay => move_day(app, if a == Action::NextDay { 1 } else { -1 }),
    }
    out
}

/// Open a view on top of the stack. Opening a finding sets the scope to its window (Detective's rule), opening
/// a group to the group's window; every other pivot keeps the scope.
pub fn push(app: &mut App, spec: ViewSpec) -> Vec<Command> {
    let mut out = Vec::new();
    if let ViewSpec::Finding(id) = &spec
        && let Some(s) = views::finding_scope(app.data.store(), id)
    {
        app.scope.finding = Some(s);
        app.scope.window_of = super::app::WindowOf::Finding;
        set_scope(app, s, ScopeKind::Finding);
    }
    if let ViewSpec::Group(id) = &spec
        && let Some(s) = views::group::scope(&app.data, id)
    {
        app.scope.finding = Some(s);
        app.scope.window_of = super::app::WindowOf::Group;
        set_scope(app, s, ScopeKind::Finding);
    }
    if spec == ViewSpec::Notes {
        out.push(Command::Case(super::case_io::CaseRequest::ListNotes));
    }
    if let ViewSpec::Event(i) = spec
        && app.raw.as_ref().is_none_or(|r| r.event != i)
    {
        app.raw = None;
        out.push(Command::ReadRaw(i));
    }
    if app.spec() != &spec {
        let mut frame = Frame::new(spec);
        // The chain opens on the session it was opened from, once its model (which has the trace) is there.
        frame.focus_pending = matches!(frame.spec, ViewSpec::Chain(_));
        app.stack.push(frame);
    }
    out
}

/// Show the day before or after on the summary, within the loaded days.
fn move_day(app: &mut App, by: i64) {
    let ViewSpec::Summary(day) = app.spec() else {
        app.set_status(Slot::StatusWarning, "[ and ] move the day summary by a day");
        return;
    };
    let store = app.data.store();
    let Some((first, last)) = crate::core::summary::loaded_days(store) else {
        return;
    };
    let now = day.unwrap_or(last);
    let next = (now + by).clamp(first, last);
    if next == now {
        let edge = if by < 0 { "first" } else { "last" };
        app.set_status(
            Slot::StatusWarning,
            format!("{} is the {edge} day loaded", crate::core::summary::day_label(now)),
        );
        return;
    }
    let f = app.top_mut();
    f.spec = ViewSpec::Summary(Some(next));
    f.table = Default::default();
}

/// Store what the last draw settled: hit areas for the mouse, the top table's window, the text view's scroll.
fn record(app: &mut App, d: Drawn) {
    app.hits = d.hits;
    let f = app.top_mut();
    if let Some(w) = d.table {
        f.table.offset = w.offset;
        f.table.page = w.page;
    }
    if let Some(s) = d.scroll {
        f.scroll = s;
    }
}

/// Where Enter on the selected row pivots.
pub fn selected_target(app: &App) -> Option<ViewSpec> {
    let row = app.top().table.selected_row()?;
    views::source(app)?.target(row)
}

/// Put the selection on the row that pivots to `target`, when the table's order over the top model is current and
/// lists one (a view whose model was replaced by the same view's with the rules' hits: rows may have joined above
/// the selection). Otherwise the selection stays where it is.
pub fn reselect(app: &mut App, target: &ViewSpec) {
    if selected_target(app).as_ref() == Some(target) {
        return;
    }
    let pos = {
        let t = &app.top().table;
        if !t.is_current(app.top().model.key) {
            return;
        }
        let Some(src) = views::source(app) else { return };
        t.order
            .iter()
            .position(|&r| src.target(r as usize).as_ref() == Some(target))
    };
    if let Some(p) = pos {
        app.top_mut().table.selected = p;
    }
}

fn set_scope(app: &mut App, s: Scope, kind: ScopeKind) {
    app.scope.scope = s;
    app.scope.kind = kind;
}

/// The end the 24 h / 7 d presets count back from: the current scope's end, or the last loaded event.
fn scope_end(app: &App) -> i64 {
    let s = app.scope.scope;
    if s.to != i64::MAX {
        return s.to;
    }
    app.data
        .store()
        .events
        .last()
        .map(|e| (e.time.div_euclid(3600) + 1) * 3600)
        .unwrap_or(0)
}

fn click(app: &mut App, column: u16, row: u16, out: &mut Vec<Command>) {
    let area = app.hits.table;
    if let Some(pos) = app.top().table.hit(area, column, row) {
        if app.top().table.selected == pos {
            out.extend(action(app, Action::Enter));
        } else {
            app.top_mut().table.selected = pos;
        }
        return;
    }
    let tabs = app.hits.tabs;
    if tabs.height > 0 && row == tabs.y && column >= tabs.x && column < tabs.right() {
        // Tabs are drawn as " Name │ Name …" (`views::render_tabs`); find which label the column falls in.
        let mut x = tabs.x;
        let names = app.spec().tabs();
        let pad = crate::tui::views::tab_pad(names, tabs.width).len() as u16;
        for (i, tab) in names.iter().enumerate() {
            let w = tab.label().chars().count() as u16 + 1 + 2 * pad;
            if column < x + w {
                let f = app.top_mut();
                if f.tab != i {
                    f.tab = i;
                    f.table = Default::default();
                    f.rule = None;
                }
                return;
            }
            x += w;
        }
    }
}

/// Make the top view's model and its table's display order current for the data, filter and sort. Cheap when
/// nothing changed. Models are computed on the model task in the terminal (`views::prepare`); so are the orders
/// of tables larger than `views::model::INLINE_ROWS` — meanwhile the table keeps its rows (or lists them
/// unsorted, for new data).
pub fn refresh(app: &mut App) {
    views::prepare(app);
    // The model shown may be the same view's before the rules' hits joined it: its table is ordered (a filter
    // typed meanwhile applies to the rows on screen) and ordered again when the new model arrives.
    if !views::model_shown(app) {
        return;
    }
    let data = app.top().model.key;
    if app.top().focus_pending {
        let focus = app.top().model.chain.as_ref().map(|c| c.focus);
        let f = app.top_mut();
        f.focus_pending = false;
        if let Some(focus) = focus {
            f.table.selected = focus;
        }
    }
    if app.top().table.is_current(data) {
        return;
    }
    let Some(len) = views::source(app).map(|s| s.len()) else {
        return;
    };
    let t = &app.top().table;
    let trivial = t.filter.is_empty() && t.sort.is_none();
    if !app.defer_models || trivial || len <= views::model::INLINE_ROWS {
        let order = views::source(app).map(|s| table::order(s.as_ref(), &t.filter, t.sort));
        let key = t.order_key(data);
        app.top_mut().table.set_order(data, key, order.unwrap_or_default());
        return;
    }
    let req = views::OrderRequest::of(app);
    if !app.top().table.lists(data) {
        app.top_mut().table.set_unordered(data, len);
    }
    if app.requested_order != Some(req.key) {
        app.requested_order = Some(req.key);
        app.pending_order = Some(req);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Keymap;

    fn key(app: &mut App, a: Action) -> Vec<Command> {
        update(app, Input::Action(a))
    }

    #[test]
    fn back_never_empties_the_stack_and_quit_asks_the_runtime_to_stop() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::Back);
        key(&mut app, Action::Back);
        assert_eq!(app.stack.len(), 1);
        key(&mut app, Action::Notes);
        assert_eq!(app.spec(), &ViewSpec::Notes);
        assert_eq!(app.stack.len(), 2);
        key(&mut app, Action::Back);
        assert_eq!(app.stack.len(), 1);
        assert_eq!(key(&mut app, Action::Quit), vec![Command::Quit]);
        assert!(app.quit);
    }

    #[test]
    fn help_is_modal_and_any_other_key_closes_it() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::Help);
        assert_eq!(app.mode, Mode::Help { scroll: 0 });
        key(&mut app, Action::Down);
        assert_eq!(app.mode, Mode::Help { scroll: 1 });
        key(&mut app, Action::Enter);
        assert_eq!(app.mode, Mode::Normal);
        assert_eq!(app.stack.len(), 1, "the key that closed help did nothing else");
    }

    #[test]
    fn filter_applies_while_typing_and_escape_clears_it() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::Filter);
        update(&mut app, Input::Char('x'));
        assert_eq!(app.top().table.filter, "x");
        update(&mut app, Input::Cancel);
        assert_eq!(app.top().table.filter, "");
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn custom_scope_is_validated() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::ScopeCustom);
        for c in "2026-11-05T15:00:00Z..2026-11-05T14:00:00Z".chars() {
            update(&mut app, Input::Char(c));
        }
        update(&mut app, Input::Submit);
        assert_eq!(app.scope.scope, Scope::ALL, "an end before the start is refused");
        assert!(app.status.as_ref().is_some_and(|s| s.0 == Slot::StatusError));
        key(&mut app, Action::ScopeWiden);
        assert!(app.status.as_ref().is_some_and(|s| s.1.contains("open a finding")));
    }
}
