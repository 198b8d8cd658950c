//! Hostile output: logs and findings whose free-text fields and names carry terminal escapes, C1 controls, bidi
//! overrides, invisible format characters, tag characters, interlinear annotations, line breaks and Mermaid
//! syntax are run through the real binary — every command's text and `--json` output, the case commands, all four
//! export formats and the error paths (missing inputs, clap's own errors). No hazard character may reach stdout,
//! stderr or an export raw; JSON must still decode to the exact original strings; no field may start a line of
//! its own.
//!
//! The corpus is generated here from the hand-written pivot data in `tests/data` (see [`corpus`]); the hazard
//! list [`raw_hazard`] is written independently of `core::text`.

use crate::support::hostile::{HS, corpus, ht, raw_hazard};
use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

pub(super) fn assert_inert(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| raw_hazard(c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!("{what}: raw U+{:04X} at byte {i}, after {:?}", c as u32, &text[from..i]);
    }
    // Only a note's own text keeps its line breaks, as an indented (CLI) or quoted (Markdown) block that cannot
    // pose as anything else; everywhere else a line break inside a value must not start a line.
    for (n, line) in text.lines().enumerate() {
        let note_body = line.starts_with("    ") || line.starts_with("> ");
        assert!(
            note_body || !line.trim_start_matches([' ', '|', '"', '\\']).starts_with("FAKE"),
            "{what}: a hostile line break started line {n}: {line:?}"
        );
    }
}

/// Every string in a JSON document, keys included.
pub(super) fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

pub(super) struct Run {
    pub(super) out: Output,
    pub(super) stdout: String,
    pub(super) stderr: String,
}

pub(super) fn run(args: &[&str]) -> Run {
    run_with_stdin(args, "")
}

fn run_with_stdin(args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("TRAILHOUND_CASE")
        .env_remove("TRAILHOUND_GEOIP")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run trailhound");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8");
    let what = args.join(" ");
    // CSV ends its records with CRLF (RFC 4180); that is the only CR allowed.
    let records = if args.contains(&"csv") {
        stdout.replace("\r\n", "\n")
    } else {
        stdout.clone()
    };
    assert_inert(&format!("`{what}` stdout"), &records);
    assert_inert(&format!("`{what}` stderr"), &stderr);
    Run { out, stdout, stderr }
}

pub(super) fn ok(args: &[&str]) -> Run {
    let r = run(args);
    assert!(
        r.out.status.success(),
        "`{}` failed: {}",
        args.join(" "),
        r.stderr.escape_debug()
    );
    r
}

/// Parse JSON output and return every string in it.
pub(super) fn json_strings(r: &Run) -> Vec<String> {
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    let mut out = Vec::new();
    strings(&v, &mut out);
    out
}

/// A flowchart line we write: `  nK["LABEL"]` or `  nA -->|"LABEL"| nB`. The label may hold no character
/// Mermaid gives a meaning (quote, brackets, braces, pipe, `%`, backtick, `<`, `>`, `&`, `:` but before a
/// space), and `#` / `;` only as entity codes `#name;` / `#123;`.
fn assert_mermaid_line_inert(line: &str) {
    let label = if let Some(rest) = line.trim_start().strip_prefix('n') {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        if let Some(l) = rest.strip_prefix("[\"") {
            l.strip_suffix("\"]")
                .unwrap_or_else(|| panic!("node line broken: {line}"))
        } else if let Some(l) = rest.strip_prefix(" -->|\"") {
            let (l, tail) = l
                .rsplit_once("\"| n")
                .unwrap_or_else(|| panic!("edge line broken: {line}"));
            assert!(tail.chars().all(|c| c.is_ascii_digit()), "edge line broken: {line}");
            l
        } else {
            panic!("unexpected Mermaid line: {line}")
        }
    } else {
        panic!("unexpected Mermaid line: {line}")
    };
    for c in ['"', '[', ']', '{', '}', '|', '%', '`', '<', '>', '&'] {
        assert!(!label.contains(c), "{c:?} in Mermaid label {label:?}");
    }
    assert_eq!(label.matches(':').count(), label.matches(": ").count(), "{label:?}");
    let mut rest = label;
    while let Some(i) = rest.find(['#', ';']) {
        assert!(rest[i..].starts_with('#'), "lone ';' in Mermaid label {label:?}");
        let end = rest[i..]
            .find(';')
            .unwrap_or_else(|| panic!("unterminated entity in {label:?}"));
        let name = &rest[i + 1..i + end];
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
            "'#' that is not an entity code in {label:?}"
        );
        rest = &rest[i + end + 1..];
    }
}

#[test]
fn analysis_commands_never_print_a_hazard_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let c = corpus(tmp.path());
    let i = c.to_str().unwrap();
    let sara = format!("sara{HS}");

    // ingest: everything still loads (the corpus is not trivially empty).
    let r = ok(&["ingest", "-i", i, "--json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["events"], 56, "{}", r.stdout);
    assert_eq!(v["findings"], 6, "{}", r.stdout);
    ok(&["ingest", "-i", i]);

    for key in ["ASIASARAADMIN0000001", "ASIADEMOROLE10000001"] {
        let j = ok(&["trace", "-i", i, key, "--json"]);
        assert!(
            json_strings(&j).iter().any(|s| s.contains(&sara)),
            "trace {key} --json round-trips"
        );
        let t = ok(&["trace", "-i", i, key]);
        assert!(
            t.stdout.contains("|\\u{1b}[31m\\u{1b}]0;pwn\\u{7}\\u{9b}2J"),
            "{}",
            t.stdout
        );
    }
    let role = format!("arn:aws:iam::111122223333:role/Demo{HS}Role1");
    let j = ok(&["role", "-i", i, &role, "--json"]);
    assert!(json_strings(&j).contains(&role), "role --json round-trips");
    ok(&["role", "-i", i, &role]);

    for cmd in ["behavior", "volume"] {
        let j = ok(&[cmd, "-i", i, "session:ASIADEMOROLE10000001", "--json"]);
        assert!(!json_strings(&j).is_empty());
        ok(&[cmd, "-i", i, "session:ASIADEMOROLE10000001"]);
    }

    let j = ok(&["findings", "-i", i, "--json"]);
    let title = format!("AWS CloudTrail trail demo-trail-2 was disabled.{}", ht());
    assert!(
        json_strings(&j).contains(&title),
        "findings --json round-trips the title exactly"
    );
    ok(&["findings", "-i", i]);

    // summary: the day's finding titles and principals round-trip in JSON and stay inert as text.
    let j = ok(&["summary", "-i", i, "--json"]);
    assert!(
        json_strings(&j).contains(&title),
        "summary --json round-trips the finding title"
    );
    assert!(
        json_strings(&j).iter().any(|s| s.contains(&sara)),
        "summary --json names sara's identity as logged"
    );
    ok(&["summary", "-i", i]);
    for id in [
        "5ac5b1a1f0e2d3c4b5a6978877665544",
        "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f",
        "u-role",
    ] {
        let j = ok(&["finding", "-i", i, id, "--json"]);
        assert!(!json_strings(&j).is_empty());
        let t = ok(&["finding", "-i", i, id]);
        assert!(t.stdout.lines().any(|l| l.starts_with("  id        ")), "{}", t.stdout);
    }
    let t = ok(&["finding", "-i", i, "5ac5b1a1f0e2d3c4b5a6978877665544"]);
    // The title's line breaks stay on its line: exactly one `id` and one `severity` line.
    assert_eq!(
        t.stdout.lines().filter(|l| l.trim_start().starts_with("id ")).count(),
        1,
        "{}",
        t.stdout
    );
    assert_eq!(
        t.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with("severity"))
            .count(),
        1
    );
}

#[test]
fn case_notes_and_exports_never_carry_a_hazard_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let c = corpus(tmp.path());
    let i = c.to_str().unwrap();
    let dir = tmp.path().join("case\u{1b}[2J\u{202e}\u{9b}\u{e0041}");
    let d = dir.to_str().unwrap();
    let r = ok(&["case", "new", "--case", d, "-i", i]);
    assert!(r.stdout.contains("created case"), "{}", r.stdout);
    let session = "session:ASIADEMOROLE10000001";
    let note = ht();
    // NUL cannot travel in argv: the note comes on stdin.
    let added = run_with_stdin(&["note", "add", "--case", d, session, "-"], &note);
    assert!(added.out.status.success(), "{}", added.stderr);
    ok(&["star", "--case", d, session]);
    ok(&["star", "--case", d, "session:ASIASARAADMIN0000001"]);
    ok(&["tag", "--case", d, session, &format!("tag{HS}")]);
    ok(&["verdict", "--case", d, session, "malicious"]);

    let j = ok(&["note", "list", "--case", d, "--json"]);
    assert!(
        json_strings(&j).contains(&note),
        "note list --json round-trips the text exactly"
    );
    ok(&["note", "list", "--case", d]);
    ok(&["note", "history", "--case", d, "1"]);
    ok(&["note", "history", "--case", d, "1", "--json"]);
    let j = ok(&["case", "show", "--case", d, "--json"]);
    assert!(
        json_strings(&j).contains(&d.to_string()),
        "case show --json round-trips the path"
    );
    ok(&["case", "show", "--case", d]);

    for format in ["md", "json", "csv", "jsonl"] {
        let out = tmp.path().join(format!("report.{format}"));
        ok(&["export", "--case", d, "--format", format, "-o", out.to_str().unwrap()]);
        let text = std::fs::read_to_string(&out).unwrap();
        // CSV ends its records with CRLF (RFC 4180); that is the only CR allowed.
        assert_inert(&format!("export {format}"), &text.replace("\r\n", "\n"));
        let stdout = ok(&["export", "--case", d, "--format", format]).stdout;
        // The two runs may fall in different seconds: their generation times are not compared.
        let untimed = |s: &str| -> String {
            s.lines()
                .filter(|l| !l.starts_with("  \"generated\": ") && !l.starts_with("| Generated | "))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            untimed(&stdout),
            untimed(&text),
            "export {format} to stdout and to a file agree"
        );
        match format {
            "json" => {
                let mut all = Vec::new();
                strings(&serde_json::from_str(&text).unwrap(), &mut all);
                assert!(all.contains(&note), "export json round-trips the note");
            }
            "jsonl" => {
                let mut all = Vec::new();
                for line in text.lines() {
                    strings(&serde_json::from_str(line).unwrap(), &mut all);
                }
                assert!(
                    all.iter().any(|s| s.contains(&ht())),
                    "export jsonl round-trips the user agent"
                );
            }
            "md" => {
                let blocks: Vec<&str> = text
                    .split("```mermaid\n")
                    .skip(1)
                    .map(|b| b.split("```").next().unwrap_or(""))
                    .collect();
                assert!(
                    blocks.iter().any(|b| b.contains("#quot;")),
                    "hostile chain labels are in the report: {text}"
                );
                for b in blocks {
                    let mut lines = b.lines();
                    assert_eq!(lines.next(), Some("flowchart LR"));
                    lines.for_each(assert_mermaid_line_inert);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn error_messages_and_clap_errors_never_echo_a_hazard_raw() {
    let hostile = "x\u{1b}]0;pwn\u{7}\u{202e}\u{9b}31m\u{e0041}\u{fffa}\u{2028}y";
    let missing = format!("/nonexistent/{hostile}");
    let r = run(&["ingest", "-i", &missing]);
    assert!(!r.out.status.success());
    assert!(
        r.stdout.contains("\\u{1b}]0;pwn") || r.stderr.contains("\\u{1b}]0;pwn"),
        "{}",
        r.stdout
    );
    run(&["ingest", "-i", &missing, "--json"]);
    let r = run(&["trace", "-i", &missing, hostile]);
    assert!(!r.out.status.success());
    let r = run(&["case", "show", "--case", &missing]);
    assert!(!r.out.status.success(), "{}", r.stdout);
    let r = run(&["case", "new", "--case", "/tmp", "-i", &missing]);
    assert!(!r.out.status.success(), "{}", r.stdout);

    // clap echoes bad values and unknown arguments: exit code 2, message neutralised.
    let r = run(&["findings", "-i", "x", "--min-severity", hostile]);
    assert_eq!(r.out.status.code(), Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("\\u{1b}]0;pwn"), "{}", r.stderr);
    let r = run(&[hostile]);
    assert_eq!(r.out.status.code(), Some(2));
    let r = run(&["ingest", &format!("--{hostile}")]);
    assert_eq!(r.out.status.code(), Some(2));
    // Help and version are not errors.
    let r = run(&["--version"]);
    assert!(
        r.out.status.success() && r.stdout.starts_with("trailhound "),
        "{}",
        r.stdout
    );
    let r = run(&["ingest", "--help"]);
    assert!(r.out.status.success() && r.stdout.contains("--input"));
}

/// One hazard table: for every Unicode scalar value (see the loop for the sampled planes), the TUI sanitiser, CLI text, each export escaper and JSON
/// output make the same decision — all neutralise it or all pass it through. Format syntax each writer escapes on
/// top (Mermaid's entity-coded punctuation) is the only difference, and the hand-written [`raw_hazard`] list is
/// neutralised by all of them.
#[test]
fn every_output_path_agrees_on_every_character() {
    use trailhound::core::{export::escape, text};
    use trailhound::tui::sanitize;
    let mermaid_syntax = [
        '#', '"', '<', '>', '&', '|', '`', '%', '{', '}', '[', ']', ';', ':', '\u{fb02}', '\u{b6}',
    ];
    let mut hazards = 0;
    // Every scalar value of the planes where controls and format characters live (BMP, SMP, SSP); a sample of
    // the others (CJK ideographs, unassigned, private use), to keep this under a few seconds in a debug build.
    let checked = (0..=0x10_FFFFu32).filter(|&u| matches!(u >> 16, 0 | 1 | 14) || u % 61 == 0);
    for c in checked.filter_map(char::from_u32) {
        let s = format!("a{c}b");
        let tui = !sanitize::clean(&s).contains(c);
        hazards += usize::from(tui);
        if raw_hazard(c) || c == '\n' {
            assert!(tui, "the TUI draws U+{:04X} raw", c as u32);
        }
        let quote = escape::markdown_quote(&s);
        let mut paths = vec![
            ("cli text", text::visible(&s).into_owned()),
            ("markdown", escape::markdown(&s)),
            ("csv", escape::csv_cell(&s)),
            ("json", text::json::to_string(&s).unwrap()),
            (
                "pretty json",
                text::json::to_string_pretty(&[&s]).unwrap().replace('\n', ""),
            ),
        ];
        if !matches!(c, '\n' | '\r') {
            // A block quote keeps the analyst's line breaks as Markdown hard breaks (its own `\n`).
            paths.push(("markdown quote", quote.trim_end_matches('\n').to_string()));
        }
        assert!(quote.lines().all(|l| l.starts_with("> ")), "{quote:?}");
        if !mermaid_syntax.contains(&c) {
            paths.push(("mermaid", escape::mermaid_label(&s)));
        }
        for (name, out) in paths {
            assert_eq!(
                !out.contains(c),
                tui,
                "{name} and the TUI disagree on U+{:04X}: {out:?}",
                c as u32
            );
        }
    }
    // C0 + DEL + C1 alone are 65 characters; the table is more than that and far less than a plane.
    assert!((100..5000).contains(&hazards), "{hazards} hazard characters");
}
