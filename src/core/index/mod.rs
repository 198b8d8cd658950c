//! The persisted case index: what ingest produced for a case's inputs, kept in `<case>/index/` so that opening the
//! case again reads it instead of parsing every log (`docs/case-index.md`).
//!
//! [`load`] is the only entry, called by `Dataset::load` when a case is given. It finds the input files again and
//! compares each with the stamp it had when indexed (`stamp`): when none changed, the index is the store; when
//! files were only added (a fetch, a sync), only those are parsed and appended, in the order a full load would
//! give, and the index is rewritten; anything else (a file changed or removed, other inputs or ingest limits,
//! another format version or trailhound version, a damaged file or a failed checksum) parses everything again and
//! says why in the load report. The index always covers all inputs; a load window is applied afterwards
//! (`ingest::restrict`). The file is replaced atomically (`core::fsutil::write_atomic`), so a crash while writing
//! leaves the old index or none, never half of one; an index that cannot be written only costs the next open
//! its speed.
//!
//! This module does not parse (ingest does) and keeps no state between calls.

mod columns;
pub mod format;
mod rows;
pub mod stamp;

use crate::core::ingest::{self, IngestReport, LoadOptions, LoadWindow, Progress};
use crate::core::model::Store;
use format::{IndexedFile, Meta};
use stamp::Stamp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The index file inside a case's `index/` folder.
pub const FILE: &str = "store.thidx";

/// Why an index was not used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// No index yet.
    #[error("missing")]
    Missing,
    /// The file could not be read.
    #[error("unreadable ({0})")]
    Unreadable(String),
    /// Written by another format version.
    #[error("of format version {0}, this trailhound reads version {v}", v = format::VERSION)]
    Version(u32),
    /// Damaged: truncated, a failed checksum, a reference to nothing.
    #[error("damaged: {0}")]
    Damaged(String),
    /// The store cannot be written as an index (a path that is not UTF-8).
    #[error("not written: {0}")]
    Unwritable(String),
}

/// The index file of the case folder `case_dir`.
pub fn path_in(case_dir: &Path) -> PathBuf {
    case_dir.join("index").join(FILE)
}

/// Where a case's index is and whether it may be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseIndex {
    /// The index file ([`path_in`] the case folder).
    pub file: PathBuf,
    /// False for a case open read-only (evidence, another user's case): the index is read when it is current,
    /// never created or replaced, so reading the case changes nothing in it.
    pub writable: bool,
}

impl CaseIndex {
    /// The index of the case folder `case_dir`.
    pub fn of(case_dir: &Path, writable: bool) -> CaseIndex {
        CaseIndex {
            file: path_in(case_dir),
            writable,
        }
    }
}

/// Load `inputs` through the case index (created, reused, extended or rebuilt as the inputs require; written only
/// when the case is writable), then apply `opts.window`. What happened to the index is said in `report.index`.
pub fn load(at: &CaseIndex, inputs: &[PathBuf], opts: &LoadOptions, progress: &(dyn Fn(Progress) + Sync)) -> Store {
    let file = at.file.as_path();
    let target = at.writable.then_some(file);
    let all = LoadOptions {
        window: LoadWindow::default(),
        ..opts.clone()
    };
    let mut found = IngestReport::default();
    let files = ingest::discover_in(inputs, &all.window, &mut found);
    // Stamped before anything is read: a file written while it is parsed looks changed next time.
    let stamps: Vec<Option<Stamp>> = files.iter().map(|(p, _)| Stamp::of(p)).collect();
    let (mut store, note) = match read(file) {
        Ok((meta, store)) => match reuse(target, meta, store, inputs, &all, &found, &files, &stamps, progress) {
            Ok((store, note)) => (store, note),
            Err(why) => (
                build(target, inputs, &all, found, files, &stamps, progress),
                format!("rebuilt: {why}"),
            ),
        },
        Err(IndexError::Missing) => (
            build(target, inputs, &all, found, files, &stamps, progress),
            "built".into(),
        ),
        Err(e) => (
            build(target, inputs, &all, found, files, &stamps, progress),
            format!("rebuilt: the index was {e}"),
        ),
    };
    let written = store.report.index.take();
    store.report.index = Some(match written {
        Some(problem) => format!("{note}; {problem}"),
        None => note,
    });
    ingest::restrict(store, &opts.window)
}

/// The index at `file`, checked and decoded (findings not yet read).
///
/// The file is memory-mapped rather than read into a buffer: decoding copies what it keeps, so the map is only
/// read, and a read of the whole file would first have the kernel zero and fill a fresh buffer as large as the
/// file. At 10 M events (a 1 GB index) that took about 0.5 s of a 1.9–2.1 s index read on this 2-core machine (README
/// "Case index"). A file the map cannot be made for is read as before.
fn read(file: &Path) -> Result<(Meta, Store), IndexError> {
    let opened = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(IndexError::Missing),
        Err(e) => return Err(IndexError::Unreadable(e.to_string())),
    };
    match map(&opened) {
        Some(bytes) => format::decode(&bytes),
        None => match std::fs::read(file) {
            Ok(bytes) => format::decode(&bytes),
            Err(e) => Err(IndexError::Unreadable(e.to_string())),
        },
    }
}

/// A read-only map of the index file; `None` when the file is empty or cannot be mapped.
#[allow(unsafe_code)]
fn map(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: a map is undefined behaviour if the file changes under it. The index file never does: trailhound
    // replaces it whole (`fsutil::write_atomic` writes a new file and renames it over the old one, so the mapped
    // file keeps its content until unmapped), and the map lives only while `format::decode` copies out of it.
    // Another program truncating the case's index in place while it is decoded is the case this cannot defend
    // against (the process would stop with SIGBUS), as with any memory-mapped reader.
    let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
    (!map.is_empty()).then_some(map)
}

/// Why an index cannot be reused for these inputs, in words; `None` when it can.
fn incompatible(meta: &Meta, inputs: &[PathBuf], opts: &LoadOptions, found: &IngestReport) -> Option<String> {
    if meta.trailhound != env!("CARGO_PKG_VERSION") {
        return Some(format!(
            "it was written by trailhound {}, this is {}",
            meta.trailhound,
            env!("CARGO_PKG_VERSION")
        ));
    }
    if meta.inputs != inputs {
        return Some("the case's inputs changed".into());
    }
    if (meta.max_file_bytes, meta.read_budget) != (opts.max_file_bytes, opts.read_budget) {
        return Some("the ingest limits changed".into());
    }
    if meta.discovery_errors != found.errors {
        return Some("finding the input files reports other problems than before".into());
    }
    None
}

/// Reuse the index for the files found now, appending new files; `Err` says why it must be rebuilt.
#[allow(clippy::too_many_arguments)]
fn reuse(
    file: Option<&Path>,
    meta: Meta,
    store: Store,
    inputs: &[PathBuf],
    opts: &LoadOptions,
    found: &IngestReport,
    files: &[(PathBuf, u64)],
    stamps: &[Option<Stamp>],
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Store, String), String> {
    if let Some(why) = incompatible(&meta, inputs, opts, found) {
        return Err(why);
    }
    let now: HashMap<&Path, usize> = files.iter().enumerate().map(|(i, (p, _))| (p.as_path(), i)).collect();
    let mut indexed = vec![false; files.len()];
    // rank[i]: where indexed file i (then each new file) is in today's input order.
    let mut rank: Vec<u32> = Vec::with_capacity(files.len());
    for f in &meta.files {
        let Some(&at) = now.get(f.path.as_path()) else {
            return Err(format!("{} was removed", f.path.display()));
        };
        if stamps[at] != f.stamp {
            return Err(format!("{} changed", f.path.display()));
        }
        indexed[at] = true;
        rank.push(at as u32);
    }
    let new: Vec<(PathBuf, u64)> = files
        .iter()
        .zip(&indexed)
        .filter(|(_, known)| !**known)
        .map(|(f, _)| f.clone())
        .collect();
    rank.extend(indexed.iter().enumerate().filter(|(_, k)| !**k).map(|(i, _)| i as u32));
    if new.is_empty() {
        return Ok((with_findings(store, opts), "reused".into()));
    }
    let added = new.len();
    let mut store = ingest::append_files(store, new, &rank, opts, progress)
        .ok_or_else(|| "a new file holds a copy of an indexed record and comes first in input order".to_string())?;
    store.findings.clear();
    let mut store = with_findings(store, opts);
    store.report.index = write_to(file, &meta.with_files(files, stamps, &store), &store);
    Ok((store, format!("{added} new files added")))
}

/// Parse everything and write the index.
fn build(
    file: Option<&Path>,
    inputs: &[PathBuf],
    opts: &LoadOptions,
    found: IngestReport,
    files: Vec<(PathBuf, u64)>,
    stamps: &[Option<Stamp>],
    progress: &(dyn Fn(Progress) + Sync),
) -> Store {
    let discovery_errors = found.errors.clone();
    let listed = files.clone();
    let mut store = ingest::load_files(files, found, opts, progress);
    let meta = Meta {
        trailhound: env!("CARGO_PKG_VERSION").into(),
        inputs: inputs.to_vec(),
        max_file_bytes: opts.max_file_bytes,
        read_budget: opts.read_budget,
        discovery_errors,
        files: Vec::new(),
        report: IngestReport::default(),
    }
    .with_files(&listed, stamps, &store);
    store.report.index = write_to(file, &meta, &store);
    store
}

impl Meta {
    /// This meta for `store`, loaded from `files` (stamped `stamps`).
    fn with_files(&self, files: &[(PathBuf, u64)], stamps: &[Option<Stamp>], store: &Store) -> Meta {
        let at: HashMap<&Path, usize> = files.iter().enumerate().map(|(i, (p, _))| (p.as_path(), i)).collect();
        Meta {
            files: store
                .files
                .iter()
                .map(|f| IndexedFile {
                    path: f.path.clone(),
                    stamp: at.get(f.path.as_path()).and_then(|&i| stamps[i]),
                    format: f.format,
                    gzip: f.gzip,
                    findings: f.findings,
                })
                .collect(),
            report: IngestReport {
                index: None,
                ..store.report.clone()
            },
            ..self.clone()
        }
    }
}

/// Findings are not in the index: read them again from the files that held them, in input order.
fn with_findings(mut store: Store, opts: &LoadOptions) -> Store {
    let files: Vec<(PathBuf, u64)> = store
        .files
        .iter()
        .filter(|f| f.findings > 0)
        .map(|f| (f.path.clone(), 0))
        .collect();
    if !files.is_empty() {
        store.findings = ingest::load_files(files, IngestReport::default(), opts, &|_| {}).findings;
    }
    store
}

/// Write the index atomically (`None`: the case is read-only); a problem in words (the load goes on without an
/// index).
fn write_to(file: Option<&Path>, meta: &Meta, store: &Store) -> Option<String> {
    let Some(file) = file else {
        return Some("the index was not written (the case is open read-only)".into());
    };
    let bytes = match format::encode(meta, store) {
        Ok(b) => b,
        Err(e) => return Some(format!("the index was {e}")),
    };
    let dir = file.parent()?;
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Some(format!("the index was not written ({}: {e})", dir.display()));
    }
    crate::core::fsutil::write_atomic(file, &bytes)
        .err()
        .map(|e| format!("the index was not written ({e})"))
}
