//! The multi-line note editor (ratatui-textarea in a popup): writing a new note about the current view's entity,
//! or editing the selected note of the Notes view from the revision it showed. Ctrl-S saves through the case
//! worker, Esc cancels (twice when there is text, so nothing typed is lost to a stray key). The text is kept
//! until the case acknowledges the write; a failed write reopens the editor with it.

use super::action::Input;
use super::app::{App, Mode};
use super::case_io::CaseRequest;
use super::sanitize::{clean, clean_max};
use super::spec::ViewSpec;
use super::theme::{Slot, Theme};
use super::update::Command;
use crate::core::case::NoteId;
use crate::core::entity::EntityRef;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::widgets::{Block, Borders, Clear};
use ratatui_textarea::TextArea;

/// What saving writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditTarget {
    New(EntityRef),
    /// Note `id`, whose revision `base` the editor was seeded with.
    Edit {
        id: NoteId,
        base: u32,
        entity: EntityRef,
    },
}

#[derive(Clone, Debug)]
pub struct NoteEditor {
    pub area: TextArea<'static>,
    pub target: EditTarget,
    /// Esc was pressed once with text in the editor: the next Esc discards.
    pub confirm_discard: bool,
}

impl PartialEq for NoteEditor {
    fn eq(&self, other: &Self) -> bool {
        self.area.lines() == other.area.lines()
            && self.target == other.target
            && self.confirm_discard == other.confirm_discard
    }
}
impl Eq for NoteEditor {}

impl NoteEditor {
    pub fn new(target: EditTarget, text: &str) -> NoteEditor {
        // Seeded text is drawn by the textarea as is, so it is sanitised line by line first.
        let lines: Vec<String> = text.split('\n').map(|l| clean(l).into_owned()).collect();
        let mut area = TextArea::new(lines);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        NoteEditor {
            area,
            target,
            confirm_discard: false,
        }
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    fn entity(&self) -> &EntityRef {
        match &self.target {
            EditTarget::New(e) | EditTarget::Edit { entity: e, .. } => e,
        }
    }
}

/// `a`: a new note about what the current view shows.
pub fn open_new(app: &mut App) {
    let entity = super::case_io::entity_of(app.spec(), app.data.store());
    app.mode = Mode::NoteEditor(Box::new(NoteEditor::new(EditTarget::New(entity), "")));
}

/// `e` in the Notes view: edit the selected note.
pub fn edit_selected(app: &mut App) {
    let note = match (app.spec(), &app.notes, app.top().table.selected_row()) {
        (ViewSpec::Notes, Some(Ok(notes)), Some(row)) => notes.get(row).cloned(),
        _ => None,
    };
    match note {
        Some(n) => {
            let target = EditTarget::Edit {
                id: n.id,
                base: n.rev,
                entity: n.entity.clone(),
            };
            app.mode = Mode::NoteEditor(Box::new(NoteEditor::new(target, &n.text)));
        }
        None => app.set_status(Slot::StatusWarning, "select a note in the notes view to edit it"),
    }
}

/// Keys while the editor is open.
pub fn handle(app: &mut App, input: Input) -> Vec<Command> {
    let Mode::NoteEditor(ed) = &mut app.mode else {
        return Vec::new();
    };
    let ctrl = |k: &KeyEvent, c: char| k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c);
    match input {
        Input::Key(k) if ctrl(&k, 's') => return save(app),
        Input::Key(k) if k.code == KeyCode::Esc || ctrl(&k, 'c') => cancel(app),
        Input::Cancel => cancel(app),
        Input::Key(k) => {
            ed.confirm_discard = false;
            // Only characters that draw as themselves are accepted (no controls or invisible formatting).
            if let KeyCode::Char(c) = k.code
                && clean(&c.to_string()) != c.to_string()
            {
                return Vec::new();
            }
            ed.area.input(k);
        }
        Input::Char(c) => {
            ed.confirm_discard = false;
            if c == '\n' {
                ed.area.insert_newline();
            } else if clean(&c.to_string()) == c.to_string() {
                ed.area.insert_char(c);
            }
        }
        Input::Submit => ed.area.insert_newline(),
        Input::Backspace => {
            ed.area.delete_char();
        }
        _ => {}
    }
    Vec::new()
}

fn cancel(app: &mut App) {
    let Mode::NoteEditor(ed) = &mut app.mode else { return };
    if ed.text().trim().is_empty() {
        app.mode = Mode::Normal;
    } else if ed.confirm_discard {
        app.mode = Mode::Normal;
        app.set_status(Slot::StatusWarning, "note discarded");
    } else {
        ed.confirm_discard = true;
        app.set_status(
            Slot::StatusWarning,
            "discard this note? Esc again discards, Ctrl-S saves, any other key keeps editing",
        );
    }
}

fn save(app: &mut App) -> Vec<Command> {
    let Mode::NoteEditor(ed) = std::mem::replace(&mut app.mode, Mode::Normal) else {
        return Vec::new();
    };
    let text = ed.text();
    if text.trim().is_empty() {
        app.set_status(Slot::StatusWarning, "empty note not saved");
        return Vec::new();
    }
    let req = match &ed.target {
        EditTarget::New(entity) => CaseRequest::AddNote {
            entity: entity.clone(),
            text,
        },
        EditTarget::Edit { id, base, .. } => CaseRequest::EditNote {
            id: *id,
            base: *base,
            text,
        },
    };
    app.set_status(Slot::TextDim, "saving note…");
    app.note_pending = Some(ed);
    vec![Command::Case(req)]
}

/// The case answered a note write: forget the kept text, or reopen the editor with it when the write failed.
pub fn acknowledged(app: &mut App, failed: bool) {
    if let Some(ed) = app.note_pending.take()
        && failed
        && app.mode == Mode::Normal
    {
        app.mode = Mode::NoteEditor(ed);
    }
}

pub fn render(f: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Mode::NoteEditor(ed) = &app.mode else { return };
    let w = (body.width.saturating_mul(4) / 5).max(20);
    let h = (body.height.saturating_mul(3) / 5).max(6);
    let [area] = Layout::horizontal([Constraint::Length(w.min(body.width))])
        .flex(Flex::Center)
        .areas(body);
    let [area] = Layout::vertical([Constraint::Length(h.min(body.height))])
        .flex(Flex::Center)
        .areas(area);
    let what = match &ed.target {
        EditTarget::New(_) => "new note on",
        EditTarget::Edit { .. } => "editing note on",
    };
    let title = format!(
        " {what} {} — Ctrl-S save · Esc cancel ",
        clean_max(&ed.entity().to_string(), 60)
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.style(Slot::Border))
        .title_style(theme.style(Slot::Title));
    f.render_widget(Clear, area);
    let inner = block.inner(area);
    f.render_widget(block, area);
    f.render_widget(&ed.area, inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Action;
    use crate::tui::keymap::Keymap;
    use crate::tui::update::update;

    fn key(app: &mut App, a: Action) -> Vec<Command> {
        update(app, Input::Action(a))
    }

    fn ctrl(c: char) -> Input {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn esc() -> Input {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        Input::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
    }

    #[test]
    fn empty_notes_are_not_written_and_typed_text_needs_two_escapes_to_discard() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::AddNote);
        assert!(matches!(&app.mode, Mode::NoteEditor(e) if e.target
            == EditTarget::New(crate::core::entity::EntityRef::Case)));
        update(&mut app, Input::Char(' '));
        assert!(update(&mut app, ctrl('s')).is_empty());
        assert_eq!(app.mode, Mode::Normal);
        key(&mut app, Action::AddNote);
        update(&mut app, Input::Char('x'));
        update(&mut app, esc());
        assert!(matches!(app.mode, Mode::NoteEditor(_)), "one Esc only asks");
        update(&mut app, Input::Char('\n'));
        update(&mut app, Input::Char('y'));
        let cmds = update(&mut app, ctrl('s'));
        assert_eq!(
            cmds,
            vec![Command::Case(CaseRequest::AddNote {
                entity: crate::core::entity::EntityRef::Case,
                text: "x\ny".into()
            })]
        );
        key(&mut app, Action::AddNote);
        update(&mut app, Input::Char('z'));
        update(&mut app, esc());
        update(&mut app, esc());
        assert_eq!(app.mode, Mode::Normal);
        assert!(app.status.as_ref().is_some_and(|s| s.1 == "note discarded"));
    }

    #[test]
    fn control_characters_are_not_typed_into_notes() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::AddNote);
        for c in ['a', '\u{1b}', '\u{202e}', 'b'] {
            update(&mut app, Input::Char(c));
        }
        match &app.mode {
            Mode::NoteEditor(e) => assert_eq!(e.text(), "ab"),
            m => panic!("{m:?}"),
        }
    }
}
