//! Finding the input files: explicit files are always read (content decides); folders are walked recursively
//! for the names CloudTrail, exports and finding dumps use, in a stable sorted order. With a load window, files and
//! folders of CloudTrail's S3 layout that cannot hold events of the window are not read (`window`); they are
//! counted in the report by reason.

use super::window::{LoadWindow, Pruned};
use super::{IngestError, IngestReport};
use std::path::{Path, PathBuf};

/// Names worth reading inside a folder: JSON, JSON lines and their gzip forms.
fn looks_like_data(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".json") || n.ends_with(".jsonl") || n.ends_with(".ndjson") || n.ends_with(".log")
}

/// Expand `inputs` to `(path, size)` pairs. Unreadable paths are reported in `report.errors`.
pub fn discover(inputs: &[PathBuf], report: &mut IngestReport) -> Vec<(PathBuf, u64)> {
    discover_in(inputs, &LoadWindow::default(), report)
}

/// [`discover`] within a load window: S3-layout files and folders outside it are counted, not listed.
pub fn discover_in(inputs: &[PathBuf], window: &LoadWindow, report: &mut IngestReport) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    for input in inputs {
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => walk(input, window, &mut out, report, 0),
            Ok(m) => match window.admits_path(input) {
                Ok(()) => out.push((input.clone(), m.len())),
                Err(why) => count_pruned(report, why, 1),
            },
            Err(e) => {
                report.errors_total += 1;
                report.errors.push(IngestError {
                    path: input.clone(),
                    index: None,
                    reason: e.to_string(),
                })
            }
        }
    }
    // The same file named twice (overlapping inputs) is read once; its records would be duplicates anyway.
    let mut seen = std::collections::HashSet::new();
    out.retain(|(p, _)| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    out
}

fn count_pruned(report: &mut IngestReport, why: Pruned, files: u64) {
    match why {
        Pruned::Date => report.files_pruned_by_date += files,
        Pruned::Region => report.files_pruned_by_region += files,
        Pruned::Account => report.files_pruned_by_account += files,
    }
}

/// Data files under a pruned folder, counted without reading them.
fn count_files(dir: &Path, depth: usize) -> u64 {
    if depth > 64 {
        return 0;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.filter_map(|e| e.ok())
        .map(|e| match e.file_type() {
            Ok(ft) if ft.is_dir() => count_files(&e.path(), depth + 1),
            Ok(_) => u64::from(looks_like_data(&e.file_name().to_string_lossy())),
            Err(_) => 0,
        })
        .sum()
}

fn walk(dir: &Path, window: &LoadWindow, out: &mut Vec<(PathBuf, u64)>, report: &mut IngestReport, depth: usize) {
    // Symlink loops and absurd trees stop here rather than recursing forever.
    if depth > 64 {
        report.errors_total += 1;
        report.errors.push(IngestError {
            path: dir.to_path_buf(),
            index: None,
            reason: "folder nesting deeper than 64".into(),
        });
        return;
    }
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).collect(),
        Err(e) => {
            report.errors_total += 1;
            report.errors.push(IngestError {
                path: dir.to_path_buf(),
                index: None,
                reason: e.to_string(),
            });
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            match window.admits_path(&path) {
                Ok(()) => walk(&path, window, out, report, depth + 1),
                Err(why) => count_pruned(report, why, count_files(&path, depth + 1)),
            }
        } else if ft.is_file() || ft.is_symlink() {
            let name = e.file_name();
            if !looks_like_data(&name.to_string_lossy()) {
                continue;
            }
            if let Err(why) = window.admits_path(&path) {
                count_pruned(report, why, 1);
                continue;
            }
            if let Ok(m) = std::fs::metadata(&path)
                && m.is_file()
            {
                out.push((path, m.len()));
            }
        }
    }
}
