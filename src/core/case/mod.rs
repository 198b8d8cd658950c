//! The investigation case: one directory holding `case.sqlite`, the durable record of what the analyst learned
//! (inputs, scope, notes with full history, stars, tags, verdicts, and the TUI's opaque `ui_state`).
//!
//! Durability contract: every mutating call runs in its own `BEGIN IMMEDIATE … COMMIT` and returns only after
//! the commit, which with WAL + `synchronous=FULL` has reached the disk. Returning `Ok` is the acknowledgement.
//! Several processes may hold the same case open: SQLite's locks serialise writers, `busy_timeout` makes them
//! wait instead of failing, and nothing here caches state between calls, so no write is lost or overwritten.
//! Nothing in this module knows about terminals or report formats.

mod marks;
pub mod model;
mod notes;
mod schema;

pub use model::*;
pub use notes::{MAX_NOTE_BYTES, check_note_size};

use crate::core::entity::EntityRef;
use crate::core::time::Scope;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database file inside a case directory.
pub const DB_FILE: &str = "case.sqlite";

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{path}: no case here (create one with `trailhound case new --case {path}`)")]
    NotFound { path: String },
    #[error("{path}: a case already exists here")]
    Exists { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Db { path: String, source: rusqlite::Error },
    #[error("{path}: {msg}")]
    Corrupt { path: String, msg: String },
    #[error("{0}")]
    Invalid(String),
    /// A note text longer than [`MAX_NOTE_BYTES`].
    #[error(
        "a note can hold at most 1 MiB ({MAX_NOTE_BYTES} bytes of UTF-8) and this text has {} ({bytes} bytes): \
         keep large evidence in a file and write where it is in the note",
        notes::human_bytes(*bytes)
    )]
    NoteTooLarge { bytes: usize },
    /// The platform has no user data directory to hold the default case.
    #[error("cannot find the user's data directory: {0}")]
    NoDataDir(String),
}

pub type Result<T> = std::result::Result<T, CaseError>;

/// An open case. Cheap to hold for the life of the program; not `Sync` (one per thread).
pub struct Case {
    dir: PathBuf,
    conn: Connection,
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

/// The default case directory: `<user data dir>/trailhound/cases/default` (XDG on Linux).
pub fn default_dir() -> Result<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().map_err(|e| CaseError::NoDataDir(e.to_string()))?;
    Ok(base.data_dir().join("trailhound").join("cases").join("default"))
}

impl Case {
    /// Create a new case in `dir` (created if missing) recording `inputs`. Fails if a case already exists there.
    pub fn create(dir: &Path, inputs: &[Input]) -> Result<Case> {
        std::fs::create_dir_all(dir).map_err(|source| CaseError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let db = dir.join(DB_FILE);
        if db.exists() {
            return Err(CaseError::Exists {
                path: dir.display().to_string(),
            });
        }
        let case = Case::connect(dir, true)?;
        case.write(|c| {
            c.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?1)",
                [case.now().to_string()],
            )?;
            Ok(())
        })?;
        case.add_inputs(inputs)?;
        Ok(case)
    }

    /// Open an existing case.
    pub fn open(dir: &Path) -> Result<Case> {
        if !dir.join(DB_FILE).is_file() {
            return Err(CaseError::NotFound {
                path: dir.display().to_string(),
            });
        }
        Case::connect(dir, false)
    }

    /// Open the case in `dir`, creating an empty one if there is none (the TUI's default case).
    pub fn open_or_create(dir: &Path) -> Result<Case> {
        match Case::open(dir) {
            Err(CaseError::NotFound { .. }) => match Case::create(dir, &[]) {
                // Another process created it between our two looks.
                Err(CaseError::Exists { .. }) => Case::open(dir),
                r => r,
            },
            r => r,
        }
    }

    fn connect(dir: &Path, create: bool) -> Result<Case> {
        let path = dir.join(DB_FILE);
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let db_err = |source| CaseError::Db {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open_with_flags(&path, flags).map_err(db_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
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
        let case = Case {
            dir: dir.to_path_buf(),
            conn,
            author: default_author(),
            fixed_now: None,
        };
        // Only take the write lock when the schema needs work, so opening never waits on another writer.
        let version = schema::version(&case.conn).map_err(|e| case.db(e))?;
        if version == schema::CURRENT {
            return Ok(case);
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

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The name written on this handle's writes.
    pub fn author(&self) -> &str {
        &self.author
    }

    pub fn set_author(&mut self, author: impl Into<String>) {
        self.author = author.into();
    }

    /// Stamp every write with `t` instead of the clock (golden tests).
    pub fn set_fixed_time(&mut self, t: Option<i64>) {
        self.fixed_now = t;
    }

    fn now(&self) -> i64 {
        self.fixed_now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        })
    }

    fn db(&self, source: rusqlite::Error) -> CaseError {
        CaseError::Db {
            path: self.dir.join(DB_FILE).display().to_string(),
            source,
        }
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
    fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
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
        EntityRef::parse(text).map_err(|e| self.corrupt(format!("stored entity: {e}")))
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
        let rows = inputs.iter().map(|i| self.input_row(i)).collect::<Result<Vec<_>>>()?;
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

    fn input_row(&self, input: &Input) -> Result<(&'static str, String)> {
        match input {
            Input::Path { path } => {
                let abs = std::path::absolute(path).map_err(|source| CaseError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                let case_abs = std::path::absolute(&self.dir).unwrap_or_else(|_| self.dir.clone());
                // Inside the case: relative to it. Beside it (under the case's parent, like a sample investigation
                // shipped next to its logs): `../…`, so the two move together. Anywhere else: absolute.
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
        }
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
                other => Err(self.corrupt(format!("unknown input kind {other:?}"))),
            })
            .collect()
    }

    /// `PRAGMA integrity_check` result: `Ok(())` when the database is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let res: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.db(e))?;
        if res == "ok" {
            Ok(())
        } else {
            Err(self.corrupt(format!("integrity check: {res}")))
        }
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
mod tests;
