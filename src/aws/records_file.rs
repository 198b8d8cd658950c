//! The records files of an org-scale fetch (`<case>/fetched/<engine>/…`): a query's records as gzip JSON lines, the
//! form the ingest reads, written whole and atomically, and read back when a re-run reuses a finished query.

use std::io::{Read, Write};

use serde_json::{Map, Value};

use super::write::atomic_write;

/// The gzip level of the records files: 1 (fast). Measured in release on the sample's rows
/// (`measure_rows_per_second_from_result_csv_to_records`): level 6, zlib's default, took 6 µs a row, as much as
/// making the record; level 1 takes 0.6 µs, for files about 1.4 times larger (README, "Rows per second").
pub const RECORDS_GZIP_LEVEL: flate2::Compression = flate2::Compression::fast();

/// Records as gzip JSON lines, one record at a time: each line is serialised into a buffer and the buffer handed
/// to the compressor 64 KiB at a time (serde_json's many small writes straight into the compressor cost more than
/// the compression itself; `measure_rows_per_second_from_result_csv_to_records` in `tests/aws/athena.rs`).
pub struct JsonLinesGz {
    gz: flate2::write::GzEncoder<Vec<u8>>,
    lines: Vec<u8>,
}

impl Default for JsonLinesGz {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonLinesGz {
    const BATCH: usize = 64 << 10;

    pub fn new() -> JsonLinesGz {
        Self::with_level(RECORDS_GZIP_LEVEL)
    }

    /// At another gzip level (the measurement compares them).
    pub fn with_level(level: flate2::Compression) -> JsonLinesGz {
        JsonLinesGz {
            gz: flate2::write::GzEncoder::new(Vec::new(), level),
            lines: Vec::with_capacity(Self::BATCH + 4096),
        }
    }

    /// Add one record as a line.
    pub fn push(&mut self, record: &Map<String, Value>) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.lines, record)?;
        self.lines.push(b'\n');
        if self.lines.len() >= Self::BATCH {
            self.gz.write_all(&self.lines)?;
            self.lines.clear();
        }
        Ok(())
    }

    /// The gzip file's bytes.
    pub fn finish(mut self) -> std::io::Result<Vec<u8>> {
        self.gz.write_all(&self.lines)?;
        self.gz.finish()
    }
}

pub(crate) fn write_jsonl_gz(path: &std::path::Path, records: &[Map<String, Value>]) -> std::io::Result<()> {
    let mut out = JsonLinesGz::new();
    for r in records {
        out.push(r)?;
    }
    atomic_write(path, &out.finish()?)
}

pub(crate) fn read_jsonl_gz(path: &std::path::Path) -> std::io::Result<Vec<Map<String, Value>>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
        .collect()
}
