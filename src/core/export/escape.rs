//! Escaping for every output target. Log fields and analyst text are hostile: a user agent can carry ANSI
//! escapes, bidi overrides, Markdown links, HTML, spreadsheet formulas or Mermaid syntax. Each writer passes
//! every such string through the one function for its target; none of them emit raw control characters,
//! ANSI escapes or bidi/invisible format characters (they become visible `\u{…}` text, or JSON `\uXXXX`).

use std::borrow::Cow;
use std::fmt::Write;

/// Characters never written raw: C0/C1 controls and DEL (terminal escapes), bidi embeddings, overrides and
/// isolates (Trojan Source), and other invisible format characters that can hide or reorder text.
pub fn is_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Replace every hazard with a visible `\u{…}` escape. Newlines included: callers that keep line structure
/// split lines first.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hazard) {
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

/// Text for inside a double-quoted Mermaid label (`n1["…"]`, `-->|"…"|`): quotes and angle brackets as Mermaid
/// entity codes, `#` too (it starts one), `|` as well, backticks dropped (they switch to Markdown strings), line breaks
/// spaced out, long text cut with `…`.
pub fn mermaid_label(s: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    for line in lines(s) {
        if n > 0 {
            out.push(' ');
        }
        for c in visible(line).chars() {
            if n >= MERMAID_MAX_CHARS {
                out.push('…');
                return out;
            }
            n += 1;
            match c {
                '#' => out.push_str("#35;"),
                '"' => out.push_str("#quot;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '&' => out.push_str("#amp;"),
                // Ends an edge label (`-->|"…"|`) in some Mermaid versions even inside quotes.
                '|' => out.push_str("#124;"),
                '`' => {}
                c => out.push(c),
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

/// Make serialised JSON (compact or pretty) safe to view: serde_json already escapes C0 controls in strings, but writes DEL, C1 controls and
/// bidi/format characters raw. They can only occur inside JSON strings, where `\uXXXX` is an exact escape, so
/// the data is unchanged for any JSON reader.
pub fn json_text(json: String) -> String {
    // Raw `\n`, `\r`, `\t` can only be layout between tokens (serde_json escapes them inside strings).
    let hazard = |c: char| is_hazard(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(hazard) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hazard(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
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
