//! The investigation case behind the Notes view: requests from `update` (`Command::Notes`, `Command::AddNote`)
//! are executed against a `core::case::Case` on its own thread (the case is one SQLite connection, not `Sync`),
//! and the answers come back as background results. The case is opened (or created) lazily, on the first
//! request, so starting the TUI writes nothing.

use crate::core::case::{Case, Note, NoteFilter};
use crate::core::entity::EntityRef;
use crate::tui::spec::ViewSpec;
use std::path::{Path, PathBuf};

/// A request to the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseRequest {
    ListNotes,
    AddNote { entity: EntityRef, text: String },
}

/// The case's answer: the notes as they stand after the request, or what went wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseReply {
    pub notes: Result<Vec<Note>, String>,
    /// Set after a write: what to tell the user.
    pub message: Option<String>,
}

/// The case directory: `--case DIR`, else the user's default case.
pub fn case_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    match explicit {
        Some(d) => Ok(d.to_path_buf()),
        None => crate::core::case::default_dir(),
    }
}

/// Run one request (the worker thread calls this; headless tests call it directly).
pub fn execute(case: &Case, req: &CaseRequest) -> CaseReply {
    let mut message = None;
    if let CaseRequest::AddNote { entity, text } = req {
        match case.add_note(entity, text) {
            Ok(id) => message = Some(format!("note #{id} saved on {entity}")),
            Err(e) => {
                return CaseReply {
                    notes: Err(e.to_string()),
                    message: Some(format!("note not saved: {e}")),
                };
            }
        }
    }
    CaseReply {
        notes: case.notes(&NoteFilter::default()).map_err(|e| e.to_string()),
        message,
    }
}

/// Start the worker: it opens the case on the first request and answers each through `reply`.
pub fn spawn(
    dir: Result<PathBuf, String>,
    reply: impl Fn(CaseReply) + Send + 'static,
) -> std::sync::mpsc::Sender<CaseRequest> {
    let (tx, rx) = std::sync::mpsc::channel::<CaseRequest>();
    std::thread::spawn(move || {
        let mut case: Option<Case> = None;
        for req in rx {
            if case.is_none() {
                let opened = dir
                    .clone()
                    .and_then(|d| Case::open_or_create(&d).map_err(|e| e.to_string()));
                match opened {
                    Ok(c) => case = Some(c),
                    Err(e) => {
                        reply(CaseReply {
                            notes: Err(e.clone()),
                            message: Some(format!("case unavailable: {e}")),
                        });
                        continue;
                    }
                }
            }
            if let Some(c) = &case {
                reply(execute(c, &req));
            }
        }
    });
    tx
}

/// What a note written from a view is about.
pub fn entity_of(spec: &ViewSpec, store: &crate::core::model::Store) -> EntityRef {
    match spec {
        ViewSpec::Findings | ViewSpec::Notes => EntityRef::Case,
        ViewSpec::Finding(id) => EntityRef::Finding(id.clone()),
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
    }
}
