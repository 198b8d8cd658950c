//! The case's vocabulary: notes and their revisions, stars, tags, verdicts and inputs, as the store returns them.
//!
//! Plain data with serde derives (the `--json` outputs serialise these directly); no storage logic lives here.

use crate::core::entity::EntityRef;
use crate::core::vocab::UnknownWord;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A note's id: stable for the life of the case, unique across processes (it is the SQLite row id).
pub type NoteId = i64;

/// An analyst's judgement of an entity.
///
/// Parsed case-insensitively (`MALICIOUS`), written in lower case.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(
    serialize_all = "lowercase",
    ascii_case_insensitive,
    parse_err_ty = UnknownWord,
    parse_err_fn = unknown_verdict
)]
pub enum Verdict {
    /// Not judged yet, or judged and then reset: the default.
    #[default]
    Unknown,
    /// The analyst judged the activity legitimate.
    Benign,
    /// Worth a closer look; not settled.
    Suspicious,
    /// The analyst judged the activity hostile.
    Malicious,
}

impl Verdict {
    /// Every verdict, in the order menus offer them.
    pub const ALL: [Verdict; 4] = [
        Verdict::Unknown,
        Verdict::Benign,
        Verdict::Suspicious,
        Verdict::Malicious,
    ];
}

fn unknown_verdict(s: &str) -> UnknownWord {
    UnknownWord::new("verdict", s, "one of unknown, benign, suspicious, malicious")
}

/// What a note revision did.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase", parse_err_ty = UnknownWord, parse_err_fn = unknown_revision_kind)]
pub enum RevisionKind {
    /// The first text of the note.
    Create,
    /// A new text written on top of the then-current revision.
    Edit,
    /// A new text written on top of a revision that was no longer current: another process edited the note in
    /// between. Both texts are kept; the note is flagged until someone edits it again.
    Conflict,
    /// The note was deleted (a tombstone; every earlier text stays in the history).
    Delete,
}

fn unknown_revision_kind(s: &str) -> UnknownWord {
    UnknownWord::new("revision kind", s, "create, edit, conflict or delete")
}

/// One revision of a note. Revisions are numbered 1, 2, … per note and never change once written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// The revision number, 1 for the first and one more for each later revision of the same note.
    pub rev: u32,
    /// The revision the writer started from (`None` for the first).
    pub base: Option<u32>,
    /// What this revision did.
    pub kind: RevisionKind,
    /// The text after this revision (for a tombstone, the text that was deleted).
    pub text: String,
    /// Who wrote this revision.
    pub author: String,
    /// Epoch seconds UTC.
    pub at: i64,
}

/// A note as it stands now: its newest revision, plus what the store knows about how it got there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The note's id.
    pub id: NoteId,
    /// The entity the note is about (`case` for notes on the case as a whole).
    pub entity: EntityRef,
    /// The newest text (for a deleted note, the text that was deleted).
    pub text: String,
    /// Author and time of the first revision.
    pub author: String,
    /// When the first revision was written, epoch seconds (UTC).
    pub created: i64,
    /// Author and time of the newest revision.
    pub updated_by: String,
    /// When the newest revision was written, epoch seconds (UTC).
    pub updated: i64,
    /// Newest revision number (pass it back as the base of the next edit).
    pub rev: u32,
    /// Whether the newest revision is a deletion (listed only when deleted notes are asked for).
    pub deleted: bool,
    /// When the newest revision was written over a stale base: the revision it raced with, whose text is
    /// kept in the history and should be reconciled by the analyst.
    pub conflict_with: Option<u32>,
}

/// Which notes to list.
#[derive(Clone, Debug, Default)]
pub struct NoteFilter {
    /// Only notes about this entity; `None` for every entity.
    pub entity: Option<EntityRef>,
    /// Also list deleted notes.
    pub include_deleted: bool,
}

/// A starred entity or event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Star {
    /// The starred entity (an event star is `event:<eventID>`).
    pub entity: EntityRef,
    /// Who starred it.
    pub author: String,
    /// When, epoch seconds (UTC).
    pub at: i64,
}

/// A free-text label on an entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// The tagged entity.
    pub entity: EntityRef,
    /// The label, as the analyst typed it.
    pub tag: String,
    /// Who tagged it.
    pub author: String,
    /// When, epoch seconds (UTC).
    pub at: i64,
}

/// One verdict decision; the current verdict of an entity is its newest record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerdictRecord {
    /// The judged entity.
    pub entity: EntityRef,
    /// The verdict given.
    pub verdict: Verdict,
    /// Who gave it.
    pub author: String,
    /// When, epoch seconds (UTC).
    pub at: i64,
}

impl Input {
    /// What to load for this input when the case reopens, without the network: a path as recorded, an S3 input's
    /// copy in `case_dir`'s cache; `None` for a fetch's parameters (its files are recorded as paths of their own).
    pub fn local_path(&self, case_dir: &std::path::Path) -> Option<PathBuf> {
        match self {
            Input::Path { path } => Some(path.clone()),
            Input::S3 { url } => Some(url.cache_dir(case_dir)),
            Input::Fetch { .. } => None,
        }
    }
}

/// Where the case's data comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Input {
    /// A file or folder. Stored relative to the case directory when inside it (so a case folder can be moved
    /// with its logs), absolute otherwise; returned resolved.
    Path {
        /// The file or folder, resolved to where it is now.
        path: PathBuf,
    },
    /// Objects under an S3 location, copied into the case's `cache/` folder (see [`super::remote`]); a case
    /// reopens from that copy without the network.
    S3 {
        /// The location as given (`s3://bucket/prefix/`).
        url: super::remote::S3Url,
    },
    /// Parameters of a live fetch (owned by the AWS fetch code; opaque here).
    Fetch {
        /// The fetch request as the fetch code serialised it.
        params: serde_json::Value,
    },
}
