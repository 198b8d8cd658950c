//! The "reopen a case (index → first frame)" row: the time from opening a case whose persisted index exists to the
//! first frame drawn. The persisted case index (issue #12, "Persisted case index") is not built yet, so this row
//! reports itself as not measured rather than timing a full re-parse under that name.
//!
//! Filling it in: when `<case>/index/` exists, time opening the case through the index, building the `App` and
//! drawing one frame (`tui::render::draw` on a `TestBackend`, as `screen` does), and return
//! `Row::measured("reopen", WHAT, goals::REOPEN, ms, note)`.

use super::{Row, goals};
use std::path::Path;

/// What the row says.
pub const WHAT: &str = "reopen a case (index → first frame)";

/// Measure reopening the case over `tree`; not measured until the case index exists.
pub fn measure(_tree: &Path) -> Row {
    Row::not_measured(
        "reopen",
        WHAT,
        goals::REOPEN,
        "not measured: case index not built yet (every open re-parses; see the ingest row)".into(),
    )
}
