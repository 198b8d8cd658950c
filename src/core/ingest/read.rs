//! Reading one input file: only a regular file is opened (without blocking, so a FIFO swapped in cannot hang the
//! open), gzip is detected by its magic number, not its extension, and the content streams into a buffer bounded by
//! the per-file cap and the load's shared budget (`budget`). Then it is parsed. Runs on worker threads. Content
//! already in memory (`decode_bytes`) takes the same gzip, cap and budget path.

use super::LoadOptions;
use super::budget::{Budget, Held, Shortfall, human, read_capped};
use super::parse::{FileOutcome, parse_buffer};
use super::special::Special;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Why a file was not read (reported with its path).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened (missing, no permission).
    #[error("cannot open: {0}")]
    Open(std::io::Error),
    /// A FIFO, socket or device: it could block forever or never end.
    #[error("{0}, not a regular file; not read")]
    Special(Special),
    /// A folder where a file was expected.
    #[error("a folder, not a file")]
    Folder,
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(std::io::Error),
    /// The gzip stream is truncated or corrupt.
    #[error("bad gzip data (truncated or corrupt): {0}")]
    Gzip(std::io::Error),
    /// The file on disk is larger than the per-file limit.
    #[error("larger than {} (the per-file limit); not read", human(*limit))]
    TooLarge {
        /// The per-file limit in bytes.
        limit: u64,
    },
    /// Decompression passed the per-file limit (it stopped there).
    #[error("decompresses to more than {} (the per-file limit); not read", human(*limit))]
    DecompressesTooLarge {
        /// The per-file limit in bytes.
        limit: u64,
    },
    /// The file needs more than the whole read budget.
    #[error("needs more than the {} read budget shared by all files; not read", human(*budget))]
    OverBudget {
        /// The budget in bytes.
        budget: u64,
    },
    /// The allocator refused.
    #[error("out of memory while reading; not read")]
    OutOfMemory,
    /// Other files held the shared budget; the load reads this file again on its own (never reported).
    #[error("the read budget was held by other files")]
    Busy,
}

/// What reading and parsing one file gave.
pub enum FileResult {
    Parsed {
        outcome: Box<FileOutcome>,
        gzip: bool,
        /// The size as stored (on disk, or in memory), compressed when gzip.
        stored: u64,
    },
    Failed(ReadError),
}

/// Decode (as [`decode_bytes`]) and parse a file's content already in memory.
pub fn decode_and_parse(path: &Path, bytes: &[u8], file: u32, opts: &LoadOptions, budget: &Budget) -> FileResult {
    match decode_bytes(bytes, opts, budget) {
        Ok((buf, gzip)) => FileResult::Parsed {
            outcome: Box::new(parse_buffer(path, file, &buf)),
            gzip,
            stored: bytes.len() as u64,
        },
        Err(e) => FileResult::Failed(e),
    }
}

/// Read, decompress if gzip, and parse.
pub fn read_and_parse(path: &Path, file: u32, opts: &LoadOptions, budget: &Budget) -> FileResult {
    match read_bytes(path, opts, budget) {
        Ok((buf, gzip)) => FileResult::Parsed {
            outcome: Box::new(parse_buffer(path, file, &buf)),
            gzip,
            stored: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        },
        Err(e) => FileResult::Failed(e),
    }
}

/// Open a regular file for reading; its size.
fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        // A FIFO opened for reading blocks until a writer comes; non-blocking, the open returns at once and the
        // type check below refuses it. Regular files ignore the flag.
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path).map_err(ReadError::Open)?;
    let m = f.metadata().map_err(ReadError::Io)?;
    if m.is_dir() {
        return Err(ReadError::Folder);
    }
    if let Some(kind) = Special::of(&m.file_type()) {
        return Err(ReadError::Special(kind));
    }
    Ok((f, m.len()))
}

/// The file's content, decompressed when it starts with the gzip magic number; `true` when it was gzip.
pub fn read_bytes<'b>(path: &Path, opts: &LoadOptions, budget: &'b Budget) -> Result<(Held<'b>, bool), ReadError> {
    let (mut f, size) = open_regular(path)?;
    let mut magic = [0u8; 2];
    let gzip = size >= 2 && f.read_exact(&mut magic).is_ok() && magic == GZIP_MAGIC;
    if gzip {
        // ISIZE (last 4 bytes) is the uncompressed size mod 2^32: a good first allocation, never trusted beyond
        // 256 MiB (the buffer grows if it lied).
        let mut isize = [0u8; 4];
        let hint = if size >= 20 && f.seek(SeekFrom::End(-4)).is_ok() && f.read_exact(&mut isize).is_ok() {
            u64::from(u32::from_le_bytes(isize)).min(256 << 20)
        } else {
            0
        };
        f.seek(SeekFrom::Start(0)).map_err(ReadError::Io)?;
        let held = gunzip_capped(std::io::BufReader::with_capacity(32 << 10, f), hint, opts, budget)?;
        Ok((held, true))
    } else {
        f.seek(SeekFrom::Start(0)).map_err(ReadError::Io)?;
        // The size is only a hint: a file that grows while it is read still stops at the cap.
        Ok((plain_capped(f, size, opts, budget)?, false))
    }
}

/// The content of a file already in memory, decompressed when it starts with the gzip magic number, under the
/// same cap and budget as [`read_bytes`]; `true` when it was gzip.
pub fn decode_bytes<'b>(bytes: &[u8], opts: &LoadOptions, budget: &'b Budget) -> Result<(Held<'b>, bool), ReadError> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let hint = match bytes.len().checked_sub(4).and_then(|at| bytes.get(at..)) {
            Some(&[a, b, c, d]) if bytes.len() >= 20 => u64::from(u32::from_le_bytes([a, b, c, d])).min(256 << 20),
            _ => 0,
        };
        Ok((gunzip_capped(bytes, hint, opts, budget)?, true))
    } else {
        Ok((plain_capped(bytes, bytes.len() as u64, opts, budget)?, false))
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Read plain content of `size` bytes (a hint), refusing more than the per-file cap.
fn plain_capped<'b, R: Read>(r: R, size: u64, opts: &LoadOptions, budget: &'b Budget) -> Result<Held<'b>, ReadError> {
    let limit = opts.max_file_bytes;
    if size > limit {
        return Err(ReadError::TooLarge { limit });
    }
    read_capped(r, limit, size, budget).map_err(|s| shortfall(s, budget, ReadError::TooLarge { limit }, ReadError::Io))
}

/// Decompress every gzip member of `r`, stopping at the first byte past the per-file cap.
fn gunzip_capped<'b, R: std::io::BufRead>(
    r: R,
    hint: u64,
    opts: &LoadOptions,
    budget: &'b Budget,
) -> Result<Held<'b>, ReadError> {
    let limit = opts.max_file_bytes;
    let dec = flate2::bufread::MultiGzDecoder::new(r);
    read_capped(dec, limit, hint, budget)
        .map_err(|s| shortfall(s, budget, ReadError::DecompressesTooLarge { limit }, ReadError::Gzip))
}

/// The reason a read fell short: `too_large` past the cap, `io` for a read error.
fn shortfall(s: Shortfall, budget: &Budget, too_large: ReadError, io: fn(std::io::Error) -> ReadError) -> ReadError {
    match s {
        Shortfall::OverCap => too_large,
        Shortfall::OverBudget => ReadError::OverBudget { budget: budget.limit() },
        Shortfall::Busy => ReadError::Busy,
        Shortfall::OutOfMemory => ReadError::OutOfMemory,
        Shortfall::Io(e) => io(e),
    }
}
