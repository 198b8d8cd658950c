//! The multi-line note editor in a popup: writing a new note about the current view's entity, or editing the
//! selected note of the Notes view from the revision it showed. Ctrl-S saves through the case worker, Esc cancels
//! (twice when there is text, so nothing typed is lost to a stray key). The text is kept until the case
//! acknowledges the write; a failed write reopens the editor with it.
//!
//! Notes are limited to `core::case::MAX_NOTE_BYTES` (1 MiB): a longer note is not opened for editing, and
//! typing or pasting past the limit is refused with a message, never cut. The text lives in
//! [`super::text_area::TextArea`], which costs the cursor's line per key and the visible window per frame; a
//! paste (bracketed paste) is one insert, not one key per character.

use super::action::Input;
use super::app::{App, Mode};
use super::case_io::CaseRequest;
use super::sanitize::{clean, clean_max};
use super::spec::ViewSpec;
use super::text_area::TextArea;
use super::theme::{Slot, Theme};
use super::update::Command;
use crate::core::case::{MAX_NOTE_BYTES, NoteId, check_note_size};
use crate::core::entity::EntityRef;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

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
    pub area: TextArea,
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

/// Text as the editor may hold it: every character drawn as itself (controls and invisible formatting replaced,
/// as everywhere in the TUI), line by line and never shortened.
fn editable(text: &str) -> String {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        // A line has no more characters than bytes, so this cap never shortens it.
        .map(|l| clean_max(l, l.len()))
        .collect::<Vec<_>>()
        .join("\n")
}

impl NoteEditor {
    pub fn new(target: EditTarget, text: &str) -> NoteEditor {
        NoteEditor {
            area: TextArea::new(&editable(text)),
            target,
            confirm_discard: false,
        }
    }

    pub fn text(&self) -> String {
        self.area.text()
    }

    fn entity(&self) -> &EntityRef {
        match &self.target {
            EditTarget::New(e) | EditTarget::Edit { entity: e, .. } => e,
        }
    }

    /// Insert `s` (already editable) unless the note would pass the limit; the refusal otherwise.
    fn insert(&mut self, s: &str) -> Result<(), String> {
        check_note_size(self.area.len().saturating_add(s.len())).map_err(|e| e.to_string())?;
        match s {
            "\n" => self.area.newline(),
            _ if s.chars().nth(1).is_none() => s.chars().for_each(|c| self.area.insert_char(c)),
            _ => self.area.insert_str(s),
        }
        Ok(())
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
        Some(n) if n.text.len() > MAX_NOTE_BYTES => {
            let why = check_note_size(n.text.len())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            app.set_status(
                Slot::StatusWarning,
                format!(
                    "note #{} is too large to edit here: {why} (`trailhound note edit {} -` can replace it)",
                    n.id, n.id
                ),
            );
        }
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
    let refused = match input {
        Input::Key(k) if ctrl(&k, 's') => return save(app),
        Input::Key(k) if k.code == KeyCode::Esc || ctrl(&k, 'c') => {
            cancel(app);
            return Vec::new();
        }
        Input::Cancel => {
            cancel(app);
            return Vec::new();
        }
        Input::Key(k) => {
            ed.confirm_discard = false;
            key(ed, k)
        }
        Input::Char(c) => {
            ed.confirm_discard = false;
            match c {
                '\n' => ed.insert("\n"),
                c if drawn_as_itself(c) => ed.insert(c.encode_utf8(&mut [0; 4])),
                _ => Ok(()),
            }
        }
        Input::Submit => ed.insert("\n"),
        Input::Backspace => {
            ed.area.backspace();
            Ok(())
        }
        Input::Paste(text) => {
            ed.confirm_discard = false;
            ed.insert(&editable(&text.replace("\r\n", "\n").replace('\r', "\n")))
                .map_err(|e| format!("paste refused: {e}"))
        }
        _ => Ok(()),
    };
    if let Err(msg) = refused {
        app.set_status(Slot::StatusWarning, msg);
    }
    Vec::new()
}

/// Only characters that draw as themselves are typed (no controls or invisible formatting).
fn drawn_as_itself(c: char) -> bool {
    let s = c.to_string();
    clean(&s) == s
}

/// An editing key; plain characters go through the size limit.
fn key(ed: &mut NoteEditor, k: KeyEvent) -> Result<(), String> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let page = 10;
    match k.code {
        KeyCode::Char(c) if !ctrl && !k.modifiers.contains(KeyModifiers::ALT) && drawn_as_itself(c) => {
            return ed.insert(c.encode_utf8(&mut [0; 4]));
        }
        KeyCode::Enter => return ed.insert("\n"),
        KeyCode::Tab => return ed.insert("    "),
        KeyCode::Backspace => ed.area.backspace(),
        KeyCode::Delete => ed.area.delete(),
        KeyCode::Left => ed.area.left(),
        KeyCode::Right => ed.area.right(),
        KeyCode::Up => ed.area.vertical(-1),
        KeyCode::Down => ed.area.vertical(1),
        KeyCode::PageUp => ed.area.vertical(-page),
        KeyCode::PageDown => ed.area.vertical(page),
        KeyCode::Home if ctrl => ed.area.top(),
        KeyCode::End if ctrl => ed.area.bottom(),
        KeyCode::Home => ed.area.home(),
        KeyCode::End => ed.area.end(),
        _ => {}
    }
    Ok(())
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
    // Only the visible window is cut from the text; the cursor is the reversed cell.
    let view = ed.area.view(inner.width, inner.height);
    let (cx, cy) = (usize::from(view.cursor.0), usize::from(view.cursor.1));
    let lines: Vec<Line> = view
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| if i == cy { cursor_line(row, cx) } else { Line::from(row) })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// `row` with the cell at display column `cx` reversed (a space past the end of the text).
fn cursor_line(row: String, cx: usize) -> Line<'static> {
    use unicode_width::UnicodeWidthChar;
    let mut col = 0;
    let mut at = None;
    for (i, c) in row.char_indices() {
        if col >= cx {
            at = Some((i, i + c.len_utf8()));
            break;
        }
        col += c.width().unwrap_or(0);
    }
    let reversed = Style::default().add_modifier(Modifier::REVERSED);
    match at {
        Some((a, b)) => Line::from(vec![
            Span::raw(row[..a].to_string()),
            Span::styled(row[a..b].to_string(), reversed),
            Span::raw(row[b..].to_string()),
        ]),
        None => Line::from(vec![Span::raw(row), Span::styled(" ", reversed)]),
    }
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

    fn editor(app: &App) -> &NoteEditor {
        match &app.mode {
            Mode::NoteEditor(e) => e,
            m => panic!("editor closed: {m:?}"),
        }
    }

    fn status(app: &App) -> String {
        app.status.as_ref().map(|s| s.1.clone()).unwrap_or_default()
    }

    #[test]
    fn typing_and_pasting_stop_at_the_note_limit_with_a_message() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::AddNote);
        // One byte below the limit, as one paste.
        let nearly = "n".repeat(MAX_NOTE_BYTES - 1);
        update(&mut app, Input::Paste(nearly.clone()));
        assert_eq!(editor(&app).area.len(), MAX_NOTE_BYTES - 1);
        assert!(status(&app).is_empty(), "{}", status(&app));
        // A two-byte character does not fit; a one-byte one does; then nothing more.
        update(&mut app, Input::Char('é'));
        assert!(status(&app).contains("at most 1 MiB"), "{}", status(&app));
        assert_eq!(editor(&app).area.len(), MAX_NOTE_BYTES - 1);
        update(&mut app, Input::Char('!'));
        assert_eq!(editor(&app).area.len(), MAX_NOTE_BYTES);
        app.status = None;
        update(&mut app, Input::Char('x'));
        update(&mut app, Input::Submit);
        assert!(status(&app).contains("at most 1 MiB"), "{}", status(&app));
        let over = "p".repeat(10);
        update(&mut app, Input::Paste(over));
        assert!(status(&app).starts_with("paste refused"), "{}", status(&app));
        assert_eq!(editor(&app).text(), format!("{nearly}!"), "nothing was cut or added");
        // Saving the note at the limit sends it whole.
        let cmds = update(&mut app, ctrl('s'));
        assert!(
            matches!(&cmds[..], [Command::Case(CaseRequest::AddNote { text, .. })] if text.len() == MAX_NOTE_BYTES)
        );
    }

    #[test]
    fn a_paste_is_one_insert_with_its_line_breaks_and_controls_made_visible() {
        let mut app = App::new(Keymap::default());
        key(&mut app, Action::AddNote);
        update(&mut app, Input::Char('>'));
        update(&mut app, Input::Paste("first\r\nsecond\u{1b}[31m\tend".into()));
        assert_eq!(editor(&app).text(), ">first\nsecond\u{FFFD}[31m end");
        assert_eq!(editor(&app).area.cursor(), (1, "second\u{FFFD}[31m end".len()));
    }

    #[test]
    fn a_note_over_the_limit_is_not_opened_and_a_long_line_is_edited_whole() {
        use crate::core::case::Note;
        let note = |id: i64, text: String| Note {
            id,
            entity: EntityRef::Case,
            text,
            author: "sara".into(),
            created: 0,
            updated_by: "sara".into(),
            updated: 0,
            rev: 1,
            deleted: false,
            conflict_with: None,
        };
        let mut app = App::new(Keymap::default());
        app.notes = Some(Ok(vec![note(7, "z".repeat(10 * 1024 * 1024))]));
        key(&mut app, Action::Notes);
        key(&mut app, Action::EditNote);
        assert_eq!(app.mode, Mode::Normal, "a 10 MiB note is not loaded into the editor");
        assert!(
            status(&app).contains("note #7 is too large to edit here") && status(&app).contains("10.0 MiB"),
            "{}",
            status(&app)
        );
        // A line far longer than anything drawn elsewhere is kept whole (it used to be cut at 512 characters).
        let long = format!("{}\nshort", "L".repeat(5000));
        let mut app = App::new(Keymap::default());
        app.notes = Some(Ok(vec![note(8, long.clone())]));
        key(&mut app, Action::Notes);
        key(&mut app, Action::EditNote);
        assert_eq!(editor(&app).text(), long);
    }

    #[test]
    fn the_editor_draws_the_end_of_a_note_at_the_limit_with_the_cursor() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let text: String = (0..MAX_NOTE_BYTES / 20).map(|i| format!("line {i:013}\n")).collect();
        let mut app = App::new(Keymap::default());
        app.mode = Mode::NoteEditor(Box::new(NoteEditor::new(EditTarget::New(EntityRef::Case), &text)));
        let theme = Theme::default();
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        term.draw(|f| render(f, f.area(), &app, &theme)).unwrap();
        let buf = term.backend().buffer();
        let screen: String = (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect();
        let last = format!("line {:013}", MAX_NOTE_BYTES / 20 - 1);
        assert!(screen.contains(&last), "{screen}");
        // The cursor sits on the empty last line, reversed.
        let cursor = (0..buf.area.height)
            .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
            .filter(|&(x, y)| buf[(x, y)].modifier.contains(Modifier::REVERSED))
            .count();
        assert_eq!(cursor, 1);
    }
}
