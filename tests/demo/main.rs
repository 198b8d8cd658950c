//! Integration tests of the demo generator (`trailhound::demo`): the committed sample never drifting from it, the
//! shapes it writes against real logs, its scenario stories, and the MaxMind databases it writes.

#[path = "../support/mod.rs"]
mod support;

mod generator;
mod mmdb;
mod realdata;
mod scenario;
