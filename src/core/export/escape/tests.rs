//! Hostile-string tests for each escaping target.

use super::*;
use crate::core::text::is_hazard;

const ANSI: &str = "\u{1b}[31mred\u{1b}[0m\u{1b}]8;;http://evil\u{7}x";
const BIDI: &str = "admin\u{202e}txt.exe\u{2066}x\u{2069}";

fn no_hazards(s: &str) {
    assert!(!s.chars().any(is_hazard), "hazard left in {s:?}");
}

#[test]
fn markdown_cannot_inject() {
    let link = markdown("[click](http://evil) ![img](x) <script>alert(1)</script> &lt;");
    assert_eq!(
        link,
        "\\[click\\]\\(http://evil\\) \\!\\[img\\]\\(x\\) \\<script\\>alert\\(1\\)\\</script\\> \\&lt;"
    );
    // A table cell: pipes escaped, newlines never leave the cell.
    let cell = markdown("a|b\n| c |\r\nd");
    assert_eq!(cell, "a\\|b ⏎ \\| c \\| ⏎ d");
    assert!(!cell.contains('\n'));
    // Headings, lists and emphasis at the start of a line are neutralised.
    assert_eq!(markdown("# title"), "\\# title");
    assert_eq!(markdown("- item"), "\\- item");
    // Inline text never opens a list; quoted blocks escape the marker.
    assert_eq!(markdown("198.51.100.23"), "198.51.100.23");
    assert_eq!(markdown_quote("1. item"), "> 1\\. item\n");
    assert_eq!(markdown("a-b 1.2.3.4"), "a-b 1.2.3.4");
    assert_eq!(markdown("*bold* _it_ `code`"), "\\*bold\\* \\_it\\_ \\`code\\`");
    assert_eq!(markdown("back\\slash"), "back\\\\slash");
    let ansi = markdown(ANSI);
    no_hazards(&ansi);
    assert!(ansi.starts_with("\\\\u\\{1b\\}\\[31m"), "{ansi}");
    no_hazards(&markdown(BIDI));
    no_hazards(&markdown("nul\0here"));
}

#[test]
fn markdown_quote_keeps_lines_and_escapes_each() {
    let q = markdown_quote("line one\n# not a heading\n- not a list\n<b>x</b>\u{1b}[2J");
    assert_eq!(
        q,
        "> line one\\\n> \\# not a heading\\\n> \\- not a list\\\n> \\<b\\>x\\</b\\>\\\\u\\{1b\\}\\[2J\n"
    );
    no_hazards(&q.replace('\n', ""));
    // A line that tries to end the quote and start raw content stays inside it.
    let q = markdown_quote("ok\r\n\r\n```\n</details>");
    assert!(q.lines().all(|l| l.starts_with("> ")), "{q}");
}

#[test]
fn mermaid_labels_cannot_break_out() {
    let l = mermaid_label("x\"] --> evil[\"pwn");
    assert_eq!(l, "x#quot;#93; --#gt; evil#91;#quot;pwn");
    assert_eq!(mermaid_label("a<br>b"), "a#lt;br#gt;b");
    assert_eq!(mermaid_label("```js\ncode```"), "#96;#96;#96;js code#96;#96;#96;");
    assert_eq!(mermaid_label("#quot;"), "#35;quot#59;");
    assert_eq!(mermaid_label("line1\nline2\r\nline3"), "line1 line2 line3");
    no_hazards(&mermaid_label(ANSI));
    no_hazards(&mermaid_label(BIDI));
    let long = mermaid_label(&"A".repeat(1 << 20));
    assert_eq!(long.chars().count(), MERMAID_MAX_CHARS + 1);
    assert!(long.ends_with('…'));
}

/// Hostile session names against what Mermaid gives a meaning (see `mermaid_entity`): a directive, a comment,
/// label and shape delimiters, statement ends, Markdown strings, icons, forged entity placeholders. Each comes
/// out as one label of plain text: only letters, digits, spaces, harmless punctuation and whole entity codes.
#[test]
fn hostile_mermaid_labels_are_inert() {
    let cases = [
        (
            "%%{init: {'theme':'dark', 'securityLevel':'loose'}}%%",
            "#37;#37;#123;init: #123;'theme'#58;'dark', 'securityLevel'#58;'loose'#125;#125;#37;#37;",
        ),
        ("%% comment", "#37;#37; comment"),
        ("a\"] --> B[\"b", "a#quot;#93; --#gt; B#91;#quot;b"),
        (
            "x\"]; click n0 call alert(1); n9[\"",
            "x#quot;#93;#59; click n0 call alert(1)#59; n9#91;#quot;",
        ),
        ("e|\"| n1 --> n2 |\"f", "e#124;#quot;#124; n1 --#gt; n2 #124;#quot;f"),
        (
            "{{hex}} ((c)) [(db)] >flag]",
            "#123;#123;hex#125;#125; ((c)) #91;(db)#93; #gt;flag#93;",
        ),
        ("`**bold**`", "#96;**bold**#96;"),
        ("fa:fa-car u:u-skull", "fa#58;fa-car u#58;u-skull"),
        ("kind: value:", "kind: value#58;"),
        ("style n0 fill:#f00;", "style n0 fill#58;#35;f00#59;"),
        (
            "\u{fb02}°°60\u{b6}ß \u{fb02}°lt\u{b6}ß",
            "#64258;°°60#182;ß #64258;°lt#182;ß",
        ),
        ("#9829; &lt; &#60;", "#35;9829#59; #amp;lt#59; #amp;#35;60#59;"),
        ("a\n%%{init}%%\nb", "a #37;#37;#123;init#125;#37;#37; b"),
        ("ok-name_1.2@x=y,z+w", "ok-name_1.2@x=y,z+w"),
    ];
    for (hostile, want) in cases {
        let got = mermaid_label(hostile);
        assert_eq!(got, want, "{hostile:?}");
        for c in ['"', '%', '`', '[', ']', '{', '}', '|', '<', '>', '&', '\n', '\r'] {
            assert!(!got.contains(c), "{c:?} in {got:?}");
        }
        assert!(
            got.matches(':').count() == got.matches(": ").count(),
            "':' before a non-space in {got:?}"
        );
        // `#` and `;` only as whole entity codes.
        let mut rest = got.as_str();
        while let Some(i) = rest.find(['#', ';']) {
            let end = rest[i..].find(';').expect("entity ends");
            assert!(rest[i..].starts_with('#') && rest[i + 1..i + end].chars().all(|c| c.is_ascii_alphanumeric()));
            rest = &rest[i + end + 1..];
        }
    }
}

#[test]
fn csv_cells_are_quoted_and_formulas_neutralised() {
    assert_eq!(csv_cell("plain"), "plain");
    assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert_eq!(csv_cell("+1"), "'+1");
    assert_eq!(csv_cell("-2+3"), "'-2+3");
    assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv_cell("\t=1"), "'\\u{9}=1");
    assert_eq!(csv_cell("\r=1"), "'\\u{d}=1");
    assert_eq!(csv_cell("  =1"), "'  =1");
    assert_eq!(csv_cell("a,b"), "\"a,b\"");
    assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    // Line breaks never split a record.
    assert_eq!(csv_cell("a\nb"), "a\\u{a}b");
    assert_eq!(csv_cell("nul\0"), "nul\\u{0}");
    no_hazards(&csv_cell(ANSI));
    no_hazards(&csv_cell(BIDI));
    assert_eq!(csv_cell("2001:db8::1"), "2001:db8::1");
}

#[test]
fn url_components_are_percent_encoded() {
    assert_eq!(
        url_component("AROAADMINSSOEXAMPLE01:sara"),
        "AROAADMINSSOEXAMPLE01:sara"
    );
    assert_eq!(url_component("a b/c?d#e)"), "a%20b%2Fc%3Fd%23e%29");
    assert_eq!(url_component("é"), "%C3%A9");
}

#[test]
fn megabyte_strings_do_not_blow_up() {
    let big = format!("{}\u{202e}{}", "=|<>\"`\n".repeat(150_000), "x".repeat(1 << 20));
    for out in [markdown(&big), markdown_quote(&big), csv_cell(&big)] {
        no_hazards(&out.replace('\n', ""));
        assert!(out.len() >= big.len());
    }
}
