//! Architecture rules that code review alone would let slip.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Crates `src/core` must never name: the terminal, the async runtime and the AWS SDK belong to the edges.
fn forbidden_crate(first: &str) -> bool {
    matches!(first, "ratatui" | "crossterm" | "tokio" | "aws_config")
        || first.starts_with("aws_sdk_")
        || first.starts_with("aws_smithy")
}

/// Modules of this crate that sit on top of the core; the core importing them would turn the layering upside down.
const UPPER_MODULES: [&str; 5] = ["tui", "cli", "aws", "demo", "bench"];

/// Source text with `//` comments blanked out (lengths and line breaks kept, so offsets still give line numbers).
/// A `//` inside a string literal also starts a "comment" here; that can only hide text, never invent an offense.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => format!("{}{}", &line[..i], " ".repeat(line.len() - i)),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths a source names, as (byte offset, segments): `crate::tui::app::App` gives `["crate", "tui", "app",
/// "App"]`, and a group `crate::{cli, core::x}` gives one path per member (`["crate", "cli"]`, `["crate",
/// "core", "x"]`).
fn paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !is_ident(c) || (i > 0 && is_ident(chars[i - 1].1)) {
            i += 1;
            continue;
        }
        let (segments, next) = path_at(&chars, i);
        i = next;
        let prefix = segments.clone();
        // `prefix::{a, b::c}`: expand the group one level deep, which is how `use` lists are written here.
        if code[chars.get(i).map_or(code.len(), |c| c.0)..].starts_with("::{") {
            let mut j = i + 3;
            let mut depth = 1;
            while j < chars.len() && depth > 0 {
                match chars[j].1 {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    c if depth == 1 && is_ident(c) && !is_ident(chars[j - 1].1) => {
                        let (member, next) = path_at(&chars, j);
                        out.push((start, prefix.iter().cloned().chain(member).collect()));
                        j = next;
                        continue;
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j;
        } else {
            out.push((start, segments));
        }
    }
    out
}

/// The `a::b::c` path starting at `chars[i]` and the index just after it.
fn path_at(chars: &[(usize, char)], mut i: usize) -> (Vec<String>, usize) {
    let mut segments = vec![String::new()];
    while i < chars.len() {
        let c = chars[i].1;
        if is_ident(c) {
            segments.last_mut().expect("segments starts non-empty").push(c);
            i += 1;
        } else if c == ':'
            && chars.get(i + 1).is_some_and(|n| n.1 == ':')
            && chars.get(i + 2).is_some_and(|n| is_ident(n.1))
        {
            segments.push(String::new());
            i += 2;
        } else {
            break;
        }
    }
    (segments, i)
}

/// Every place in one core source file that names a forbidden crate or an upper module, as `file:line: path`.
fn core_import_offenses(file: &str, text: &str) -> Vec<String> {
    let code = without_comments(text);
    let mut offenses = Vec::new();
    for (at, path) in paths(&code) {
        let bad_crate = forbidden_crate(&path[0]);
        let upper = path.len() >= 2 && path[0] == "crate" && UPPER_MODULES.contains(&path[1].as_str());
        if bad_crate || upper {
            let line = code[..at].matches('\n').count() + 1;
            offenses.push(format!("{file}:{line}: {}", path.join("::")));
        }
    }
    offenses
}

/// `src/core` is the synchronous analysis core: it must never depend on the terminal libraries, the async runtime,
/// the AWS SDK, or the parts of this crate built on top of it.
#[test]
fn core_imports_nothing_from_the_edges() {
    let mut files = Vec::new();
    rust_files(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/core")), &mut files);
    assert!(files.len() >= 3, "expected core sources, found {files:?}");
    let mut offenders = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        offenders.extend(core_import_offenses(&f.display().to_string(), &text));
    }
    assert!(
        offenders.is_empty(),
        "src/core must not use ratatui, crossterm, tokio, the AWS SDK or crate::{{tui,cli,aws,demo}}:\n{}",
        offenders.join("\n")
    );
}

/// The checker itself, on sources written to break each rule (and on look-alikes that break none).
#[test]
fn the_core_import_checker_finds_each_forbidden_import() {
    let bad = "\
use ratatui::widgets::Table;
use crossterm::event;
use tokio::sync::mpsc;
#[tokio::main]
fn f() { let _ = ::tokio::spawn(async {}); }
use aws_sdk_cloudtrail::Client;
use aws_config::BehaviorVersion;
use aws_smithy_types::DateTime;
use crate::tui::app::App;
use crate::cli::Cli;
fn g() { crate::aws::fetch(); }
use crate::demo;
use crate::{
    core::model::Store,
    tui::theme::Theme,
};
";
    let found = core_import_offenses("bad.rs", bad);
    let expected = [
        "bad.rs:1: ratatui::widgets::Table",
        "bad.rs:2: crossterm::event",
        "bad.rs:3: tokio::sync::mpsc",
        "bad.rs:4: tokio::main",
        "bad.rs:5: tokio::spawn",
        "bad.rs:6: aws_sdk_cloudtrail::Client",
        "bad.rs:7: aws_config::BehaviorVersion",
        "bad.rs:8: aws_smithy_types::DateTime",
        "bad.rs:9: crate::tui::app::App",
        "bad.rs:10: crate::cli::Cli",
        "bad.rs:11: crate::aws::fetch",
        "bad.rs:12: crate::demo",
        "bad.rs:13: crate::tui::theme::Theme",
    ];
    assert_eq!(found, expected);

    let fine = "\
// use tokio::sync::mpsc; (a comment)
use crate::core::model::Store;
use super::cli_words;
let my_tokio = crate::core::time::parse(\"x\");
use crate::{core, core::ingest};
fn tui() {}
let s = aws_region_name;
";
    assert_eq!(core_import_offenses("fine.rs", fine), Vec::<String>::new());
}

/// Every library source file starts with a `//!` paragraph saying what it owns.
#[test]
fn every_module_says_what_it_owns() {
    let mut files = Vec::new();
    rust_files(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut files);
    let missing: Vec<_> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap().trim_start().starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a //! paragraph: {missing:?}");
}

/// The Markdown documents a text names (`docs/domain.md`, `samples/SCENARIO.md`, …), as (line number, path).
fn md_citations(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for token in line.split(|c: char| !(c.is_alphanumeric() || "/._-".contains(c))) {
            let token = token.trim_end_matches('.');
            if token.len() > 3 && token.ends_with(".md") {
                out.push((n + 1, token.to_string()));
            }
        }
    }
    out
}

/// Comments cite documents inside the repository: every Markdown file named in `src`, `benches`, `Cargo.toml` or
/// the README exists at that path in the repository (so notes kept outside it, or paths climbing out with `..`,
/// fail here).
#[test]
fn cited_documents_are_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("Cargo.toml"), root.join("README.md")];
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("benches"), &mut files);
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, cited) in md_citations(&text) {
            if cited.contains("..") || !root.join(&cited).is_file() {
                problems.push(format!(
                    "{}:{n}: cites {cited}, which is not in the repository",
                    f.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn md_citations_are_found() {
    let text = "//! see `docs/domain.md` §3 and docs/dependencies.md.\n// nothing here\nx ../notes/X.md, NOTES.md";
    assert_eq!(
        md_citations(text),
        [
            (1, "docs/domain.md".to_string()),
            (1, "docs/dependencies.md".to_string()),
            (3, "../notes/X.md".to_string()),
            (3, "NOTES.md".to_string())
        ]
    );
}

/// Integration tests join one of the grouped test binaries (`tests/<group>/main.rs`): a file directly under
/// `tests/` would be linked against the whole crate as a binary of its own, which is what made the test build slow.
#[test]
fn integration_tests_live_in_a_group() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
    let loose: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
        .collect();
    assert!(
        loose.is_empty(),
        "move these into tests/{{core,demo,aws,cli,tui,e2e}}/ and add a `mod` line to that group's main.rs: {loose:?}"
    );
}

/// Every file of a test group is a module of its `main.rs`; an undeclared one would never compile or run.
#[test]
fn every_test_file_is_part_of_its_group() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"));
    let mut orphans = Vec::new();
    for group in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        let Ok(main) = std::fs::read_to_string(group.join("main.rs")) else {
            continue;
        };
        for file in std::fs::read_dir(&group).unwrap().map(|e| e.unwrap().path()) {
            let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if file.extension().is_some_and(|e| e == "rs") && stem != "main" && !main.contains(&format!("mod {stem};"))
            {
                orphans.push(file.display().to_string());
            }
        }
    }
    assert!(orphans.is_empty(), "not declared in their group's main.rs: {orphans:?}");
}
