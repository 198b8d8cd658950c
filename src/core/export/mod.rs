//! Reports handed on from a case: the [`report::Report`] model assembled from the case and the loaded data, and
//! one writer per format (Markdown, JSON, CSV, JSON lines). Every string from logs or analysts passes through
//! [`escape`] for its target format.

pub mod escape;
