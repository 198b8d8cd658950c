//! Shared test helpers: locating `../shared/realdata` (required under CI) and the bundled sample case.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod demo_tree;
pub mod findings;
pub mod hostile;
pub mod rules;

/// Path to a file or folder in the shared real data. `None` (with a message) when it is missing outside CI;
/// under `CI=true` a missing dataset fails the test.
pub fn realdata(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata")).join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("real data {} is missing (required when CI=true)", p.display());
    }
    eprintln!("skipping: real data {} not found", p.display());
    None
}

pub fn sample_case() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case"))
}
