//! The "reopen a case (index → first frame)" row: a case over the tree is created in a temporary folder (the first
//! load parses everything and writes `<case>/index/`, `core::index`), then the time is taken from opening the case
//! again to the first frame drawn: the indexed store read, the session graph, behaviour index, geolocation, names,
//! finding groups and broker overlay built (`App::with_first_views`: `Dataset::build_first`, what the terminal
//! builds before its first frame of data) and one frame drawn by `tui::render::draw` on a 120×40 `TestBackend`. The
//! rules and the volume drill-downs' keys are built after that frame, as in the terminal (`Dataset::build_later`;
//! the findings list says so until the rules are): the note gives how much later the rules' hits join the list,
//! with the time split into those parts and what the index did, so a rebuilt index can never pass as a reopen.

use super::{Row, goals, ms};
use crate::core::dataset::{Dataset, DatasetOptions};
use crate::core::index::CaseIndex;
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::time::Instant;

/// What the row says.
pub const WHAT: &str = "reopen a case (index → first frame)";

fn open(tree: &Path, case: &Path) -> Dataset {
    let opts = DatasetOptions {
        index: Some(CaseIndex::of(case, true)),
        ..DatasetOptions::default()
    };
    Dataset::load(&[tree.to_path_buf()], &opts, &|_| {})
}

/// Measure reopening a case over `tree` (its index written first, in a temporary folder removed afterwards).
pub fn measure(tree: &Path) -> Row {
    let not = |why: String| Row::not_measured("reopen", WHAT, goals::REOPEN, why);
    let case = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return not(format!("no temporary folder for the case: {e}")),
    };
    let built = open(tree, case.path());
    let first = built.store().report.index.clone().unwrap_or_default();
    drop(built);
    let index_bytes = std::fs::metadata(crate::core::index::path_in(case.path())).map_or(0, |m| m.len());

    let t = Instant::now();
    let data = open(tree, case.path());
    let read = t.elapsed();
    let how = data.store().report.index.clone().unwrap_or_default();
    if how != "reused" {
        return not(format!(
            "the index was not reused on reopening (first load: {first:?}; reopen: {how:?})"
        ));
    }
    let events = data.store().events.len();
    let app = App::with_first_views(Keymap::default(), data);
    let built = t.elapsed();
    let mut app = app;
    let theme = Theme::default();
    let mut term = match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    let _ = term.draw(|f| crate::tui::render::draw(f, &mut app, &theme));
    let total = t.elapsed();
    // What the terminal's loader does next: the drill-down keys, then the rules, then the findings list again with
    // the rules' rows.
    app.data.build_later();
    crate::tui::update::refresh(&mut app);
    let _ = term.draw(|f| crate::tui::render::draw(f, &mut app, &theme));
    let rules = t.elapsed();
    Row::measured(
        "reopen",
        WHAT,
        goals::REOPEN,
        ms(total),
        format!(
            "{events} events: read the index ({} MB) {:.0} ms, graph + behaviour index + geolocation + names + finding \
             groups + brokers {:.0} ms, first frame {:.1} ms; the rules' hits join the list (after the volume \
             drill-down keys) {:.0} ms later",
            index_bytes >> 20,
            ms(read),
            ms(built - read),
            ms(total - built),
            ms(rules - total)
        ),
    )
}
