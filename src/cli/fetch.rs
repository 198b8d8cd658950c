//! `trailhound fetch`: the command-line face of [`crate::aws::fetch`] — argument parsing, progress lines on
//! stderr, an optional JSON summary on stdout, and the exit code (non-zero when anything failed).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::common::parse_time;
use crate::aws::{FetchProgress, FetchRequest, LookupAttr, LookupKey, Services, Tuning};

/// Fetch CloudTrail events (LookupEvents), GuardDuty and IAM Access Analyzer findings from AWS into a case.
#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// Shared-config profile (default: AWS_PROFILE, else `default`).
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to query; repeat or comma-separate for several (default: the profile's region).
    #[arg(long = "region", value_name = "REGION", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Start of the window (RFC 3339 or YYYY-MM-DD, UTC). Default: 24 hours before --to.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// End of the window (RFC 3339 or YYYY-MM-DD, UTC). Default: now.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Fetch CloudTrail events (with none of the three service flags, all three are fetched).
    #[arg(long)]
    pub cloudtrail: bool,
    /// Fetch GuardDuty findings.
    #[arg(long)]
    pub guardduty: bool,
    /// Fetch IAM Access Analyzer findings.
    #[arg(long)]
    pub access_analyzer: bool,
    /// LookupEvents filter `KEY=VALUE`, KEY one of access-key, user, event-name, resource-name; repeatable
    /// (each is a separate query; results are merged).
    #[arg(long = "lookup", value_name = "KEY=VALUE")]
    pub lookup: Vec<String>,
    /// GuardDuty: only findings with at least this severity (Low 1, Medium 4, High 7, Critical 9).
    #[arg(long, value_name = "N")]
    pub min_severity: Option<f64>,
    /// Endpoint override for every service (testing, VPC endpoints).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Case directory; output goes to CASE/fetched/.
    #[arg(long, value_name = "DIR", default_value = "trailhound-fetch")]
    pub case: PathBuf,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Org scale: run the plan on this Athena table (`[CATALOG.]DATABASE.TABLE`) instead of LookupEvents.
    #[arg(
        long,
        value_name = "DATABASE.TABLE",
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub athena: Option<String>,
    /// Org scale: run the plan on this CloudTrail Lake event data store (its ARN, or the id at its end).
    #[arg(
        long,
        value_name = "EVENT_DATA_STORE",
        conflicts_with_all = ["athena", "workgroup", "output_location", "catalog", "allow_full_scan", "results"],
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub lake: Option<String>,
    /// Athena workgroup.
    #[arg(long, value_name = "WG", help_heading = "Org scale (Athena, CloudTrail Lake)")]
    pub workgroup: Option<String>,
    /// Athena query result location (`s3://…`), unless the workgroup sets one.
    #[arg(long, value_name = "S3_URI", help_heading = "Org scale (Athena, CloudTrail Lake)")]
    pub output_location: Option<String>,
    /// Data catalog (default AwsDataCatalog).
    #[arg(long, value_name = "NAME", help_heading = "Org scale (Athena, CloudTrail Lake)")]
    pub catalog: Option<String>,
    /// Account in scope (12 digits); repeatable; `all` for every account.
    #[arg(
        long = "account",
        value_name = "ID",
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub accounts: Vec<String>,
    /// Take accounts, principals and (without --from/--to) the window from this finding (loaded from --input).
    #[arg(
        long,
        value_name = "ID",
        requires = "inputs",
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub finding: Option<String>,
    /// Where --finding is read from: GuardDuty / Access Analyzer findings files or folders; repeatable.
    #[arg(
        short = 'i',
        long = "input",
        value_name = "PATH",
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub inputs: Vec<std::path::PathBuf>,
    /// Principal to follow (access key, principal id, role ARN, user ARN, identity:ROLE_ARN#SESSION); repeatable.
    #[arg(
        long = "principal",
        value_name = "P",
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub principals: Vec<String>,
    /// Days of baseline before --from for the principals and their chains.
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::aws::plan_run::DEFAULT_BASELINE_DAYS,
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub baseline_days: u32,
    /// Refuse a query returning more rows than this.
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::aws::plan_run::DEFAULT_MAX_ROWS,
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub max_rows: u64,
    /// Stop any query that scans more bytes than this.
    #[arg(long, value_name = "BYTES", help_heading = "Org scale (Athena, CloudTrail Lake)")]
    pub max_scan_bytes: Option<u64>,
    /// Dollars per TB scanned, for the cost estimate.
    #[arg(
        long,
        value_name = "USD",
        default_value_t = crate::aws::plan_run::DEFAULT_PRICE_PER_TB,
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub price_per_tb: f64,
    /// Accept a table without date partitions (every query scans all of it).
    #[arg(long, help_heading = "Org scale (Athena, CloudTrail Lake)")]
    pub allow_full_scan: bool,
    /// Queries running at once, 1-20 (1: one after the other). Athena allows 20 concurrent DML queries per
    /// account by default, CloudTrail Lake 10; others share them.
    #[arg(
        long,
        value_name = "N",
        default_value_t = crate::aws::plan_run::DEFAULT_QUERY_CONCURRENCY as u16,
        value_parser = clap::value_parser!(u16).range(1..=crate::aws::plan_run::MAX_QUERY_CONCURRENCY as i64),
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub query_concurrency: u16,
    /// Athena: how each query's rows are read — `csv` (the result file in the output location, with s3:GetObject),
    /// `pages` (GetQueryResults, 1,000 rows a call), or `auto`: the CSV, and pages when it cannot be read (access
    /// denied, not found, KMS).
    #[arg(
        long,
        value_name = "auto|csv|pages",
        default_value = "auto",
        help_heading = "Org scale (Athena, CloudTrail Lake)"
    )]
    pub results: crate::aws::plan_run::ResultsChoice,
    /// Print the plan (each query's SQL, parameters and partition ranges) and run nothing.
    #[arg(long, help_heading = "Org scale (Athena, CloudTrail Lake)")]
    pub dry_run: bool,
    /// Milliseconds between two GetQueryExecution polls (tests shorten it).
    #[arg(long, hide = true, default_value_t = 1000, env = "TRAILHOUND_ATHENA_POLL_MS")]
    pub poll_ms: u64,
    /// Base backoff in milliseconds for retries (tests shorten it).
    #[arg(long, hide = true, env = "TRAILHOUND_FETCH_BACKOFF_MS")]
    pub backoff_ms: Option<u64>,
}

fn parse_lookup(s: &str) -> Result<LookupAttr, String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("--lookup `{s}`: expected KEY=VALUE"))?;
    let key = k
        .parse::<LookupKey>()
        .map_err(|_| format!("--lookup `{s}`: KEY must be access-key, user, event-name or resource-name"))?;
    if v.is_empty() {
        return Err(format!("--lookup `{s}`: empty value"));
    }
    Ok(LookupAttr {
        key,
        value: v.to_string(),
    })
}

/// Build the library request from the arguments.
pub fn request(a: &FetchArgs) -> Result<FetchRequest, String> {
    let mut req = FetchRequest::new(&a.case);
    req.profile = a.profile.clone();
    req.regions = a
        .regions
        .iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    req.window = match (&a.from, &a.to) {
        (None, None) => None,
        (from, to) => {
            let to = match to {
                Some(t) => parse_time(t)?,
                None => jiff::Timestamp::now().as_second(),
            };
            let from = match from {
                Some(f) => parse_time(f)?,
                None => to - 86_400,
            };
            Some((from, to))
        }
    };
    if a.cloudtrail || a.guardduty || a.access_analyzer {
        req.services = Services {
            cloudtrail: a.cloudtrail,
            guardduty: a.guardduty,
            access_analyzer: a.access_analyzer,
        };
    }
    req.lookup = a.lookup.iter().map(|s| parse_lookup(s)).collect::<Result<_, _>>()?;
    req.min_severity = a.min_severity;
    req.endpoint_url = a.endpoint_url.clone();
    if let Some(ms) = a.backoff_ms {
        let d = Duration::from_millis(ms);
        req.tuning = Tuning {
            sdk_initial_backoff: d,
            outer_backoff: d,
            ..Tuning::default()
        };
    }
    Ok(req)
}

/// One line on stderr. Profile names, regions, paths and service messages are quoted in it: neutralised.
fn say(line: std::fmt::Arguments) {
    eprintln!("{}", crate::core::text::visible_lines(&line.to_string()));
}

fn print_progress(p: FetchProgress) {
    match p {
        FetchProgress::Started { profile, regions } => {
            say(format_args!("fetch: profile {profile}, regions {}", regions.join(", ")))
        }
        FetchProgress::Page {
            service,
            region,
            page,
            items,
            total,
        } => say(format_args!("{service} {region}: page {page}: {items} (total {total})")),
        FetchProgress::Retry {
            service,
            region,
            reason,
            wait,
        } => say(format_args!(
            "{service} {region}: {reason}; retrying in {:.1}s",
            wait.as_secs_f64()
        )),
        FetchProgress::Resumed { region, page, events } => say(format_args!(
            "cloudtrail {region}: resuming an interrupted fetch at page {page} ({events} events already fetched)"
        )),
        FetchProgress::Note {
            service,
            region,
            message,
        } => say(format_args!("{service} {region}: note: {message}")),
        FetchProgress::Error {
            service,
            region,
            message,
        } => say(format_args!("{service} {region}: error: {message}")),
        FetchProgress::Wrote { path, items } => say(format_args!("wrote {} ({items})", path.display())),
        FetchProgress::Finished { service, region } => say(format_args!("{service} {region}: done")),
        // Started and ended only: the polls in between would flood the terminal.
        FetchProgress::Query(q) => {
            if q.state == "QUEUED" || (q.ended && !q.reused) {
                say(format_args!(
                    "{} {}: {}: query {} {}{}",
                    q.service,
                    q.region,
                    q.part,
                    q.query_id.as_deref().unwrap_or("-"),
                    q.state,
                    if q.ended {
                        format!(
                            ", {} rows, {} bytes scanned (~${:.4})",
                            q.rows, q.bytes_scanned, q.cost_usd
                        )
                    } else {
                        String::new()
                    }
                ))
            }
        }
    }
}

pub fn run(args: FetchArgs) -> ExitCode {
    if args.athena.is_some() || args.lake.is_some() {
        return super::fetch_orgscale::run(&args, print_progress);
    }
    let req = match request(&args) {
        Ok(r) => r,
        Err(e) => {
            say(format_args!("error: {e}"));
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(crate::aws::fetch(req, print_progress)) {
        Ok(summary) => {
            if args.json
                && let Err(e) = super::common::print_json(&summary)
            {
                say(format_args!("error: {e}"));
            }
            say(format_args!("manifest: {}", summary.manifest.display()));
            if summary.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                eprintln!("fetch finished with {} error(s)", summary.errors.len());
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            say(format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser)]
    struct T {
        #[command(flatten)]
        a: FetchArgs,
    }

    fn req(args: &[&str]) -> Result<FetchRequest, String> {
        let t = T::try_parse_from(std::iter::once("t").chain(args.iter().copied())).map_err(|e| e.to_string())?;
        request(&t.a)
    }

    #[test]
    fn arguments_become_a_request() {
        let r = req(&[
            "--region",
            "us-east-1,eu-west-1",
            "--region",
            "us-west-2",
            "--from",
            "2026-11-05",
            "--to",
            "2026-11-05T15:00:00Z",
            "--guardduty",
            "--lookup",
            "access-key=ASIASARAADMIN0000001",
            "--lookup",
            "event-name=StopLogging",
        ])
        .unwrap();
        assert_eq!(r.regions, ["us-east-1", "eu-west-1", "us-west-2"]);
        assert_eq!(r.window, Some((1_793_836_800, 1_793_890_800)));
        assert_eq!(
            r.services,
            Services {
                cloudtrail: false,
                guardduty: true,
                access_analyzer: false
            }
        );
        assert_eq!(r.lookup[0].key, LookupKey::AccessKeyId);
        assert_eq!(r.lookup[1].key, LookupKey::EventName);
        assert_eq!(r.case_dir, PathBuf::from("trailhound-fetch"));
    }

    #[test]
    fn defaults_fetch_everything_and_bad_input_is_refused() {
        let r = req(&["--to", "2026-11-06"]).unwrap();
        assert_eq!(r.services, Services::ALL);
        assert_eq!(r.window, Some((1_793_836_800, 1_793_923_200)));
        assert!(req(&["--from", "yesterday"]).unwrap_err().contains("expected RFC 3339"));
        assert!(req(&["--lookup", "user"]).unwrap_err().contains("KEY=VALUE"));
    }
}
