//! Integration tests of the headless commands: each runs the built `trailhound` binary and checks its output
//! (JSON, golden snapshots under `snapshots/`), exit codes and what it leaves in a case.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/fake_aws.rs"]
mod fake_aws;
#[path = "../support/fetch_data.rs"]
mod fetch_data;
#[path = "../support/mod.rs"]
mod support;

mod behavior;
mod bench_smoke;
mod broker;
mod case;
mod case_durability;
mod case_hardening;
mod case_inputs;
mod closed_stdout;
mod denied;
mod detect;
mod export_output;
mod export_sample;
mod fetch;
mod findings;
mod geofence;
mod golden_sample;
mod groups;
mod hostile_output;
mod identity_output;
mod investigate;
mod meta;
mod policy;
mod summary;
