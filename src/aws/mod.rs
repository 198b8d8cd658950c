//! Live AWS sources: fetch CloudTrail `LookupEvents`, GuardDuty and IAM Access Analyzer findings with the AWS SDK
//! and store them in the case directory in the same formats users already have on disk, so the investigation
//! continues offline through the normal ingest path.
//!
//! Async code lives here, outside the synchronous `core`. The entry point is [`fetch`], which works on all
//! regions at the same time (each region's services one after the other, each account and region under its own
//! LookupEvents rate limit) and reports progress through a callback so the CLI prints it and the TUI can show it
//! in a dialog. [`s3`] copies CloudTrail objects from S3 into the case for `-i s3://…`. Nothing in this module
//! ever writes or prints a credential, session token or signed header.

mod aa_json;
mod access_analyzer;
pub mod athena;
mod athena_csv;
mod checkpoint;
mod cloudtrail;
mod config;
mod engine;
mod errors;
mod gd_json;
mod guardduty;
mod join;
pub mod lake;
pub mod orgscale;
pub mod plan_run;
mod ratelimit;
pub mod records_file;
pub mod s3;
mod write;

use std::path::PathBuf;
use std::time::Duration;

pub use errors::{FetchError, redact};
pub use ratelimit::{LOOKUP_EVENTS_PER_SECOND, LOOKUP_EVENTS_SLOT_HOLD};

/// The LookupEvents attributes the API can filter on (one per request; several are fetched as separate queries).
/// `Display` is the API's `AttributeKey` value (`AccessKeyId`, …).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, strum::Display, strum::IntoStaticStr,
)]
pub enum LookupKey {
    AccessKeyId,
    Username,
    EventName,
    ResourceName,
}

/// The CLI spelling, loosely: case, `-` and `_` do not matter (`access-key`, `AccessKeyId`, `user`, `username`,
/// `event-name`, `resource-name`, …). Written by hand rather than derived because of that normalisation.
impl std::str::FromStr for LookupKey {
    type Err = crate::core::vocab::UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match k.as_str() {
            "accesskey" | "accesskeyid" | "key" => Ok(Self::AccessKeyId),
            "user" | "username" => Ok(Self::Username),
            "event" | "eventname" => Ok(Self::EventName),
            "resource" | "resourcename" => Ok(Self::ResourceName),
            _ => Err(crate::core::vocab::UnknownWord::new(
                "lookup key",
                s,
                "access-key, user, event-name or resource-name",
            )),
        }
    }
}

/// One LookupEvents filter, e.g. `AccessKeyId = ASIA…`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LookupAttr {
    pub key: LookupKey,
    pub value: String,
}

/// Which services to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Services {
    pub cloudtrail: bool,
    pub guardduty: bool,
    pub access_analyzer: bool,
}

impl Services {
    pub const ALL: Services = Services {
        cloudtrail: true,
        guardduty: true,
        access_analyzer: true,
    };
}

/// Retry and timeout knobs. The defaults are for real AWS; tests shorten the backoffs to stay fast. The
/// LookupEvents rate limit is deliberately *not* a knob: it is the service quota.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// Attempts per call inside the SDK's standard retry strategy (throttling, 5xx, transient I/O).
    pub sdk_max_attempts: u32,
    /// Base of the SDK's jittered exponential backoff.
    pub sdk_initial_backoff: Duration,
    /// Extra rounds of our own once the SDK gave up on a throttling or 5xx error (CloudTrail's
    /// ThrottlingException is unmodeled, so the SDK cannot know it deserves patience).
    pub outer_retries: u32,
    /// Base of our own exponential backoff between those rounds.
    pub outer_backoff: Duration,
    /// Per-attempt timeout: a hung connection is retried instead of stalling the fetch.
    pub attempt_timeout: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            sdk_max_attempts: 3,
            sdk_initial_backoff: Duration::from_secs(1),
            outer_retries: 4,
            outer_backoff: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(60),
        }
    }
}

/// Credentials handed in directly (tests, embedding). Never serialised; `Debug` hides the secret.
#[derive(Clone)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticCredentials(** redacted **)")
    }
}

/// What to fetch and where to put it.
#[derive(Clone, Debug)]
pub struct FetchRequest {
    /// Shared-config profile; `None` = the standard chain's choice (`AWS_PROFILE` or `default`).
    pub profile: Option<String>,
    /// Regions to query; empty = the region the profile/environment names.
    pub regions: Vec<String>,
    /// Time window (epoch seconds, inclusive) for CloudTrail events and GuardDuty `updatedAt`; `None` = the last
    /// 24 hours, or the window of an interrupted fetch being resumed.
    pub window: Option<(i64, i64)>,
    pub services: Services,
    pub lookup: Vec<LookupAttr>,
    /// GuardDuty: only findings with severity ≥ this.
    pub min_severity: Option<f64>,
    /// Endpoint override (testing, VPC endpoints). Applies to every service client.
    pub endpoint_url: Option<String>,
    /// The case directory; output goes under `<case>/fetched/`.
    pub case_dir: PathBuf,
    pub tuning: Tuning,
    /// Bypass the credential chain with these (tests and embedding).
    pub static_credentials: Option<StaticCredentials>,
}

impl FetchRequest {
    /// A request with defaults: all services, the default chain, the last 24 hours.
    pub fn new(case_dir: impl Into<PathBuf>) -> Self {
        Self {
            profile: None,
            regions: Vec::new(),
            window: None,
            services: Services::ALL,
            lookup: Vec::new(),
            min_severity: None,
            endpoint_url: None,
            case_dir: case_dir.into(),
            tuning: Tuning::default(),
            static_credentials: None,
        }
    }
}

/// Which API a progress line or error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Service {
    #[serde(rename = "cloudtrail")]
    CloudTrail,
    #[serde(rename = "guardduty")]
    GuardDuty,
    #[serde(rename = "access-analyzer")]
    AccessAnalyzer,
    #[serde(rename = "athena")]
    Athena,
    #[serde(rename = "cloudtrail-lake")]
    Lake,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::CloudTrail => "cloudtrail",
            Self::GuardDuty => "guardduty",
            Self::AccessAnalyzer => "access-analyzer",
            Self::Athena => "athena",
            Self::Lake => "cloudtrail-lake",
        })
    }
}

/// Progress reports, in order, for a CLI line or a TUI dialog.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchProgress {
    /// Credentials resolved; about to query these regions.
    Started { profile: String, regions: Vec<String> },
    /// A page arrived: `items` on this page, `total` so far for this query.
    Page {
        service: Service,
        region: String,
        page: u32,
        items: usize,
        total: usize,
    },
    /// Waiting before another try (throttling or a server error the SDK gave up on).
    Retry {
        service: Service,
        region: String,
        reason: String,
        wait: Duration,
    },
    /// Continuing an interrupted CloudTrail query from its checkpoint.
    Resumed { region: String, page: u32, events: usize },
    /// Something worth telling that is not an error (e.g. no detector in a region).
    Note {
        service: Service,
        region: String,
        message: String,
    },
    /// A query failed; the fetch continues with the next one.
    Error {
        service: Service,
        region: String,
        message: String,
    },
    /// A file was written.
    Wrote { path: PathBuf, items: usize },
    /// A service is done with a region, whether it succeeded or not (regions run at the same time, so reports of
    /// different regions interleave).
    Finished { service: Service, region: String },
    /// Where one org-scale query is (Athena, CloudTrail Lake): sent when it waits, starts, is polled, pages and
    /// ends (queries run at the same time, so reports of different queries interleave).
    Query(Box<plan_run::QueryProgress>),
}

/// Per service and region: what came back.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Tally {
    pub pages: u32,
    /// CloudTrail records, or findings.
    pub items: usize,
    /// Records that were not valid JSON and were skipped.
    pub skipped: usize,
    pub files: Vec<PathBuf>,
}

/// One problem met during the fetch (no credential material ever appears in `message`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FetchIssue {
    pub service: Service,
    pub region: String,
    pub message: String,
}

/// The outcome of [`fetch`]; also written (with the request) to `<case>/fetched/manifest.json`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct FetchSummary {
    pub cloudtrail: std::collections::BTreeMap<String, Tally>,
    pub guardduty: std::collections::BTreeMap<String, Tally>,
    pub access_analyzer: std::collections::BTreeMap<String, Tally>,
    pub notes: Vec<FetchIssue>,
    pub errors: Vec<FetchIssue>,
    /// Why nothing could be fetched at all (no credentials, no region…); `fetch` then returns it as the error.
    pub fatal: Option<String>,
    pub manifest: PathBuf,
}

/// Fetch what `req` asks for into `<case>/fetched/`, reporting progress through `progress`.
///
/// Fails when nothing can be fetched at all (no credentials, no region, unwritable case directory) or when the
/// credentials run out on the way (an SSO session ending: every region stops at once, what arrived is kept); a
/// failing service or region is recorded in [`FetchSummary::errors`] and the fetch goes on with the rest.
pub async fn fetch(
    req: FetchRequest,
    progress: impl Fn(FetchProgress) + Send + Sync,
) -> Result<FetchSummary, FetchError> {
    let started = jiff::Timestamp::now();
    let out = write::OutDir::create(&req.case_dir)?;
    let ctx = match config::Context::load(&req).await {
        Ok(ctx) => ctx,
        Err(e) => {
            let mut summary = FetchSummary {
                fatal: Some(e.to_string()),
                ..FetchSummary::default()
            };
            write::manifest(&out, &req, None, started, &mut summary)?;
            return Err(e);
        }
    };
    progress(FetchProgress::Started {
        profile: ctx.profile.clone(),
        regions: ctx.regions.clone(),
    });
    let trail = if req.services.cloudtrail {
        Some(cloudtrail::prepare(&ctx, &req, &out, &progress)?)
    } else {
        None
    };
    let window = trail
        .as_ref()
        .map_or_else(|| config::resolve_window(req.window), cloudtrail::Shared::window);
    // One future per region, polled together: a slow or throttled region does not hold up the others, and each
    // has its own rate limit. The results are merged in the order the regions were asked for.
    let per_region = join::join_all(ctx.regions.iter().map(|region| {
        let (ctx, req, out, progress, trail) = (&ctx, &req, &out, &progress, trail.as_ref());
        async move {
            let mut s = FetchSummary::default();
            let done = |service| {
                // After a halt nothing was done; the halt's reason is the news.
                if ctx.halted().is_none() {
                    progress(FetchProgress::Finished {
                        service,
                        region: region.clone(),
                    })
                }
            };
            if let Some(trail) = trail {
                cloudtrail::fetch_region(ctx, out, trail, region, progress, &mut s).await;
                done(Service::CloudTrail);
            }
            if req.services.guardduty {
                guardduty::fetch_region(ctx, req, window, region, out, progress, &mut s).await;
                done(Service::GuardDuty);
            }
            if req.services.access_analyzer {
                access_analyzer::fetch_region(ctx, region, out, progress, &mut s).await;
                done(Service::AccessAnalyzer);
            }
            s
        }
    }))
    .await;
    if let Some(trail) = trail {
        cloudtrail::finish(&out, trail);
    }
    let mut summary = FetchSummary::default();
    for s in per_region {
        summary.cloudtrail.extend(s.cloudtrail);
        summary.guardduty.extend(s.guardduty);
        summary.access_analyzer.extend(s.access_analyzer);
        summary.notes.extend(s.notes);
        summary.errors.extend(s.errors);
    }
    // Credentials gone mid-fetch: what arrived is kept (and CloudTrail resumes), but the fetch as a whole failed
    // for one reason, reported once.
    summary.fatal = ctx.halted();
    write::manifest(&out, &req, Some((&ctx, window)), started, &mut summary)?;
    match ctx.into_halt() {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

#[cfg(test)]
mod lookup_key_tests {
    use super::LookupKey;

    /// The API's spelling is the display; the CLI's loose spellings parse (case, `-` and `_` do not matter).
    #[test]
    fn lookup_keys_read_loosely_and_write_the_api_name() {
        for (key, words) in [
            (LookupKey::AccessKeyId, &["AccessKeyId", "access-key", "key"][..]),
            (LookupKey::Username, &["Username", "user"]),
            (LookupKey::EventName, &["EventName", "event-name"]),
            (LookupKey::ResourceName, &["ResourceName", "resource_name"]),
        ] {
            assert_eq!(key.to_string(), words[0]);
            for w in words {
                assert_eq!(w.parse::<LookupKey>(), Ok(key), "{w}");
            }
        }
        let e = "bucket".parse::<LookupKey>().unwrap_err().to_string();
        assert_eq!(
            e,
            "lookup key \"bucket\": expected access-key, user, event-name or resource-name"
        );
    }
}
