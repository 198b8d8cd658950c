//! Hostile-string tests for each escaping target.

use super::*;

const ANSI: &str = "\u{1b}[31mred\u{1b}[0m\u{1b}]8;;http://evil\u{7}x";
const BIDI: &str = "admin\u{202e}txt.exe\u{2066}x\u{2069}";

fn no_hazards(s: &str) {
    assert!(!s.chars().any(is_hazard), "hazard left in {s:?}");
}

#[test]
fn visible_makes_every_hazard_readable() {
    assert_eq!(visible("plain"), "plain");
    assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    assert_eq!(visible("a\u{1b}[31m"), "a\\u{1b}[31m");
    assert_eq!(visible("x\u{202e}y"), "x\\u{202e}y");
    assert_eq!(visible("nul\0"), "nul\\u{0}");
    assert_eq!(visible("c1\u{9b}"), "c1\\u{9b}");
    for c in [
        '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ] {
        assert!(is_hazard(c));
    }
    assert!(!is_hazard('é') && !is_hazard('日') && !is_hazard(' '));
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
    assert!(!l.contains('"'), "{l}");
    assert_eq!(l, "x#quot;] --#gt; evil[#quot;pwn");
    assert_eq!(mermaid_label("a<br>b"), "a#lt;br#gt;b");
    assert_eq!(mermaid_label("```js\ncode```"), "js code");
    assert_eq!(mermaid_label("#quot;"), "#35;quot;");
    assert_eq!(mermaid_label("line1\nline2"), "line1 line2");
    no_hazards(&mermaid_label(ANSI));
    no_hazards(&mermaid_label(BIDI));
    let long = mermaid_label(&"A".repeat(1 << 20));
    assert_eq!(long.chars().count(), MERMAID_MAX_CHARS + 1);
    assert!(long.ends_with('…'));
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
fn json_text_escapes_what_serde_leaves_raw_and_round_trips() {
    for hostile in [ANSI, BIDI, "del\u{7f} c1\u{85} ls\u{2028}", "nul\0"] {
        let raw = serde_json::to_string(&serde_json::json!({ "v": hostile })).unwrap();
        let safe = json_text(raw);
        no_hazards(&safe);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["v"], hostile, "data must be unchanged");
    }
    assert!(json_text(serde_json::to_string("x\u{202e}").unwrap()).contains("\\u202e"));
    // Pretty layout stays layout.
    let pretty = serde_json::to_string_pretty(&serde_json::json!({"a": ["b\u{202e}\n"]})).unwrap();
    let safe = json_text(pretty.clone());
    assert_eq!(safe, pretty.replace('\u{202e}', "\\u202e"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&safe).unwrap()["a"][0],
        "b\u{202e}\n"
    );
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
    let j = json_text(serde_json::to_string(&big).unwrap());
    no_hazards(&j);
}
