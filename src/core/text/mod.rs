//! The one hazard table: which characters from logs, findings, paths and analyst text may never reach a
//! terminal, a JSON reader's terminal, or a report raw. Every output path asks [`hazard`] and only decides how to
//! *show* a hazard: the TUI draws a marker (`tui::sanitize`), CLI text and the Markdown, CSV and Mermaid exports
//! write [`visible`] `\u{…}` escapes (`core::export::escape` adds each format's own escaping on top), and JSON
//! writes `\uXXXX` escapes ([`json`]), which decode to the exact original.
//!
//! Logs are hostile: an attacker controls user agents, session names, error messages, finding titles and request
//! parameters. What is in the table, and why:
//! - **Controls** (C0, DEL, C1): ESC and U+009B (CSI) start terminal escape sequences that can recolour, move
//!   the cursor, retitle the window, write hyperlinks or, on some terminals, answer back; BEL, NUL and the rest
//!   have no place in displayed text.
//! - **Breaks** (tab, line feed, carriage return, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR): a value
//!   that carries one can print fake rows or fields (`\r` rewrites its own line); writers that keep their own
//!   line structure split lines first.
//! - **Invisible** — every character with the Unicode property Default_Ignorable_Code_Point (that is
//!   U+00AD soft hyphen, U+034F combining grapheme joiner, U+061C Arabic letter mark, U+115F/U+1160, U+3164 and
//!   U+FFA0 Hangul fillers, U+17B4/U+17B5, U+180B–U+180F Mongolian selectors and vowel separator, U+200B–U+200F
//!   zero-width characters and left-to-right/right-to-left marks, U+202A–U+202E bidi embeddings and overrides,
//!   U+2060–U+206F word joiner, invisible operators and bidi isolates, U+FE00–U+FE0F variation selectors, U+FEFF
//!   byte order mark, U+FFF0–U+FFF8, U+1BCA0–U+1BCA3, U+1D173–U+1D17A, and U+E0000–U+E0FFF: tag characters and the
//!   variation selectors supplement) plus U+FFF9–U+FFFB interlinear annotation, which renderers hide as well.
//!   Bidi controls reorder what is shown (`invoice\u{202e}txt.exe` reads as `invoiceexe.txt`, "Trojan Source");
//!   zero-width characters and fillers make two names that look identical differ; tag characters and variation
//!   selectors carry a hidden message inside harmless-looking text.
//!
//! Variation selectors are in the table on purpose: they are invisible, make look-alike names compare different,
//! and are a known way to hide data after a visible character; the cost is that an emoji's presentation selector
//! (U+FE0F) in a note shows as an escape. Visible look-alikes (Cyrillic `а`, U+00A0 or U+3000 spaces) are not
//! hazards: they are drawn, and the analyst sees something is there.
//!
//! The table is hand-written rather than taken from a Unicode-property crate: it is about twenty ranges, it is a
//! security decision that must be read in one place, and it is a superset of one Unicode property.

pub mod json;

use std::borrow::Cow;
use std::fmt::Write;

/// What kind of hazard a character is (see the module note); writers choose a presentation per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hazard {
    /// Tab, line feed, carriage return, U+2028, U+2029: would start a new line or column.
    Break,
    /// C0 controls (but the breaks), DEL and C1 controls: terminal escape sequences.
    Control,
    /// Invisible format characters: bidi controls, zero-width and other default-ignorable characters, tag
    /// characters, variation selectors, interlinear annotation.
    Invisible,
}

use Hazard::{Break, Control, Invisible};

/// Every hazard, as sorted, disjoint, inclusive ranges.
pub const TABLE: &[(char, char, Hazard)] = &[
    ('\u{0}', '\u{8}', Control),
    ('\u{9}', '\u{a}', Break),
    ('\u{b}', '\u{c}', Control),
    ('\u{d}', '\u{d}', Break),
    ('\u{e}', '\u{1f}', Control),
    ('\u{7f}', '\u{9f}', Control),
    ('\u{ad}', '\u{ad}', Invisible),
    ('\u{34f}', '\u{34f}', Invisible),
    ('\u{61c}', '\u{61c}', Invisible),
    ('\u{115f}', '\u{1160}', Invisible),
    ('\u{17b4}', '\u{17b5}', Invisible),
    ('\u{180b}', '\u{180f}', Invisible),
    ('\u{200b}', '\u{200f}', Invisible),
    ('\u{2028}', '\u{2029}', Break),
    ('\u{202a}', '\u{202e}', Invisible),
    ('\u{2060}', '\u{206f}', Invisible),
    ('\u{3164}', '\u{3164}', Invisible),
    ('\u{fe00}', '\u{fe0f}', Invisible),
    ('\u{feff}', '\u{feff}', Invisible),
    ('\u{ffa0}', '\u{ffa0}', Invisible),
    ('\u{fff0}', '\u{fffb}', Invisible),
    ('\u{1bca0}', '\u{1bca3}', Invisible),
    ('\u{1d173}', '\u{1d17a}', Invisible),
    ('\u{e0000}', '\u{e0fff}', Invisible),
];

/// The hazard `c` is, if any.
pub fn hazard(c: char) -> Option<Hazard> {
    if (' '..'\u{7f}').contains(&c) {
        return None;
    }
    let i = TABLE.partition_point(|&(_, hi, _)| hi < c);
    TABLE.get(i).filter(|&&(lo, _, _)| lo <= c).map(|&(_, _, h)| h)
}

/// True for every character in [`TABLE`].
pub fn is_hazard(c: char) -> bool {
    hazard(c).is_some()
}

/// True when `s` holds any hazard.
pub fn has_hazard(s: &str) -> bool {
    s.chars().any(is_hazard)
}

/// Text safe to print on one line of a terminal: every hazard, line breaks included, becomes a visible `\u{…}`
/// escape (lowercase hex, as Rust writes them). Borrows when nothing needed changing. CLI text output and the
/// Markdown, CSV and Mermaid exports use this; writers that keep a value's own line structure split lines first.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !has_hazard(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hazard(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line text (an error message, a listing) for a terminal: each line made [`visible`], the line
/// structure kept. A `\r` never survives, so no line can overwrite another.
pub fn visible_lines(s: &str) -> String {
    s.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests;
