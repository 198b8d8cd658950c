//! Finding the input files: explicit files are always read (content decides); folders are walked recursively for
//! the names CloudTrail, exports and finding dumps use, in a stable sorted order.
//!
//! Symbolic links are followed, to folders and files alike, and files are listed by the path the analyst sees
//! (through the link). A folder is walked once however many ways lead into it; a link back into a folder being
//! walked (a loop), a link that loops on itself and a dangling link are not followed and are reported as skipped
//! with their reason, as are FIFOs, sockets and devices with data names (only regular files are read: `special`).
//! An explicit input that is not a regular file or folder, or `-`, is an error. With a load window, files and
//! folders of CloudTrail's S3 layout that cannot hold events of the window are not read (`window`); they are
//! counted in the report by reason.

use super::read::ReadError;
use super::special::Special;
use super::window::{LoadWindow, Pruned};
use super::{IngestError, IngestReport, SkippedFile};
use std::collections::HashMap;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

/// Deepest folder nesting walked.
const MAX_DEPTH: usize = 64;

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
    let mut w = Walker {
        window,
        report,
        out: Vec::new(),
        walked: HashMap::new(),
        ancestors: Vec::new(),
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            w.error(
                input,
                "standard input (-) is not read: save the data to a file and name that".into(),
            );
            continue;
        }
        match std::fs::metadata(input) {
            Ok(m) if m.is_dir() => w.folder(input, &m, 0, None),
            Ok(m) => match Special::of(&m.file_type()) {
                Some(kind) => w.error(input, ReadError::Special(kind).to_string()),
                None => match window.admits_path(input) {
                    Ok(()) => w.out.push((input.clone(), m.len())),
                    Err(why) => w.count_pruned(why, 1),
                },
            },
            Err(e) => w.error(input, e.to_string()),
        }
    }
    let mut out = w.out;
    // The same file named twice (overlapping inputs, links to files) is read once; its records would be duplicates.
    let mut seen = std::collections::HashSet::new();
    out.retain(|(p, _)| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    out
}

/// A folder's identity, whatever path leads to it: device and inode (the canonical path where there are none).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct DirId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

#[cfg(unix)]
fn dir_id(_: &Path, m: &Metadata) -> DirId {
    use std::os::unix::fs::MetadataExt;
    DirId((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_id(path: &Path, _: &Metadata) -> DirId {
    DirId(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// Why something met in a folder was not followed or read.
enum NotFollowed<'a> {
    /// A folder that is one of the folders being walked (reached through a link or a bind mount).
    Loop { ancestor: &'a Path },
    /// A link whose chain of links never ends.
    LinkLoop,
    /// A link to nothing.
    Dangling { target: Option<PathBuf> },
    /// Following the link failed otherwise.
    Unfollowable(std::io::Error),
    /// A folder already walked by another path.
    AlreadyWalked { first: &'a Path },
    /// A FIFO, socket or device with a data name.
    Special(Special),
}

impl std::fmt::Display for NotFollowed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotFollowed::Loop { ancestor } => write!(
                f,
                "symbolic link loop: leads back to {}, which is being read; not followed",
                ancestor.display()
            ),
            NotFollowed::LinkLoop => f.write_str("symbolic link loop: the links never reach a file; not followed"),
            NotFollowed::Dangling { target: Some(t) } => {
                write!(f, "dangling symbolic link to {}; not followed", t.display())
            }
            NotFollowed::Dangling { target: None } => f.write_str("dangling symbolic link; not followed"),
            NotFollowed::Unfollowable(e) => write!(f, "symbolic link not followed: {e}"),
            NotFollowed::AlreadyWalked { first } => {
                write!(f, "the same folder as {} (already read there)", first.display())
            }
            NotFollowed::Special(kind) => write!(f, "{}", ReadError::Special(*kind)),
        }
    }
}

struct Walker<'w> {
    window: &'w LoadWindow,
    report: &'w mut IngestReport,
    out: Vec<(PathBuf, u64)>,
    /// Every folder walked, with the path it was first walked by.
    walked: HashMap<DirId, PathBuf>,
    /// The folders being walked, outermost first (a folder met again among them is a loop).
    ancestors: Vec<(DirId, PathBuf)>,
}

impl Walker<'_> {
    fn error(&mut self, path: &Path, reason: String) {
        self.report.errors_total += 1;
        self.report.errors.push(IngestError {
            path: path.to_path_buf(),
            index: None,
            offset: None,
            reason,
        });
    }

    fn skip(&mut self, path: &Path, why: NotFollowed) {
        self.report.skipped.push(SkippedFile {
            path: path.to_path_buf(),
            reason: why.to_string(),
        });
    }

    fn count_pruned(&mut self, why: Pruned, files: u64) {
        match why {
            Pruned::Date => self.report.files_pruned_by_date += files,
            Pruned::Region => self.report.files_pruned_by_region += files,
            Pruned::Account => self.report.files_pruned_by_account += files,
        }
    }

    /// Walk a folder unless it is a loop or already walked. `pruned`: the window keeps it out, so its data files
    /// are only counted, and nothing in it is reported.
    fn folder(&mut self, dir: &Path, m: &Metadata, depth: usize, pruned: Option<Pruned>) {
        let id = dir_id(dir, m);
        if let Some((_, ancestor)) = self.ancestors.iter().find(|(a, _)| *a == id) {
            if pruned.is_none() {
                let ancestor = ancestor.clone();
                self.skip(dir, NotFollowed::Loop { ancestor: &ancestor });
            }
            return;
        }
        if pruned.is_none() {
            if let Some(first) = self.walked.get(&id) {
                let first = first.clone();
                return self.skip(dir, NotFollowed::AlreadyWalked { first: &first });
            }
            self.walked.insert(id.clone(), dir.to_path_buf());
        }
        self.ancestors.push((id, dir.to_path_buf()));
        self.walk(dir, depth, pruned);
        self.ancestors.pop();
    }

    fn walk(&mut self, dir: &Path, depth: usize, pruned: Option<Pruned>) {
        // Absurd trees stop here rather than exhausting the stack.
        if depth > MAX_DEPTH {
            if pruned.is_none() {
                self.error(dir, format!("folder nesting deeper than {MAX_DEPTH}"));
            }
            return;
        }
        let mut entries: Vec<_> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok()).collect(),
            Err(e) => {
                if pruned.is_none() {
                    self.error(dir, e.to_string());
                }
                return;
            }
        };
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let Ok(ft) = e.file_type() else { continue };
            // Links are followed: what they lead to decides.
            let followed = if ft.is_symlink() {
                std::fs::metadata(&path)
            } else {
                e.metadata()
            };
            let m = match followed {
                Ok(m) => m,
                Err(err) => {
                    if pruned.is_none() && ft.is_symlink() {
                        self.skip(&path, not_followed(&path, err));
                    }
                    continue;
                }
            };
            if m.is_dir() {
                match pruned.map_or_else(|| self.window.admits_path(&path), Err) {
                    Ok(()) => self.folder(&path, &m, depth + 1, None),
                    Err(why) => self.folder(&path, &m, depth + 1, Some(why)),
                }
                continue;
            }
            if !looks_like_data(&e.file_name().to_string_lossy()) {
                continue;
            }
            if let Some(kind) = Special::of(&m.file_type()) {
                if pruned.is_none() {
                    self.skip(&path, NotFollowed::Special(kind));
                }
                continue;
            }
            match pruned.map_or_else(|| self.window.admits_path(&path), Err) {
                Ok(()) => self.out.push((path, m.len())),
                Err(why) => self.count_pruned(why, 1),
            }
        }
    }
}

/// Why following the link at `path` failed.
fn not_followed(path: &Path, err: std::io::Error) -> NotFollowed<'static> {
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::ELOOP) {
        return NotFollowed::LinkLoop;
    }
    if err.kind() == std::io::ErrorKind::NotFound {
        return NotFollowed::Dangling {
            target: std::fs::read_link(path).ok(),
        };
    }
    NotFollowed::Unfollowable(err)
}
