//! Escaping for each export format. Log fields and analyst text are hostile: a user agent can carry ANSI
//! escapes, bidi overrides, Markdown links, HTML, spreadsheet formulas or Mermaid syntax. Which characters are
//! hazards is decided once, in `core::text`; each function here shows them as that module's visible `\u{…}`
//! escapes and adds its own format's escaping on top (Markdown punctuation, CSV quoting and formula triggers,
//! Mermaid entity codes). JSON goes through `core::text::json`.

use crate::core::text::visible;
use std::fmt::Write;

/// The lines of a multi-line text (`\n`, `\r\n` or lone `\r`).
fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .flat_map(|l| l.split('\r'))
}

/// ASCII punctuation that has a meaning somewhere inline in CommonMark/GFM (emphasis, code, links, images,
/// autolinks, raw HTML, entities, tables, strikethrough, headings). CommonMark lets any ASCII punctuation be
/// backslash-escaped, so over-escaping is harmless.
const MD_SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '<', '>', '#', '!', '|', '~', '&', '$',
];

/// `block`: the line starts a Markdown block line, where `1.` would open an ordered list.
fn md_line(line: &str, block: bool, out: &mut String) {
    let line = visible(line);
    // Block markers only matter at the start of a line: list items (`-`, `+`, `1.`), setext underlines (`=`).
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in line.char_indices() {
        let at_start = i == lead;
        let list_dot = block && digits > 0 && i == lead + digits && c == '.';
        if MD_SPECIAL.contains(&c) || (at_start && matches!(c, '-' | '+' | '=')) || list_dot {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Text for one line of Markdown (headings, list items, table cells): line breaks become ` ⏎ ` and table pipes
/// are escaped, so it can never leave its line or cell.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in lines(s).enumerate() {
        if i > 0 {
            out.push_str(" ⏎ ");
        }
        md_line(line, false, &mut out);
    }
    out
}

/// Multi-line text as a Markdown block quote: every line prefixed `> ` and escaped, with hard line breaks so the
/// analyst's line structure survives.
pub fn markdown_quote(s: &str) -> String {
    let all: Vec<&str> = lines(s).collect();
    let mut out = String::with_capacity(s.len() + 8 * all.len());
    for (i, line) in all.iter().enumerate() {
        out.push_str("> ");
        md_line(line, true, &mut out);
        if i + 1 < all.len() {
            out.push_str("\\\n");
        }
    }
    out.push('\n');
    out
}

/// Longest Mermaid label: Mermaid refuses diagrams over its text limit, so a 1 MB user agent must not get in.
const MERMAID_MAX_CHARS: usize = 120;

/// A character Mermaid gives a meaning anywhere in a flowchart's text, and the entity code that shows it instead.
/// Mermaid reads `#name;` and `#123;` (decimal) as entity codes and the browser decodes them after Mermaid's own
/// passes, so an entity-coded character can do nothing but be shown. Why each one:
/// - `"` ends a quoted label; `[` `]` `{` `}` `|` open and close node shapes and edge labels; `;` ends a
///   statement; `#` starts an entity code; `<` `>` `&` are HTML in HTML labels;
/// - `%`: `%%` starts a comment and `%%{…}%%` a directive (`init` can restyle the diagram or change its config),
///   and Mermaid looks for directives in the whole text before it parses, quotes or not;
/// - `` ` ``: a label quoted as `` "`…`" `` is Markdown;
/// - `:` not followed by a space: `fa:fa-…` and `u:u-…` are replaced by icons and symbols, and a line holding
///   `style`/`classDef`, then `:`, non-spaces and `#` loses its last `;` before parsing, which would break an
///   entity code. A `: ` (our `kind: label`) can do neither, and stays readable;
/// - `ﬂ` (U+FB02) and `¶` (U+00B6): Mermaid stands entity codes in for `ﬂ°`, `ﬂ°°` and `¶ß` while it parses
///   and turns those back into `&`, `&#` and `;` afterwards, so text spelling them could forge an entity.
fn mermaid_entity(c: char, next: Option<char>) -> Option<&'static str> {
    Some(match c {
        ':' if next == Some(' ') => return None,
        '"' => "#quot;",
        '#' => "#35;",
        '%' => "#37;",
        '&' => "#amp;",
        '<' => "#lt;",
        '>' => "#gt;",
        '[' => "#91;",
        ']' => "#93;",
        '{' => "#123;",
        '}' => "#125;",
        '|' => "#124;",
        ';' => "#59;",
        ':' => "#58;",
        '`' => "#96;",
        '\u{fb02}' => "#64258;",
        '\u{b6}' => "#182;",
        _ => return None,
    })
}

/// Text for inside a double-quoted Mermaid flowchart label (`n1["…"]`, `-->|"…"|`): hazards as visible escapes,
/// every character Mermaid gives a meaning as an entity code ([`mermaid_entity`]), line breaks as spaces, long
/// text cut with `…`. The result holds no `"`, `%`, backtick, bracket, brace, pipe or line break, and `#` and `;`
/// only as the ends of entity codes: it cannot leave its label, start a comment or directive, or restyle the
/// diagram.
pub fn mermaid_label(s: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for line in lines(s) {
        if n > 0 {
            out.push(' ');
        }
        let line = visible(line);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if n >= MERMAID_MAX_CHARS {
                out.push('…');
                return out;
            }
            n += 1;
            match mermaid_entity(c, chars.peek().copied()) {
                Some(e) => out.push_str(e),
                None => out.push(c),
            }
        }
        n += 1;
    }
    out
}

/// One CSV field (RFC 4180): hazards (line breaks included) made visible, spreadsheet formula triggers
/// (`=`, `+`, `-`, `@`, tab, CR) neutralised with a leading `'`, quoted when it holds `,`, `"` or edge spaces.
/// Hand-written rather than the `csv` crate: it is this one function, and the neutralising has to be ours anyway.
pub fn csv_cell(s: &str) -> String {
    let trigger = |c: Option<char>| matches!(c, Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    // Some spreadsheets skip leading spaces before looking for a formula.
    let formula = trigger(s.chars().next()) || trigger(s.trim_start().chars().next());
    let v = visible(s);
    let mut cell = String::with_capacity(v.len() + 3);
    if formula {
        cell.push('\'');
    }
    cell.push_str(&v);
    let needs_quotes = cell.contains([',', '"', ';']) || cell.starts_with(' ') || cell.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// Percent-encode an id for a URL fragment or query value: everything but RFC 3986 unreserved characters and
/// `:` `@` (legal in both, and part of Detective's role session ids) is encoded, so `/ ? # & =` cannot split it.
pub fn url_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'@') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests;
