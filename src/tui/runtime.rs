//! The event loop: tokio + crossterm's `EventStream`. Each turn waits for a terminal event, a background job's
//! report, or a signal; then drains everything already pending and draws once (yazi's rule), so a burst of
//! keys or progress reports costs one frame.
//!
//! Loading and raw-record reads run on blocking tasks and report through an mpsc channel; key handling never
//! waits for them. The terminal is restored on exit, on panic (hook), on Ctrl-C and on SIGTERM.

use super::action::Input;
use super::app::{App, RawRecord};
use super::keymap::Keymap;
use super::theme::{Slot, Theme};
use super::update::{self, Command};
use crate::core::dataset::{Dataset, DatasetOptions};
use crate::core::ingest::{self, Progress};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, EventStream, KeyCode,
    KeyEvent, KeyEventKind, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc;

/// What the TUI opens.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub theme: Option<String>,
    pub geoip: Option<PathBuf>,
    pub case: Option<PathBuf>,
    /// Which events to load (`--from/--to/--account/--region`).
    pub window: crate::core::ingest::LoadWindow,
    /// The case index `inputs` are read through (set when they are the case's recorded inputs).
    pub index: Option<crate::core::index::CaseIndex>,
    /// The geo-fence from the command line (`:geofence` without an argument).
    pub fence: Option<Arc<crate::core::policy::fence::Fence>>,
    /// Elevated-access broker roles and request logs (`--broker-role`, `--broker-log`, the case's settings).
    pub broker: crate::core::broker::BrokerConfig,
    /// The Sigma rules the Rules column, `:rule` and the findings list show (`--rules`, `--no-builtin-rules`);
    /// `None`: the built-in set.
    pub rules: Option<Arc<crate::core::rules::RuleSet>>,
}

impl Options {
    /// How `inputs` are loaded: the same options for the first load and for `:fetch` results; through the case
    /// index only when they are the inputs it indexes.
    fn dataset(&self, inputs: &[PathBuf]) -> DatasetOptions {
        DatasetOptions {
            geoip: self.geoip.clone(),
            load: crate::core::ingest::LoadOptions {
                window: self.window.clone(),
                ..Default::default()
            },
            index: self.index.clone().filter(|_| inputs == self.inputs.as_slice()),
        }
    }
}

/// Results of background work.
pub enum Job {
    Progress(Progress),
    /// The dataset the background load built (graph, behaviour index and geolocation included; the rules are
    /// evaluated after it is shown).
    Loaded(Arc<Dataset>),
    /// The rules have been evaluated over the dataset of this generation: the views that show hits recompute.
    RulesReady(u64),
    Raw(RawRecord),
    Case(super::case_io::CaseReply),
    /// A view model computed in the background.
    Model(Box<super::app::ViewModel>),
    /// A large table's order computed in the background, for the model `data_key` and the order `key`.
    Order {
        data_key: u64,
        key: u64,
        order: Vec<u32>,
    },
    /// A report from the `:fetch` job.
    Fetch(super::fetch_job::FetchEvent),
}

/// Apply a background result to the app (pure, like `update`).
pub fn apply(app: &mut App, job: Job) {
    match job {
        Job::Progress(p) => {
            if app.loading.is_some() {
                app.loading = Some(p);
            }
        }
        Job::Loaded(data) => {
            app.data = data;
            app.loading = None;
            let store = app.data.store();
            let r = &store.report;
            let broker_errors =
                app.data.brokers().context.errors.len() as u64 + app.data.brokers().context.errors_dropped;
            let errors = r.errors_total;
            let mut msg = format!(
                "loaded {} events and {} findings from {} files{}",
                store.events.len(),
                store.findings.len(),
                r.files_read,
                if errors > 0 {
                    format!(" — {errors} bad records skipped (trailhound ingest lists them)")
                } else {
                    String::new()
                }
            );
            if broker_errors > 0 {
                msg.push_str(&format!(
                    " — {broker_errors} bad broker request records skipped (trailhound trace --broker-log lists them)"
                ));
            }
            app.set_status(
                if errors + broker_errors > 0 {
                    Slot::StatusWarning
                } else {
                    Slot::StatusOk
                },
                msg,
            );
            match app.restore.take() {
                // Back where the case was left, now that its views have data.
                Some(state) => super::ui_state::restore(app, &state),
                // Nothing to go back to: land on the day summary (the findings list stays under it, Esc / H).
                None if app.stack.len() == 1 => {
                    update::push(app, super::spec::ViewSpec::Summary(None));
                    update::refresh(app)
                }
                None => update::refresh(app),
            }
        }
        Job::RulesReady(generation) => {
            // A view showing "being evaluated" gets its hits (its model key changed); a stale load's news is dropped.
            if generation == app.data.generation() {
                update::refresh(app);
            }
        }
        Job::Raw(r) => app.raw = Some(r),
        Job::Model(m) => {
            // Only the model the top view still needs is kept; a stale answer is dropped.
            if m.key == super::views::model_key(app) {
                // The same view's model before the rules' hits joined it was on screen, and a row selected in it:
                // the selection stays on that row.
                let kept = if super::views::model_shown(app) {
                    update::selected_target(app)
                } else {
                    None
                };
                app.top_mut().model = Arc::new(*m);
                app.requested_model = None;
                update::refresh(app);
                if let Some(t) = kept {
                    update::reselect(app, &t);
                }
            }
        }
        Job::Order { data_key, key, order } => {
            // Kept by the view it was computed for, wherever it is on the stack now, if its table still wants it
            // (same rows, filter and sort); a stale answer is dropped. Either way it may be asked for again.
            if app.requested_order == Some(key) {
                app.requested_order = None;
            }
            if let Some(f) = app.stack.iter_mut().rev().find(|f| f.model.key == data_key) {
                f.table.set_order(data_key, key, order);
            }
        }
        Job::Case(reply) => {
            if reply.wrote_note {
                super::note_editor::acknowledged(app, reply.level == Slot::StatusError);
            }
            if let Some(m) = reply.message {
                app.set_status(reply.level, m);
            }
            app.notes = Some(reply.notes);
            if reply.marks.is_some() {
                app.marks = reply.marks;
            }
            update::refresh(app);
        }
        Job::Fetch(ev) => {
            let cmds = super::fetch_job::on_event(app, ev);
            app.fetch.outbox.extend(cmds);
        }
    }
}

/// Run the TUI until the user quits.
pub fn run(opts: Options) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(main_loop(opts))
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

async fn main_loop(opts: Options) -> anyhow::Result<()> {
    let (keymap, kwarn) = Keymap::load();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (theme, twarn) = Theme::load(opts.theme.as_deref(), no_color);
    let mut app = App::new(keymap);
    app.defer_models = true;
    app.fetch.open_case = opts.case.clone();
    app.fence = opts.fence.clone();
    app.sources = opts.inputs.iter().map(|p| p.display().to_string()).collect();
    if let Some(w) = kwarn.or(twarn) {
        app.set_status(Slot::StatusWarning, w);
    }

    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        prev(info);
    }));
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let result = event_loop(&mut terminal, &mut app, &theme, opts).await;
    restore_terminal();
    result
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>,
    app: &mut App,
    theme: &Theme,
    opts: Options,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
    // An existing case is read at start, so stars, verdicts and note counts show from the first profile opened;
    // a new case is still only created by the first write.
    let existing_case = super::case_io::case_dir(opts.case.as_deref(), &opts.inputs)
        .is_ok_and(|d| d.join(crate::core::case::DB_FILE).is_file());
    // The status line names the case notes go to (a default case is named after its input set).
    app.case_label = super::case_io::case_dir(opts.case.as_deref(), &opts.inputs)
        .ok()
        .map(|d| {
            let name = d
                .file_name()
                .map_or_else(|| d.display().to_string(), |n| n.to_string_lossy().into_owned());
            if existing_case {
                name
            } else {
                format!("{name} (new on first note)")
            }
        });
    start_load(app, &opts.inputs, opts.dataset(&opts.inputs), &opts, tx.clone());
    let case_tx = {
        let tx = tx.clone();
        super::case_io::spawn(
            super::case_io::case_dir(opts.case.as_deref(), &opts.inputs),
            opts.inputs.clone(),
            move |r| {
                let _ = tx.send(Job::Case(r));
            },
        )
    };
    if existing_case {
        case_tx.send(super::case_io::CaseRequest::ListNotes);
    }
    // The view state is saved into the case whenever it changes, once there is a case to save it in (an explicit
    // --case, or an existing default case); a new default case is not created just for that.
    let saves_view = opts.case.is_some() || existing_case;
    let mut saved_view = if existing_case {
        read_saved_view(opts.case.as_deref(), &opts.inputs)
    } else {
        None
    };
    app.restore = saved_view.clone();
    // Terminal events are read by their own task and forwarded, so the loop can drain them without polling the
    // stream with a no-op waker (which would leave crossterm's reader thread holding a waker nobody listens to).
    let (etx, mut erx) = mpsc::unbounded_channel::<std::io::Result<Event>>();
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(ev) = events.next().await {
            if etx.send(ev).is_err() {
                break;
            }
        }
    });
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    // Fired by Esc in an Athena/Lake fetch's progress: its running queries are stopped.
    let mut fetch_stop: Option<std::sync::Arc<tokio::sync::Notify>> = None;
    loop {
        terminal.draw(|f| super::render::draw(f, app, theme))?;
        let mut commands = Vec::new();
        #[cfg(unix)]
        let sigterm = term.recv();
        #[cfg(not(unix))]
        let sigterm = std::future::pending::<Option<()>>();
        tokio::select! {
            ev = erx.recv() => match ev {
                Some(Ok(ev)) => commands.extend(on_terminal_event(app, ev)),
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(job) = rx.recv() => apply(app, job),
            _ = sigterm => break,
            _ = tokio::signal::ctrl_c() => break,
        }
        // Drain whatever else is already pending, then draw once.
        while let Ok(ev) = erx.try_recv() {
            commands.extend(on_terminal_event(app, ev?));
        }
        while let Ok(job) = rx.try_recv() {
            apply(app, job);
        }
        if let Some(req) = app.pending_model.take() {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Job::Model(Box::new(super::views::compute(&req))));
            });
        }
        if let Some(req) = app.pending_order.take() {
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let order = super::views::compute_order(&req);
                let _ = tx.send(Job::Order {
                    data_key: req.data_key,
                    key: req.key,
                    order,
                });
            });
        }
        commands.extend(std::mem::take(&mut app.fetch.outbox));
        // Saved before commands run, so a quit in the same batch as a pivot still records the pivot.
        if saves_view && app.loading.is_none() && app.restore.is_none() {
            let now = super::ui_state::capture(app);
            if saved_view.as_ref() != Some(&now) {
                if let Ok(json) = serde_json::to_string(&now) {
                    case_tx.send(super::case_io::CaseRequest::SaveUiState(json));
                }
                saved_view = Some(now);
            }
        }
        for c in commands {
            match c {
                Command::Quit => return Ok(()),
                Command::ReadRaw(i) => read_raw(app, i, tx.clone()),
                Command::Case(req) => {
                    case_tx.send(req);
                }
                Command::Export { format, path } => case_tx.send(super::case_io::CaseRequest::Export {
                    format,
                    path,
                    data: super::export_task::Loaded::of(app),
                }),
                Command::Fetch(spec) => fetch_stop = start_fetch(spec, tx.clone()),
                Command::Plan(spec) => start_plan(spec, tx.clone()),
                Command::StopFetch => {
                    if let Some(stop) = &fetch_stop {
                        stop.notify_one();
                    }
                }
                Command::Load(inputs) => {
                    app.sources = inputs.iter().map(|p| p.display().to_string()).collect();
                    start_load(app, &inputs, opts.dataset(&inputs), &opts, tx.clone());
                }
            }
        }
        if app.quit {
            return Ok(());
        }
    }
    Ok(())
}

/// The view state saved in an existing case (read once at start, before the loop; never in key handling).
fn read_saved_view(case: Option<&std::path::Path>, inputs: &[PathBuf]) -> Option<super::ui_state::UiState> {
    let dir = super::case_io::case_dir(case, inputs).ok()?;
    let case = crate::core::case::Case::open(&dir).ok()?;
    if let Some(saved) = case.ui_state().ok().flatten().and_then(|j| super::ui_state::parse(&j)) {
        return Some(saved);
    }
    // A case made headless (`case new --scope …`, `case scope`) has a scope but no saved place yet.
    let scope = case.scope().ok()??;
    Some(super::ui_state::at_findings(scope))
}

fn on_terminal_event(app: &mut App, ev: Event) -> Vec<Command> {
    if let Event::Paste(text) = ev {
        return on_paste(app, text);
    }
    match to_input(app, ev) {
        Some(input) => update::update(app, input),
        None => Vec::new(),
    }
}

/// A bracketed paste: the note editor takes it whole (one insert, checked against the note limit); a one-line
/// editor gets its first line as typed characters; anywhere else it is ignored (pasted text is not a series of
/// key bindings).
pub fn on_paste(app: &mut App, text: String) -> Vec<Command> {
    use super::app::Mode;
    match app.mode {
        Mode::NoteEditor(_) => update::update(app, Input::Paste(text)),
        Mode::Filter(_) | Mode::Command(_) | Mode::ScopeInput(_) => {
            let first = text.split(['\n', '\r']).next().unwrap_or("");
            first
                .chars()
                .flat_map(|c| update::update(app, Input::Char(c)))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Terminal event → input: line editors get raw keys, everything else goes through the keymap.
pub fn to_input(app: &App, ev: Event) -> Option<Input> {
    use super::app::Mode;
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release && app.mode == Mode::Fetch => {
            super::fetch_dialog::key_input(&k)
        }
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            let editing = matches!(app.mode, Mode::Filter(_) | Mode::Command(_) | Mode::ScopeInput(_));
            if matches!(app.mode, Mode::NoteEditor(_)) {
                Some(Input::Key(k))
            } else if editing {
                edit_key(&k)
            } else {
                app.keymap.action(&k).map(Input::Action)
            }
        }
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(_) => Some(Input::Click {
                column: m.column,
                row: m.row,
            }),
            MouseEventKind::ScrollUp => Some(Input::ScrollUp),
            MouseEventKind::ScrollDown => Some(Input::ScrollDown),
            _ => None,
        },
        Event::Resize(width, height) => Some(Input::Resize { width, height }),
        _ => None,
    }
}

fn edit_key(k: &KeyEvent) -> Option<Input> {
    use crossterm::event::KeyModifiers;
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(Input::Cancel);
    }
    Some(match k.code {
        KeyCode::Char(c) => Input::Char(c),
        KeyCode::Backspace => Input::Backspace,
        KeyCode::Enter => Input::Submit,
        KeyCode::Esc => Input::Cancel,
        KeyCode::Tab => Input::Complete,
        _ => return None,
    })
}

/// Fetches run on the tokio runtime; their reports come back as `Job::Fetch`. An Athena/Lake fetch returns the
/// signal that stops it.
fn start_fetch(
    spec: super::fetch_dialog::FetchSpec,
    tx: mpsc::UnboundedSender<Job>,
) -> Option<std::sync::Arc<tokio::sync::Notify>> {
    let send = move |ev| {
        let _ = tx.send(Job::Fetch(ev));
    };
    match spec.org_request() {
        Some(req) => {
            let stop = std::sync::Arc::new(tokio::sync::Notify::new());
            let signal = stop.clone();
            tokio::spawn(async move {
                super::fetch_job::run_org_job(req, async move { signal.notified().await }, send).await;
            });
            Some(stop)
        }
        None => {
            tokio::spawn(super::fetch_job::run_job(spec.request(), send));
            None
        }
    }
}

/// An Athena/Lake plan is made on the tokio runtime (Athena reads the table); it comes back as `Job::Fetch`.
fn start_plan(spec: super::fetch_dialog::FetchSpec, tx: mpsc::UnboundedSender<Job>) {
    if let Some(req) = spec.org_request() {
        tokio::spawn(super::fetch_job::plan_job(req, move |ev| {
            let _ = tx.send(Job::Fetch(ev));
        }));
    }
}

fn start_load(
    app: &mut App,
    inputs: &[PathBuf],
    opts: DatasetOptions,
    options: &Options,
    tx: mpsc::UnboundedSender<Job>,
) {
    if inputs.is_empty() {
        app.set_status(Slot::StatusWarning, "nothing to load: pass -i PATH (files or folders)");
        return;
    }
    app.loading = Some(Progress::default());
    let inputs = inputs.to_vec();
    let broker = options.broker.clone();
    let rules = options.rules.clone();
    tokio::task::spawn_blocking(move || {
        let ptx = tx.clone();
        let mut data = Dataset::load(&inputs, &opts, &move |p| {
            let _ = ptx.send(Job::Progress(p));
        });
        if !broker.is_empty() {
            data = data.with_brokers(crate::core::broker::BrokerContext::load(broker));
        }
        if let Some(rules) = rules {
            data = data.with_rules(rules);
        }
        // The first views need the graph and behaviour index: build them here, off the UI thread. The rules, the
        // slowest part, and the volume drill-downs' keys are built after the first frame of data, on this same task
        // (a view model that needs them meanwhile waits for them on its own task).
        data.build_first();
        let data = Arc::new(data);
        let _ = tx.send(Job::Loaded(Arc::clone(&data)));
        data.build_later();
        let _ = tx.send(Job::RulesReady(data.generation()));
    });
}

/// Raw records are re-read from disk on a blocking task that shares the store read-only.
fn read_raw(app: &App, index: usize, tx: mpsc::UnboundedSender<Job>) {
    let data = Arc::clone(&app.data);
    tokio::task::spawn_blocking(move || {
        let text = ingest::raw_record(data.store(), index).map_err(|e| e.to_string());
        let _ = tx.send(Job::Raw(RawRecord { event: index, text }));
    });
}
