//! Reading one input file: bytes from disk, gzip (by magic number, not extension) decompressed with a size cap,
//! then parsed. Runs on worker threads.

use super::LoadOptions;
use super::parse::{FileOutcome, parse_buffer};
use std::io::Read;
use std::path::Path;

pub enum FileResult {
    Parsed { outcome: Box<FileOutcome>, gzip: bool },
    Failed(String),
}

/// Read, decompress if gzip, and parse.
pub fn read_and_parse(path: &Path, file: u32, opts: &LoadOptions) -> FileResult {
    match read_bytes(path, opts) {
        Ok((buf, gzip)) => FileResult::Parsed {
            outcome: Box::new(parse_buffer(path, file, &buf)),
            gzip,
        },
        Err(e) => FileResult::Failed(e),
    }
}

/// The file's content, decompressed when it starts with the gzip magic number.
pub fn read_bytes(path: &Path, opts: &LoadOptions) -> Result<(Vec<u8>, bool), String> {
    let raw = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if raw.len() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
        // ISIZE (last 4 bytes) is the uncompressed size mod 2^32: a good capacity hint, never trusted beyond the cap.
        let hint = raw
            .len()
            .checked_sub(4)
            .and_then(|i| raw.get(i..))
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .unwrap_or(0)
            .min(opts.max_file_bytes as usize)
            .min(256 << 20);
        let mut out = Vec::with_capacity(hint);
        let dec = flate2::read::MultiGzDecoder::new(&raw[..]);
        let mut limited = dec.take(opts.max_file_bytes + 1);
        limited
            .read_to_end(&mut out)
            .map_err(|e| format!("bad gzip data (truncated or corrupt): {e}"))?;
        if out.len() as u64 > opts.max_file_bytes {
            return Err(format!(
                "decompresses to more than {} bytes; not read",
                opts.max_file_bytes
            ));
        }
        Ok((out, true))
    } else {
        if raw.len() as u64 > opts.max_file_bytes {
            return Err(format!("larger than {} bytes; not read", opts.max_file_bytes));
        }
        Ok((raw, false))
    }
}
