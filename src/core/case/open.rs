//! Opening `case.sqlite`: read-write when this user can write the case, read-only when not, and a health check
//! (`PRAGMA quick_check`) on every open.
//!
//! A read-only case must still be readable. SQLite in WAL mode reads through a shared-memory file
//! (`case.sqlite-shm`) beside the database, creating it (and an empty `-wal`) when missing, with the database
//! file's permissions. Two ways to read without writing:
//! - `SQLITE_OPEN_READ_ONLY` through SQLite's locks: sees everything committed, including writes still in the
//!   `-wal` file and writes other processes make while it is open; needs `-shm` to exist or the folder to be
//!   writable so SQLite can create it.
//! - `immutable=1` (a *snapshot*): SQLite reads the main file alone, with no locks and no `-shm`, and creates
//!   nothing. It does *not* read the `-wal` file (measured: a killed writer's case read 248 of its 368 notes that
//!   way), and does not expect anyone to write meanwhile.
//!
//! So, when this user cannot write the case: with no `-shm` (no process has it open) and no unmerged `-wal`, a
//! snapshot — creating `-shm`/`-wal` with a read-only file's permissions would leave files that later stop
//! anyone from writing the case; otherwise through the locks, falling back to a snapshot only when `-wal` is
//! empty, and refusing with a message when `-wal` holds writes that cannot be read. Asked to open read-only
//! (`--read-only`) a case that is writable, it goes through the locks, so it sees other writers.
//!
//! `PRAGMA query_only` is not used: it only stops writes through this connection and does nothing for the
//! `-shm` problem; opening read-only makes SQLite itself refuse writes.

use super::{CaseError, DB_FILE, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;

/// How a case is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads and writes.
    ReadWrite,
    /// Read-only through SQLite's locks: sees writes other processes commit while it is open.
    ReadOnly(ReadOnlyReason),
    /// Read-only as an immutable snapshot of `case.sqlite` (no `-wal` file held anything more): writes other
    /// processes make while it is open are not seen.
    Snapshot(ReadOnlyReason),
}

/// Why a case is open read-only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOnlyReason {
    /// The caller asked (`--read-only`), or only reads to check or salvage the case.
    Requested,
    /// `case.sqlite` is not writable by this user.
    FileNotWritable,
    /// The case folder is not writable by this user (SQLite cannot create its `-wal`/`-shm` files there).
    FolderNotWritable,
}

impl Access {
    /// Whether writes are possible.
    pub fn writable(self) -> bool {
        self == Access::ReadWrite
    }

    /// `read-write`, `read-only` or `read-only snapshot`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadWrite => "read-write",
            Access::ReadOnly(_) => "read-only",
            Access::Snapshot(_) => "read-only snapshot",
        }
    }

    /// Why the case is read-only (`None` when it is writable).
    pub fn reason(self) -> Option<ReadOnlyReason> {
        match self {
            Access::ReadWrite => None,
            Access::ReadOnly(r) | Access::Snapshot(r) => Some(r),
        }
    }
}

impl ReadOnlyReason {
    /// The reason in words, as messages and `case show` print it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadOnlyReason::Requested => "opened read-only on request",
            ReadOnlyReason::FileNotWritable => "case.sqlite is not writable by this user",
            ReadOnlyReason::FolderNotWritable => "the case folder is not writable by this user",
        }
    }
}

/// What `PRAGMA quick_check` said when the case was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// `quick_check` said `ok`.
    Sound,
    /// The first problems SQLite reported.
    Damaged(String),
}

/// Whether the case was asked to open read-only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Read-write when possible, read-only otherwise.
    #[default]
    Auto,
    /// Read-only even when the case is writable.
    ReadOnly,
}

fn is_permission(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied)
    )
}

pub(super) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// The first read, which is what touches `-wal`/`-shm` (opening alone is lazy).
fn probe(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
}

/// Open `case.sqlite` at `path` (which must exist), as writable as this user and `mode` allow.
pub(super) fn open_db(path: &Path, mode: Mode) -> Result<(Connection, Access)> {
    let shown = path.display().to_string();
    let fail = |source: rusqlite::Error| {
        if is_damage(&source) {
            CaseError::Damaged {
                path: shown.clone(),
                detail: format!("not readable as a SQLite database ({source})"),
            }
        } else {
            CaseError::Db {
                path: shown.clone(),
                source,
            }
        }
    };
    let why = match mode {
        Mode::ReadOnly => ReadOnlyReason::Requested,
        Mode::Auto => {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            match Connection::open_with_flags(path, flags) {
                // SQLite quietly opens a file it may not write read-only.
                Ok(conn) if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) => ReadOnlyReason::FileNotWritable,
                Ok(conn) => match probe(&conn) {
                    Ok(()) => return Ok((conn, Access::ReadWrite)),
                    Err(e) if is_permission(&e) => ReadOnlyReason::FolderNotWritable,
                    Err(e) => return Err(fail(e)),
                },
                Err(e) if is_permission(&e) => ReadOnlyReason::FileNotWritable,
                Err(e) => return Err(fail(e)),
            }
        }
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let pending = std::fs::metadata(side_file(path, "-wal")).map(|m| m.len()).unwrap_or(0);
    let shm = side_file(path, "-shm").exists();
    let snapshot = |why| {
        let uri = immutable_uri(path);
        Connection::open_with_flags(&uri, flags | OpenFlags::SQLITE_OPEN_URI)
            .and_then(|c| probe(&c).map(|()| c))
            .map(|c| (c, Access::Snapshot(why)))
            .map_err(fail)
    };
    if why != ReadOnlyReason::Requested && !shm && pending == 0 {
        return snapshot(why);
    }
    let locked = Connection::open_with_flags(path, flags).and_then(|c| probe(&c).map(|()| c));
    match locked {
        Ok(conn) => return Ok((conn, Access::ReadOnly(why))),
        Err(e) if is_permission(&e) => {}
        Err(e) => return Err(fail(e)),
    }
    // SQLite cannot create `-shm`: the folder is not writable (whatever the file's own permissions are).
    let why = match why {
        ReadOnlyReason::Requested => ReadOnlyReason::Requested,
        _ => ReadOnlyReason::FolderNotWritable,
    };
    if pending > 0 {
        return Err(CaseError::UnreadableWal {
            path: shown,
            wal_bytes: pending,
        });
    }
    snapshot(why)
}

/// `case.sqlite-wal`, `case.sqlite-shm`.
fn side_file(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    p.into()
}

/// `file:<percent-encoded path>?immutable=1`. Every byte outside the unreserved set and `/` is escaped, so no
/// path can add URI parameters of its own.
fn immutable_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for &b in abs.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str("?immutable=1");
    out
}

/// Up to `max` lines of `PRAGMA quick_check` or `integrity_check`; empty when the database is sound. A check
/// that cannot even run (a page it must read is unreadable) is itself the finding.
pub(super) fn check_rows(conn: &Connection, pragma: &str, max: u32) -> Vec<String> {
    let sql = format!("PRAGMA {pragma}({max})");
    let rows = conn.prepare(&sql).and_then(|mut st| {
        st.query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    });
    match rows {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => Vec::new(),
        Ok(rows) => rows,
        Err(e) => vec![e.to_string()],
    }
}

/// The health of an open database (quick: page structure only, not indexes against tables).
pub(super) fn quick_check(conn: &Connection) -> Health {
    let rows = check_rows(conn, "quick_check", 5);
    if rows.is_empty() {
        Health::Sound
    } else {
        Health::Damaged(rows.join("; "))
    }
}

/// Refuse a zero-length `case.sqlite`: SQLite would take it for a new empty database and a lost case would
/// silently become an empty one.
pub(super) fn refuse_empty(dir: &Path) -> Result<()> {
    let db = dir.join(DB_FILE);
    match std::fs::metadata(&db) {
        Ok(m) if m.len() == 0 => Err(CaseError::Empty {
            path: db.display().to_string(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_uri_escapes_everything_sqlite_could_read_as_syntax() {
        let uri = immutable_uri(Path::new("/cases/a b?mode=rw#x%/case.sqlite"));
        assert_eq!(uri, "file:/cases/a%20b%3Fmode%3Drw%23x%25/case.sqlite?immutable=1");
    }
}
