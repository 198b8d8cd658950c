//! Integration tests of the demo generator (`trailhound::demo`): the committed sample never drifting from it, the
//! shapes it writes against real logs, its scenario stories, and the MaxMind databases it writes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic with a message is how a test fails"
)]

#[path = "../support/mod.rs"]
mod support;

mod generator;
mod mmdb;
mod realdata;
mod scenario;
