//! The vocabulary of the keymap: every user intent the UI understands, as a serde enum.
//!
//! `keymap/default.toml` and the user's `keymap.toml` name these variants in snake_case. Each variant's doc line
//! is what it means; the help popup shows the keymap entry's `desc`. Actions that do not come from a key binding
//! (mouse, typed text, background results) live in [`Input`] and are delivered through the same `update`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave trailhound.
    Quit,
    /// Move the selection up one row (or scroll up).
    Up,
    /// Move the selection down one row (or scroll down).
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Jump to the first row.
    Top,
    /// Jump to the last row.
    Bottom,
    /// Open the selected row: pivot to the entity it names.
    Enter,
    /// Close the popup, clear the filter, or go back one pivot.
    Back,
    /// Next tab of the current view.
    NextTab,
    /// Previous tab of the current view.
    PrevTab,
    /// Filter the focused table (type, Enter to keep, Esc to clear).
    Filter,
    /// Open the command line (`:session KEY`, `:role ARN`, `:ip ADDR`, …).
    Command,
    /// Show or hide the key help.
    Help,
    /// Sort the focused table by the next column.
    SortNext,
    /// Reverse the sort order of the focused table.
    SortReverse,
    /// Scope: back to the finding's window (or everything loaded).
    ScopeReset,
    /// Scope: widen by one hour on each side.
    ScopeWiden,
    /// Scope: narrow by one hour on each side.
    ScopeNarrow,
    /// Scope: the 24 hours ending at the current scope's end.
    Scope24h,
    /// Scope: the 7 days ending at the current scope's end.
    Scope7d,
    /// Scope: type a custom window (`FROM..TO`, RFC 3339).
    ScopeCustom,
    /// Open the chain graph of the selected or current session.
    Chain,
    /// API volume tab: show the next drill-down (IP → API → caller, API → IP → key, resource → IP → API).
    Drill,
    /// Open the raw record of the selected event.
    RawEvent,
    /// Open the investigation notes.
    Notes,
    /// Write a note about what the current view shows (saved in the case).
    AddNote,
    /// Go back to the findings list (the root view).
    Home,
    /// Notes view: edit the selected note (multi-line editor; Ctrl-S saves, Esc cancels).
    EditNote,
    /// Star or unstar the selected event, or the entity the view is about, as evidence.
    ToggleStar,
    /// Give the selected event, or the entity the view is about, a verdict (unknown/benign/suspicious/malicious).
    SetVerdict,
    /// Open the day summary (the landing view): findings, indicators, new places, busiest principals.
    Summary,
    /// Summary: the day before.
    PrevDay,
    /// Summary: the day after.
    NextDay,
}

impl Action {
    /// Every action, in the order the help popup lists them.
    pub const ALL: &'static [Action] = &[
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Enter,
        Action::Back,
        Action::NextTab,
        Action::PrevTab,
        Action::Filter,
        Action::Command,
        Action::SortNext,
        Action::SortReverse,
        Action::ScopeReset,
        Action::ScopeWiden,
        Action::ScopeNarrow,
        Action::Scope24h,
        Action::Scope7d,
        Action::ScopeCustom,
        Action::Chain,
        Action::Drill,
        Action::RawEvent,
        Action::Notes,
        Action::AddNote,
        Action::EditNote,
        Action::ToggleStar,
        Action::SetVerdict,
        Action::Summary,
        Action::PrevDay,
        Action::NextDay,
        Action::Home,
        Action::Help,
        Action::Quit,
    ];
}

/// Inputs that are not key bindings: text typed into the command/filter line, the mouse, the terminal size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Action(Action),
    /// A character typed while a line editor is open.
    Char(char),
    Backspace,
    /// Enter while a line editor is open.
    Submit,
    /// Esc while a line editor is open.
    Cancel,
    /// Tab while the command line is open.
    Complete,
    /// Left click at a terminal cell.
    Click {
        column: u16,
        row: u16,
    },
    ScrollUp,
    ScrollDown,
    Resize {
        width: u16,
        height: u16,
    },
    /// A raw key while the multi-line note editor is open (it needs arrows, Ctrl-S, Esc as they are).
    Key(crossterm::event::KeyEvent),
    /// Text pasted into the note editor (bracketed paste): one insert, however long.
    Paste(String),
    /// What the last draw settled (hit areas, the table's window, the text view's scroll), to store.
    Drawn(crate::tui::app::Drawn),
}
