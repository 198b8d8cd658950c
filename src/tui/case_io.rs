//! The investigation case behind the Notes view: requests from `update` (`Command::Notes`, `Command::AddNote`)
//! are executed against a `core::case::Case` on its own thread (the case is one SQLite connection, not `Sync`),
//! and the answers come back as background results. The case is opened (or created) lazily, on the first
//! request, so starting the TUI writes nothing. A case that opens read-only or damaged says so with the first
//! answer; its notes and marks still show, writes fail with the case's reason, and the view state is not saved.

use crate::core::case::{Case, Note, NoteFilter, NoteId, Verdict};
use crate::core::entity::EntityRef;
use crate::tui::marks::Marks;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use std::path::{Path, PathBuf};

/// A request to the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseRequest {
    ListNotes,
    AddNote {
        entity: EntityRef,
        text: String,
    },
    /// Replace note `id`'s text, starting from revision `base` (what the editor showed).
    EditNote {
        id: NoteId,
        base: u32,
        text: String,
    },
    /// Star (`on`) or unstar an entity.
    Star {
        entity: EntityRef,
        on: bool,
    },
    SetVerdict {
        entity: EntityRef,
        verdict: Verdict,
    },
    /// Add (`on`) or remove a tag.
    Tag {
        entity: EntityRef,
        tag: String,
        on: bool,
    },
    /// Remember where the analyst is (`ui_state` JSON), so the case reopens there.
    SaveUiState(String),
    /// Write the report (`:export`) from this loaded data.
    Export {
        format: crate::core::export::Format,
        path: PathBuf,
        data: crate::tui::export_task::Loaded,
    },
}

/// The case's answer: the notes as they stand after the request, or what went wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseReply {
    pub notes: Result<Vec<Note>, String>,
    /// Set after a write: what to tell the user.
    pub message: Option<String>,
    /// How to show the message: ok, warning (an edit kept as a conflict revision) or error.
    pub level: Slot,
    /// The request wrote a note (the editor's kept text can go, or come back if this failed).
    pub wrote_note: bool,
    /// Stars and verdicts as they stand after the request (`None` when they could not be read).
    pub marks: Option<Marks>,
}

/// The case directory: `--case DIR`, else the default case of the opened inputs (one per input set).
pub fn case_dir(explicit: Option<&Path>, inputs: &[PathBuf]) -> Result<PathBuf, String> {
    match explicit {
        Some(d) => Ok(d.to_path_buf()),
        None => crate::core::case::default_dir_for(inputs).map_err(|e| e.to_string()),
    }
}

/// Run one request (the worker thread calls this; headless tests call it directly).
pub fn execute(case: &Case, req: &CaseRequest) -> CaseReply {
    let written: Result<Option<(String, bool)>, String> = match req {
        CaseRequest::ListNotes => Ok(None),
        CaseRequest::AddNote { entity, text } => case
            .add_note(entity, text)
            .map(|id| Some((format!("note #{id} saved on {entity}"), false)))
            .map_err(|e| format!("note not saved: {e}")),
        CaseRequest::EditNote { id, base, text } => case
            .edit_note_from(*id, *base, text)
            .map(|n| {
                Some(match n.conflict_with {
                    Some(_) => (
                        format!(
                            "conflict: someone else edited note #{id}; both texts kept (revision {})",
                            n.rev
                        ),
                        true,
                    ),
                    None => (format!("note #{id} saved (revision {})", n.rev), false),
                })
            })
            .map_err(|e| format!("note not saved: {e}")),
        CaseRequest::Star { entity, on: true } => case
            .star(entity)
            .map(|_| Some((format!("starred {entity}"), false)))
            .map_err(|e| format!("star not saved: {e}")),
        CaseRequest::Star { entity, on: false } => case
            .unstar(entity)
            .map(|_| Some((format!("unstarred {entity}"), false)))
            .map_err(|e| format!("unstar not saved: {e}")),
        CaseRequest::SetVerdict { entity, verdict } => case
            .set_verdict(entity, *verdict)
            .map(|()| Some((format!("verdict {verdict} saved on {entity}"), false)))
            .map_err(|e| format!("verdict not saved: {e}")),
        CaseRequest::Tag { entity, tag, on: true } => case
            .tag(entity, tag)
            .map(|_| Some((format!("tagged {entity} {tag}"), false)))
            .map_err(|e| format!("tag not saved: {e}")),
        CaseRequest::Tag { entity, tag, on: false } => case
            .untag(entity, tag)
            .map(|had| {
                Some(if had {
                    (format!("untagged {entity} {tag}"), false)
                } else {
                    (format!("{entity} had no tag {tag}"), true)
                })
            })
            .map_err(|e| format!("untag not saved: {e}")),
        // Where the analyst is cannot be kept in a case that takes no writes; the notice at open said so.
        CaseRequest::SaveUiState(_) if open_notice(case).is_some() => Ok(None),
        CaseRequest::SaveUiState(json) => case
            .set_ui_state(json)
            .map(|()| None)
            .map_err(|e| format!("view state not saved: {e}")),
        CaseRequest::Export { format, path, data } => crate::tui::export_task::export(case, data, *format, path)
            .map(|n| Some((format!("exported {n} bytes to {}", path.display()), false)))
            .map_err(|e| format!("export failed: {e}")),
    };
    let (message, level) = match written {
        Ok(Some((m, true))) => (Some(m), Slot::StatusWarning),
        Ok(Some((m, false))) => (Some(m), Slot::StatusOk),
        Ok(None) => (None, Slot::StatusOk),
        Err(e) => (Some(e), Slot::StatusError),
    };
    // Read back after a failed write too: the list shows what the case really holds.
    CaseReply {
        notes: case.notes(&NoteFilter::default()).map_err(|e| e.to_string()),
        message,
        level,
        wrote_note: matches!(req, CaseRequest::AddNote { .. } | CaseRequest::EditNote { .. }),
        marks: Marks::read(case).ok(),
    }
}

/// What to tell the analyst when the case opens read-only or damaged (`None` for an ordinary case).
pub fn open_notice(case: &Case) -> Option<String> {
    use crate::core::case::Health;
    match (case.health(), case.access().reason()) {
        (Health::Damaged(_), _) => Some(
            "the case is damaged: notes and marks are shown as far as readable and nothing can be saved \
             (`trailhound case check`, `trailhound case salvage`)"
                .to_string(),
        ),
        (Health::Sound, Some(why)) => Some(format!(
            "the case is read-only ({}): notes and marks are shown, nothing can be saved",
            why.as_str()
        )),
        (Health::Sound, None) => None,
    }
}

/// The running worker. Dropping it closes the queue and waits for the writes already queued, so quitting right
/// after Ctrl-S still saves the note.
pub struct Worker {
    tx: Option<std::sync::mpsc::Sender<CaseRequest>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    pub fn send(&self, req: CaseRequest) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(req);
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Start the worker: it opens the case on the first request and answers each through `reply`.
/// Start the case worker on `dir`; a case it has to create records `inputs` (the data it is about).
pub fn spawn(dir: Result<PathBuf, String>, inputs: Vec<PathBuf>, reply: impl Fn(CaseReply) + Send + 'static) -> Worker {
    let (tx, rx) = std::sync::mpsc::channel::<CaseRequest>();
    let thread = std::thread::spawn(move || {
        let mut case: Option<Case> = None;
        let mut notice: Option<String> = None;
        for req in rx {
            if case.is_none() {
                let opened = dir.clone().and_then(|d| {
                    let record: Vec<crate::core::case::Input> = inputs
                        .iter()
                        .map(|p| crate::core::case::Input::Path { path: p.clone() })
                        .collect();
                    Case::open_or_create_recording(&d, &record).map_err(|e| e.to_string())
                });
                match opened {
                    Ok(c) => {
                        notice = open_notice(&c);
                        case = Some(c);
                    }
                    Err(e) => {
                        reply(CaseReply {
                            notes: Err(e.clone()),
                            message: Some(format!("case unavailable: {e}")),
                            level: Slot::StatusError,
                            wrote_note: matches!(req, CaseRequest::AddNote { .. } | CaseRequest::EditNote { .. }),
                            marks: None,
                        });
                        continue;
                    }
                }
            }
            if let Some(c) = &case {
                let mut answer = execute(c, &req);
                if let Some(n) = notice.take() {
                    if answer.message.is_none() {
                        answer.message = Some(n);
                        answer.level = Slot::StatusWarning;
                    } else {
                        notice = Some(n);
                    }
                }
                reply(answer);
            }
        }
    });
    Worker {
        tx: Some(tx),
        thread: Some(thread),
    }
}

/// What a note written from a view is about.
pub fn entity_of(spec: &ViewSpec, store: &crate::core::model::Store) -> EntityRef {
    match spec {
        ViewSpec::Findings | ViewSpec::Notes | ViewSpec::Summary(_) | ViewSpec::Rule(_) => EntityRef::Case,
        // A note from a group is about the finding the group was opened from.
        ViewSpec::Finding(id) | ViewSpec::Group(id) => EntityRef::Finding(id.clone()),
        ViewSpec::Session(k) | ViewSpec::Chain(k) => EntityRef::Session(k.clone()),
        ViewSpec::Role(a) => EntityRef::Role(a.clone()),
        ViewSpec::Principal(p) => EntityRef::Principal(p.clone()),
        ViewSpec::AccessKey(k) => EntityRef::AccessKey(k.clone()),
        ViewSpec::Ip(a) => EntityRef::Ip(a.clone()),
        ViewSpec::Account(a) => EntityRef::Account(a.clone()),
        ViewSpec::UserAgent(u) => EntityRef::UserAgent(u.clone()),
        ViewSpec::Resource(r) => EntityRef::Resource(r.clone()),
        ViewSpec::Event(i) => match store.events.get(*i).map(|e| store.event_id_string(e)) {
            Some(id) if !id.is_empty() => EntityRef::Event(id),
            _ => EntityRef::Case,
        },
        // A note from a profile's geo-fence review is about that profile; from the whole review, the case.
        ViewSpec::Geofence { profile: Some(p), .. } => entity_of(p, store),
        ViewSpec::Geofence { profile: None, .. } => EntityRef::Case,
    }
}
