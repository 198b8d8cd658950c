//! Reading generated demo trees in tests: every file's bytes, the CloudTrail records, small JSON accessors.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trailhound::demo;

pub fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Relative path → bytes of every file in a tree.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

/// All CloudTrail records of a generated tree (digest files excluded).
pub fn records(dir: &Path) -> Vec<Value> {
    let mut all = Vec::new();
    for (rel, bytes) in tree(dir) {
        if !rel.starts_with("AWSLogs/") || rel.contains("CloudTrail-Digest/") {
            continue;
        }
        assert!(rel.ends_with(".json.gz"), "unexpected file {rel}");
        let v: Value = serde_json::from_slice(&gunzip(&bytes)).unwrap();
        let recs = v["Records"].as_array().unwrap_or_else(|| panic!("{rel}: no Records"));
        all.extend(recs.iter().cloned());
    }
    all
}

pub fn generate(seed: u64, events: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    demo::generate(dir.path(), seed, events, false).unwrap();
    dir
}

pub fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("")
}

pub fn sample() -> Vec<Value> {
    records(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case")))
}

pub fn one<'a>(recs: &'a [Value], what: &str, pred: impl Fn(&Value) -> bool) -> &'a Value {
    let found: Vec<_> = recs.iter().filter(|r| pred(r)).collect();
    assert_eq!(found.len(), 1, "expected exactly one {what}, found {}", found.len());
    found[0]
}

pub fn new_key_of(r: &Value) -> &str {
    s(r, &["responseElements", "credentials", "accessKeyId"])
}
