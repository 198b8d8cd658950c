//! CloudTrail (and findings) ingest: files and folders in, a [`Store`] out.
//!
//! Files are found (`discover`), read and decompressed and parsed on rayon workers (`read`, `parse`), and merged
//! in input order on one thread into the global interner and tables (`merge`), so the result is deterministic
//! however the workers were scheduled. Bad files and records are reported with path, index and reason, never
//! fatal. Progress goes through a callback that the CLI and the TUI both use.

mod budget;
mod discover;
mod fields;
mod merge;
mod parse;
mod raw;
mod read;
mod record;
mod restrict;
mod scan;
mod special;
mod stream;
mod summary;
pub mod window;

pub use discover::{discover, discover_in};
pub use raw::{RawError, raw_record, raw_values};
pub use read::ReadError;
pub use restrict::restrict;
pub use summary::{Summary, summarize};
pub use window::LoadWindow;
// The load report is plain data the store carries; ingest fills it in (see `core::provenance`).
pub use crate::core::provenance::{Format, IngestError, IngestReport, MAX_ERRORS_KEPT, SkippedFile};

use crate::core::model::Store;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Progress of a load, reported after each file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Files finished so far (read or failed).
    pub files_done: u64,
    /// Files to read in this load.
    pub files_total: u64,
    /// Bytes of the finished files, as stored on disk (compressed sizes for gzip).
    pub bytes_done: u64,
    /// Bytes of all files to read, as stored on disk.
    pub bytes_total: u64,
}

/// Options of a load.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Largest (decompressed) file read whole: reading stops at the first byte past it (a gzip bomb stops here).
    /// JSON lines stream in line by line whatever the file's size, and each line may be this long.
    pub max_file_bytes: u64,
    /// Decompressed bytes all read workers may hold at once, however many there are; a file that does not fit
    /// while others are read is read again on its own, and one larger than the budget is refused.
    pub read_budget: u64,
    /// Which events to load (default: all); see [`window`].
    pub window: LoadWindow,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_file_bytes: 2 << 30,
            read_budget: 2 << 30,
            window: LoadWindow::default(),
        }
    }
}

/// The whole content of one side file that is not CloudTrail (a broker's request log): only a regular file, opened
/// without blocking, gzip detected by content, at most `max_bytes` decompressed (`TooLarge` past it).
pub fn read_side_file(path: &std::path::Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let opts = LoadOptions {
        max_file_bytes: max_bytes,
        read_budget: max_bytes,
        window: LoadWindow::default(),
    };
    let budget = budget::Budget::new(max_bytes);
    read::read_bytes(path, &opts, &budget).map(|(held, _)| held.to_vec())
}

/// Load every CloudTrail record and finding under `inputs` (files or folders, any mix).
pub fn load(inputs: &[PathBuf], opts: &LoadOptions, progress: &(dyn Fn(Progress) + Sync)) -> Store {
    let mut report = IngestReport::default();
    let files = discover_in(inputs, &opts.window, &mut report);
    load_files(files, report, opts, progress)
}

/// Load a known list of files (already discovered).
pub fn load_files(
    files: Vec<(PathBuf, u64)>,
    mut report: IngestReport,
    opts: &LoadOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Store {
    report.files_total = files.len() as u64;
    let mut merger = merge::Merger::new(report, opts.window.clone());
    merge_files(&mut merger, &files, opts, progress);
    merger.finish()
}

/// Append `files` (new inputs, not yet in `store`) to a complete load without a window, parsing only them. `rank`
/// gives each file of the result (the store's, then `files`) its position in input order; the result is ordered
/// as a load of all of them from scratch would be. `None` when a new file holds a copy of a loaded record and
/// comes earlier in input order: a load from scratch would keep that copy instead, so only a full load is right.
pub fn append_files(
    store: Store,
    files: Vec<(PathBuf, u64)>,
    rank: &[u32],
    opts: &LoadOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Option<Store> {
    let mut merger = merge::Merger::resume(store, rank.to_vec());
    merger.report_mut().files_total += files.len() as u64;
    merge_files(&mut merger, &files, opts, progress);
    if merger.conflicted() {
        return None;
    }
    let mut store = merger.finish();
    merge::reorder_files(&mut store, rank);
    Some(store)
}

/// Read and parse `files` on the workers and merge them in order into `merger` (file indices continue its own).
fn merge_files(
    merger: &mut merge::Merger,
    files: &[(PathBuf, u64)],
    opts: &LoadOptions,
    progress: &(dyn Fn(Progress) + Sync),
) {
    let base = merger.files();
    let bytes_total: u64 = files.iter().map(|f| f.1).sum();
    let budget = budget::Budget::new(opts.read_budget);
    let (tx, rx) = mpsc::sync_channel::<(usize, read::FileResult)>(64);
    // Workers take files in input order from one counter, so what waits for the merger is at most about the
    // channel's worth of files. A parallel iterator splits the list in halves instead: the second worker parses the
    // second half while the merger still needs the first, and nearly all of that half waits, parsed, in `pending`
    // (measured: peak memory of a 10 M-event load, README "Benchmarks").
    let next_file = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let alone = tx.clone();
            let mut busy: Vec<usize> = (0..rayon::current_num_threads())
                .into_par_iter()
                .map_with(tx, |tx, _| {
                    let mut busy = Vec::new();
                    loop {
                        let i = next_file.fetch_add(1, Ordering::Relaxed);
                        let Some((path, _)) = files.get(i) else { break };
                        match read::read_and_parse(path, (base + i) as u32, opts, &budget) {
                            read::FileResult::Failed(read::ReadError::Busy) => busy.push(i),
                            r => {
                                let _ = tx.send((i, r));
                            }
                        }
                    }
                    busy
                })
                .flatten()
                .collect();
            busy.sort_unstable();
            // Files that met the budget held by others are read now one at a time, with the whole budget: only
            // their own size decides whether they are read.
            for i in busy {
                let r = read::read_and_parse(&files[i].0, (base + i) as u32, opts, &budget);
                let _ = alone.send((i, r));
            }
        });
        // Merge in input order so symbol ids, event order and reports are deterministic.
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0usize;
        let mut done = Progress {
            files_total: files.len() as u64,
            bytes_total,
            ..Default::default()
        };
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&next) {
                let (path, size) = &files[next];
                merger.add_file(path, *size, r);
                done.files_done += 1;
                done.bytes_done += size;
                progress(done);
                next += 1;
            }
        }
    });
}

/// Load one file's content that is already in memory (an object fetched from S3, standard input read
/// deliberately), reported under `name`: gzip is recognised by its magic number and every form a file may take is
/// read exactly as [`load`] reads a file, under the same per-file cap, read budget and window.
pub fn load_bytes(name: &Path, bytes: &[u8], opts: &LoadOptions) -> Store {
    let report = IngestReport {
        files_total: 1,
        ..Default::default()
    };
    let mut merger = merge::Merger::new(report, opts.window.clone());
    let budget = budget::Budget::new(opts.read_budget);
    merger.add_file(
        name,
        bytes.len() as u64,
        read::decode_and_parse(name, bytes, 0, opts, &budget),
    );
    merger.finish()
}

/// Convenience for tests and small tools: load without progress.
pub fn load_paths<P: AsRef<Path>>(inputs: &[P]) -> Store {
    let inputs: Vec<PathBuf> = inputs.iter().map(|p| p.as_ref().to_path_buf()).collect();
    load(&inputs, &LoadOptions::default(), &|_| {})
}
