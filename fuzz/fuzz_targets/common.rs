//! What the file targets share: one file's bytes through the same load path a file on disk takes
//! (`core::ingest::load_bytes`: gzip by magic number, every CloudTrail and findings form, merge), then the work every
//! command does next on what was loaded (session graph, load summary, each finding's scope and entities), so a
//! hostile value that parses but breaks a later step is found too.

use std::path::Path;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::{self, LoadOptions};

/// Per-file cap for the fuzzer: well under libFuzzer's 2 GB RSS limit, so a gzip bomb meets the cap (the path under
/// test) rather than the fuzzer's memory limit. The cap is enforced while decompressing, as for the 2 GiB default.
const CAP: u64 = 64 << 20;

pub fn load(data: &[u8]) {
    let opts = LoadOptions {
        max_file_bytes: CAP,
        read_budget: CAP,
        ..LoadOptions::default()
    };
    let store = ingest::load_bytes(Path::new("fuzz-input"), data, &opts);
    let graph = SessionGraph::build(&store);
    std::hint::black_box(&graph);
    std::hint::black_box(ingest::summarize(&store));
    for f in &store.findings {
        std::hint::black_box((f.scope(), f.resource_label(), f.entities()));
    }
}
