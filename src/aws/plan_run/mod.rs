//! Running the org-scale plan (`core::orgscale::plan`) on a query engine, whichever it is: the scope query, the
//! chain-completion rounds until the chains close, and the baseline, each started, polled (state, bytes scanned,
//! cost; stopped past `--max-scan-bytes`) and paged back into CloudTrail records through an `Engine` (`super::engine`) (Amazon
//! Athena in `super::athena`, CloudTrail Lake in `super::lake`). Each query's records land in
//! `<case>/fetched/<engine>/` as gzip JSON lines, read by the normal ingest; `manifest.json` beside them records
//! every query (id, SQL, parameters, state, rows, bytes scanned, time) and is what a re-run resumes from: a query
//! that already succeeded is not run again. Interrupting the run stops the queries still running. Queries that do
//! not depend on each other run at the same time, at most `--query-concurrency` at once (which pieces:
//! `core::orgscale::split`); the summary, the records and the manifest keep the plan's order whatever order they
//! finish in. This module owns that sequence and the manifest, `query` one query's life (start, poll, page, stop);
//! neither knows either engine's API.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Map, Value};

use super::engine::{End, Engine, RowSink, StreamError};
use super::join::map_bounded;
pub use super::records_file::{JsonLinesGz, RECORDS_GZIP_LEVEL};
use super::records_file::{read_jsonl_gz, write_jsonl_gz};
use super::write::{OutDir, atomic_write};
use super::{FetchError, FetchProgress, FetchRequest, Service};
use crate::core::orgscale::chains::{chain_principals, unresolved_keys};
use crate::core::orgscale::plan::{MAX_CHAIN_ROUNDS, PlanError, Principal, Query, Settings, Target, baseline_window};
use crate::core::orgscale::rows::RowReader;
use crate::core::orgscale::split::{baseline_rest, chain_account_sets, early_baseline_accounts};

mod query;

/// Engines bill at least this many bytes per query (Athena: 10 MB; `docs/org-scale.md`).
pub const MIN_BILLED_BYTES: u64 = 10 * 1024 * 1024;

/// What every engine's run shares: the window, scope settings, principals, baseline, price and caps.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    /// Profile, region (the first is used), window, endpoint, tuning, credentials and case folder.
    pub base: FetchRequest,
    pub settings: Settings,
    /// `--principal`s (and the finding's).
    pub principals: Vec<Principal>,
    pub baseline_days: u32,
    /// Dollars per TB (10¹² bytes) scanned.
    pub price_per_tb: f64,
    /// Stop a query that has scanned more than this.
    pub max_scan_bytes: Option<u64>,
    /// Between two status polls.
    pub poll_interval: Duration,
    /// At most this many queries running at once (`--query-concurrency`; 1 runs the plan one query after the
    /// other, as one baseline query).
    pub concurrency: usize,
    /// How a succeeded query's rows are read (`--results`).
    pub results: ResultsChoice,
}

/// `--results`: how a succeeded query's rows are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, strum::Display, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
pub enum ResultsChoice {
    /// The engine's result file when it has one and it can be read (Athena: the CSV in the output location),
    /// else pages; a file that cannot be read for a reason pages avoid (access denied, not found, KMS) falls
    /// back to pages, and the manifest says why.
    #[default]
    Auto,
    /// Only the result file: a query whose file cannot be read fails.
    Csv,
    /// Only pages (`GetQueryResults`).
    Pages,
}

/// How a query's rows were read (the manifest's and the JSON summary's `results`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, strum::Display)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ResultsRoute {
    /// The CSV the engine wrote (Athena's output location), read with the S3 client.
    Csv,
    /// The engine's paged results call.
    Pages,
}

/// `--query-concurrency`'s default: well under Athena's default quota of 20 concurrent DML queries per account
/// and CloudTrail Lake's 10 (docs/org-scale.md), which other users of the account share.
pub const DEFAULT_QUERY_CONCURRENCY: usize = 4;
/// `--baseline-days`' default.
pub const DEFAULT_BASELINE_DAYS: u32 = 45;
/// `--max-rows`' default.
pub const DEFAULT_MAX_ROWS: u64 = 1_000_000;
/// `--price-per-tb`'s default (docs/org-scale.md: $5.00 per TB scanned).
pub const DEFAULT_PRICE_PER_TB: f64 = 5.0;
/// Between two status polls by default.
pub const DEFAULT_POLL: Duration = Duration::from_secs(1);
/// The most `--query-concurrency` accepts (Athena's default DML quota).
pub const MAX_QUERY_CONCURRENCY: usize = 20;

/// One query as run (or reused), also the manifest's entry.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueryReport {
    pub part: String,
    /// A digest of the SQL and parameters, the key a re-run resumes by (Athena's client request token).
    pub token: String,
    pub query_id: Option<String>,
    pub sql: String,
    pub params: Vec<String>,
    pub state: String,
    pub state_change_reason: Option<String>,
    pub rows: usize,
    pub bytes_scanned: u64,
    pub cost_usd: f64,
    pub seconds: f64,
    /// Records file, relative to `fetched/`.
    pub file: Option<PathBuf>,
    /// Taken from an earlier run instead of querying again.
    #[serde(default)]
    pub reused: bool,
    /// How many times this query was started (a failed query is started again on a re-run).
    #[serde(default)]
    pub attempt: u32,
    /// How its rows were read (`None` until they were).
    #[serde(default)]
    pub results: Option<ResultsRoute>,
    /// Why the result file was not read when `--results auto` paged instead.
    #[serde(default)]
    pub results_note: Option<String>,
}

/// What a plan's run did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct PlanSummary {
    /// The table or event data store, as SQL names it.
    pub table: String,
    pub layout: String,
    pub queries: Vec<QueryReport>,
    pub records: usize,
    pub bytes_scanned: u64,
    pub cost_usd: f64,
    pub errors: Vec<String>,
    pub manifest: PathBuf,
}

/// 32 hex digits of two FNV-1a passes over the query (text, then each parameter): stable across runs and builds,
/// which a client request token and the resume key must be.
pub fn token(sql: &str, params: &[String]) -> String {
    let mut h = [0xcbf2_9ce4_8422_2325u64, 0x6c62_272e_07bb_0142u64];
    let mut feed = |bytes: &[u8]| {
        for (i, seed) in h.iter_mut().enumerate() {
            for b in bytes {
                *seed ^= u64::from(*b) + i as u64;
                *seed = seed.wrapping_mul(0x0100_0000_01b3);
            }
            *seed ^= 0xff;
            *seed = seed.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(sql.as_bytes());
    for p in params {
        feed(p.as_bytes());
    }
    format!("{:016x}{:016x}", h[0], h[1])
}

/// Estimated dollars for `bytes` scanned.
pub fn cost(bytes: u64, price_per_tb: f64) -> f64 {
    bytes.max(MIN_BILLED_BYTES) as f64 / 1e12 * price_per_tb
}

fn manifest_path(out: &OutDir, dir: &str) -> PathBuf {
    out.root.join(dir).join("manifest.json")
}

/// Where a query stands in the plan, for a deterministic order of the summary and the TUI's table whatever order
/// the queries finish in: the scope (phase 0), chain round `round` piece `index` (phase 1), the baseline pieces
/// (phase 2: 0 the early one, then the rest in `core::orgscale::split::baseline_rest`'s order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct QueryOrder {
    pub phase: u8,
    pub round: u32,
    pub index: u32,
}

/// One org-scale query's progress (`FetchProgress::Query`).
#[derive(Clone, Debug, PartialEq)]
pub struct QueryProgress {
    pub service: Service,
    pub region: String,
    pub order: QueryOrder,
    /// `scope`, `chain round 2`, `baseline`.
    pub part: String,
    /// The query's resume key ([`token`]): one row per key.
    pub token: String,
    pub query_id: Option<String>,
    /// The engine's word (`QUEUED`, `RUNNING`, `SUCCEEDED`, `FINISHED`, `FAILED`…), or ours: `WAITING` for a
    /// free slot (`--query-concurrency`), `STOPPED` past `--max-scan-bytes`.
    pub state: String,
    pub rows: usize,
    pub bytes_scanned: u64,
    pub cost_usd: f64,
    /// How its rows were read, once they were (`--results`).
    pub results: Option<ResultsRoute>,
    /// Taken from an earlier run.
    pub reused: bool,
    /// It will change no more.
    pub ended: bool,
}

/// Run the plan on `engine` against `target` until it ends or `stop` completes (the CLI passes Ctrl-C, the TUI its
/// stop key): the queries running then are stopped and recorded as CANCELLED (a re-run starts them again;
/// finished ones are reused). A failed query is an error in the summary and the plan goes on without its records.
/// Queries that do not depend on each other run at the same time, at most `req.concurrency` at once.
pub(crate) async fn run<E: Engine>(
    engine: &E,
    target: &Target,
    req: &PlanRequest,
    region: &str,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
    stop: impl std::future::Future<Output = ()>,
) -> Result<PlanSummary, FetchError> {
    let out = OutDir::create(&req.base.case_dir)?;
    let manifest = manifest_path(&out, engine.dir());
    let done: BTreeMap<String, QueryReport> = std::fs::read(&manifest)
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| serde_json::from_value::<Vec<QueryReport>>(v.get("queries")?.clone()).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|q| (q.token.clone(), q))
        .collect();
    let run = Runner {
        engine,
        req,
        region: region.to_string(),
        out: &out,
        progress,
        reader: RowReader::new(&target.selected()),
        slots: tokio::sync::Semaphore::new(req.concurrency.max(1)),
        start_landed: tokio::sync::Notify::new(),
        shared: Mutex::new(Shared {
            done,
            summary: PlanSummary {
                table: target.source.to_string(),
                layout: layout_text(target),
                manifest,
                ..PlanSummary::default()
            },
            reports: Vec::new(),
            running: BTreeSet::new(),
            starting: 0,
            stopping: false,
        }),
    };
    let outcome = {
        let plan = run_plan(&run, target);
        tokio::pin!(plan);
        tokio::pin!(stop);
        let outcome = tokio::select! {
            r = &mut plan => Some(r),
            () = &mut stop => None,
        };
        if outcome.is_none() {
            run.let_starts_land(plan).await;
        }
        outcome
    };
    let records = match outcome {
        Some(r) => r?,
        None => {
            run.stop_running().await;
            Vec::new()
        }
    };
    let mut summary = run.finish()?;
    let mut ids = BTreeSet::new();
    summary.records = records
        .iter()
        .filter(|r| ids.insert(r.get("eventID").and_then(Value::as_str).unwrap_or("").to_string()))
        .count();
    Ok(summary)
}

/// How the plan printout and the manifest describe what prunes the queries.
pub fn layout_text(target: &Target) -> String {
    match target.source {
        crate::core::orgscale::plan::Source::Athena(_) => target.layout.describe(),
        crate::core::orgscale::plan::Source::Lake(_) => "none: CloudTrail Lake prunes on eventtime".to_string(),
    }
}

/// The plan's fixed queries, made without running anything (`--dry-run`, the TUI's plan): the scope query and,
/// when principals are named, the baseline over their own accounts (which starts with the scope query when they
/// name accounts and `--query-concurrency` is above 1). Chain rounds depend on results and are described, not
/// made.
pub fn fixed_queries(target: &Target, req: &PlanRequest) -> Result<Vec<Query>, PlanError> {
    let window = super::config::resolve_window(req.base.window);
    let mut queries = vec![target.scope(window, &req.settings)?];
    if !req.principals.is_empty() {
        let accounts = early_baseline_accounts(&req.principals);
        let accounts = (!accounts.is_empty()).then_some(accounts);
        queries.push(target.baseline(
            baseline_window(window.0, req.baseline_days),
            &req.principals,
            accounts.as_deref().or(req.settings.accounts.as_deref()),
            &req.settings,
        )?);
    }
    Ok(queries)
}

struct Runner<'a, E, P> {
    engine: &'a E,
    req: &'a PlanRequest,
    region: String,
    out: &'a OutDir,
    progress: &'a P,
    reader: RowReader,
    /// `--query-concurrency` permits: a query holds one from its start to its last page.
    slots: tokio::sync::Semaphore,
    /// Told each time a start call in flight returns (`Shared::starting` went down).
    start_landed: tokio::sync::Notify,
    /// What the queries running at the same time share (locked briefly, never across an await).
    shared: Mutex<Shared>,
}

struct Shared {
    done: BTreeMap<String, QueryReport>,
    summary: PlanSummary,
    /// Every query run or reused, with its place in the plan (the summary lists them in that order).
    reports: Vec<(QueryOrder, QueryReport)>,
    /// Ids of the queries started and not yet ended.
    running: BTreeSet<String>,
    /// Start calls in flight: the engine may have started the query, but its id is not known yet.
    starting: usize,
    /// A stop came: no query starts any more.
    stopping: bool,
}

/// The plan's queries: scope, chain rounds, baseline. With `--query-concurrency` above 1, the named principals'
/// baseline in their own accounts runs beside the scope query and the chain rounds, a chain round over several
/// account partitions runs per account, and the rest of the baseline runs as its pieces
/// (`core::orgscale::split`); with 1, one query after the other as one baseline. Returns every record fetched, in
/// plan order (scope, rounds, baseline pieces), whatever order the queries finished in.
async fn run_plan<E: Engine, P: Fn(FetchProgress) + Send + Sync>(
    run: &Runner<'_, E, P>,
    target: &Target,
) -> Result<Vec<Map<String, Value>>, FetchError> {
    let req = run.req;
    let window = super::config::resolve_window(req.base.window);
    let plan_err = |e: PlanError| FetchError::Invalid(e.to_string());
    let together = req.concurrency > 1;
    let base = baseline_window(window.0, req.baseline_days);
    let named = &req.principals;
    let early_accounts = if together {
        early_baseline_accounts(named)
    } else {
        Vec::new()
    };
    let early = if named.is_empty() || early_accounts.is_empty() {
        None
    } else {
        Some(
            target
                .baseline(base, named, Some(&early_accounts), &req.settings)
                .map_err(plan_err)?,
        )
    };
    let scope = target.scope(window, &req.settings).map_err(plan_err)?;
    // 1 and 2: the scope, then chain completion round after round.
    let chains = async {
        let mut records = run.query(QueryOrder::default(), scope).await;
        let mut asked = BTreeSet::new();
        for round in 1..=MAX_CHAIN_ROUNDS {
            let keys = unresolved_keys(&records, &asked);
            if keys.is_empty() {
                break;
            }
            asked.extend(keys.iter().cloned());
            let sets = if together {
                chain_account_sets(&target.layout, req.settings.accounts.as_deref())
            } else {
                vec![req.settings.accounts.clone()]
            };
            let queries = sets
                .iter()
                .enumerate()
                .map(|(i, accounts)| {
                    let order = QueryOrder {
                        phase: 1,
                        round,
                        index: i as u32,
                    };
                    Ok((
                        order,
                        target.chain(round, base, &keys, accounts.as_deref(), &req.settings)?,
                    ))
                })
                .collect::<Result<Vec<_>, PlanError>>()
                .map_err(plan_err)?;
            let found = map_bounded(queries, req.concurrency, |(o, q)| run.query(o, q)).await;
            records.extend(found.into_iter().flatten());
        }
        Ok::<_, FetchError>(records)
    };
    // 3a. The named principals' baseline in their own accounts, beside the scope and the rounds.
    let early_run = async {
        match early {
            Some(q) => run.query(baseline_order(0), q).await,
            None => Vec::new(),
        }
    };
    let (records, early_records) = tokio::join!(chains, early_run);
    let mut records = records?;
    // 3b. The baseline of everyone on the named principals' chains, in the accounts they acted in (what the early
    // piece did not cover).
    if !named.is_empty() {
        let (principals, accounts) = chain_principals(&records, named);
        let pieces = if early_accounts.is_empty() {
            let accounts = (!accounts.is_empty()).then_some(accounts);
            vec![(principals, accounts)]
        } else {
            baseline_rest(named, &early_accounts, &principals, &accounts)
                .into_iter()
                .map(|(p, a)| (p, Some(a)))
                .collect()
        };
        let queries = pieces
            .iter()
            .enumerate()
            .map(|(i, (p, a))| {
                Ok((
                    baseline_order(i as u32 + 1),
                    target.baseline(base, p, a.as_deref(), &req.settings)?,
                ))
            })
            .collect::<Result<Vec<_>, PlanError>>()
            .map_err(plan_err)?;
        let found = map_bounded(queries, req.concurrency, |(o, q)| run.query(o, q)).await;
        records.extend(early_records);
        records.extend(found.into_iter().flatten());
    }
    Ok(records)
}

fn baseline_order(index: u32) -> QueryOrder {
    QueryOrder {
        phase: 2,
        round: 0,
        index,
    }
}

/// Write the manifest under the lock (so a later state never loses to an earlier one); a failed write is not fatal
/// here, `finish` writes it again and reports it.
fn save(sh: &Shared) {
    if let Ok(text) = manifest_text(sh) {
        let _ = atomic_write(&sh.summary.manifest, text.as_bytes());
    }
}

/// The manifest: every query run or reused so far, by resume key (so its order does not depend on timing).
fn manifest_text(sh: &Shared) -> std::io::Result<String> {
    let v = serde_json::json!({
        "table": sh.summary.table,
        "layout": sh.summary.layout,
        "queries": sh.done.values().collect::<Vec<_>>(),
    });
    crate::core::text::json::to_string_pretty(&v).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_and_depend_on_every_part() {
        let t = token("SELECT ?", &["'a'".into()]);
        assert_eq!(t.len(), 32);
        assert_eq!(t, token("SELECT ?", &["'a'".into()]));
        assert_ne!(t, token("SELECT ?", &["'b'".into()]));
        assert_ne!(t, token("SELECT ? ", &["'a'".into()]));
    }

    #[test]
    fn cost_has_a_minimum() {
        assert_eq!(cost(0, 5.0), MIN_BILLED_BYTES as f64 / 1e12 * 5.0);
        assert_eq!(cost(2_000_000_000_000, 5.0), 10.0);
    }
}
