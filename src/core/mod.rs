//! The analysis core: everything that is true about the data, independent of how it is shown.
//! Synchronous and deterministic. Nothing in here may import ratatui, crossterm, tokio, the AWS SDK or the layers
//! above it (`crate::{tui, cli, aws, demo}`); `tests/core/architecture.rs` enforces it.

// Every public item of the core says what it means (units, invariants); CI turns this into an error.
#![warn(missing_docs)]

pub mod access_key;
pub mod behavior;
pub mod broker;
pub mod case;
pub mod dataset;
pub mod entity;
pub mod export;
pub mod findings;
pub mod fsutil;
pub mod geo;
pub mod graph;
pub mod groups;
pub mod index;
pub mod ingest;
pub mod investigate;
pub mod model;
pub mod names;
pub mod orgscale;
pub mod policy;
pub mod provenance;
pub mod rules;
pub mod summary;
pub mod text;
pub mod time;
pub mod vocab;
