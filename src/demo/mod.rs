//! Deterministic generator of realistic CloudTrail trees and findings (sample case, tests, benchmarks).
//!
//! `generate` plans the scenario's fixed story (samples/SCENARIO.md) plus background activity sized so the
//! total record count equals `events`, then writes an `AWSLogs/…` tree of gzip log files, a few digest files and
//! `findings/{guardduty,access-analyzer}.json`. Same seed and count give byte-identical output: all randomness
//! comes from [`rng::Rng`] streams derived from the seed (one for planning, one per output file).

pub mod api;
mod background;
pub mod clock;
mod findings;
pub mod geoip;
pub mod ids;
mod mmdb_tree;
pub mod mmdb_writer;
pub mod plan;
mod record;
mod render;
mod render_signin;
mod render_sts;
pub mod rng;
mod story;
mod workloads;
mod write;

use std::path::{Path, PathBuf};

use flate2::Compression;
use serde::Serialize;

pub use findings::{STOP_LOGGING_FINDING, VENDOR_AA_FINDING};
pub use write::{FILE_CAP, Layout, SMALL_FILE_CAP};

/// The sample case's defaults (`samples/case`).
pub const DEFAULT_SEED: u64 = 7;
pub const DEFAULT_EVENTS: usize = 20_000;
/// Above this many events gzip switches from level 6 to the fastest level (the sample stays at level 6).
pub const FAST_GZIP_ABOVE: usize = 100_000;
/// Upper bound accepted by `generate` (memory for the plan is ~40 bytes per record).
pub const MAX_EVENTS: usize = 20_000_000;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("--events {asked} is too small: the scenario alone needs {min} records (use at least 1000)")]
    TooFew { asked: usize, min: usize },
    #[error("--events {asked} is above the supported maximum {max}")]
    TooMany { asked: usize, max: usize },
    #[error("{path} already exists; pass --force to replace the generated AWSLogs/, findings/ and geoip/ folders")]
    Exists { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub out: PathBuf,
    pub seed: u64,
    pub events: usize,
    pub layout: Layout,
    pub log_files: usize,
    pub digest_files: usize,
    pub compressed_bytes: u64,
}

/// Plan the whole data set: exactly `events` records.
pub fn plan(seed: u64, events: usize) -> Result<plan::Planner, DemoError> {
    if events > MAX_EVENTS {
        return Err(DemoError::TooMany {
            asked: events,
            max: MAX_EVENTS,
        });
    }
    let mut p = plan::Planner::new(seed);
    story::sara_baseline(&mut p);
    story::incident(&mut p);
    story::vendor(&mut p);
    let fixed = p.count();
    if events < fixed.max(1000) {
        return Err(DemoError::TooFew {
            asked: events,
            min: fixed.max(1000),
        });
    }
    background::plan(&mut p, events - fixed);
    Ok(p)
}

/// Write the sample tree to `out`. With `force`, the generated `AWSLogs/`, `findings/` and `geoip/` folders are removed
/// first (nothing else in `out` is touched); without it, their presence is an error, so stale files from an
/// earlier run can never mix into a new tree.
pub fn generate(out: &Path, seed: u64, events: usize, force: bool) -> Result<Summary, DemoError> {
    generate_layout(out, seed, events, force, Layout::default())
}

/// [`generate`] with the records cut into log objects as `layout` says (the sample uses the default).
pub fn generate_layout(
    out: &Path,
    seed: u64,
    events: usize,
    force: bool,
    layout: Layout,
) -> Result<Summary, DemoError> {
    for sub in ["AWSLogs", "findings", "geoip"] {
        let path = out.join(sub);
        if path.exists() {
            if !force {
                return Err(DemoError::Exists { path });
            }
            std::fs::remove_dir_all(&path).map_err(|source| DemoError::Io {
                path: path.clone(),
                source,
            })?;
        }
    }
    let p = plan(seed, events)?;
    let level = if events > FAST_GZIP_ABOVE {
        Compression::fast()
    } else {
        Compression::new(6)
    };
    let files = write::layout(&p, seed, layout);
    let bytes = write::write_logs(out, &p, &files, seed, level)?;
    let digests = write::write_digests(out, &files, write::file_hours(p.count()), seed, level)?;
    write::write_json(out.join("findings").join("guardduty.json"), &findings::guardduty(&p))?;
    write::write_json(
        out.join("findings").join("access-analyzer.json"),
        &findings::access_analyzer(),
    )?;
    // Geolocation for the documentation ranges the story uses, so the sample shows places without a MaxMind
    // download (real MaxMind-format files; see samples/SCENARIO.md).
    geoip::write_demo_geoip(&out.join("geoip")).map_err(|source| DemoError::Io {
        path: out.join("geoip"),
        source,
    })?;
    Ok(Summary {
        out: out.to_path_buf(),
        seed,
        events: p.count(),
        layout,
        log_files: files.len(),
        digest_files: digests,
        compressed_bytes: bytes,
    })
}
