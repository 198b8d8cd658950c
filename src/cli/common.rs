//! What every headless command shares: the `-i/--input` (or `--case`) and `--json` options, loading (through
//! [`Dataset::load`], a case's inputs through its index) with a progress line on a terminal, and printing JSON.

use crate::core::dataset::{Dataset, DatasetOptions};
use crate::core::index::CaseIndex;
use crate::core::ingest::{LoadOptions, LoadWindow, Progress};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Input file or folder (repeatable): CloudTrail S3 trees, .json/.json.gz/.jsonl, lookup-events output,
    /// EventBridge envelopes, GuardDuty and Access Analyzer findings. Content decides the format. An
    /// `s3://bucket/prefix/` input is copied (what the load window needs) into the input set's default case first.
    #[arg(short = 'i', long = "input", required_unless_present = "case")]
    pub inputs: Vec<PathBuf>,
    /// Instead of -i: the inputs this case recorded, read through the case's index (`<case>/index/`, built on
    /// the first load and brought up to date when inputs change; README "Case index").
    #[arg(long = "case", value_name = "DIR", conflicts_with = "inputs")]
    pub case: Option<PathBuf>,
    #[command(flatten)]
    pub s3: super::s3::S3Args,
    /// Machine-readable JSON on stdout (times in RFC 3339 UTC).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub window: WindowArgs,
    #[command(flatten)]
    pub broker: BrokerArgs,
}

/// Elevated-access brokers (README "Elevated-access brokers"): added to what the case records, if any.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct BrokerArgs {
    /// ARN of an elevated-access broker's own role (repeatable): sessions it assumes are attributed to the
    /// requester their name carries, and checked against the request log.
    #[arg(id = "broker_roles", long = "broker-role", value_name = "ARN")]
    pub roles: Vec<String>,
    /// A broker's request log (repeatable): trailhound JSON/CSV, the reference broker's request table or API
    /// output, or TEAM's requests export.
    #[arg(long = "broker-log", value_name = "FILE")]
    pub logs: Vec<PathBuf>,
}

impl BrokerArgs {
    /// The configuration these options give.
    pub fn config(&self) -> crate::core::broker::BrokerConfig {
        crate::core::broker::BrokerConfig {
            roles: self.roles.clone(),
            logs: self.logs.clone(),
        }
    }
}

/// What to load: `--from/--to/--account/--region` (README "Reading only what the question needs").
#[derive(clap::Args, Debug, Clone)]
pub struct WindowArgs {
    /// Load only events at or after this time (RFC 3339, or YYYY-MM-DD for its midnight UTC). CloudTrail S3-layout
    /// files delivered too early to hold such events are not read.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub from: Option<i64>,
    /// Load only events before this time (RFC 3339 or YYYY-MM-DD). Files delivered more than --delivery-slack
    /// hours after it are not read.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub to: Option<i64>,
    /// Load only events logged in this account (repeatable; prunes `AWSLogs/<account>/` folders).
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,
    /// Load only events of this region (repeatable; prunes `CloudTrail/<region>/` folders).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// How many hours after its events a CloudTrail file may be delivered and still be read with --to.
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub delivery_slack: u32,
}

impl Default for WindowArgs {
    fn default() -> Self {
        WindowArgs {
            from: None,
            to: None,
            accounts: Vec::new(),
            regions: Vec::new(),
            delivery_slack: 24,
        }
    }
}

impl WindowArgs {
    /// The core's load window for these options.
    pub fn window(&self) -> LoadWindow {
        LoadWindow {
            from: self.from,
            to: self.to,
            accounts: self.accounts.clone(),
            regions: self.regions.clone(),
            delivery_slack: i64::from(self.delivery_slack) * 3600,
        }
    }
}

pub use crate::core::time::parse_time;

/// Load the `-i` inputs (an `s3://` input through its copy in the default case, brought up to date first), or the
/// `--case` inputs through the case's index, within the load window through the one [`Dataset`] path. `geoip` is
/// the user's `--geoip DIR`, if the command has one.
pub fn load_dataset(args: &InputArgs, geoip: Option<&Path>) -> anyhow::Result<Dataset> {
    let window = args.window.window();
    let (data, recorded) = match &args.case {
        Some(dir) => {
            let (inputs, index) = case_inputs(dir)?;
            let recorded = crate::core::case::Case::open(dir)?.broker_config()?;
            (load_paths(&inputs, &window, geoip, Some(index)), recorded)
        }
        None => {
            let inputs = super::s3::resolve(&args.inputs, None, &window, &args.s3)?;
            (load_paths(&inputs, &window, geoip, None), Default::default())
        }
    };
    Ok(with_brokers(data, recorded.merged(&args.broker.config())))
}

/// `data` with the broker overlay's context read from `config` (nothing when it is empty), saying on stderr
/// which request-log records were bad and skipped.
pub fn with_brokers(data: Dataset, config: crate::core::broker::BrokerConfig) -> Dataset {
    if config.is_empty() {
        return data;
    }
    let ctx = crate::core::broker::BrokerContext::load(config);
    for e in &ctx.errors {
        let at = e.index.map(|i| format!(" record {i}")).unwrap_or_default();
        eprintln!(
            "broker log {}{at}: {} (skipped)",
            safe(&e.path.display().to_string()),
            safe(&e.reason)
        );
    }
    if ctx.errors_dropped > 0 {
        eprintln!("broker logs: {} more bad records skipped", ctx.errors_dropped);
    }
    data.with_brokers(ctx)
}

/// What a case's recorded inputs load from without the network (`Input::local_path`: paths as recorded, an S3
/// input's copy in the case's cache; a fetch's files are recorded as paths of their own), and the case's index
/// (written only when the case is writable). Says on stderr when nothing is left to load.
pub fn case_inputs(dir: &Path) -> anyhow::Result<(Vec<PathBuf>, CaseIndex)> {
    let case = crate::core::case::Case::open(dir)?;
    let paths: Vec<PathBuf> = case.inputs()?.iter().filter_map(|i| i.local_path(dir)).collect();
    if paths.is_empty() {
        eprintln!("trailhound: the case records no file or folder inputs: no events were loaded");
    }
    Ok((paths, CaseIndex::of(dir, case.access().writable())))
}

/// Load `inputs` within `window` through the one [`Dataset`] path (through the case index file `index` when
/// given), drawing a progress line on stderr when it is a terminal, and saying on stderr how much the window kept
/// out and what the index did.
pub fn load_paths(inputs: &[PathBuf], window: &LoadWindow, geoip: Option<&Path>, index: Option<CaseIndex>) -> Dataset {
    let tty = std::io::stderr().is_terminal();
    let progress = move |p: Progress| {
        if tty {
            let pct = (p.bytes_done * 100).checked_div(p.bytes_total).unwrap_or(100);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rloading {}/{} files, {pct}% of {} MB ",
                p.files_done,
                p.files_total,
                p.bytes_total >> 20
            );
            if p.files_done == p.files_total {
                let _ = writeln!(err);
            }
        }
    };
    let opts = DatasetOptions {
        geoip: geoip.map(Path::to_path_buf),
        load: LoadOptions {
            window: window.clone(),
            ..Default::default()
        },
        index,
    };
    let data = Dataset::load(inputs, &opts, &progress);
    let r = &data.store().report;
    if let Some(note) = &r.index {
        eprintln!("case index: {}", safe(note));
    }
    let pruned = r.files_pruned_by_date + r.files_pruned_by_region + r.files_pruned_by_account;
    if pruned > 0 || r.records_outside_window > 0 {
        eprintln!(
            "load window: {pruned} files not read ({} by date, {} by region, {} by account), {} records outside it",
            r.files_pruned_by_date, r.files_pruned_by_region, r.files_pruned_by_account, r.records_outside_window
        );
    }
    data
}

/// Print a serialisable value as pretty JSON on stdout, every hazard character in a string as a `\uXXXX` escape
/// (`core::text::json`): the same data for a JSON reader, inert on a terminal. Every command's `--json` uses this.
pub fn print_json<T: serde::Serialize + ?Sized>(v: &T) -> anyhow::Result<()> {
    super::closed_stdout::write_stdout(|out| {
        crate::core::text::json::to_writer_pretty(&mut *out, v)?;
        writeln!(out)
    })?;
    Ok(())
}

/// One field of text output from logs, paths or analysts: every hazard (control characters, escape sequences,
/// line breaks, bidi overrides, invisible format characters; the one table in `core::text`) becomes a visible
/// `\u{…}` escape, so the field stays on its line and cannot drive the terminal. Apply it to each field before
/// formatting a line, never to a formatted line (a line break inside a field would already have split it).
pub fn safe(s: &str) -> String {
    crate::core::text::visible(s).into_owned()
}
