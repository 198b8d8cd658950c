//! Lays the planned records out as a CloudTrail S3 tree: one gzip `{"Records":[…]}` object per
//! account / region / hour (split at 2,000 records), named like CloudTrail names them, plus a few digest files.
//! Files render in parallel; each uses its own PRNG stream derived from the seed and the file's key.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use rayon::prelude::*;
use serde_json::json;

use super::DemoError;
use super::clock;
use super::ids::{self, ACCOUNTS, REGIONS};
use super::plan::{Planner, Spec};
use super::render;
use super::rng::{ALNUM, Rng, hash_str};

/// Records per log file at most (real files are cut every ~5 minutes; this keeps them a realistic size).
pub const FILE_CAP: usize = 2000;

/// Records per log file at most in the [`Layout::SmallFiles`] layout: a quiet account's 5-minute deliveries.
pub const SMALL_FILE_CAP: usize = 50;

/// How the records are cut into log objects. Both are CloudTrail's S3 key layout; they differ in file size only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// One object per account, region and time slice (slices chosen for ~250 records per object, at most 2,000).
    #[default]
    Slices,
    /// The same slices cut into objects of at most 50 records: many small files, as a quiet organisation's
    /// trail bucket holds (the per-file cost of ingest dominates).
    SmallFiles,
}

impl Layout {
    /// Records per object at most.
    pub fn cap(self) -> usize {
        match self {
            Layout::Slices => FILE_CAP,
            Layout::SmallFiles => SMALL_FILE_CAP,
        }
    }
}

/// One log object to write.
pub struct LogFile {
    pub account: u8,
    pub region: u8,
    /// First hour (epoch hours) the file covers.
    pub hour: i64,
    /// Relative path under the output directory.
    pub rel: String,
    /// Indexes into the plan's specs, in time order.
    pub specs: Vec<u32>,
    seed: u64,
}

/// Hours one log file covers, chosen so files hold ~250 records on average: 1 h from ~2 M records up, 2 h at 1 M
/// (a few thousand files), up to a day for small trees (tiny files would triple the committed sample's gzip size).
pub fn file_hours(events: usize) -> i64 {
    // ~53 days × 24 h × ~5 account/region pairs in use.
    let wanted = (53 * 24 * 5 * 250usize).div_ceil(events.max(1)) as i64;
    [1, 2, 3, 4, 6, 8, 12, 24]
        .into_iter()
        .find(|&w| w >= wanted)
        .unwrap_or(24)
}

/// Group specs into files of at most `layout.cap()` records and name them (sequential, cheap).
pub fn layout(p: &Planner, seed: u64, layout: Layout) -> Vec<LogFile> {
    let specs = &p.specs;
    let width = 3600 * file_hours(specs.len());
    let bucket = |s: &Spec| s.time.div_euclid(width) * (width / 3600);
    let mut order: Vec<u32> = (0..specs.len() as u32).collect();
    let key = |s: &Spec| (s.account, s.region, bucket(s), s.time);
    order.sort_by_key(|&i| specs.get(i as usize).map(key));
    let mut files = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let k0 = specs
            .get(order[start] as usize)
            .map(|s| (s.account, s.region, bucket(s)));
        let mut end = start;
        while end < order.len() && specs.get(order[end] as usize).map(|s| (s.account, s.region, bucket(s))) == k0 {
            end += 1;
        }
        let Some((account, region, hour)) = k0 else {
            break;
        };
        let n = end - start;
        let chunks = n.div_ceil(layout.cap());
        let per = n.div_ceil(chunks);
        for (c, part) in order[start..end].chunks(per).enumerate() {
            let account_id = ACCOUNTS.get(account as usize).copied().unwrap_or(ids::PROD);
            let region_name = REGIONS.get(region as usize).copied().unwrap_or("us-east-1");
            let file_key = format!("{account_id}/{region_name}/{hour}/{c}");
            let file_seed = hash_str(&file_key);
            // Delivery stamp: a few minutes after the file's time bucket ends, later for each further part. CloudTrail
            // names a file by when it was delivered, and a file holds only records written before that
            // (docs/cloudtrail-layout.md); the load window's pruning relies on it.
            let stamp_t = hour * 3600 + width + (5 * (c as i64 + 1)).min(59) * 60;
            let mut name_rng = Rng::derive(seed, &[file_seed, 0x4e41_4d45]);
            let rel = format!(
                "AWSLogs/{}/{account_id}/CloudTrail/{region_name}/{}/{account_id}_CloudTrail_{region_name}_{}_{}.json.gz",
                ids::ORG_ID,
                clock::key_date(stamp_t),
                clock::file_stamp(stamp_t),
                name_rng.chars(ALNUM, 16)
            );
            files.push(LogFile {
                account,
                region,
                hour,
                rel,
                specs: part.to_vec(),
                seed: file_seed,
            });
        }
        start = end;
    }
    files
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_gz(path: &Path, body: &[u8], level: Compression) -> Result<u64, DemoError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let file = std::fs::File::create(path).map_err(io_err(path))?;
    let mut gz = GzEncoder::new(std::io::BufWriter::new(file), level);
    gz.write_all(body).map_err(io_err(path))?;
    let mut w = gz.finish().map_err(io_err(path))?;
    w.flush().map_err(io_err(path))?;
    let len = w.get_ref().metadata().map(|m| m.len()).unwrap_or(0);
    Ok(len)
}

/// Render and write every log file in parallel. Returns the compressed bytes written.
pub fn write_logs(out: &Path, p: &Planner, files: &[LogFile], seed: u64, level: Compression) -> Result<u64, DemoError> {
    let sizes: Result<Vec<u64>, DemoError> = files
        .par_iter()
        .map_init(Vec::new, |buf, f| {
            buf.clear();
            let mut rng = Rng::derive(seed, &[f.seed]);
            buf.extend_from_slice(b"{\"Records\":[");
            let mut first = true;
            for &i in &f.specs {
                let Some(spec) = p.specs.get(i as usize) else {
                    continue;
                };
                let Some(rec) = render::render(spec, &p.sessions, &mut rng) else {
                    continue;
                };
                if !first {
                    buf.push(b',');
                }
                first = false;
                serde_json::to_writer(&mut *buf, &rec).map_err(|e| DemoError::Io {
                    path: out.join(&f.rel),
                    source: std::io::Error::other(e),
                })?;
            }
            buf.extend_from_slice(b"]}");
            write_gz(&out.join(&f.rel), buf, level)
        })
        .collect();
    Ok(sizes?.iter().sum())
}

/// Hourly digest files for the incident day's afternoon (14:00–17:00) in every account's us-east-1 folder.
pub fn write_digests(
    out: &Path,
    files: &[LogFile],
    hours: i64,
    seed: u64,
    level: Compression,
) -> Result<usize, DemoError> {
    let mut written = 0;
    for (ai, account) in ACCOUNTS.iter().enumerate() {
        let mut rng = Rng::derive(seed, &[hash_str(account), 0x4449_4745]);
        let mut previous: Option<(String, String)> = None;
        for h in 14..=17 {
            let end = ids::at(2026, 11, 5, h, 0, 0);
            let start = end - 3600;
            let log_files: Vec<_> = files
                .iter()
                .filter(|f| {
                    f.account as usize == ai
                        && f.region == ids::US_EAST_1
                        && f.hour <= start / 3600
                        && start / 3600 < f.hour + hours
                })
                .map(|f| {
                    json!({
                        "s3Bucket": ids::TRAIL_BUCKET,
                        "s3Object": f.rel,
                        "hashValue": rng.hex(64),
                        "hashAlgorithm": "SHA-256",
                        "newestEventTime": clock::iso(start + 3599),
                        "oldestEventTime": clock::iso(start),
                    })
                })
                .collect();
            let rel = format!(
                "AWSLogs/{}/{account}/CloudTrail-Digest/us-east-1/{}/{account}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_{}.json.gz",
                ids::ORG_ID,
                clock::key_date(end),
                clock::digest_stamp(end),
            );
            let signature = rng.hex(512);
            let (prev_obj, prev_sig) = previous.clone().unwrap_or_default();
            let digest = json!({
                "awsAccountId": account,
                "digestStartTime": clock::iso(start),
                "digestEndTime": clock::iso(end),
                "digestS3Bucket": ids::TRAIL_BUCKET,
                "digestS3Object": rel,
                "digestPublicKeyFingerprint": "a4b1c2d3e4f5061728394a5b6c7d8e9f",
                "digestSignatureAlgorithm": "SHA256withRSA",
                "newestEventTime": clock::iso(start + 3599),
                "oldestEventTime": clock::iso(start),
                "previousDigestS3Bucket": if previous.is_some() { json!(ids::TRAIL_BUCKET) } else { json!(null) },
                "previousDigestS3Object": if previous.is_some() { json!(prev_obj) } else { json!(null) },
                "previousDigestHashValue": if previous.is_some() { json!(rng.hex(64)) } else { json!(null) },
                "previousDigestHashAlgorithm": if previous.is_some() { json!("SHA-256") } else { json!(null) },
                "previousDigestSignature": if previous.is_some() { json!(prev_sig) } else { json!(null) },
                "logFiles": log_files,
            });
            let body = serde_json::to_vec(&digest).map_err(|e| DemoError::Io {
                path: out.join(&rel),
                source: std::io::Error::other(e),
            })?;
            write_gz(&out.join(&rel), &body, level)?;
            previous = Some((rel, signature));
            written += 1;
        }
    }
    Ok(written)
}

pub fn write_json(path: PathBuf, value: &serde_json::Value) -> Result<(), DemoError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let mut text = serde_json::to_string_pretty(value).map_err(|e| DemoError::Io {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    text.push('\n');
    std::fs::write(&path, text).map_err(io_err(&path))
}
