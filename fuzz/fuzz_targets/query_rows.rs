//! Org-scale query results (Athena's `GetQueryResults` text values, CloudTrail Lake's): one result row read back
//! into a CloudTrail record by `core::orgscale::rows::RowReader`, as `fetch --athena` / `--lake` do, then written as
//! the JSON line the case keeps and loaded through the normal ingest, as the next command reads it. An engine's
//! values come from the logs, so they are as hostile as the logs.
//!
//! Input: the first byte picks the columns (even: the documented Athena table's, odd: a CloudTrail Lake store's);
//! the rest is the row, values separated by U+001F, a value that is exactly U+0000 being a null.
#![no_main]

use std::path::Path;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::{self, LoadOptions};
use trailhound::core::orgscale::columns::{COLUMNS, TableColumns};
use trailhound::core::orgscale::rows::RowReader;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&which, row)) = data.split_first() else { return };
    let reader = if which % 2 == 0 {
        RowReader::new(COLUMNS)
    } else {
        RowReader::new(&TableColumns::lake().selectable())
    };
    let text = String::from_utf8_lossy(row);
    let values = text.split('\u{1f}').map(|v| (v != "\u{0}").then_some(v));
    let record = reader.record(values);
    let Ok(line) = serde_json::to_vec(&record) else { return };
    let opts = LoadOptions {
        max_file_bytes: 64 << 20,
        read_budget: 64 << 20,
        ..LoadOptions::default()
    };
    let store = ingest::load_bytes(Path::new("fetched/athena/fuzz.jsonl"), &line, &opts);
    std::hint::black_box(SessionGraph::build(&store));
});
