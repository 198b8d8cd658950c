//! `-i s3://bucket/prefix/`: before loading, copy what the load window needs into the case's cache
//! (`crate::aws::s3::sync`) and load the cached folder in the URL's place, through the one `Dataset` path. The case
//! is the one given, else the default case of the input set (`core::case::defaults`); it records the S3 input, so
//! `--case DIR` reopens it from the cache without the network. When S3 cannot be reached at all, an existing
//! cache is loaded with a warning.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::aws::s3::{SyncProgress, SyncReport, SyncRequest};
use crate::core::case::remote::S3Url;
use crate::core::case::{Case, Input};
use crate::core::ingest::LoadWindow;

/// Options for `s3://` inputs.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct S3Args {
    /// AWS profile for s3:// inputs (default: AWS_PROFILE, else `default`). The endpoint follows the standard
    /// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL settings.
    // Its own id: `behavior`/`volume` take a positional argument named `profile` (a behaviour profile).
    #[arg(long = "profile", id = "aws_profile", value_name = "NAME")]
    pub profile: Option<String>,
    /// Objects fetched at once from S3.
    #[arg(long, value_name = "N", default_value_t = 16, hide = true)]
    pub s3_concurrency: usize,
    /// Base backoff in milliseconds for the SDK's retries (tests shorten it).
    #[arg(long, hide = true, env = "TRAILHOUND_FETCH_BACKOFF_MS")]
    pub backoff_ms: Option<u64>,
}

/// The S3 URL an input names, if it is one (`s3://…`); an `s3://` input that is not a valid URL is an error.
pub fn s3_url(p: &Path) -> Result<Option<S3Url>> {
    match p.to_str() {
        Some(s) if S3Url::is_s3(s) => Ok(Some(S3Url::parse(s)?)),
        _ => Ok(None),
    }
}

/// The case that holds the copies of `inputs`' S3 objects: `case` if given, else the input set's default case.
pub fn case_for(inputs: &[PathBuf], case: Option<&Path>) -> Result<PathBuf> {
    match case {
        Some(c) => Ok(c.to_path_buf()),
        None => Ok(crate::core::case::default_dir_for(inputs)?),
    }
}

/// `inputs` with every `s3://` URL replaced by its up-to-date copy in the case's cache (local paths unchanged);
/// the case (created if need be) records the inputs.
pub fn resolve(inputs: &[PathBuf], case: Option<&Path>, window: &LoadWindow, args: &S3Args) -> Result<Vec<PathBuf>> {
    resolve_with(inputs, case, window, args, true)
}

/// [`resolve`], recording the inputs in the case only when `record` (an export reads other inputs than the
/// case's without changing the case).
pub fn resolve_with(
    inputs: &[PathBuf],
    case: Option<&Path>,
    window: &LoadWindow,
    args: &S3Args,
    record: bool,
) -> Result<Vec<PathBuf>> {
    let urls: Vec<Option<S3Url>> = inputs.iter().map(|p| s3_url(p)).collect::<Result<_>>()?;
    if urls.iter().all(Option::is_none) {
        return Ok(inputs.to_vec());
    }
    let case_dir = case_for(inputs, case)?;
    let inputs_of: Vec<Input> = inputs
        .iter()
        .zip(&urls)
        .map(|(p, u)| match u {
            Some(url) => Input::S3 { url: url.clone() },
            None => Input::Path { path: p.clone() },
        })
        .collect();
    if record {
        let c = Case::open_or_create_recording(&case_dir, &inputs_of)?;
        c.add_inputs(&inputs_of)?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut out = Vec::with_capacity(inputs.len());
    for (p, url) in inputs.iter().zip(urls) {
        let Some(url) = url else {
            out.push(p.clone());
            continue;
        };
        let mut req = SyncRequest::new(url.clone(), &case_dir, window.clone());
        req.client.profile = args.profile.clone();
        req.client.default_region = window.regions.first().cloned();
        req.get_concurrency = args.s3_concurrency.max(1);
        if let Some(ms) = args.backoff_ms {
            req.client.tuning.sdk_initial_backoff = Duration::from_millis(ms);
        }
        let cache = url.cache_dir(&case_dir);
        match rt.block_on(crate::aws::s3::sync(&req, progress_printer())) {
            Ok(report) => summary(&report),
            Err(e) if cache.is_dir() => say(format_args!(
                "trailhound: warning: {url}: {e}; loading the copy cached in {} (it may lack newer objects)",
                cache.display()
            )),
            Err(e) => {
                return Err(anyhow::anyhow!(
                    "{url}: {e} (nothing cached in {} yet)",
                    cache.display()
                ));
            }
        }
        out.push(cache);
    }
    Ok(out)
}

/// Print through `core::text` (bucket keys, paths and service messages are quoted in these lines).
fn say(line: std::fmt::Arguments) {
    eprintln!("{}", crate::core::text::visible_lines(&line.to_string()));
}

fn progress_printer() -> impl Fn(SyncProgress) + Sync {
    let tty = std::io::stderr().is_terminal();
    move |p| match p {
        SyncProgress::Connected { profile, region } => say(format_args!("s3: profile {profile}, region {region}")),
        SyncProgress::Redirected { region } => say(format_args!("s3: the bucket is in {region}; asking there")),
        SyncProgress::Listed { requests, objects, .. } if tty => {
            let _ = write!(
                std::io::stderr().lock(),
                "\rs3: {requests} list requests, {objects} objects seen "
            );
        }
        SyncProgress::Listed { .. } => {}
        SyncProgress::Download(d) if tty => {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rs3: fetched {}/{} objects, {:.1}/{:.1} MB ",
                d.files_done,
                d.files_total,
                d.bytes_done as f64 / 1e6,
                d.bytes_total as f64 / 1e6
            );
            if d.files_done == d.files_total {
                let _ = writeln!(err);
            }
        }
        SyncProgress::Download(_) => {}
        // On a terminal the progress line is open: these start on a line of their own.
        SyncProgress::Retry { key, reason } => say(format_args!(
            "{}s3: {key}: {reason}; trying again",
            if tty { "\n" } else { "" }
        )),
        SyncProgress::Skipped { key, reason } => say(format_args!(
            "{}s3: {key}: skipped: {reason}",
            if tty { "\n" } else { "" }
        )),
    }
}

fn summary(r: &SyncReport) {
    let secs = r.seconds.max(1e-6);
    say(format_args!(
        "s3: {}: {} objects listed ({} list requests), {} in the load window, {} already cached, {} fetched \
         ({:.1} MB in {:.1} s: {:.0} objects/s, {:.1} MB/s) into {}",
        r.url,
        r.objects_listed,
        r.list_requests,
        r.objects_wanted,
        r.objects_cached,
        r.objects_fetched,
        r.bytes_fetched as f64 / 1e6,
        r.seconds,
        r.objects_fetched as f64 / secs,
        r.bytes_fetched as f64 / 1e6 / secs,
        r.cache_dir.display()
    ));
    if !r.skipped.is_empty() {
        say(format_args!(
            "trailhound: warning: {} objects or prefixes of {} were not copied and are missing from this load \
             (listed above); a rerun tries them again",
            r.skipped.len(),
            r.url
        ));
    }
}
