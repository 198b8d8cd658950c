//! End-to-end tests of the binary in a real terminal (tmux), in their own test binary: they need tmux, and skip
//! (saying why) without it unless `CI=true`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/mod.rs"]
mod support;

mod tmux;
