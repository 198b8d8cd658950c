//! `:export md|json|csv|jsonl PATH` from the TUI: the same report `trailhound export` writes, built from the
//! case's notes and marks and the store, graph, geolocation and behaviour index already loaded. It runs on the
//! case worker, queued after any write still pending (a note saved just before is in the report); the file is
//! written by `core::fsutil::write_atomic` (atomic, mode and owner kept, only regular files replaced).

use super::app::App;
use super::theme::Slot;
use super::update::Command;
use crate::core::case::Case;
use crate::core::dataset::Dataset;
use crate::core::export::{self, Analyses, CaseSnapshot, Format, ReportOptions};
use crate::core::fsutil::write_atomic;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Parse `:export FORMAT PATH` into the command the runtime runs.
pub fn command(app: &mut App, arg: &str) -> Vec<Command> {
    let (fmt, path) = match arg.split_once(char::is_whitespace) {
        Some((f, p)) if !p.trim().is_empty() => (f, p.trim()),
        _ => {
            app.set_status(
                Slot::StatusError,
                ":export needs a format and a path: :export md|json|csv|jsonl PATH",
            );
            return Vec::new();
        }
    };
    if path == "-" {
        app.set_status(
            Slot::StatusError,
            ":export writes a file: standard output (`-`) is the terminal the TUI draws on",
        );
        return Vec::new();
    }
    match fmt.parse::<Format>() {
        Ok(format) => {
            app.set_status(Slot::TextDim, format!("exporting to {path}…"));
            vec![Command::Export {
                format,
                path: PathBuf::from(path),
            }]
        }
        Err(e) => {
            app.set_status(Slot::StatusError, e.to_string());
            Vec::new()
        }
    }
}

/// What the export reads: the UI's loaded dataset, shared read-only. Compared by generation (two requests are
/// equal when they export the same load), so it can travel inside a [`super::case_io::CaseRequest`].
#[derive(Clone)]
pub struct Loaded(pub Arc<Dataset>, pub Option<Arc<crate::core::policy::fence::Fence>>);

impl Loaded {
    /// The app's data and its command-line fence (the report then includes the geo-fence review).
    pub fn of(app: &App) -> Loaded {
        Loaded(Arc::clone(&app.data), app.fence.clone())
    }
}

impl PartialEq for Loaded {
    fn eq(&self, o: &Self) -> bool {
        self.0.generation() == o.0.generation()
    }
}
impl Eq for Loaded {}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Loaded(generation {}, {} events)",
            self.0.generation(),
            self.0.store().events.len()
        )
    }
}

/// Build, render and write the report; the number of bytes written.
pub fn export(case: &Case, data: &Loaded, format: Format, path: &Path) -> Result<usize, String> {
    let snap = CaseSnapshot::read(case).map_err(|e| e.to_string())?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .ok();
    let opts = ReportOptions {
        generated: now,
        ..ReportOptions::default()
    };
    let (data, fence) = (&data.0, &data.1);
    let analyses = Analyses {
        graph: Some(data.graph()),
        geo: Some(data.geo()),
        behavior: Some(data.behavior()),
        brokers: Some(data.brokers()),
        detections: Some(data.detections()),
    };
    let mut report = export::build(&snap, data.store(), &analyses, &opts);
    if let Some(f) = fence {
        export::add_geofence(&mut report, data, f, snap.scope);
    }
    let text = export::render(&report, format);
    write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(text.len())
}
