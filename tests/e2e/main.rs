//! End-to-end tests of the release binary in a real terminal (tmux), in their own binary: they need
//! `target/release/trailhound` and tmux, and skip (saying why) without them unless `CI=true`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/mod.rs"]
mod support;

mod tmux;
