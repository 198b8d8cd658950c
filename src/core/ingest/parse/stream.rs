//! A JSON-lines file parsed as it streams in, one line at a time (`ingest::stream` reads the lines): the same
//! per-line rules as a JSON-lines file read whole (`Ctx::line`), so where a line's bytes come from changes nothing
//! but memory. Offsets are the line's own offset in the decompressed file.

use super::{Ctx, FileOutcome};
use crate::core::ingest::Format;
use crate::core::ingest::budget::human;
use std::path::Path;

/// Parses the lines of one JSON-lines file handed to it in order.
pub struct LineParser<'p> {
    ctx: Ctx<'p>,
}

impl<'p> LineParser<'p> {
    pub fn new(path: &'p Path, file: u32) -> LineParser<'p> {
        let mut ctx = Ctx::new(path, file);
        ctx.set_format(Format::JsonLines);
        LineParser { ctx }
    }

    /// Line `index` (its line feed removed), which starts at `offset` in the decompressed file.
    pub fn line(&mut self, index: usize, offset: u64, line: &[u8]) {
        self.ctx.bytes_at(line, offset);
        self.ctx.line(index, line);
    }

    /// Line `index` is longer than `cap` bytes: it was skipped, not read.
    pub fn too_long(&mut self, index: usize, offset: u64, cap: u64) {
        self.ctx.out.records_seen += 1;
        self.ctx.record_error_at(
            index,
            Some(offset),
            format!("line longer than {} (the per-record limit); not read", human(cap)),
        );
    }

    /// Reading stopped before the end of the file (`reason` says why); the lines before were kept.
    pub fn stopped(&mut self, offset: u64, reason: String) {
        self.ctx.file_error_at(Some(offset), reason);
    }

    pub fn finish(self) -> FileOutcome {
        self.ctx.out
    }
}
