//! The investigation case: one directory holding `case.sqlite`, the durable record of what the analyst learned
//! (inputs, scope, notes with full history, stars, tags, verdicts, and the TUI's opaque `ui_state`).
//!
//! Durability contract: every mutating call runs in its own `BEGIN IMMEDIATE … COMMIT` and returns only after
//! the commit, which with WAL + `synchronous=FULL` has reached the disk. Returning `Ok` is the acknowledgement.
//! Several processes may hold the same case open: SQLite's locks serialise writers, `busy_timeout` makes them
//! wait instead of failing, and nothing here caches state between calls, so no write is lost or overwritten.
//! A case opens read-only when this user cannot write it (`open`), is checked with `PRAGMA quick_check` on every
//! open, and refuses writes while damaged; `salvage` copies what a damaged case still holds into a new one.
//! Nothing in this module knows about terminals or report formats.

mod broker;
mod defaults;
mod marks;
pub mod model;
mod notes;
mod open;
pub mod remote;
pub mod salvage;
mod schema;

pub use defaults::{CaseListing, cases_root, default_dir_for, input_set_name, list_in};
pub use model::*;
pub use notes::{MAX_NOTE_BYTES, check_note_size};
pub use open::{Access, Health, Mode, ReadOnlyReason};

use crate::core::entity::EntityRef;
use crate::core::time::Scope;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database file inside a case directory.
pub const DB_FILE: &str = "case.sqlite";

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a case operation failed; every variant names the case directory it concerns, except argument errors.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// `path` holds no case database.
    #[error("{path}: no case here (create one with `trailhound case new --case {path}`)")]
    NotFound {
        /// The case directory.
        path: String,
    },
    /// Creating a case where one already exists (cases are never overwritten).
    #[error("{path}: a case already exists here")]
    Exists {
        /// The case directory.
        path: String,
    },
    /// The directory could not be created or read.
    #[error("{path}: {source}")]
    Io {
        /// The directory or file concerned.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// SQLite refused (locked past the busy timeout, disk full, not a database, …).
    #[error("{path}: {source}")]
    Db {
        /// The case database file.
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database opened but does not hold what a case must (unknown schema version, no WAL, …).
    #[error("{path}: {msg}")]
    Corrupt {
        /// The case database file.
        path: String,
        /// What is wrong with it.
        msg: String,
    },
    /// SQLite's own check found damage (or the file is not a readable database at all).
    #[error(
        "{path}: the case is damaged ({detail}). Nothing can be written to it: `trailhound case check` lists the \
         damage and `trailhound case salvage --out NEW_DIR` copies everything still readable into a new case"
    )]
    Damaged {
        /// The case database file.
        path: String,
        /// What SQLite reported.
        detail: String,
    },
    /// `case.sqlite` has zero bytes: not a case (SQLite would start a new empty one in it).
    #[error(
        "{path}: the case file is empty (0 bytes), so it holds no case: it was truncated or never written. \
         Nothing was changed; move it aside to start a new case in this folder"
    )]
    Empty {
        /// The case database file.
        path: String,
    },
    /// A write to a case open read-only.
    #[error("{path}: the case is open read-only ({}): nothing was written", why.as_str())]
    ReadOnly {
        /// The case database file.
        path: String,
        /// Why the case is open read-only.
        why: ReadOnlyReason,
    },
    /// Read-only, the folder does not let SQLite create `case.sqlite-shm`, and `case.sqlite-wal` holds writes
    /// that cannot be read without it.
    #[error(
        "{path}: cannot be read safely: case.sqlite-wal holds {wal_bytes} bytes of writes not yet merged into \
         case.sqlite, and reading them needs case.sqlite-shm, which this user cannot create in the case folder. \
         Copy the case folder somewhere writable and open the copy"
    )]
    UnreadableWal {
        /// The case database file.
        path: String,
        /// Size of `case.sqlite-wal`.
        wal_bytes: u64,
    },
    /// A caller's argument was refused (no such note, a stale revision, an empty tag, …); the text says why.
    #[error("{0}")]
    Invalid(String),
    /// A note text longer than [`MAX_NOTE_BYTES`].
    #[error(
        "a note can hold at most 1 MiB ({MAX_NOTE_BYTES} bytes of UTF-8) and this text has {} ({bytes} bytes): \
         keep large evidence in a file and write where it is in the note",
        notes::human_bytes(*bytes)
    )]
    NoteTooLarge {
        /// Size of the refused text in bytes.
        bytes: usize,
    },
    /// The platform has no user data directory to hold the default case.
    #[error("cannot find the user's data directory: {0}")]
    NoDataDir(String),
}

/// The result of every case operation.
pub type Result<T> = std::result::Result<T, CaseError>;

/// An open case. Cheap to hold for the life of the program; not `Sync` (one per thread).
pub struct Case {
    dir: PathBuf,
    conn: Connection,
    access: Access,
    health: Health,
    author: String,
    fixed_now: Option<i64>,
}

/// The author recorded on writes: `TRAILHOUND_AUTHOR`, else the OS user (`$USER`, `$LOGNAME`, `$USERNAME`).
pub fn default_author() -> String {
    ["TRAILHOUND_AUTHOR", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The default case directory when no inputs are known: `<user data dir>/trailhound/cases/default`.
pub fn default_dir() -> Result<PathBuf> {
    default_dir_for(&[])
}

impl Case {
    /// Create a new case in `dir` (created if missing) recording `inputs`. Fails if a case already exists there.
    ///
    /// The database is built under a temporary name in the same folder and hard-linked into place only when
    /// complete, so `case.sqlite` is never seen half-made (or empty) and two processes creating the same case
    /// cannot both succeed.
    pub fn create(dir: &Path, inputs: &[Input]) -> Result<Case> {
        let io = |source| CaseError::Io {
            path: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let db = dir.join(DB_FILE);
        if std::fs::symlink_metadata(&db).is_ok() {
            return Err(CaseError::Exists {
                path: dir.display().to_string(),
            });
        }
        let rows = inputs
            .iter()
            .map(|i| stored_input(dir, i))
            .collect::<Result<Vec<_>>>()?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".case.sqlite.").suffix(".new");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir).map_err(io)?;
        let now = now_or(None);
        Case::build(tmp.path(), now, &rows).map_err(|source| CaseError::Db {
            path: tmp.path().display().to_string(),
            source,
        })?;
        match std::fs::hard_link(tmp.path(), &db) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(CaseError::Exists {
                    path: dir.display().to_string(),
                });
            }
            // A file system without hard links: rename, which cannot refuse an existing target, so look first.
            Err(_) => {
                if db.exists() {
                    return Err(CaseError::Exists {
                        path: dir.display().to_string(),
                    });
                }
                tmp.persist(&db).map_err(|e| io(e.error))?;
            }
        }
        crate::core::fsutil::sync_dir(dir);
        Case::connect(dir, Mode::Auto)
    }

    /// The schema, creation time and inputs of a new case, written into the empty file at `path` in one
    /// transaction (rollback journal: nothing is left beside the file once it commits).
    fn build(path: &Path, now: i64, inputs: &[(&'static str, String)]) -> rusqlite::Result<()> {
        let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        conn.execute_batch("PRAGMA synchronous=FULL")?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        schema::migrate(&tx).map_err(|e| match e {
            schema::MigrateError::Sql(e) => e,
            schema::MigrateError::Newer(_) => rusqlite::Error::InvalidQuery,
        })?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('created_at', ?1)",
            [now.to_string()],
        )?;
        for (kind, value) in inputs {
            tx.execute(
                "INSERT OR IGNORE INTO inputs (kind, value, added_at) VALUES (?1, ?2, ?3)",
                params![kind, value, now],
            )?;
        }
        tx.commit()?;
        conn.close().map_err(|(_, e)| e)
    }

    /// Open an existing case: read-write when this user can write it, read-only otherwise (see [`Case::access`]).
    pub fn open(dir: &Path) -> Result<Case> {
        Case::open_with(dir, Mode::Auto)
    }

    /// Open an existing case, read-only if `mode` asks.
    pub fn open_with(dir: &Path, mode: Mode) -> Result<Case> {
        if !dir.join(DB_FILE).is_file() {
            return Err(CaseError::NotFound {
                path: dir.display().to_string(),
            });
        }
        Case::connect(dir, mode)
    }

    /// Open the case in `dir`, creating an empty one if there is none.
    pub fn open_or_create(dir: &Path) -> Result<Case> {
        Case::open_or_create_recording(dir, &[])
    }

    /// Open the case in `dir`, creating it with `inputs` recorded if there is none (the TUI's default case for its
    /// input set, so `case list` can say what it is about).
    pub fn open_or_create_recording(dir: &Path, inputs: &[Input]) -> Result<Case> {
        match Case::open(dir) {
            Err(CaseError::NotFound { .. }) => match Case::create(dir, inputs) {
                // Another process created it between our two looks.
                Err(CaseError::Exists { .. }) => Case::open(dir),
                r => r,
            },
            r => r,
        }
    }

    fn connect(dir: &Path, mode: Mode) -> Result<Case> {
        open::refuse_empty(dir)?;
        let path = dir.join(DB_FILE);
        let db_err = |source| CaseError::Db {
            path: path.display().to_string(),
            source,
        };
        let (conn, access) = open::open_db(&path, mode)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
        if access.writable() {
            // WAL is a property of the file (persists); synchronous=FULL makes every commit fsync the WAL, so an
            // acknowledged write survives power loss, not just a process crash.
            let mode: String = conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
                .map_err(db_err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(CaseError::Corrupt {
                    path: path.display().to_string(),
                    msg: format!("cannot switch to WAL journal mode (got {mode})"),
                });
            }
            conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
                .map_err(db_err)?;
        }
        let health = open::quick_check(&conn);
        let case = Case {
            dir: dir.to_path_buf(),
            conn,
            access,
            health,
            author: default_author(),
            fixed_now: None,
        };
        // Only take the write lock when the schema needs work, so opening never waits on another writer.
        let version = schema::version(&case.conn).map_err(|e| case.db(e))?;
        if version == schema::CURRENT {
            return Ok(case);
        }
        if version > schema::CURRENT {
            return Err(case.corrupt(schema::MigrateError::Newer(version).to_string()));
        }
        case.write(|c| {
            schema::migrate(c).map_err(|e| match e {
                schema::MigrateError::Sql(e) => case.db(e),
                schema::MigrateError::Newer(_) => CaseError::Corrupt {
                    path: case.dir.display().to_string(),
                    msg: e.to_string(),
                },
            })
        })?;
        Ok(case)
    }

    /// Whether this handle may write, and if not why.
    pub fn access(&self) -> Access {
        self.access
    }

    /// What `PRAGMA quick_check` found when the case was opened.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The case directory, as it was opened.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The name written on this handle's writes.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// Record `author` on this handle's later writes (other handles keep theirs).
    pub fn set_author(&mut self, author: impl Into<String>) {
        self.author = author.into();
    }

    /// Stamp every write with `t` instead of the clock (golden tests).
    pub fn set_fixed_time(&mut self, t: Option<i64>) {
        self.fixed_now = t;
    }

    fn now(&self) -> i64 {
        now_or(self.fixed_now)
    }

    /// A database error; SQLite finding damage while reading is reported as [`CaseError::Damaged`], with the way
    /// out, whatever the check on open said.
    fn db(&self, source: rusqlite::Error) -> CaseError {
        let path = self.dir.join(DB_FILE).display().to_string();
        if open::is_damage(&source) {
            return CaseError::Damaged {
                path,
                detail: source.to_string(),
            };
        }
        CaseError::Db { path, source }
    }

    /// Errors raised with `?` inside a transaction carry no path yet.
    fn with_path(&self, e: CaseError) -> CaseError {
        match e {
            CaseError::Db { path, source } if path.is_empty() => self.db(source),
            e => e,
        }
    }

    fn corrupt(&self, msg: String) -> CaseError {
        CaseError::Corrupt {
            path: self.dir.join(DB_FILE).display().to_string(),
            msg,
        }
    }

    /// Run `f` in a write transaction and commit. `IMMEDIATE` takes the write lock up front: a deferred
    /// transaction that reads first and then writes can fail with SQLITE_BUSY without waiting when another
    /// process committed in between, which `busy_timeout` cannot fix.
    /// A damaged or read-only case is refused here, before SQLite is asked, so every write says why.
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let path = || self.dir.join(DB_FILE).display().to_string();
        if let Some(why) = self.access.reason() {
            return Err(CaseError::ReadOnly { path: path(), why });
        }
        if let Health::Damaged(detail) = &self.health {
            return Err(CaseError::Damaged {
                path: path(),
                detail: format!("quick_check: {detail}"),
            });
        }
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| self.db(e))?;
        match f(&self.conn).map_err(|e| self.with_path(e)) {
            Ok(v) => {
                if let Err(e) = self.conn.execute_batch("COMMIT") {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(self.db(e));
                }
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn entity(&self, text: &str) -> Result<EntityRef> {
        text.parse::<EntityRef>()
            .map_err(|e| self.corrupt(format!("stored entity: {e}")))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.db(e))
    }

    /// When the case was created (epoch seconds).
    pub fn created(&self) -> Result<Option<i64>> {
        Ok(self.meta("created_at")?.and_then(|v| v.parse().ok()))
    }

    /// Record the investigation scope, or clear it with `None`; committed before returning.
    pub fn set_scope(&self, scope: Option<Scope>) -> Result<()> {
        self.write(|c| {
            c.execute("DELETE FROM meta WHERE key IN ('scope_from', 'scope_to')", [])?;
            if let Some(s) = scope {
                c.execute(
                    "INSERT INTO meta (key, value) VALUES ('scope_from', ?1), ('scope_to', ?2)",
                    params![s.from.to_string(), s.to.to_string()],
                )?;
            }
            Ok(())
        })
    }

    /// The recorded investigation scope; `None` when none was recorded (or the stored values are unreadable).
    pub fn scope(&self) -> Result<Option<Scope>> {
        let from = self.meta("scope_from")?.and_then(|v| v.parse().ok());
        let to = self.meta("scope_to")?.and_then(|v| v.parse().ok());
        Ok(match (from, to) {
            (Some(f), Some(t)) => Some(Scope::new(f, t)),
            _ => None,
        })
    }

    /// The TUI's saved state (JSON text), if any.
    pub fn ui_state(&self) -> Result<Option<String>> {
        self.meta("ui_state")
    }

    /// Save the TUI's state. Must be JSON (checked, so a bad write cannot make the case unopenable).
    pub fn set_ui_state(&self, json: &str) -> Result<()> {
        serde_json::from_str::<serde::de::IgnoredAny>(json)
            .map_err(|e| CaseError::Invalid(format!("ui_state is not JSON: {e}")))?;
        self.write(|c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('ui_state', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [json],
            )?;
            Ok(())
        })
    }

    /// Record more inputs (already recorded ones are kept once).
    pub fn add_inputs(&self, inputs: &[Input]) -> Result<()> {
        let rows = inputs
            .iter()
            .map(|i| stored_input(&self.dir, i))
            .collect::<Result<Vec<_>>>()?;
        let now = self.now();
        self.write(|c| {
            for (kind, value) in &rows {
                c.execute(
                    "INSERT OR IGNORE INTO inputs (kind, value, added_at) VALUES (?1, ?2, ?3)",
                    params![kind, value, now],
                )?;
            }
            Ok(())
        })
    }

    /// The recorded inputs, in the order they were added; relative paths resolved against the case directory.
    pub fn inputs(&self) -> Result<Vec<Input>> {
        let mut st = self
            .conn
            .prepare("SELECT kind, value FROM inputs ORDER BY id")
            .map_err(|e| self.db(e))?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.db(e))?;
        rows.into_iter()
            .map(|(kind, value)| match kind.as_str() {
                "path" => {
                    let p = PathBuf::from(value);
                    let path = if p.is_absolute() { p } else { self.dir.join(p) };
                    Ok(Input::Path { path })
                }
                "fetch" => serde_json::from_str(&value)
                    .map(|params| Input::Fetch { params })
                    .map_err(|e| self.corrupt(format!("stored fetch input: {e}"))),
                "s3" => remote::S3Url::parse(&value)
                    .map(|url| Input::S3 { url })
                    .map_err(|e| self.corrupt(format!("stored s3 input: {e}"))),
                other => Err(self.corrupt(format!("unknown input kind {other:?}"))),
            })
            .collect()
    }

    /// `PRAGMA integrity_check` result: `Ok(())` when the database is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let rows = self.integrity_problems();
        if rows.is_empty() {
            Ok(())
        } else {
            Err(self.corrupt(format!("integrity check: {}", rows.join("; "))))
        }
    }

    /// Every problem `PRAGMA integrity_check` finds (up to 100 lines); empty when the database is sound.
    pub fn integrity_problems(&self) -> Vec<String> {
        open::check_rows(&self.conn, "integrity_check", 100)
    }
}

fn now_or(fixed: Option<i64>) -> i64 {
    fixed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    })
}

/// How an input is stored for the case in `case_dir`: inside the case relative to it, beside it (under the case's
/// parent, like a sample investigation shipped next to its logs) as `../…` so the two move together, anywhere
/// else absolute.
fn stored_input(case_dir: &Path, input: &Input) -> Result<(&'static str, String)> {
    match input {
        Input::Path { path } => {
            let abs = std::path::absolute(path).map_err(|source| CaseError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let case_abs = std::path::absolute(case_dir).unwrap_or_else(|_| case_dir.to_path_buf());
            let stored = match abs.strip_prefix(&case_abs) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => match case_abs.parent().and_then(|parent| abs.strip_prefix(parent).ok()) {
                    Some(rel) if !rel.as_os_str().is_empty() => Path::new("..").join(rel),
                    _ => abs,
                },
            };
            let text = stored
                .to_str()
                .ok_or_else(|| CaseError::Invalid(format!("{}: path is not valid UTF-8", path.display())))?;
            Ok(("path", text.to_string()))
        }
        Input::Fetch { params } => Ok(("fetch", params.to_string())),
        Input::S3 { url } => Ok(("s3", url.to_string())),
    }
}

impl From<rusqlite::Error> for CaseError {
    fn from(source: rusqlite::Error) -> Self {
        CaseError::Db {
            path: String::new(),
            source,
        }
    }
}

#[cfg(test)]
mod damage_tests;
#[cfg(test)]
mod tests;
