//! Integration tests of the analysis core (`trailhound::core`) through its public API: ingest, session graph,
//! behaviour, findings, geo lookup, the case store, and the architecture rules of `src`. One test binary, so the
//! crate is linked once for all of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/mod.rs"]
mod support;

mod architecture;
mod behavior_drilldown_keys;
mod behavior_sample;
mod behavior_scenarios;
mod case_index;
mod findings_pivots;
mod findings_realdata_access_analyzer;
mod findings_realdata_guardduty;
mod findings_sequence;
mod geo_lookup;
mod geo_realdata;
mod graph_realdata;
mod graph_sample;
mod graph_scenarios;
mod graph_stress;
mod identity_scenarios;
mod ingest_bytes;
mod ingest_formats;
mod ingest_hostile_files;
mod ingest_lines_stream;
mod ingest_mutation;
mod ingest_realdata;
mod ingest_window;
mod rules_builtin;
mod rules_engine;
mod rules_realdata;
mod rules_sample;
mod rules_tally;
mod sample_investigation;
