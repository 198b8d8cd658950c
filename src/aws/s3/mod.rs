//! Reading CloudTrail straight from S3 (`-i s3://bucket/prefix/`): list only the prefixes the load window needs
//! ([`plan`]), fetch the objects it admits with bounded concurrency ([`get`]) into the case's cache
//! (`<case>/cache/<bucket>/<key>`, `core::case::remote`), and leave the loading to the one `Dataset` path, which
//! reads the cache like any local tree. A rerun lists again and fetches only what the cache lacks (every copy is
//! written atomically, so whatever is there is complete); a reopened case reads the cache without the network.
//!
//! [`client`] builds the S3 client for any S3 reader in this program. Nothing here writes or prints a credential.

pub mod client;
mod get;
mod list;
mod plan;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub use client::{ClientOptions, S3Client, connect};
pub use get::GET_ACTION;
pub use list::LIST_ACTION;

use crate::aws::errors::FetchError;
use crate::aws::join::map_bounded;
use crate::core::case::remote::{S3Url, cache_path};
use crate::core::ingest::{LoadWindow, Progress};
use list::{ListError, Object};
use plan::Step;

/// What to copy and where.
#[derive(Clone, Debug)]
pub struct SyncRequest {
    pub url: S3Url,
    /// The case directory; copies go under `<case>/cache/`.
    pub case_dir: PathBuf,
    pub window: LoadWindow,
    pub client: ClientOptions,
    /// Prefixes listed at once.
    pub list_concurrency: usize,
    /// Objects fetched at once.
    pub get_concurrency: usize,
    /// Tries per object when the body comes back truncated or the connection fails after the SDK's own retries
    /// (`SlowDown`/5xx are retried inside the SDK).
    pub get_attempts: u32,
}

impl SyncRequest {
    pub fn new(url: S3Url, case_dir: impl Into<PathBuf>, window: LoadWindow) -> Self {
        SyncRequest {
            url,
            case_dir: case_dir.into(),
            window,
            client: ClientOptions::default(),
            list_concurrency: 8,
            get_concurrency: 16,
            get_attempts: 3,
        }
    }
}

/// Progress reports, for a CLI line.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncProgress {
    /// Credentials resolved.
    Connected { profile: String, region: String },
    /// The bucket answered from another region; requests are signed for it from now on.
    Redirected { region: String },
    /// A level of the walk was listed.
    Listed {
        requests: u64,
        objects: u64,
        next_prefixes: usize,
    },
    /// Objects to fetch: done / total, bytes done / total (listed sizes).
    Download(Progress),
    /// An object is tried again.
    Retry { key: String, reason: String },
    /// An object was given up on (or a prefix could not be listed).
    Skipped { key: String, reason: String },
}

/// An object or prefix that was not copied, and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Skipped {
    pub key: String,
    pub reason: String,
}

/// The outcome of [`sync`].
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SyncReport {
    pub url: String,
    /// The folder to load: the cache's copy of the URL's prefix.
    pub cache_dir: PathBuf,
    pub region: String,
    pub list_requests: u64,
    pub objects_listed: u64,
    /// Listed objects the window admits.
    pub objects_wanted: u64,
    /// Of those, already in the cache from an earlier run.
    pub objects_cached: u64,
    pub objects_fetched: u64,
    pub bytes_fetched: u64,
    /// Objects and prefixes that could not be had (the load then lacks them: say so).
    pub skipped: Vec<Skipped>,
    pub seconds: f64,
}

/// Copy what `req` asks for into the case's cache, reporting progress through `progress`.
///
/// Fails when nothing can be listed at all (no credentials, no access, no network) or when the credentials run
/// out on the way; single objects and prefixes that fail are reported in [`SyncReport::skipped`].
pub async fn sync(req: &SyncRequest, progress: impl Fn(SyncProgress) + Sync) -> Result<SyncReport, FetchError> {
    let started = Instant::now();
    let mut s3 = connect(&req.client).await?;
    progress(SyncProgress::Connected {
        profile: s3.profile.clone(),
        region: s3.region.clone(),
    });
    let bucket = req.url.bucket.as_str();
    let mut report = SyncReport {
        url: req.url.to_string(),
        cache_dir: req.url.cache_dir(&req.case_dir),
        ..SyncReport::default()
    };
    // The first listing decides whether the bucket can be read at all (and in which region).
    let mut level = plan::first_steps(&req.url.prefix, &req.window);
    let mut wanted: Vec<Object> = Vec::new();
    let mut first = true;
    while !level.is_empty() {
        let results = map_bounded(level.clone(), req.list_concurrency, |step| {
            let s3 = &s3;
            async move {
                let delimiter = matches!(step, Step::Walk(_)).then_some("/");
                let r = list::list(&s3.client, &s3.profile, bucket, step.prefix(), delimiter).await;
                (step, r)
            }
        })
        .await;
        let mut next = Vec::new();
        let mut retry_here = None;
        for (step, r) in results {
            match r {
                Ok(l) => {
                    report.list_requests += u64::from(l.pages);
                    report.objects_listed += l.objects.len() as u64;
                    wanted.extend(l.objects.into_iter().filter(|o| plan::wanted(o, &req.window)));
                    next.extend(plan::next_steps(&l.folders, &req.window));
                }
                Err(ListError::WrongRegion(r)) if first && r != s3.region => retry_here = Some(r),
                Err(ListError::Halt(e)) => return Err(e),
                Err(ListError::WrongRegion(r)) => report.skipped.push(Skipped {
                    key: step.prefix().to_string(),
                    reason: format!("the bucket answered from region {r} again"),
                }),
                Err(ListError::Failed(m)) if first => return Err(FetchError::Unreadable(m)),
                Err(ListError::Failed(m)) => {
                    progress(SyncProgress::Skipped {
                        key: step.prefix().to_string(),
                        reason: m.clone(),
                    });
                    report.skipped.push(Skipped {
                        key: step.prefix().to_string(),
                        reason: format!("not listed: {m}"),
                    });
                }
            }
        }
        if let Some(region) = retry_here {
            progress(SyncProgress::Redirected { region: region.clone() });
            s3 = s3.in_region(&region);
            first = false;
            continue;
        }
        first = false;
        progress(SyncProgress::Listed {
            requests: report.list_requests,
            objects: report.objects_listed,
            next_prefixes: next.len(),
        });
        level = next;
    }
    report.region = s3.region.clone();
    report.objects_wanted = wanted.len() as u64;
    fetch_missing(req, &s3, wanted, &progress, &mut report).await?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Fetch the objects the cache lacks, `get_concurrency` at a time.
async fn fetch_missing(
    req: &SyncRequest,
    s3: &S3Client,
    wanted: Vec<Object>,
    progress: &(impl Fn(SyncProgress) + Sync),
    report: &mut SyncReport,
) -> Result<(), FetchError> {
    let bucket = req.url.bucket.as_str();
    let mut todo = Vec::new();
    for o in wanted {
        let Some(dest) = cache_path(&req.case_dir, bucket, &o.key) else {
            report.skipped.push(Skipped {
                key: o.key,
                reason: "the key cannot be a file name in the cache (empty, '.' or '..' part, or a control \
                         character)"
                    .into(),
            });
            continue;
        };
        if o.size > get::MAX_OBJECT_BYTES {
            report.skipped.push(Skipped {
                key: o.key,
                reason: format!(
                    "larger than {} MiB: not a CloudTrail log file",
                    get::MAX_OBJECT_BYTES >> 20
                ),
            });
            continue;
        }
        // Copies are written whole or not at all, so a file of the listed size is the object.
        match std::fs::metadata(&dest) {
            Ok(m) if m.is_file() && m.len() == o.size => report.objects_cached += 1,
            _ => todo.push((o, dest)),
        }
    }
    let total = Progress {
        files_done: 0,
        files_total: todo.len() as u64,
        bytes_done: 0,
        bytes_total: todo.iter().map(|(o, _)| o.size).sum(),
    };
    progress(SyncProgress::Download(total));
    let (files_done, bytes_done) = (AtomicU64::new(0), AtomicU64::new(0));
    let halt: OnceLock<FetchError> = OnceLock::new();
    let outcomes = map_bounded(todo, req.get_concurrency, |(o, dest)| {
        let (files_done, bytes_done, halt) = (&files_done, &bytes_done, &halt);
        async move {
            let mut outcome = Err(String::new());
            for attempt in 1..=req.get_attempts.max(1) {
                if halt.get().is_some() {
                    outcome = Err("stopped: the credentials ran out".to_string());
                    break;
                }
                match get::get_to(&s3.client, &s3.profile, bucket, &o.key, &dest).await {
                    Ok(n) => {
                        outcome = Ok(n);
                        break;
                    }
                    Err(get::GetError::Transient(why)) => {
                        if attempt < req.get_attempts {
                            progress(SyncProgress::Retry {
                                key: o.key.clone(),
                                reason: why.clone(),
                            });
                        }
                        outcome = Err(format!("{why} ({attempt} tries)"));
                    }
                    Err(get::GetError::Halt(e)) => {
                        outcome = Err(e.to_string());
                        let _ = halt.set(e);
                        break;
                    }
                    Err(get::GetError::Failed(why)) => {
                        outcome = Err(why);
                        break;
                    }
                }
            }
            if let Err(why) = &outcome {
                progress(SyncProgress::Skipped {
                    key: o.key.clone(),
                    reason: why.clone(),
                });
            }
            let done = files_done.fetch_add(1, Ordering::Relaxed) + 1;
            let bytes = bytes_done.fetch_add(o.size, Ordering::Relaxed) + o.size;
            progress(SyncProgress::Download(Progress {
                files_done: done,
                bytes_done: bytes,
                ..total
            }));
            (o.key, outcome)
        }
    })
    .await;
    for (key, outcome) in outcomes {
        match outcome {
            Ok(n) => {
                report.objects_fetched += 1;
                report.bytes_fetched += n;
            }
            Err(reason) => report.skipped.push(Skipped { key, reason }),
        }
    }
    match halt.into_inner() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
