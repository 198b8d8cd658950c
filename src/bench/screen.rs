//! The TUI rows: every view drawn through the real `tui::render::draw` on a 120×40 ratatui `TestBackend`, and the
//! view model each pivot computes (`update` computes it synchronously here; the terminal runtime computes the same
//! on a background task). Pivots go to the busiest session, its role, the busiest source address and account, each
//! tab of the session and the account, and the chain graph — once in the last hour of data and once over all data.

use super::probe::Spread;
use super::{Row, goals, ms};
use crate::core::dataset::Dataset;
use crate::core::model::Sym;
use crate::core::time::rfc3339;
use crate::tui::action::{Action, Input};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::update::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

/// Frames drawn per view.
const FRAMES: usize = 10;

struct Screen {
    app: App,
    term: Terminal<TestBackend>,
    theme: Theme,
    /// (view, worst frame) per view drawn, and every frame's time.
    views: Vec<(String, Duration)>,
    frames: Vec<Duration>,
    /// (pivot, model time) per pivot.
    pivots: Vec<(String, Duration)>,
}

impl Screen {
    fn draw(&mut self, view: &str) {
        let mut worst = Duration::ZERO;
        for _ in 0..FRAMES {
            let t = Instant::now();
            let (app, theme) = (&mut self.app, &self.theme);
            let _ = self.term.draw(|f| crate::tui::render::draw(f, app, theme));
            let d = t.elapsed();
            worst = worst.max(d);
            self.frames.push(d);
        }
        self.views.push((view.to_string(), worst));
    }

    /// Run one input and time it as a pivot (its view model is computed inside `update`).
    fn pivot(&mut self, label: String, inputs: Vec<Input>) {
        let t = Instant::now();
        for i in inputs {
            update(&mut self.app, i);
        }
        self.pivots.push((label.clone(), t.elapsed()));
        self.draw(&label);
    }

    fn command(&mut self, text: &str) {
        let mut inputs = vec![Input::Action(Action::Command)];
        inputs.extend(text.chars().map(Input::Char));
        inputs.push(Input::Submit);
        self.pivot(format!(":{}", crate::core::text::visible(text)), inputs);
    }

    fn tabs(&mut self, of: &str, n: usize) {
        for k in 1..=n {
            self.pivot(format!("{of} tab {k}"), vec![Input::Action(Action::NextTab)]);
        }
    }
}

/// The symbol of `syms` that occurs most often (ties: the lowest symbol), if any is not `NONE`.
fn most(syms: impl Iterator<Item = Sym>) -> Option<Sym> {
    let mut counts: hashbrown::HashMap<Sym, usize> = hashbrown::HashMap::new();
    for s in syms.filter(|&s| s != Sym::NONE) {
        *counts.entry(s).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, std::cmp::Reverse(s)))
        .map(|(s, _)| s)
}

/// Draw and pivot through the data; the frame row and the pivot row.
pub fn rows(data: Dataset) -> (Row, Row) {
    const FRAME: &str = "TUI frame (120×40)";
    const PIVOT: &str = "pivot view model";
    let store = data.store();
    let graph = data.graph();
    let busiest = (0..graph.sessions.len())
        .filter(|&s| graph.sessions[s].access_key != Sym::NONE)
        .max_by_key(|&s| graph.sessions[s].events.len());
    let session = busiest.map(|s| store.s(graph.sessions[s].access_key).to_string());
    let role = busiest
        .map(|s| graph.sessions[s].role_arn)
        .filter(|&r| r != Sym::NONE)
        .map(|r| store.s(r).to_string());
    let ip = most(store.events.iter().map(|e| e.source_ip)).map(|s| store.s(s).to_string());
    let account = most(store.events.iter().map(|e| e.recipient_account)).map(|s| store.s(s).to_string());
    let last_hour = store
        .events
        .last()
        .map(|e| format!("scope {}..{}", rfc3339(e.time + 1 - 3600), rfc3339(e.time + 1)));

    let mut s = Screen {
        app: App::with_dataset(Keymap::default(), data),
        term: match Terminal::new(TestBackend::new(120, 40)) {
            Ok(t) => t,
            Err(e) => match e {},
        },
        theme: Theme::default(),
        views: Vec::new(),
        frames: Vec::new(),
        pivots: Vec::new(),
    };
    let mut filter = String::new();
    for scope in [last_hour.as_deref(), None] {
        match scope {
            Some(cmd) => s.command(cmd),
            None => s.pivot("scope: all data".into(), vec![Input::Action(Action::ScopeReset)]),
        }
        s.app.stack.truncate(1);
        s.draw("findings");
        if let Some(k) = &session {
            s.command(&format!("session {k}"));
            s.tabs("session", 3);
        }
        if let Some(r) = &role {
            s.command(&format!("role {r}"));
        }
        if let Some(ip) = &ip {
            s.command(&format!("ip {ip}"));
        }
        if let Some(a) = &account {
            s.command(&format!("account {a}"));
            s.tabs("account", 3);
            if scope.is_none() {
                filter = filter_note(&s.app);
            }
        }
        if let Some(k) = &session {
            s.command(&format!("session {k}"));
            s.pivot("chain graph".into(), vec![Input::Action(Action::Chain)]);
        }
    }
    let worst_view = s.views.iter().max_by_key(|v| v.1).cloned().unwrap_or_default();
    let frames = Spread::of(std::mem::take(&mut s.frames));
    let frame = Row::measured(
        "frame",
        FRAME,
        goals::FRAME,
        ms(frames.max),
        format!(
            "worst of {} frames over {} views (worst: {}), p50 {:.3} ms",
            frames.count,
            s.views.len(),
            worst_view.0,
            ms(frames.p50)
        ),
    );
    let worst_pivot = s.pivots.iter().max_by_key(|v| v.1).cloned().unwrap_or_default();
    let pivots = Spread::of(s.pivots.iter().map(|p| p.1).collect());
    let pivot = Row::measured(
        "pivot",
        PIVOT,
        goals::PIVOT,
        ms(pivots.max),
        format!(
            "worst of {} pivots (worst: {}), p50 {:.2} ms; computed on a background task in the terminal, so typing \
             never waits for it{}",
            pivots.count,
            worst_pivot.0,
            ms(pivots.p50),
            filter
        ),
    );
    (frame, pivot)
}

/// One filter keystroke's order of the table on screen (the account's events over all data), which the terminal
/// computes on the same background task.
fn filter_note(app: &App) -> String {
    let Some(src) = crate::tui::views::source(app) else {
        return String::new();
    };
    let t = Instant::now();
    let rows = crate::tui::widgets::table::order(src.as_ref(), "denied", None);
    format!(
        "; a filter keystroke orders the largest table ({} rows, {} match) in {:.1} ms",
        src.len(),
        rows.len(),
        ms(t.elapsed())
    )
}
