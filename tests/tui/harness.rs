//! Shared helpers for the TUI tests: load the sample case, drive the app with actions and typed text, run the
//! commands `update` asks for synchronously, render to a `TestBackend`.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use trailhound::core::dataset::{Dataset, DatasetOptions};
use trailhound::core::ingest;
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::{App, RawRecord};
use trailhound::tui::keymap::Keymap;
use trailhound::tui::runtime::{Job, apply};
use trailhound::tui::theme::Theme;
use trailhound::tui::update::{Command, update};

pub const W: u16 = 120;
pub const H: u16 = 40;

/// The bundled sample case; `None` (after saying why) when it is absent outside CI.
pub fn sample() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case"));
    if p.join("AWSLogs").is_dir() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("the sample case {} is missing (CI=true)", p.display());
    }
    eprintln!("skipping: sample case {} not generated", p.display());
    None
}

/// An app on `path` without geolocation databases (views do not depend on the machine's GeoIP files).
pub fn app_on(path: &std::path::Path) -> App {
    App::with_store(Keymap::default(), ingest::load_paths(&[path]))
}

/// An app on `path` loaded as the terminal UI loads it, with the geolocation databases in `geoip`.
pub fn app_on_with_geo(path: &std::path::Path, geoip: &std::path::Path) -> App {
    let opts = DatasetOptions {
        geoip: Some(geoip.to_path_buf()),
        ..Default::default()
    };
    App::with_dataset(Keymap::default(), Dataset::load(&[path.to_path_buf()], &opts, &|_| {}))
}

/// Feed one action and run what it asks for (raw record reads) synchronously.
pub fn act(app: &mut App, a: Action) {
    let cmds = update(app, Input::Action(a));
    run(app, cmds);
}

thread_local! {
    /// A case in a temporary directory per test thread, for notes.
    static CASE: std::cell::RefCell<Option<(tempfile::TempDir, trailhound::core::case::Case)>> =
        const { std::cell::RefCell::new(None) };
}

pub fn run(app: &mut App, cmds: Vec<Command>) {
    for c in cmds {
        match c {
            Command::ReadRaw(i) => {
                let text = ingest::raw_record(app.data.store(), i).map_err(|e| e.to_string());
                apply(app, Job::Raw(RawRecord { event: i, text }));
            }
            Command::Case(req) => {
                let reply = CASE.with(|c| {
                    let mut c = c.borrow_mut();
                    let (_, case) = c.get_or_insert_with(|| {
                        let dir = tempfile::tempdir().expect("tempdir");
                        let mut case = trailhound::core::case::Case::open_or_create(dir.path()).expect("case");
                        case.set_author("analyst");
                        case.set_fixed_time(Some(1_793_894_400));
                        (dir, case)
                    });
                    trailhound::tui::case_io::execute(case, &req)
                });
                apply(app, Job::Case(reply));
            }
            Command::Export { format, path } => {
                let data = trailhound::tui::export_task::Loaded::of(app);
                let req = trailhound::tui::case_io::CaseRequest::Export { format, path, data };
                let reply = CASE.with(|c| {
                    let c = c.borrow();
                    let (_, case) = c.as_ref().expect("export after a case write in these tests");
                    trailhound::tui::case_io::execute(case, &req)
                });
                apply(app, Job::Case(reply));
            }
            Command::Quit | Command::Fetch(_) | Command::Plan(_) | Command::StopFetch | Command::Load(_) => {}
        }
    }
}

/// Type `:text` and Enter.
pub fn command(app: &mut App, text: &str) {
    act(app, Action::Command);
    for c in text.chars() {
        update(app, Input::Char(c));
    }
    let cmds = update(app, Input::Submit);
    run(app, cmds);
}

/// `a`, type the note (`\n` starts a new line), Ctrl-S.
pub fn note(app: &mut App, text: &str) {
    act(app, Action::AddNote);
    type_and_save(app, text);
}

/// Type into the open note editor and press Ctrl-S.
pub fn type_and_save(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Input::Char(c));
    }
    let ctrl_s = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('s'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    let cmds = update(app, Input::Key(ctrl_s));
    run(app, cmds);
}

/// Run `f` against the test thread's case (created on first use).
pub fn with_case<T>(f: impl FnOnce(&trailhound::core::case::Case) -> T) -> T {
    CASE.with(|c| {
        let c = c.borrow();
        let (_, case) = c.as_ref().expect("the case is created by the first write");
        f(case)
    })
}

/// Type `/text` and Enter.
pub fn filter(app: &mut App, text: &str) {
    act(app, Action::Filter);
    for c in text.chars() {
        update(app, Input::Char(c));
    }
    update(app, Input::Submit);
}

pub fn terminal(app: &mut App, theme: &Theme) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(W, H)).expect("test backend");
    t.draw(|f| trailhound::tui::render::draw(f, app, theme)).expect("draw");
    t
}

/// The screen at `w`×`h` as text, drawn by the pure frame (the app keeps the state of its last real draw).
pub fn screen_at(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    t.draw(|f| {
        trailhound::tui::render::frame(f, app, &Theme::default());
    })
    .expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The screen as text, one line per row (no quotes, trailing spaces trimmed).
pub fn screen(app: &mut App) -> String {
    let t = terminal(app, &Theme::default());
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Move the selection to the first row whose cells contain `needle`; panics with the rows if none does.
pub fn select_row(app: &mut App, needle: &str) {
    let src = trailhound::tui::views::source(app).expect("view has a table");
    let ncols = src.columns().len();
    let order = app.top().table.order.clone();
    let pos = order
        .iter()
        .position(|&r| (0..ncols).any(|c| src.cell(r as usize, c).contains(needle)));
    let rows: Vec<String> = order
        .iter()
        .map(|&r| {
            (0..ncols)
                .map(|c| src.cell(r as usize, c).into_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    drop(src);
    let pos = pos.unwrap_or_else(|| panic!("no row contains {needle:?}:\n{}", rows.join("\n")));
    app.top_mut().table.selected = pos;
}
