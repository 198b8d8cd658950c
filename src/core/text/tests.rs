//! The hazard table and its two neutral forms (visible escapes, JSON escapes) against hand-written expectations.

use super::*;

#[test]
fn table_is_sorted_and_disjoint_and_lookup_matches_it() {
    for w in TABLE.windows(2) {
        assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{w:?}");
    }
    for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
        let linear = TABLE
            .iter()
            .find(|&&(lo, hi, _)| lo <= c && c <= hi)
            .map(|&(_, _, h)| h);
        assert_eq!(hazard(c), linear, "U+{:04X}", c as u32);
    }
}

#[test]
fn hazards_named_in_the_hardening_issue_are_in_the_table() {
    let expect = [
        ('\u{1b}', Control),
        ('\u{0}', Control),
        ('\u{7}', Control),
        ('\u{7f}', Control),
        ('\u{85}', Control),
        ('\u{9b}', Control),
        ('\t', Break),
        ('\n', Break),
        ('\r', Break),
        ('\u{2028}', Break),
        ('\u{2029}', Break),
        ('\u{202e}', Invisible),
        ('\u{202a}', Invisible),
        ('\u{2066}', Invisible),
        ('\u{2069}', Invisible),
        ('\u{200e}', Invisible),
        ('\u{200f}', Invisible),
        ('\u{61c}', Invisible),
        ('\u{200b}', Invisible),
        ('\u{200d}', Invisible),
        ('\u{2060}', Invisible),
        ('\u{2064}', Invisible),
        ('\u{feff}', Invisible),
        ('\u{ad}', Invisible),
        ('\u{e0000}', Invisible),
        ('\u{e0041}', Invisible),
        ('\u{e007f}', Invisible),
        ('\u{fff9}', Invisible),
        ('\u{fffb}', Invisible),
        ('\u{fe0f}', Invisible),
        ('\u{e0100}', Invisible),
        ('\u{3164}', Invisible),
        ('\u{180e}', Invisible),
    ];
    for (c, h) in expect {
        assert_eq!(hazard(c), Some(h), "U+{:04X}", c as u32);
    }
    for c in [
        ' ',
        'a',
        '~',
        'é',
        'Ж',
        '日',
        '\u{a0}',
        '\u{3000}',
        '\u{fffd}',
        '\u{fffc}',
        '😀',
        '\u{1f3fb}',
    ] {
        assert_eq!(hazard(c), None, "U+{:04X}", c as u32);
    }
}

#[test]
fn visible_escapes_every_hazard_and_borrows_clean_text() {
    assert!(matches!(visible("arn:aws:iam::1:role/Zoë 東京"), Cow::Borrowed(_)));
    assert_eq!(visible("a\u{1b}[31m"), "a\\u{1b}[31m");
    assert_eq!(
        visible("x\u{202e}y\u{e0041}\u{fffa}\n"),
        "x\\u{202e}y\\u{e0041}\\u{fffa}\\u{a}"
    );
    assert_eq!(visible_lines("one\u{9b}\ntwo\r\n"), "one\\u{9b}\ntwo\\u{d}\n");
    for c in (0..=0x10_FFFF).filter_map(char::from_u32).filter(|&c| is_hazard(c)) {
        assert!(!visible(&c.to_string()).contains(c));
    }
}

mod json_output {
    use super::super::json;
    use super::*;
    use serde_json::Value;

    const HOSTILE: &str = "\u{1b}[2J\u{9b}31m\u{7f}\u{85}\u{0}\n\r\t\u{202e}\u{2066}\u{200b}\u{feff}\u{ad}\u{e0041}\u{e007f}\
                           \u{fff9}\u{2028}\u{2029}\u{fe0f}\u{e0100} \"q\" \\ é 日 😀";

    fn no_raw_hazard(json: &str) {
        // Layout between tokens is the only place `\n` (and indentation) may appear raw.
        let bad: Vec<char> = json.chars().filter(|&c| is_hazard(c) && c != '\n').collect();
        assert!(bad.is_empty(), "raw {bad:?} in {json}");
    }

    #[test]
    fn strings_and_keys_round_trip_exactly_with_every_hazard_escaped() {
        let v = serde_json::json!({ HOSTILE: [HOSTILE, {"k": HOSTILE}], "n": 1.5, "b": true, "z": null });
        for text in [json::to_string(&v).unwrap(), json::to_string_pretty(&v).unwrap()] {
            no_raw_hazard(&text);
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v);
            assert_eq!(back["n"], 1.5);
        }
        assert_eq!(json::to_string("\u{e0041}").unwrap(), "\"\\udb40\\udc41\"");
        assert_eq!(json::to_string("a\u{202e}b\u{9b}").unwrap(), "\"a\\u202eb\\u009b\"");
        assert_eq!(json::to_string("\u{1b}\n").unwrap(), "\"\\u001b\\n\"");
        assert!(!json::to_string(&"x".repeat(1 << 20)).unwrap().contains('\\'));
    }

    #[test]
    fn clean_values_are_laid_out_as_serde_json_does() {
        let v = serde_json::json!({"a": [1, 2, {"b": "c d é 日"}], "e": {}, "f": [], "g": -0.25});
        assert_eq!(
            json::to_string_pretty(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(json::to_string(&v).unwrap(), serde_json::to_string(&v).unwrap());
    }

    #[test]
    fn raw_json_fragments_are_escaped_inside_strings_and_keep_their_layout() {
        let raw =
            serde_json::value::RawValue::from_string(format!("{{\n\t\"v\": \"{}\"\r\n}}", "x\u{202e}\u{9b}\u{e0041}"))
                .unwrap();
        let text = json::to_string(&raw).unwrap();
        assert_eq!(text, "{\n\t\"v\": \"x\\u202e\\u009b\\udb40\\udc41\"\r\n}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["v"], "x\u{202e}\u{9b}\u{e0041}");
    }
}
