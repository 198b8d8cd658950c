//! trailhound: Amazon Detective-style role-session analysis of CloudTrail, GuardDuty and IAM Access Analyzer
//! data, offline and multi-account, in a terminal.
//!
//! `core` owns the model, ingest, session graph, analytics and the case store; it is synchronous, deterministic
//! and never touches the terminal. `cli` (headless commands) and `tui` (the terminal UI) sit on top of it;
//! `demo` generates the sample case and benchmark data; `bench` measures the large-case goals over `core` and
//! `tui`; `aws` fetches live data with the AWS SDK.

pub mod aws;
pub mod bench;
pub mod cli;
pub mod core;
pub mod demo;
pub mod tui;
