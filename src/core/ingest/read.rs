//! Reading one input file: only a regular file is opened (without blocking, so a FIFO swapped in cannot hang the
//! open), gzip is detected by its magic number, not its extension, and the content streams into a buffer bounded by
//! the per-file cap and the load's shared budget (`budget`), then is parsed — except JSON lines, which are parsed
//! line by line as they stream in, whatever the file's size (`stream`). Runs on worker threads. Content already in
//! memory (`decode_bytes`) takes the same gzip, cap and budget path.

use super::LoadOptions;
use super::budget::{Budget, Held, Shortfall, first_allocation, human, read_capped};
use super::parse::{FileOutcome, parse_buffer};
use super::special::Special;
use super::stream;
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

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

/// Decode (as [`decode_bytes`]) and parse a file's content already in memory.
pub fn decode_and_parse(path: &Path, bytes: &[u8], file: u32, opts: &LoadOptions, budget: &Budget) -> FileResult {
    match decode_bytes(bytes, opts, budget) {
        Ok((buf, gzip)) => FileResult::Parsed {
            outcome: Box::new(parse_buffer(path, file, &buf)),
            gzip,
        },
        Err(e) => FileResult::Failed(e),
    }
}

/// Read, decompress if gzip, and parse: a JSON-lines file line by line as it streams in (`stream`), any other
/// whole.
pub fn read_and_parse(path: &Path, file: u32, opts: &LoadOptions, budget: &Budget) -> FileResult {
    let parsed = open_content(path, opts, budget).and_then(|(content, gzip)| {
        let outcome = match content {
            Content::Whole(buf) => parse_buffer(path, file, &buf),
            Content::Lines { head, rest, compressed } => {
                let how = stream::Stream {
                    compressed: compressed.as_deref(),
                    gzip,
                };
                stream::parse_lines(path, file, head, rest, opts.max_file_bytes, budget, how)?
            }
        };
        Ok((outcome, gzip))
    });
    match parsed {
        Ok((outcome, gzip)) => FileResult::Parsed {
            outcome: Box::new(outcome),
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

/// A file's (decompressed) bytes, read through.
type Source = Box<dyn Read>;

/// A file opened for reading.
struct Opened {
    /// Its decompressed bytes.
    r: Source,
    gzip: bool,
    /// Its expected decompressed size: gzip's ISIZE, never trusted beyond 256 MiB; else the size on disk.
    hint: u64,
    /// For gzip, the compressed bytes read so far.
    compressed: Option<Rc<Cell<u64>>>,
}

/// Open a file for reading its decompressed bytes.
fn open_source(path: &Path) -> Result<Opened, ReadError> {
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
        let (counted, taken) = stream::Counted::new(BufReader::with_capacity(32 << 10, f));
        let dec = flate2::bufread::MultiGzDecoder::new(counted);
        Ok(Opened {
            r: Box::new(dec),
            gzip: true,
            hint,
            compressed: Some(taken),
        })
    } else {
        f.seek(SeekFrom::Start(0)).map_err(ReadError::Io)?;
        Ok(Opened {
            r: Box::new(f),
            gzip: false,
            hint: size,
            compressed: None,
        })
    }
}

/// What a file holds, as read so far.
enum Content<'b> {
    /// The whole file (one document, or not plainly JSON lines).
    Whole(Held<'b>),
    /// JSON lines: the first bytes read, and the rest still to stream.
    Lines {
        head: Held<'b>,
        rest: Source,
        compressed: Option<Rc<Cell<u64>>>,
    },
}

/// How much of a file is read at a time before it is known to be one document or JSON lines.
const HEAD_CHUNK: usize = 1 << 20;
/// The head's first allocation at most (a larger file that turns out to be one document then grows to its size).
const HEAD_FIRST: usize = 64 << 20;

/// Open a file and read its head; then all of it, unless it is JSON lines.
fn open_content<'b>(path: &Path, opts: &LoadOptions, budget: &'b Budget) -> Result<(Content<'b>, bool), ReadError> {
    let Opened {
        mut r,
        gzip,
        hint,
        compressed,
    } = open_source(path)?;
    let cap = opts.max_file_bytes;
    let err = |s: Shortfall| stream::read_error(s, budget, gzip, cap);
    let mut head = Held::with_first(budget, first_allocation(cap, hint).min(HEAD_FIRST)).map_err(err)?;
    let mut classify = stream::Classify::default();
    loop {
        let chunk = head.read_chunk(&mut r, cap, HEAD_CHUNK).map_err(err)?;
        match classify.step(&head, chunk.eof) {
            stream::Head::Undecided => {}
            stream::Head::Lines => {
                return Ok((
                    Content::Lines {
                        head,
                        rest: r,
                        compressed,
                    },
                    gzip,
                ));
            }
            stream::Head::Document if chunk.eof => return Ok((Content::Whole(head), gzip)),
            stream::Head::Document => {
                if !gzip && hint > cap {
                    return Err(ReadError::TooLarge { limit: cap });
                }
                // The size is only a hint: a file that grows while it is read still stops at the cap.
                head.reserve_total(first_allocation(cap, hint) as u64, cap)
                    .map_err(err)?;
                return Ok((Content::Whole(head.read_rest(r, cap).map_err(err)?), gzip));
            }
        }
    }
}

/// The file's content, decompressed when it starts with the gzip magic number; `true` when it was gzip. The whole
/// file is read, JSON lines too (the detail view's [`line_of`] reads one line of a JSON-lines file of any size).
pub fn read_bytes<'b>(path: &Path, opts: &LoadOptions, budget: &'b Budget) -> Result<(Held<'b>, bool), ReadError> {
    let Opened { r, gzip, hint, .. } = open_source(path)?;
    let cap = opts.max_file_bytes;
    let held = read_capped(r, cap, hint, budget).map_err(|s| stream::read_error(s, budget, gzip, cap))?;
    Ok((held, gzip))
}

/// Line `index` of a JSON-lines file, read as it streams in: `None` when the file has fewer lines or the line is
/// longer than the per-file cap.
pub fn line_of(path: &Path, index: u64, opts: &LoadOptions, budget: &Budget) -> Result<Option<Vec<u8>>, ReadError> {
    let Opened { r, gzip, .. } = open_source(path)?;
    let cap = opts.max_file_bytes;
    stream::line_at(BufReader::with_capacity(256 << 10, r), index, cap, budget)
        .map_err(|s| stream::read_error(s, budget, gzip, cap))
}

/// The gzip magic number: a file or buffer starting with it is decompressed, whatever its name.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The content of a file already in memory, decompressed when it starts with the gzip magic number, under the
/// same per-file cap and shared budget as a file read from disk; `true` when it was gzip.
pub fn decode_bytes<'b>(bytes: &[u8], opts: &LoadOptions, budget: &'b Budget) -> Result<(Held<'b>, bool), ReadError> {
    let cap = opts.max_file_bytes;
    if bytes.starts_with(&GZIP_MAGIC) {
        // ISIZE (last 4 bytes), as for a file: a first allocation, never trusted beyond 256 MiB.
        let hint = match bytes.len().checked_sub(4).and_then(|at| bytes.get(at..)) {
            Some(&[a, b, c, d]) if bytes.len() >= 20 => u64::from(u32::from_le_bytes([a, b, c, d])).min(256 << 20),
            _ => 0,
        };
        let dec = flate2::bufread::MultiGzDecoder::new(bytes);
        let held = read_capped(dec, cap, hint, budget).map_err(|s| stream::read_error(s, budget, true, cap))?;
        Ok((held, true))
    } else {
        if bytes.len() as u64 > cap {
            return Err(ReadError::TooLarge { limit: cap });
        }
        let held = read_capped(bytes, cap, bytes.len() as u64, budget)
            .map_err(|s| stream::read_error(s, budget, false, cap))?;
        Ok((held, false))
    }
}
