//! Running the org-scale plan (`core::orgscale::plan`) on a query engine, whichever it is: the scope query, the
//! chain-completion rounds until the chains close, and the baseline, each started, polled (state, bytes scanned,
//! cost; stopped past `--max-scan-bytes`) and paged back into CloudTrail records through an `Engine` (`super::engine`) (Amazon
//! Athena in `super::athena`, CloudTrail Lake in `super::lake`). Each query's records land in
//! `<case>/fetched/<engine>/` as gzip JSON lines, read by the normal ingest; `manifest.json` beside them records
//! every query (id, SQL, parameters, state, rows, bytes scanned, time) and is what a re-run resumes from: a query
//! that already succeeded is not run again. Interrupting the run stops the queries still running. Queries that do
//! not depend on each other run at the same time, at most `--query-concurrency` at once (which pieces:
//! `core::orgscale::split`); the summary, the records and the manifest keep the plan's order whatever order they
//! finish in. This module owns that sequence and the manifest; it knows nothing of either engine's API.

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

impl<E: Engine, P: Fn(FetchProgress) + Send + Sync> Runner<'_, E, P> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn note(&self, message: String) {
        (self.progress)(FetchProgress::Note {
            service: self.engine.service(),
            region: self.region.clone(),
            message,
        });
    }

    fn error(&self, message: String) {
        (self.progress)(FetchProgress::Error {
            service: self.engine.service(),
            region: self.region.clone(),
            message: message.clone(),
        });
        self.lock().summary.errors.push(message);
    }

    /// Report where query `report` (at `order`) is.
    fn report(&self, order: QueryOrder, report: &QueryReport, ended: bool) {
        (self.progress)(FetchProgress::Query(Box::new(QueryProgress {
            service: self.engine.service(),
            region: self.region.clone(),
            order,
            part: report.part.clone(),
            token: report.token.clone(),
            query_id: report.query_id.clone(),
            state: report.state.clone(),
            rows: report.rows,
            bytes_scanned: report.bytes_scanned,
            cost_usd: cost(report.bytes_scanned, self.req.price_per_tb),
            results: report.results,
            reused: report.reused,
            ended,
        })));
    }

    /// Run (or reuse) one query and return its records.
    async fn query(&self, order: QueryOrder, q: Query) -> Vec<Map<String, Value>> {
        let tok = token(&q.sql.text, &q.sql.params);
        let mut report = QueryReport {
            part: q.part.to_string(),
            token: tok.clone(),
            query_id: None,
            sql: q.sql.text.clone(),
            params: q.sql.params.clone(),
            state: "PLANNED".into(),
            state_change_reason: None,
            rows: 0,
            bytes_scanned: 0,
            cost_usd: 0.0,
            seconds: 0.0,
            file: None,
            reused: false,
            attempt: 1,
            results: None,
            results_note: None,
        };
        let prev = self.lock().done.get(&tok).cloned();
        if let Some(prev) = prev {
            // A file is written only once a query succeeded and all its rows were read.
            if let Some(file) = &prev.file
                && let Ok(records) = read_jsonl_gz(&self.out.root.join(file))
            {
                self.note(format!(
                    "{}: reusing query {} ({} rows)",
                    q.part,
                    prev.query_id.clone().unwrap_or_default(),
                    records.len()
                ));
                let reused = QueryReport { reused: true, ..prev };
                self.report(order, &reused, true);
                self.lock().reports.push((order, reused));
                return records;
            }
            if matches!(prev.state.as_str(), "FAILED" | "CANCELLED" | "STOPPED" | "TIMED_OUT") {
                report.attempt = prev.attempt + 1;
            } else {
                report.query_id = prev.query_id;
            }
        }
        report.state = "WAITING".into();
        self.report(order, &report, false);
        // The semaphore is never closed: a failed acquire only means no limit.
        let _slot = self.slots.acquire().await.ok();
        let started = std::time::Instant::now();
        let records = match self.execute(order, &q, &mut report).await {
            Ok(r) => r,
            Err(e) => {
                self.error(format!("{}: {e}", q.part));
                Vec::new()
            }
        };
        report.seconds = started.elapsed().as_secs_f64();
        report.cost_usd = cost(report.bytes_scanned, self.req.price_per_tb);
        self.report(order, &report, true);
        {
            let mut sh = self.lock();
            sh.summary.bytes_scanned += report.bytes_scanned;
            sh.summary.cost_usd += report.cost_usd;
            sh.done.insert(tok, report.clone());
            sh.reports.push((order, report));
            save(&sh);
        }
        records
    }

    async fn execute(
        &self,
        order: QueryOrder,
        q: &Query,
        report: &mut QueryReport,
    ) -> Result<Vec<Map<String, Value>>, String> {
        let engine = self.engine;
        let (id, fresh) = match report.query_id.clone() {
            Some(id) => {
                self.note(format!("{}: resuming query {id}", q.part));
                (id, false)
            }
            None => {
                {
                    let mut sh = self.lock();
                    if sh.stopping {
                        return Err("interrupted before it started".into());
                    }
                    sh.starting += 1;
                }
                let started = engine.start(q, &format!("{}-{}", report.token, report.attempt)).await;
                if started.is_err() {
                    self.lock().starting -= 1;
                    self.start_landed.notify_one();
                }
                (started?, true)
            }
        };
        report.query_id = Some(id.clone());
        report.state = "QUEUED".into();
        {
            // Running and no longer starting in one step: a stop waiting for starts to land then stops it.
            let mut sh = self.lock();
            sh.running.insert(id.clone());
            if fresh {
                sh.starting -= 1;
            }
            sh.done.insert(report.token.clone(), report.clone());
            save(&sh);
        }
        if fresh {
            self.start_landed.notify_one();
        }
        self.report(order, report, false);
        // Poll until the query ends.
        let mut output = None;
        loop {
            let p = engine.poll(&id).await?;
            output = p.output.or(output);
            report.bytes_scanned = p.bytes_scanned;
            report.state = p.state;
            report.state_change_reason = p.reason.as_deref().map(super::redact);
            if p.end != End::Running {
                self.lock().running.remove(&id);
            }
            self.report(order, report, false);
            match p.end {
                End::Succeeded => break,
                End::Failed => {
                    return Err(format!(
                        "query {id} {}: {}",
                        report.state,
                        crate::core::text::visible_lines(
                            report.state_change_reason.as_deref().unwrap_or("no reason given")
                        )
                    ));
                }
                End::Running => {}
            }
            if let Some(cap) = self.req.max_scan_bytes
                && report.bytes_scanned > cap
            {
                let _ = engine.stop(&id).await;
                report.state = "STOPPED".into();
                self.lock().running.remove(&id);
                return Err(format!(
                    "query {id} stopped: it scanned {} bytes, more than --max-scan-bytes {cap}; narrow the window, \
                     the accounts or the principals",
                    report.bytes_scanned
                ));
            }
            tokio::time::sleep(self.req.poll_interval).await;
        }
        let records = self.read_rows(&id, output.as_deref(), order, report).await?;
        report.rows = records.len();
        let rel = PathBuf::from(engine.dir()).join(format!(
            "{}-{}.jsonl.gz",
            q.part.to_string().replace(' ', "-"),
            super::write::safe_component(&id)
        ));
        write_jsonl_gz(&self.out.root.join(&rel), &records).map_err(|e| format!("{}: {e}", rel.display()))?;
        (self.progress)(FetchProgress::Wrote {
            path: self.out.root.join(&rel),
            items: records.len(),
        });
        report.file = Some(rel);
        Ok(records)
    }

    /// The rows of succeeded query `id` as records: streamed from the engine's result file or paged, as
    /// `--results` says (`auto`: the file, else pages, saying why in the manifest's `results_note`).
    async fn read_rows(
        &self,
        id: &str,
        output: Option<&str>,
        order: QueryOrder,
        report: &mut QueryReport,
    ) -> Result<Vec<Map<String, Value>>, String> {
        let choice = self.req.results;
        let mut note = None;
        if choice != ResultsChoice::Pages {
            let mut sink = Collect {
                reader: &self.reader,
                records: Vec::new(),
                max_rows: self.req.settings.max_rows,
                id,
                tick: &|total| {
                    (self.progress)(FetchProgress::Page {
                        service: self.engine.service(),
                        region: self.region.clone(),
                        page: (total / STREAM_TICK_ROWS) as u32,
                        items: STREAM_TICK_ROWS,
                        total,
                    })
                },
            };
            match self.engine.stream(id, output, &mut sink).await {
                Ok(()) => {
                    report.results = Some(ResultsRoute::Csv);
                    report.rows = sink.records.len();
                    return Ok(sink.records);
                }
                Err(StreamError::NotOffered(why) | StreamError::Unavailable(why)) if choice == ResultsChoice::Csv => {
                    return Err(format!(
                        "query {id}: its result CSV cannot be read (--results csv): {why}"
                    ));
                }
                Err(StreamError::NotOffered(_)) => {}
                Err(StreamError::Unavailable(why)) => note = Some(super::redact(&why)),
                Err(StreamError::Failed(why)) => return Err(format!("query {id}: reading its result CSV: {why}")),
            }
        }
        if let Some(why) = &note {
            self.note(format!(
                "{}: query {id}: the result CSV was not read ({why}); paging its results instead",
                report.part
            ));
        }
        report.results = Some(ResultsRoute::Pages);
        report.results_note = note;
        self.page_all(id, order, report).await
    }

    /// Page the results of query `id` back into records.
    async fn page_all(
        &self,
        id: &str,
        order: QueryOrder,
        report: &mut QueryReport,
    ) -> Result<Vec<Map<String, Value>>, String> {
        let engine = self.engine;
        let mut records = Vec::new();
        let mut next: Option<String> = None;
        let mut page = 0u32;
        loop {
            let got = engine.page(id, next.take()).await?;
            let items = got.rows.len();
            for row in &got.rows {
                let rec = self.reader.record(row.iter().map(Option::as_deref));
                if !rec.is_empty() {
                    records.push(rec);
                }
            }
            page += 1;
            (self.progress)(FetchProgress::Page {
                service: engine.service(),
                region: self.region.clone(),
                page,
                items,
                total: records.len(),
            });
            report.rows = records.len();
            self.report(order, report, false);
            if records.len() as u64 > self.req.settings.max_rows {
                return Err(too_many_rows(id, self.req.settings.max_rows));
            }
            match got.next {
                Some(t) => next = Some(t),
                None => return Ok(records),
            }
        }
    }

    /// A stop came while the plan ran: no query starts any more, and the start calls in flight are let finish
    /// (for at most one attempt's timeout, `Tuning::attempt_timeout`) so that the queries they started are known
    /// and [`Self::stop_running`] stops them too (Athena would otherwise take such a query up again on the next
    /// run through its client request token; CloudTrail Lake would run it to the end and bill it).
    async fn let_starts_land<F: std::future::Future>(&self, mut plan: std::pin::Pin<&mut F>) {
        self.lock().stopping = true;
        let deadline = tokio::time::sleep(self.req.base.tuning.attempt_timeout);
        tokio::pin!(deadline);
        loop {
            if self.lock().starting == 0 {
                return;
            }
            tokio::select! {
                _ = plan.as_mut() => return,
                () = self.start_landed.notified() => {}
                () = &mut deadline => return,
            }
        }
    }

    /// Stop every query still running (the fetch was interrupted) and record them as CANCELLED.
    async fn stop_running(&self) {
        let ids: Vec<String> = std::mem::take(&mut self.lock().running).into_iter().collect();
        for id in &ids {
            let stopped = self.engine.stop(id).await;
            let cancelled: Vec<QueryReport> = {
                let mut sh = self.lock();
                let mut out = Vec::new();
                for q in sh.done.values_mut() {
                    if q.query_id.as_deref() == Some(id.as_str()) {
                        q.state = "CANCELLED".into();
                        q.state_change_reason = Some("interrupted: stopped by trailhound".into());
                        out.push(q.clone());
                    }
                }
                out
            };
            for q in cancelled {
                let order = QueryOrder {
                    phase: u8::MAX,
                    ..QueryOrder::default()
                };
                self.report(order, &q, true);
                self.lock().reports.push((order, q));
            }
            let how = match stopped {
                Ok(()) => "stopped".to_string(),
                Err(e) => format!("could not be stopped ({e})"),
            };
            self.error(format!("interrupted: query {id} {how}"));
        }
        if ids.is_empty() {
            self.error("interrupted".into());
        }
        save(&self.lock());
    }

    fn finish(self) -> Result<PlanSummary, FetchError> {
        let mut sh = self
            .shared
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = manifest_text(&sh).map_err(|e| FetchError::io(&sh.summary.manifest, e))?;
        atomic_write(&sh.summary.manifest, text.as_bytes()).map_err(|e| FetchError::io(&sh.summary.manifest, e))?;
        // Plan order; the sort is stable, so pieces of equal place keep their order.
        sh.reports.sort_by_key(|(o, _)| *o);
        sh.summary.queries = sh.reports.into_iter().map(|(_, r)| r).collect();
        Ok(sh.summary)
    }
}

/// A streamed read reports its progress every this many rows.
const STREAM_TICK_ROWS: usize = 10_000;

/// Why a query's rows were refused for their number.
fn too_many_rows(id: &str, max_rows: u64) -> String {
    format!(
        "query {id} returned more than --max-rows {max_rows} rows: narrow it (--from/--to, --account, \
         --principal) or raise --max-rows"
    )
}

/// The records of a streamed read, made as the rows arrive.
struct Collect<'a> {
    reader: &'a RowReader,
    records: Vec<Map<String, Value>>,
    max_rows: u64,
    id: &'a str,
    /// Told the number of records every [`STREAM_TICK_ROWS`].
    tick: &'a (dyn Fn(usize) + Send + Sync),
}

impl RowSink for Collect<'_> {
    fn restart(&mut self) {
        self.records.clear();
    }

    fn row(&mut self, values: &[Option<&str>]) -> Result<(), String> {
        let rec = self.reader.record(values.iter().copied());
        if !rec.is_empty() {
            self.records.push(rec);
            if self.records.len().is_multiple_of(STREAM_TICK_ROWS) {
                (self.tick)(self.records.len());
            }
        }
        if self.records.len() as u64 > self.max_rows {
            return Err(too_many_rows(self.id, self.max_rows));
        }
        Ok(())
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
