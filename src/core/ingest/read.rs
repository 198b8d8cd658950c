//! Reading one input file: only a regular file is opened (without blocking, so a FIFO swapped in cannot hang the
//! open), gzip is detected by its magic number, not its extension, and the content streams into a buffer bounded by
//! the per-file cap and the load's shared budget (`budget`). Then it is parsed. Runs on worker threads.

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
    Parsed { outcome: Box<FileOutcome>, gzip: bool },
    Failed(ReadError),
}

/// Read, decompress if gzip, and parse.
pub fn read_and_parse(path: &Path, file: u32, opts: &LoadOptions, budget: &Budget) -> FileResult {
    match read_bytes(path, opts, budget) {
        Ok((buf, gzip)) => FileResult::Parsed {
            outcome: Box::new(parse_buffer(path, file, &buf)),
            gzip,
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
    let cap = opts.max_file_bytes;
    let mut magic = [0u8; 2];
    let gzip = size >= 2 && f.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    let shortfall = |s: Shortfall, too_large: ReadError, io: fn(std::io::Error) -> ReadError| match s {
        Shortfall::OverCap => too_large,
        Shortfall::OverBudget => ReadError::OverBudget { budget: budget.limit() },
        Shortfall::Busy => ReadError::Busy,
        Shortfall::OutOfMemory => ReadError::OutOfMemory,
        Shortfall::Io(e) => io(e),
    };
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
        let dec = flate2::bufread::MultiGzDecoder::new(std::io::BufReader::with_capacity(32 << 10, f));
        let held = read_capped(dec, cap, hint, budget)
            .map_err(|s| shortfall(s, ReadError::DecompressesTooLarge { limit: cap }, ReadError::Gzip))?;
        Ok((held, true))
    } else {
        if size > cap {
            return Err(ReadError::TooLarge { limit: cap });
        }
        f.seek(SeekFrom::Start(0)).map_err(ReadError::Io)?;
        // The size is only a hint: a file that grows while it is read still stops at the cap.
        let held = read_capped(f, cap, size, budget)
            .map_err(|s| shortfall(s, ReadError::TooLarge { limit: cap }, ReadError::Io))?;
        Ok((held, false))
    }
}
