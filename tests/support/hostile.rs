//! The hostile corpus shared by the output tests (`tests/cli/hostile_output.rs`) and the terminal test
//! (`tests/e2e/tmux.rs`): the hand-written pivot data of `tests/data` with every name and free-text field made
//! hostile, and the list of characters that must never reach a terminal or file raw, written independently of
//! `core::text`.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

/// Hostile text that keeps ARN and principal-id structure intact (no `:`, `/`, `,`, NUL), so names that carry it
/// still link: CSI and OSC escapes, BEL, C1 CSI, DEL, NEL, bidi override/isolates/marks, zero-width characters,
/// word joiner, invisible times, BOM, soft hyphen, tag characters, interlinear annotation, line/paragraph
/// separators, variation selectors, Hangul filler, Mongolian vowel separator, combining grapheme joiner, CR/LF and
/// tab; first, a Mermaid directive and label-breaking punctuation (Mermaid labels are cut at 120 characters).
pub const HS: &str = " %%{wrap}%% \"]#;`{[|\u{1b}[31m\u{1b}]0;pwn\u{7}\u{9b}2J\u{7f}\u{85}\u{202e}\u{2066}x\u{2069}\u{200e}\u{200f}\u{61c}\
\u{200b}\u{200c}\u{200d}\u{2060}\u{2062}\u{feff}\u{ad}\u{e0041}\u{e007f}\u{fff9}\u{fffa}\u{fffb}\u{2028}\u{2029}\
\u{fe0f}\u{e0100}\u{3164}\u{180e}\u{34f}\r\nFAKE\tline";

/// Free text may carry anything: [`HS`] plus NUL, separators, CSV formulas, Markdown and HTML.
pub fn ht() -> String {
    format!("{HS} =cmd|' /C calc'!A0 \u{0} ``` <script>x</script> [l](http://e/v) \n| id | fake |\n# H")
}

/// Characters that must never reach a terminal or file raw, written out by hand from the hardening issue: C0
/// (but `\n`, which output uses for its own lines), DEL, C1, bidi controls, zero-width and invisible format
/// characters, BOM, soft hyphen, tag characters and the rest of that block, interlinear annotation, line and
/// paragraph separators, variation selectors, Hangul fillers, Mongolian vowel separator, combining grapheme joiner.
pub fn raw_hazard(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{9}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}'
        | '\u{fff0}'..='\u{fffb}' | '\u{1bca0}'..='\u{1bca3}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

/// `[token, replacement]`: names that recur across ARNs, principal ids and session names, made hostile
/// consistently so the session graph still links them.
pub fn tokens() -> [(String, String); 3] {
    [
        ("sara".into(), format!("sara{HS}")),
        ("DemoRole1".into(), format!("Demo{HS}Role1")),
        ("vendor-audit".into(), format!("vendor{HS}audit")),
    ]
}

/// Fields shown as free text.
const FREE_TEXT: &[&str] = &["userAgent", "errorMessage", "errorCode", "title", "description"];

pub fn make_hostile(v: &mut Value, key: &str) {
    match v {
        Value::String(s) => {
            for (t, r) in tokens() {
                *s = s.replace(&t, &r);
            }
            if FREE_TEXT.contains(&key) {
                s.push_str(&ht());
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| make_hostile(x, key)),
        Value::Object(o) => o.iter_mut().for_each(|(k, x)| make_hostile(x, k)),
        _ => {}
    }
}

/// The hostile corpus: the pivot scenario's CloudTrail (56 records) and Access Analyzer findings, and the
/// GuardDuty finding on sara's admin session, every name and free-text field made hostile.
pub fn corpus(dir: &Path) -> PathBuf {
    let root = dir.join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    for (from, to) in [
        ("pivots/cloudtrail.json", "cloudtrail.json"),
        ("pivots/access-analyzer-vendor-audit.json", "aa-vendor.json"),
        ("pivots/access-analyzer-unused.json", "aa-unused.json"),
        ("guardduty-eventbridge.json", "guardduty.json"),
    ] {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(format!("{DATA}/{from}")).unwrap()).unwrap();
        make_hostile(&mut v, "");
        std::fs::write(root.join(to), serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }
    root
}
