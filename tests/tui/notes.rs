//! Headless tests of the TUI's investigation notes on the sample case: the multi-line editor (add, edit, conflict
//! with a concurrent edit), stars and verdicts on entities and event rows, the "★ malicious · 2 notes" strip, the
//! Notes view's columns, and `:export` writing a report that holds the note.

use crate::harness::*;
use trailhound::core::case::{NoteFilter, Verdict};
use trailhound::core::entity::EntityRef;
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::Mode;
use trailhound::tui::spec::ViewSpec;
use trailhound::tui::update::update;

const DEMO_KEY: &str = "ASIADEMOROLE10000001";

fn session() -> EntityRef {
    EntityRef::Session(DEMO_KEY.into())
}

fn status(app: &trailhound::tui::app::App) -> String {
    app.status.as_ref().map(|s| s.1.clone()).unwrap_or_default()
}

/// The breadcrumb row of the screen (where the strip is drawn).
fn crumbs(app: &mut trailhound::tui::app::App) -> String {
    screen(app).lines().next().unwrap_or_default().to_string()
}

#[test]
fn multi_line_note_is_saved_on_the_session_and_counted_in_its_strip() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    assert!(
        !crumbs(&mut app).contains("note"),
        "no strip before anything is written"
    );
    act(&mut app, Action::AddNote);
    let s = screen(&mut app);
    assert!(s.contains("new note on session:ASIADEMOROLE10000001"), "{s}");
    type_and_save(
        &mut app,
        "sara chained into DemoRole1\nthen attached AdministratorAccess",
    );
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        status(&app).contains("saved on session:ASIADEMOROLE10000001"),
        "{}",
        status(&app)
    );
    let notes = with_case(|c| c.notes(&NoteFilter::default()).unwrap());
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].text,
        "sara chained into DemoRole1\nthen attached AdministratorAccess"
    );
    assert_eq!(notes[0].entity, session());
    assert!(crumbs(&mut app).contains("1 note"), "{}", crumbs(&mut app));
    note(&mut app, "second thought");
    assert!(crumbs(&mut app).contains("2 notes"), "{}", crumbs(&mut app));
}

#[test]
fn editing_a_note_someone_else_changed_keeps_both_texts_and_says_so() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    note(&mut app, "first text");
    act(&mut app, Action::Notes);
    select_row(&mut app, "first text");
    // A plain edit from the newest revision is an ordinary edit.
    act(&mut app, Action::EditNote);
    assert!(screen(&mut app).contains("editing note on session:ASIADEMOROLE10000001"));
    type_and_save(&mut app, " (checked)");
    assert!(status(&app).contains("saved (revision 2)"), "{}", status(&app));
    let id = with_case(|c| c.notes(&NoteFilter::default()).unwrap()[0].id);
    assert_eq!(with_case(|c| c.note(id).unwrap().unwrap().text), "first text (checked)");
    // Open the editor on revision 2, then another writer edits before we save.
    select_row(&mut app, "first text (checked)");
    act(&mut app, Action::EditNote);
    with_case(|c| c.edit_note(id, "their text").unwrap());
    type_and_save(&mut app, " and mine");
    assert!(
        status(&app).contains("conflict: someone else edited note") && status(&app).contains("both texts kept"),
        "{}",
        status(&app)
    );
    assert_eq!(
        app.status.as_ref().map(|s| s.0),
        Some(trailhound::tui::theme::Slot::StatusWarning)
    );
    let n = with_case(|c| c.note(id).unwrap().unwrap());
    assert!(n.conflict_with.is_some(), "{n:?}");
    let history = with_case(|c| c.note_history(id).unwrap());
    assert!(history.iter().any(|r| r.text == "their text"), "{history:?}");
    assert!(
        history.iter().any(|r| r.text == "first text (checked) and mine"),
        "{history:?}"
    );
}

#[test]
fn star_and_verdict_show_in_the_strip_and_the_notes_view() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    note(&mut app, "policy attach by DemoRole1/sara");
    act(&mut app, Action::ToggleStar);
    assert!(with_case(|c| c.is_starred(&session()).unwrap()));
    act(&mut app, Action::SetVerdict);
    assert!(matches!(app.mode, Mode::VerdictPick { .. }));
    assert!(screen(&mut app).contains("suspicious"));
    for _ in 0..3 {
        act(&mut app, Action::Down);
    }
    act(&mut app, Action::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        with_case(|c| c.verdict(&session()).unwrap().map(|v| v.verdict)),
        Some(Verdict::Malicious)
    );
    let top = crumbs(&mut app);
    assert!(top.contains("★ malicious · 1 note"), "{top}");
    // Wherever the session appears in a table it is marked: here among the sessions the admin session started.
    act(&mut app, Action::Home);
    command(&mut app, "session ASIASARAADMIN0000001");
    filter(&mut app, "ASIADEMOROLE1");
    let s = screen(&mut app);
    assert!(
        s.lines()
            .any(|l| l.contains("ASIADEMOROLE10000001") && l.contains("★ mal")),
        "{s}"
    );
    act(&mut app, Action::Back);
    act(&mut app, Action::Back);
    command(&mut app, &format!("session {DEMO_KEY}"));
    act(&mut app, Action::Notes);
    let s = screen(&mut app);
    let row = s
        .lines()
        .find(|l| l.contains("policy attach"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains('★') && row.contains("malicious"), "{row}");
    // Back on the session, `*` again unstars.
    act(&mut app, Action::Back);
    act(&mut app, Action::ToggleStar);
    assert!(!with_case(|c| c.is_starred(&session()).unwrap()));
    let top = crumbs(&mut app);
    assert!(top.contains("malicious · 1 note") && !top.contains('★'), "{top}");
}

#[test]
fn star_and_verdict_apply_to_the_selected_event_row() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    while app.tab_name() != Some("Events") {
        act(&mut app, Action::NextTab);
    }
    select_row(&mut app, "AttachRolePolicy");
    let Some(ViewSpec::Event(i)) =
        trailhound::tui::views::source(&app).and_then(|s| s.target(app.top().table.selected_row().unwrap()))
    else {
        panic!("the events tab's rows open events");
    };
    let id = app.data.store().event_id_string(&app.data.store().events[i]);
    act(&mut app, Action::ToggleStar);
    act(&mut app, Action::SetVerdict);
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    act(&mut app, Action::Enter);
    let event = EntityRef::Event(id);
    assert!(with_case(|c| c.is_starred(&event).unwrap()));
    assert!(
        !with_case(|c| c.is_starred(&session()).unwrap()),
        "the session itself is not starred"
    );
    assert_eq!(
        with_case(|c| c.verdict(&event).unwrap().map(|v| v.verdict)),
        Some(Verdict::Suspicious)
    );
    // The events table marks the row in its Mark column (and only that row).
    let src = trailhound::tui::views::source(&app).expect("events table");
    let mark = src.columns().len() - 1;
    assert_eq!(src.columns()[mark].title, "Mark");
    let marked: Vec<String> = (0..src.len())
        .filter(|&r| !src.cell(r, mark).is_empty())
        .map(|r| src.cell(r, mark).into_owned())
        .collect();
    assert_eq!(marked, vec!["★ sus".to_string()]);
    drop(src);
    // Opening the event shows its strip.
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Event(i));
    assert!(crumbs(&mut app).contains("★ suspicious"), "{}", crumbs(&mut app));
}

#[test]
fn export_from_the_tui_writes_a_report_with_the_note() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    note(&mut app, "exported: sara's DemoRole1 session\ntrusted 999988887777");
    act(&mut app, Action::ToggleStar);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.md");
    command(&mut app, &format!("export md {}", path.display()));
    let md = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}; status {}", status(&app)));
    assert!(
        status(&app) == format!("exported {} bytes to {}", md.len(), path.display()),
        "{}",
        status(&app)
    );
    assert!(md.contains("exported: sara's DemoRole1 session"), "{md}");
    assert!(md.contains("ASIADEMOROLE10000001"));
    // JSON lines too; a bad format is refused without writing.
    let jl = dir.path().join("t.jsonl");
    command(&mut app, &format!("export jsonl {}", jl.display()));
    assert!(std::fs::read_to_string(&jl).unwrap().contains("\"datetime\""));
    command(&mut app, &format!("export pdf {}", dir.path().join("x").display()));
    assert!(!dir.path().join("x").exists());
    assert_eq!(
        app.status.as_ref().map(|s| s.0),
        Some(trailhound::tui::theme::Slot::StatusError)
    );
    // Unwritable path: the error is reported, nothing panics.
    command(&mut app, "export md /nonexistent-dir-trailhound/r.md");
    assert!(status(&app).starts_with("export failed"), "{}", status(&app));
    // The same writer as the CLI: a symlink is refused and left pointing where it did; `-` is not a file name.
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&jl, &link).unwrap();
    command(&mut app, &format!("export md {}", link.display()));
    assert!(
        status(&app).starts_with("export failed") && status(&app).contains("symbolic link"),
        "{}",
        status(&app)
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), jl);
    assert!(std::fs::read_to_string(&jl).unwrap().contains("\"datetime\""));
    command(&mut app, "export md -");
    assert!(status(&app).contains("standard output"), "{}", status(&app));
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn a_failed_save_reopens_the_editor_with_the_text() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    act(&mut app, Action::AddNote);
    for c in "kept".chars() {
        update(&mut app, Input::Char(c));
    }
    let ctrl_s = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('s'),
        crossterm::event::KeyModifiers::CONTROL,
    );
    let cmds = update(&mut app, Input::Key(ctrl_s));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(cmds.len(), 1);
    // The case answers with an error (as the worker does when the database is unavailable).
    trailhound::tui::runtime::apply(
        &mut app,
        trailhound::tui::runtime::Job::Case(trailhound::tui::case_io::CaseReply {
            notes: Err("disk I/O error".into()),
            message: Some("note not saved: disk I/O error".into()),
            level: trailhound::tui::theme::Slot::StatusError,
            wrote_note: true,
            marks: None,
        }),
    );
    match &app.mode {
        Mode::NoteEditor(e) => assert_eq!(e.text(), "kept"),
        m => panic!("{m:?}"),
    }
}

#[test]
fn quitting_right_after_a_save_still_writes_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let replies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let r = replies.clone();
    let worker = trailhound::tui::case_io::spawn(Ok(dir.path().to_path_buf()), Vec::new(), move |reply| {
        r.lock().unwrap().push(reply.message)
    });
    for i in 0..20 {
        worker.send(trailhound::tui::case_io::CaseRequest::AddNote {
            entity: session(),
            text: format!("note {i}\nline two"),
        });
    }
    drop(worker);
    assert_eq!(
        replies.lock().unwrap().len(),
        20,
        "every queued write was answered before the drop returned"
    );
    let case = trailhound::core::case::Case::open(dir.path()).unwrap();
    assert_eq!(case.notes(&NoteFilter::default()).unwrap().len(), 20);
}

#[test]
fn tags_are_added_and_removed_from_the_command_line() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    command(&mut app, "tag persistence");
    command(&mut app, "tag lateral\u{202e}evil");
    let tags: Vec<String> = with_case(|c| c.tags(Some(&session())).unwrap().into_iter().map(|t| t.tag).collect());
    assert_eq!(tags, vec!["persistence".to_string(), "lateral\u{202e}evil".to_string()]);
    let top = crumbs(&mut app);
    assert!(top.contains("#persistence"), "{top}");
    assert!(
        top.contains("#lateral") && !top.contains('\u{202e}'),
        "tags are sanitised before drawing: {top:?}"
    );
    command(&mut app, "tag -persistence");
    assert!(!crumbs(&mut app).contains("#persistence"));
    command(&mut app, "tag -never-there");
    assert_eq!(
        app.status.as_ref().map(|s| s.0),
        Some(trailhound::tui::theme::Slot::StatusWarning)
    );
    // `:u` still means `:user`.
    command(&mut app, "u sara");
    assert_eq!(app.spec(), &ViewSpec::Principal("sara".into()));
}

#[test]
fn a_read_only_case_shows_its_notes_says_why_nothing_is_saved_and_does_not_nag_on_every_view_change() {
    use trailhound::core::case::{Access, Case, Mode, ReadOnlyReason};
    use trailhound::tui::case_io::{CaseRequest, execute, open_notice};
    let dir = tempfile::tempdir().unwrap();
    let writable = Case::create(dir.path(), &[]).unwrap();
    writable.add_note(&session(), "seen from a read-only case").unwrap();
    assert_eq!(open_notice(&writable), None);
    drop(writable);

    let case = Case::open_with(dir.path(), Mode::ReadOnly).unwrap();
    assert_eq!(case.access(), Access::ReadOnly(ReadOnlyReason::Requested));
    let notice = open_notice(&case).expect("a notice for a read-only case");
    assert!(
        notice.contains("read-only") && notice.contains("nothing can be saved"),
        "{notice}"
    );
    let listed = execute(&case, &CaseRequest::ListNotes);
    assert_eq!(listed.notes.unwrap()[0].text, "seen from a read-only case");
    let saved_view = execute(&case, &CaseRequest::SaveUiState("{}".into()));
    assert_eq!(saved_view.message, None, "view changes do not each raise an error");
    let add = execute(
        &case,
        &CaseRequest::AddNote {
            entity: session(),
            text: "x".into(),
        },
    );
    let msg = add.message.unwrap();
    assert!(msg.starts_with("note not saved") && msg.contains("read-only"), "{msg}");
    assert_eq!(add.level, trailhound::tui::theme::Slot::StatusError);
}

#[test]
fn a_bracketed_paste_goes_whole_into_the_note_editor_and_is_never_read_as_keys() {
    use trailhound::tui::runtime::on_paste;
    let mut app = trailhound::tui::app::App::new(trailhound::tui::keymap::Keymap::default());
    // In the normal view a paste is not a series of key bindings (`q` would quit, `*` star, …).
    assert!(on_paste(&mut app, "q*v:quit\n".into()).is_empty());
    assert!(!app.quit);
    assert_eq!(app.mode, Mode::Normal);
    // Into the note editor: one insert, line breaks kept.
    act(&mut app, Action::AddNote);
    on_paste(&mut app, "pasted\nlines".into());
    match &app.mode {
        Mode::NoteEditor(e) => assert_eq!(e.text(), "pasted\nlines"),
        m => panic!("{m:?}"),
    }
    update(&mut app, Input::Cancel);
    update(&mut app, Input::Cancel);
    // Into a one-line prompt: its first line, as typed.
    act(&mut app, Action::Filter);
    on_paste(&mut app, "ASIADEMO\nrest".into());
    assert!(
        matches!(&app.mode, Mode::Filter(f) if f.text == "ASIADEMO"),
        "{:?}",
        app.mode
    );
}
