//! Sanitising log text for the terminal. Every string that came from a log file, finding or user-supplied path
//! passes through here before it is drawn.
//!
//! Logs are hostile: an attacker controls user agents, session names, request parameters and error messages.
//! Which characters are hazards is decided once for every output, in `core::text` (escape sequences, bidi
//! overrides, zero-width and other invisible characters, tag characters, line breaks); this module only chooses
//! how the TUI shows them: a visible marker (`�` for controls, `◊` for invisible formatting) so the analyst sees
//! that something was there, and a space for line breaks and tabs so a value stays on its row. Strings are also
//! capped in length: a 1 MB user agent must not cost a frame.

use crate::core::text::{Hazard, hazard};
use std::borrow::Cow;

/// The longest text drawn for one log value (characters); longer values end with `…`.
pub const MAX_DISPLAY_CHARS: usize = 512;

/// Marker for a control character (C0, C1, DEL, ESC).
pub const CONTROL_MARK: char = '\u{FFFD}';
/// Marker for an invisible formatting character (bidi override/isolate, zero-width, tag characters).
pub const FORMAT_MARK: char = '\u{25CA}';

/// What the TUI draws for `c`.
fn shown(c: char) -> char {
    match hazard(c) {
        None => c,
        Some(Hazard::Break) => ' ',
        Some(Hazard::Control) => CONTROL_MARK,
        Some(Hazard::Invisible) => FORMAT_MARK,
    }
}

/// One line of display text: controls and invisible formatting replaced, whitespace folded to spaces, length
/// capped at [`MAX_DISPLAY_CHARS`]. Borrows when nothing needed changing.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_max(s, MAX_DISPLAY_CHARS)
}

/// Like [`clean`] with a custom cap (in characters).
pub fn clean_max(s: &str, max_chars: usize) -> Cow<'_, str> {
    let needs_work = s.len() > max_chars || crate::core::text::has_hazard(s);
    if !needs_work {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max_chars * 4));
    for (n, c) in s.chars().enumerate() {
        if n >= max_chars {
            out.push('…');
            break;
        }
        out.push(shown(c));
    }
    Cow::Owned(out)
}

/// Multi-line text (a pretty-printed raw record): split on line breaks, each line cleaned with a wider cap.
/// Tabs become four spaces so columns stay aligned.
pub fn clean_lines(s: &str, max_line_chars: usize) -> Vec<String> {
    s.split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line).replace('\t', "    ");
            clean_max(&line, max_line_chars).into_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_no_dangerous(s: &str) {
        for c in s.chars() {
            assert_eq!(hazard(c), None, "{c:?} survived in {s:?}");
        }
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "arn:aws:iam::111122223333:role/DemoRole1 — Zoë 東京";
        assert!(matches!(clean(s), Cow::Borrowed(_)));
        assert_eq!(clean(s), s);
    }

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        let hostile = "aws-cli\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}[31mred\u{9b}31m\u{7f}";
        let out = clean(hostile);
        has_no_dangerous(&out);
        assert!(!out.contains('\u{1b}'));
        assert!(out.starts_with("aws-cli\u{FFFD}[2J"));
        assert_eq!(out.chars().filter(|&c| c == CONTROL_MARK).count(), 6);
    }

    #[test]
    fn bidi_overrides_and_zero_width_are_made_visible() {
        // "Trojan Source" style: RLO makes "exe.txt" display reversed.
        let hostile = "invoice\u{202E}txt.exe\u{2066}x\u{2069}ad\u{200B}min\u{200D}\u{FEFF}\u{E0041}";
        let out = clean(hostile);
        has_no_dangerous(&out);
        assert_eq!(out, "invoice◊txt.exe◊x◊ad◊min◊◊◊");
    }

    #[test]
    fn newlines_and_tabs_fold_to_spaces_on_one_line() {
        assert_eq!(clean("a\nb\r\tc\u{2028}d"), "a b  c d");
    }

    #[test]
    fn long_values_are_capped() {
        let long = "A".repeat(1_000_000);
        let out = clean(&long);
        assert_eq!(out.chars().count(), MAX_DISPLAY_CHARS + 1);
        assert!(out.ends_with('…'));
        assert_eq!(clean_max("abcdef", 3), "abc…");
        assert_eq!(clean_max("abc", 3), "abc");
    }

    #[test]
    fn multi_line_keeps_lines_but_cleans_each() {
        let lines = clean_lines("{\r\n\t\"a\": \"\u{1b}[1m\"\n}", 100);
        assert_eq!(lines, vec!["{", "    \"a\": \"\u{FFFD}[1m\"", "}"]);
    }
}
