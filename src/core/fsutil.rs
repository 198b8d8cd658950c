//! The one way trailhound replaces a file: [`write_atomic`]. Reports, fetched logs, manifests, checkpoints and
//! generated databases all go through it, so they all follow the same rules:
//!
//! - **Atomic**: the bytes go to a temporary file in the target's folder (a random name, created exclusively),
//!   are synced, and the temporary file is renamed over the target; a reader sees the old file or the new one,
//!   never half of one. The folder is synced afterwards so the rename itself survives a power cut.
//! - **Only regular files are replaced.** A symbolic link, folder, FIFO, socket or device at the target is refused
//!   with a message naming what is there: renaming over a symlink would silently replace the link (not what it
//!   points to), and a FIFO or device was never meant to become a report.
//! - **The existing file's permissions and owner are kept**: the temporary file is created owner-only (0600) so
//!   nothing is readable more widely than before while it is written, then given the old file's owner (when the
//!   process may: as root, or when only the group changes to one of the user's groups) and its permission bits.
//!   Set-user/group-id and sticky bits are not carried over to new content. A new file gets the usual
//!   `0666 & !umask`.
//!
//! Nothing here knows what the bytes are.

use std::fs::Permissions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not written; both name the target.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Something other than a regular file is at the target.
    #[error("{path}: is {what}, not a regular file: refusing to replace it")]
    NotRegular {
        /// The target.
        path: String,
        /// What is there, in words (`a symbolic link`, `a folder`, …).
        what: &'static str,
    },
    /// The operating system refused a step.
    #[error("{path}: {op}: {source}")]
    Io {
        /// The target.
        path: String,
        /// The step that failed (`writing`, `replacing it`, …).
        op: &'static str,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl From<WriteError> for std::io::Error {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Io { ref source, .. } => std::io::Error::new(source.kind(), e.to_string()),
            e => std::io::Error::other(e.to_string()),
        }
    }
}

/// What kind of thing a non-regular file is, in words.
fn describe(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Replace (or create) `path` with `bytes`, atomically, keeping an existing file's permissions and owner; refuse
/// to replace anything but a regular file. See the module documentation for the rules.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |op: &'static str| {
        let shown = shown.clone();
        move |source| WriteError::Io {
            path: shown,
            op,
            source,
        }
    };
    let existing = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => Some(m),
        Ok(m) => {
            return Err(WriteError::NotRegular {
                path: shown,
                what: describe(m.file_type()),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io("reading its metadata")(e)),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".trailhound-").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(initial_permissions(existing.is_some()));
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(io("creating a temporary file beside it"))?;
    tmp.write_all(bytes).map_err(io("writing"))?;
    if let Some(m) = &existing {
        keep_owner_and_mode(tmp.as_file(), m).map_err(io("copying the old file's permissions"))?;
    }
    tmp.as_file().sync_all().map_err(io("syncing"))?;
    // `persist` renames; on failure the temporary file is removed when `tmp` drops.
    tmp.persist(path).map_err(|e| io("replacing it")(e.error))?;
    sync_dir(dir);
    Ok(())
}

#[cfg(unix)]
fn initial_permissions(replacing: bool) -> Permissions {
    use std::os::unix::fs::PermissionsExt;
    Permissions::from_mode(if replacing { 0o600 } else { 0o666 })
}

#[cfg(unix)]
fn keep_owner_and_mode(file: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Owner first (changing it clears set-id bits, and some systems the mode): as root, or as the owner
    // changing only the group, this keeps it; otherwise the file becomes the writer's, which is all a rename by
    // another user can do.
    if std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
    }
    file.set_permissions(Permissions::from_mode(old.mode() & 0o777))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())
}

/// Make a rename or link in `dir` durable. Best effort: some file systems cannot sync a folder, and the data
/// itself is synced.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Where output goes: a file, or standard output (`-`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file, written with [`write_atomic`].
    File(PathBuf),
}

impl Output {
    /// `-` is standard output; anything else a path.
    pub fn parse(s: &std::ffi::OsStr) -> Output {
        if s == "-" {
            Output::Stdout
        } else {
            Output::File(PathBuf::from(s))
        }
    }
}

#[cfg(test)]
mod tests;
