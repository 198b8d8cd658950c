//! Integration tests of the terminal UI, headless: `harness` drives the app with actions and renders to a
//! `TestBackend`; the modules assert state, snapshot every view (`snapshots/`) and exercise notes, saved UI state
//! and the fetch dialog.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/duckdb_engine.rs"]
mod duckdb_engine;
#[path = "../support/fake_athena.rs"]
mod fake_athena;
#[path = "../support/fake_aws.rs"]
mod fake_aws;
#[path = "../support/fake_s3.rs"]
mod fake_s3;
#[path = "../support/fetch_data.rs"]
mod fetch_data;
mod harness;
#[path = "../support/mod.rs"]
mod support;

mod app;
mod behavior_agreement;
mod broker;
mod denied;
mod fetch;
mod fetch_orgscale;
mod geofence;
mod group;
mod identity;
mod investigation;
mod notes;
mod rules;
mod screens;
mod summary;
mod ui_state;
