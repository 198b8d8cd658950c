//! The text buffer's edits and its window, and the work a frame costs on a note at the size limit.

use super::*;
use crate::core::case::MAX_NOTE_BYTES;

fn typed(t: &mut TextArea, s: &str) {
    for c in s.chars() {
        t.insert_char(c);
    }
}

#[test]
fn edits_move_the_cursor_and_keep_the_length() {
    let mut t = TextArea::new("");
    typed(&mut t, "héllo\nwörld");
    assert_eq!(t.text(), "héllo\nwörld");
    assert_eq!(t.len(), "héllo\nwörld".len());
    t.home();
    t.backspace(); // joins the lines
    assert_eq!(t.text(), "héllowörld");
    t.left();
    t.delete(); // the 'o' of héllo
    assert_eq!(t.text(), "héllwörld");
    t.vertical(1);
    t.end();
    t.newline();
    typed(&mut t, "→ next");
    assert_eq!(t.text(), "héllwörld\n→ next");
    t.top();
    t.insert_str("A\nB\n");
    assert_eq!(t.text(), "A\nB\nhéllwörld\n→ next");
    assert_eq!(t.cursor(), (2, 0));
    t.bottom();
    while !t.is_empty() {
        t.backspace();
    }
    assert_eq!(t.lines(), [""]);
    assert_eq!(t.len(), 0);
}

#[test]
fn up_and_down_keep_the_character_column() {
    let mut t = TextArea::new("abcdef\nxy\n€€€€€€");
    t.top();
    for _ in 0..4 {
        t.right();
    }
    t.vertical(1);
    assert_eq!(t.cursor(), (1, 2), "clamped to the short line");
    t.vertical(-1);
    assert_eq!(t.cursor(), (0, 2));
    t.vertical(5);
    assert_eq!(
        t.cursor(),
        (2, 2 * '€'.len_utf8()),
        "two characters in, by characters not bytes"
    );
}

#[test]
fn the_window_follows_the_cursor_and_cuts_wide_characters_with_spaces() {
    let mut t = TextArea::new("0123456789\n一二三四五\nend");
    t.top();
    let v = t.view(4, 2);
    assert_eq!(v.rows, ["0123", "一二"]);
    assert_eq!(v.cursor, (0, 0));
    for _ in 0..6 {
        t.right();
    }
    let v = t.view(4, 2);
    // Columns 3..7: 一 (0–1) is out, 二 (2–3) and 四 (6–7) are cut by the edges, 三 (4–5) is whole.
    assert_eq!(v.rows, ["3456", " 三 "]);
    assert_eq!(v.cursor, (3, 0));
    t.bottom();
    let v = t.view(4, 2);
    assert_eq!(v.rows[1], "end");
    assert_eq!(v.cursor, (3, 1));
}

/// A note at the size limit in the two shapes that matter — many lines, or one line — with the cursor at its end
/// (where the editor opens): a frame looks at the visible window only, the same as for a tiny note.
#[test]
fn a_frame_on_a_note_at_the_limit_costs_only_the_visible_window() {
    let (w, h) = (100u16, 30u16);
    let window = usize::from(w) * usize::from(h);
    let many_lines = "x".repeat(79) + "\n";
    let many_lines = many_lines.repeat(MAX_NOTE_BYTES / 80);
    let one_line = "y".repeat(MAX_NOTE_BYTES);
    for (name, text) in [("many lines", many_lines), ("one line", one_line)] {
        assert!(text.len() <= MAX_NOTE_BYTES && text.len() > MAX_NOTE_BYTES - 100);
        let t = TextArea::new(&text);
        let v = t.view(w, h);
        assert!(v.examined <= window, "{name}: {} characters looked at", v.examined);
        assert!(v.rows.iter().all(|r| r.len() <= usize::from(w)), "{name}");
        // Typing at the end costs one insert; the next frame is as cheap.
        let mut t = t;
        t.insert_char('z');
        assert!(t.view(w, h).examined <= window, "{name} after a key");
    }
    // Non-ASCII rows are walked, but only the visible ones.
    let wide = "é".repeat(39) + "\n";
    let t = TextArea::new(&wide.repeat(MAX_NOTE_BYTES / wide.len()));
    let v = t.view(w, h);
    assert!(v.examined <= usize::from(h) * 40 + 40, "{}", v.examined);
}
