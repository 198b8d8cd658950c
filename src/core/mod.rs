//! The analysis core: everything that is true about the data, independent of how it is shown.
//! Synchronous and deterministic. Nothing in here may import ratatui or crossterm (`tests/architecture.rs`
//! enforces it).

pub mod behavior;
pub mod case;
pub mod dataset;
pub mod entity;
pub mod export;
pub mod findings;
pub mod fsutil;
pub mod geo;
pub mod graph;
pub mod ingest;
pub mod model;
pub mod provenance;
pub mod text;
pub mod time;
