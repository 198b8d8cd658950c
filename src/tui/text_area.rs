//! A multi-line text buffer with a cursor, drawn one visible window at a time: the note editor's text.
//!
//! Hand-written rather than ratatui-textarea, which the editor used before: that crate re-lays out the whole
//! text after every edit and segments every visible line in full on every frame — measured on a 1 MiB note
//! (debug build) 62 ms per key and, with one long line, 665 ms per frame, and a pasted text arrives as one edit
//! per character. Here a key costs the cursor's own line (a `String` insert or remove) and a frame only the
//! visible rows: an ASCII row is cut at the scroll column by index, other rows are walked up to the scroll
//! column plus the width. [`TextArea::view`] counts the characters it looks at, so tests can hold it to that.
//!
//! The text is plain: the caller decides which characters may enter (the note editor admits only characters
//! that draw as themselves). Display widths come from `unicode-width`, as ratatui's own.

use std::cell::Cell;
use unicode_width::UnicodeWidthChar;

#[derive(Clone, Debug)]
pub struct TextArea {
    /// Never empty; no line holds `\n`.
    lines: Vec<String>,
    /// Whether each line is pure ASCII (one column per byte), kept with every edit.
    ascii: Vec<bool>,
    row: usize,
    /// Byte offset in `lines[row]`, always on a character boundary.
    col: usize,
    /// Length of [`TextArea::text`] in bytes, kept with every edit.
    bytes: usize,
    /// First visible row and first visible column, kept between frames so the view does not jump.
    top: Cell<usize>,
    left: Cell<usize>,
}

/// One frame's worth of text: the visible rows cut to the width, where the cursor is on screen, and how many
/// characters producing them cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub rows: Vec<String>,
    /// Cursor cell (column, row) inside the window.
    pub cursor: (u16, u16),
    /// Characters looked at (the work counter tests bound).
    pub examined: usize,
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

impl TextArea {
    /// `text` split at `\n`, with the cursor at its end.
    pub fn new(text: &str) -> TextArea {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let ascii = lines.iter().map(|l| l.is_ascii()).collect();
        let row = lines.len() - 1;
        let col = lines[row].len();
        TextArea {
            lines,
            ascii,
            row,
            col,
            bytes: text.len(),
            top: Cell::new(0),
            left: Cell::new(0),
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Length of [`TextArea::text`] in bytes (no work: kept up to date).
    pub fn len(&self) -> usize {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// Cursor as (line, byte offset in the line).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    fn line(&self) -> &str {
        &self.lines[self.row]
    }

    pub fn insert_char(&mut self, c: char) {
        if c == '\n' {
            return self.newline();
        }
        self.lines[self.row].insert(self.col, c);
        self.ascii[self.row] &= c.is_ascii();
        self.col += c.len_utf8();
        self.bytes += c.len_utf8();
    }

    /// Insert `s` at the cursor (one edit however long it is); the cursor ends after it.
    pub fn insert_str(&mut self, s: &str) {
        let mut parts = s.split('\n');
        let first = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        let tail = self.lines[self.row].split_off(self.col);
        self.lines[self.row].push_str(first);
        self.ascii[self.row] = self.lines[self.row].is_ascii();
        self.col = self.lines[self.row].len();
        for part in rest {
            self.row += 1;
            self.lines.insert(self.row, part.to_string());
            self.ascii.insert(self.row, part.is_ascii());
            self.col = part.len();
        }
        self.lines[self.row].push_str(&tail);
        self.ascii[self.row] = self.ascii[self.row] && tail.is_ascii();
        self.bytes += s.len();
    }

    pub fn newline(&mut self) {
        let rest = self.lines[self.row].split_off(self.col);
        self.ascii[self.row] = self.lines[self.row].is_ascii();
        let rest_ascii = rest.is_ascii();
        self.lines.insert(self.row + 1, rest);
        self.ascii.insert(self.row + 1, rest_ascii);
        self.row += 1;
        self.col = 0;
        self.bytes += 1;
    }

    pub fn backspace(&mut self) {
        if let Some(c) = self.line()[..self.col].chars().next_back() {
            self.col -= c.len_utf8();
            self.lines[self.row].remove(self.col);
            self.bytes -= c.len_utf8();
            if !c.is_ascii() {
                self.ascii[self.row] = self.lines[self.row].is_ascii();
            }
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            let was_ascii = self.ascii.remove(self.row);
            self.row -= 1;
            self.col = self.lines[self.row].len();
            self.lines[self.row].push_str(&line);
            self.ascii[self.row] &= was_ascii;
            self.bytes -= 1;
        }
    }

    pub fn delete(&mut self) {
        if let Some(c) = self.line()[self.col..].chars().next() {
            self.lines[self.row].remove(self.col);
            self.bytes -= c.len_utf8();
            if !c.is_ascii() {
                self.ascii[self.row] = self.lines[self.row].is_ascii();
            }
        } else if self.row + 1 < self.lines.len() {
            let line = self.lines.remove(self.row + 1);
            let was_ascii = self.ascii.remove(self.row + 1);
            self.lines[self.row].push_str(&line);
            self.ascii[self.row] &= was_ascii;
            self.bytes -= 1;
        }
    }

    pub fn left(&mut self) {
        if let Some(c) = self.line()[..self.col].chars().next_back() {
            self.col -= c.len_utf8();
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.line().len();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.line()[self.col..].chars().next() {
            self.col += c.len_utf8();
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    /// Move `delta` lines up (negative) or down, keeping the character column where the line is long enough.
    pub fn vertical(&mut self, delta: isize) {
        let target = self.row.saturating_add_signed(delta).min(self.lines.len() - 1);
        if target == self.row {
            return;
        }
        let chars = self.line()[..self.col].chars().count();
        self.row = target;
        self.col = self
            .line()
            .char_indices()
            .nth(chars)
            .map_or(self.line().len(), |(i, _)| i);
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = self.line().len();
    }

    pub fn top(&mut self) {
        self.row = 0;
        self.col = 0;
    }

    pub fn bottom(&mut self) {
        self.row = self.lines.len() - 1;
        self.col = self.line().len();
    }

    /// The window of `width` × `height` cells that shows the cursor, scrolled as little as possible from the
    /// last frame.
    pub fn view(&self, width: u16, height: u16) -> View {
        let (w, h) = (usize::from(width.max(1)), usize::from(height.max(1)));
        let mut examined = 0;
        let mut top = self.top.get().min(self.row);
        if self.row >= top + h {
            top = self.row + 1 - h;
        }
        let cx = if self.ascii[self.row] {
            self.col
        } else {
            let before = &self.line()[..self.col];
            examined += self.col;
            before.chars().map(char_width).sum()
        };
        // Scroll sideways only as far as the cursor needs; back to the margin as soon as it fits there.
        let mut left = if cx < w { 0 } else { self.left.get().min(cx) };
        if cx >= left + w {
            left = cx + 1 - w;
        }
        self.top.set(top);
        self.left.set(left);
        let rows = self.lines[top..self.lines.len().min(top + h)]
            .iter()
            .zip(&self.ascii[top..])
            .map(|(line, &ascii)| clip(line, ascii, left, w, &mut examined))
            .collect();
        View {
            rows,
            cursor: ((cx - left) as u16, (self.row - top) as u16),
            examined,
        }
    }
}

/// Columns `left..left + w` of `line`; a wide character cut by either edge shows as spaces.
fn clip(line: &str, ascii: bool, left: usize, w: usize, examined: &mut usize) -> String {
    if ascii {
        let end = line.len().min(left + w);
        let start = left.min(end);
        *examined += end - start;
        return line[start..end].to_string();
    }
    let mut out = String::new();
    let mut col = 0;
    for c in line.chars() {
        *examined += 1;
        let cw = char_width(c);
        let (start, end) = (col, col + cw);
        col = end;
        if end <= left {
            continue;
        }
        if start >= left + w {
            break;
        }
        if start >= left && end <= left + w {
            out.push(c);
        } else {
            let shown = end.min(left + w) - start.max(left);
            out.extend(std::iter::repeat_n(' ', shown));
        }
    }
    out
}

#[cfg(test)]
mod tests;
