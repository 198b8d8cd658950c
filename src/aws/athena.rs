//! `trailhound fetch --athena`: run the org-scale plan (`core::orgscale`) on Amazon Athena and bring back only
//! what it needs. Reads the table's columns and partition keys (`GetTableMetadata`), then runs the scope query,
//! chain-completion rounds until the chains close, and the baseline query, each with `StartQueryExecution`
//! (values as `ExecutionParameters`, a client request token derived from the query so a retried start never runs
//! it twice), polling `GetQueryExecution` (bytes scanned, cost; `StopQueryExecution` past `--max-scan-bytes`),
//! and paging `GetQueryResults` (1,000 rows a page) back into CloudTrail records. Each query's records land in
//! `<case>/fetched/athena/` as gzip JSON lines, read by the normal ingest; `manifest.json` beside them records
//! every query (id, SQL, parameters, state, rows, bytes scanned, time) and is what a re-run resumes from: a query
//! that already succeeded is not run again. See `docs/org-scale.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};
use serde_json::{Map, Value};

use super::config::Context;
use super::errors::{FetchError, with_retry};
use super::write::{OutDir, atomic_write};
use super::{FetchProgress, FetchRequest, Service};
use crate::core::orgscale::chains::{chain_principals, unresolved_keys};
use crate::core::orgscale::columns::TableColumns;
use crate::core::orgscale::layout::Layout;
use crate::core::orgscale::plan::{MAX_CHAIN_ROUNDS, Principal, Query, Settings, Target, baseline_window};
use crate::core::orgscale::rows::RowReader;
use crate::core::orgscale::sql::TableRef;

/// IAM actions Athena itself needs from the caller to run the plan's queries (it reads the table definition
/// from Glue and the trail's files from S3, and writes results to the output location); granted in
/// `policy/trailhound-orgscale.json` beside the Athena actions the code calls (docs/org-scale.md).
pub const INDIRECT_ACTIONS: &[&str] = &[
    "glue:GetDatabase",
    "glue:GetTable",
    "glue:GetPartitions",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];

/// Athena's page size limit for `GetQueryResults`.
pub const PAGE_ROWS: i32 = 1000;
/// Athena bills at least this many bytes per query.
pub const MIN_BILLED_BYTES: u64 = 10 * 1024 * 1024;

/// What to ask Athena.
#[derive(Clone, Debug)]
pub struct AthenaRequest {
    /// Profile, region (the first is used), window, endpoint, tuning, credentials and case folder.
    pub base: FetchRequest,
    /// `[catalog.]database.table`.
    pub table: TableRef,
    /// `--catalog` (overrides the one in `table`).
    pub catalog: Option<String>,
    pub workgroup: Option<String>,
    pub output_location: Option<String>,
    pub settings: Settings,
    /// `--principal`s (and the finding's).
    pub principals: Vec<Principal>,
    pub baseline_days: u32,
    /// Dollars per TB (10¹² bytes) scanned.
    pub price_per_tb: f64,
    /// Stop a query that has scanned more than this.
    pub max_scan_bytes: Option<u64>,
    /// Between two `GetQueryExecution` polls.
    pub poll_interval: Duration,
}

/// One query as run (or reused), also the manifest's entry.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueryReport {
    pub part: String,
    /// The client request token: a digest of the SQL and parameters, the key a re-run resumes by.
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
    /// How many times this query was started (a failed query is started again on a re-run, with a new client
    /// request token: Athena answers a repeated token with the earlier execution).
    #[serde(default)]
    pub attempt: u32,
}

/// What the Athena fetch did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct AthenaSummary {
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

fn cost(bytes: u64, price_per_tb: f64) -> f64 {
    bytes.max(MIN_BILLED_BYTES) as f64 / 1e12 * price_per_tb
}

struct Runner<'a, P> {
    ctx: &'a Context,
    req: &'a AthenaRequest,
    athena: aws_sdk_athena::Client,
    region: String,
    out: &'a OutDir,
    progress: &'a P,
    done: BTreeMap<String, QueryReport>,
    summary: AthenaSummary,
    reader: RowReader,
    /// Ids of the queries started and not yet ended.
    running: BTreeSet<String>,
}

fn manifest_path(out: &OutDir) -> PathBuf {
    out.root.join("athena").join("manifest.json")
}

/// Read the table's columns and partition keys.
async fn target(
    ctx: &Context,
    client: &aws_sdk_athena::Client,
    region: &str,
    req: &AthenaRequest,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
) -> Result<Target, String> {
    let catalog = req
        .catalog
        .clone()
        .or_else(|| req.table.catalog.as_ref().map(|c| c.as_str().to_string()))
        .unwrap_or_else(|| "AwsDataCatalog".to_string());
    let meta = with_retry(
        ctx,
        Service::Athena,
        region,
        "athena:GetTableMetadata",
        progress,
        || {
            client
                .get_table_metadata()
                .catalog_name(&catalog)
                .database_name(req.table.database.as_str())
                .table_name(req.table.table.as_str())
                .send()
        },
    )
    .await?;
    let Some(t) = meta.table_metadata() else {
        return Err("GetTableMetadata returned no table".into());
    };
    let columns = TableColumns::from_metadata(t.columns().iter().map(|c| (c.name(), c.r#type().unwrap_or(""))));
    let layout = Layout::from_partition_keys(t.partition_keys().iter().map(|c| c.name()));
    Ok(Target {
        table: req.table.clone(),
        layout,
        columns,
    })
}

/// Make the plan's fixed queries without running anything (`--dry-run`): the scope query and, when principals
/// are named, the baseline over their own accounts. Chain rounds depend on results and are described, not made.
pub async fn dry_run(
    req: &AthenaRequest,
    progress: impl Fn(FetchProgress) + Send + Sync,
) -> Result<(Target, Vec<Query>), FetchError> {
    let ctx = Context::load(&req.base).await?;
    let region = ctx.regions.first().cloned().unwrap_or_default();
    let client = ctx.athena(&region);
    let target = target(&ctx, &client, &region, req, &progress)
        .await
        .map_err(FetchError::Invalid)?;
    let window = super::config::resolve_window(req.base.window);
    let mut queries = vec![
        target
            .scope(window, &req.settings)
            .map_err(|e| FetchError::Invalid(e.to_string()))?,
    ];
    if !req.principals.is_empty() {
        let accounts: Vec<String> = req
            .principals
            .iter()
            .filter_map(|p| p.account().map(String::from))
            .collect();
        let accounts = (!accounts.is_empty()).then_some(accounts);
        queries.push(
            target
                .baseline(
                    baseline_window(window.0, req.baseline_days),
                    &req.principals,
                    accounts.as_deref().or(req.settings.accounts.as_deref()),
                    &req.settings,
                )
                .map_err(|e| FetchError::Invalid(e.to_string()))?,
        );
    }
    Ok((target, queries))
}

/// Run the plan. Fails only when nothing can run (credentials, table, case folder); a failed query is an error in
/// the summary and the plan goes on without its records.
pub async fn fetch(
    req: AthenaRequest,
    progress: impl Fn(FetchProgress) + Send + Sync,
) -> Result<AthenaSummary, FetchError> {
    fetch_until(req, progress, std::future::pending()).await
}

/// [`fetch`], stopped when `stop` completes (the CLI passes Ctrl-C): the queries running then are stopped with
/// `StopQueryExecution` and recorded as CANCELLED (a re-run starts them again; finished ones are reused).
pub async fn fetch_until(
    req: AthenaRequest,
    progress: impl Fn(FetchProgress) + Send + Sync,
    stop: impl std::future::Future<Output = ()>,
) -> Result<AthenaSummary, FetchError> {
    let out = OutDir::create(&req.base.case_dir)?;
    let ctx = Context::load(&req.base).await?;
    let region = ctx.regions.first().cloned().unwrap_or_default();
    progress(FetchProgress::Started {
        profile: ctx.profile.clone(),
        regions: vec![region.clone()],
    });
    let client = ctx.athena(&region);
    let target = target(&ctx, &client, &region, &req, &progress)
        .await
        .map_err(FetchError::Invalid)?;
    let columns = target.selected();
    let done: BTreeMap<String, QueryReport> = std::fs::read(manifest_path(&out))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| serde_json::from_value::<Vec<QueryReport>>(v.get("queries")?.clone()).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|q| (q.token.clone(), q))
        .collect();
    let mut run = Runner {
        ctx: &ctx,
        req: &req,
        athena: client,
        region,
        out: &out,
        progress: &progress,
        done,
        summary: AthenaSummary {
            table: req.table.to_string(),
            layout: target.layout.describe(),
            manifest: manifest_path(&out),
            ..AthenaSummary::default()
        },
        reader: RowReader::new(&columns),
        running: BTreeSet::new(),
    };
    let outcome = {
        let plan = run_plan(&mut run, &target, &req);
        tokio::pin!(plan);
        tokio::pin!(stop);
        tokio::select! {
            r = &mut plan => Some(r),
            () = &mut stop => None,
        }
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

/// The plan's queries in order: scope, chain rounds, baseline. Returns every record fetched.
async fn run_plan<P: Fn(FetchProgress) + Send + Sync>(
    run: &mut Runner<'_, P>,
    target: &Target,
    req: &AthenaRequest,
) -> Result<Vec<Map<String, Value>>, FetchError> {
    let window = super::config::resolve_window(req.base.window);
    let plan_err = |e: crate::core::orgscale::plan::PlanError| FetchError::Invalid(e.to_string());
    // 1. Scope.
    let mut records = run.query(target.scope(window, &req.settings).map_err(plan_err)?).await;
    // 2. Chain completion, round after round.
    let base = baseline_window(window.0, req.baseline_days);
    let mut asked = BTreeSet::new();
    for round in 1..=MAX_CHAIN_ROUNDS {
        let keys = unresolved_keys(&records, &asked);
        if keys.is_empty() {
            break;
        }
        asked.extend(keys.iter().cloned());
        let q = target
            .chain(round, base, &keys, req.settings.accounts.as_deref(), &req.settings)
            .map_err(plan_err)?;
        let found = run.query(q).await;
        records.extend(found);
    }
    // 3. Baseline of the named principals and everyone on their chains, in the accounts they acted in.
    if !req.principals.is_empty() {
        let (principals, accounts) = chain_principals(&records, &req.principals);
        let accounts = (!accounts.is_empty()).then_some(accounts);
        let q = target
            .baseline(base, &principals, accounts.as_deref(), &req.settings)
            .map_err(plan_err)?;
        let found = run.query(q).await;
        records.extend(found);
    }
    Ok(records)
}

impl<P: Fn(FetchProgress) + Send + Sync> Runner<'_, P> {
    fn note(&self, message: String) {
        (self.progress)(FetchProgress::Note {
            service: Service::Athena,
            region: self.region.clone(),
            message,
        });
    }

    fn error(&mut self, message: String) {
        (self.progress)(FetchProgress::Error {
            service: Service::Athena,
            region: self.region.clone(),
            message: message.clone(),
        });
        self.summary.errors.push(message);
    }

    /// Run (or reuse) one query and return its records.
    async fn query(&mut self, q: Query) -> Vec<Map<String, Value>> {
        let tok = token(&q.sql.text, &q.sql.params);
        let started = std::time::Instant::now();
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
        };
        if let Some(prev) = self.done.get(&tok).cloned() {
            if prev.state == "SUCCEEDED"
                && let Some(file) = &prev.file
                && let Ok(records) = read_jsonl_gz(&self.out.root.join(file))
            {
                self.note(format!(
                    "{}: reusing query {} ({} rows)",
                    q.part,
                    prev.query_id.clone().unwrap_or_default(),
                    records.len()
                ));
                self.summary.queries.push(QueryReport { reused: true, ..prev });
                return records;
            }
            if matches!(prev.state.as_str(), "FAILED" | "CANCELLED" | "STOPPED") {
                report.attempt = prev.attempt + 1;
            } else {
                report.query_id = prev.query_id;
            }
        }
        let records = match self.execute(&q, &mut report).await {
            Ok(r) => r,
            Err(e) => {
                self.error(format!("{}: {e}", q.part));
                Vec::new()
            }
        };
        report.seconds = started.elapsed().as_secs_f64();
        report.cost_usd = cost(report.bytes_scanned, self.req.price_per_tb);
        self.summary.bytes_scanned += report.bytes_scanned;
        self.summary.cost_usd += report.cost_usd;
        self.done.insert(tok, report.clone());
        self.summary.queries.push(report);
        let _ = self.save();
        records
    }

    async fn execute(&mut self, q: &Query, report: &mut QueryReport) -> Result<Vec<Map<String, Value>>, String> {
        let (ctx, client, region, progress) = (self.ctx, self.athena.clone(), self.region.clone(), self.progress);
        let id = match report.query_id.clone() {
            Some(id) => {
                self.note(format!("{}: resuming query {id}", q.part));
                id
            }
            None => {
                let catalog = self.req.catalog.clone().or_else(|| q_catalog(&self.req.table));
                let context = QueryExecutionContext::builder()
                    .database(self.req.table.database.as_str())
                    .set_catalog(catalog)
                    .build();
                let out = with_retry(
                    ctx,
                    Service::Athena,
                    &region,
                    "athena:StartQueryExecution",
                    progress,
                    || {
                        client
                            .start_query_execution()
                            .query_string(&q.sql.text)
                            .set_execution_parameters((!q.sql.params.is_empty()).then(|| q.sql.params.clone()))
                            .client_request_token(format!("{}-{}", report.token, report.attempt))
                            .query_execution_context(context.clone())
                            .set_work_group(self.req.workgroup.clone())
                            .set_result_configuration(
                                self.req
                                    .output_location
                                    .as_ref()
                                    .map(|o| ResultConfiguration::builder().output_location(o).build()),
                            )
                            .send()
                    },
                )
                .await?;
                out.query_execution_id()
                    .ok_or("StartQueryExecution returned no id")?
                    .to_string()
            }
        };
        report.query_id = Some(id.clone());
        report.state = "QUEUED".into();
        self.running.insert(id.clone());
        let _ = self.save_with(report);
        // Poll until the query ends.
        loop {
            let out = with_retry(
                ctx,
                Service::Athena,
                &region,
                "athena:GetQueryExecution",
                progress,
                || client.get_query_execution().query_execution_id(&id).send(),
            )
            .await?;
            let qe = out.query_execution();
            let status = qe.and_then(|q| q.status());
            let state = status.and_then(|s| s.state()).cloned();
            report.bytes_scanned = qe
                .and_then(|q| q.statistics())
                .and_then(|s| s.data_scanned_in_bytes())
                .unwrap_or(0)
                .max(0) as u64;
            report.state = state.as_ref().map_or("UNKNOWN", |s| s.as_str()).to_string();
            report.state_change_reason = status.and_then(|s| s.state_change_reason()).map(super::redact);
            if matches!(
                state,
                Some(QueryExecutionState::Succeeded | QueryExecutionState::Failed | QueryExecutionState::Cancelled)
            ) {
                self.running.remove(&id);
            }
            match state {
                Some(QueryExecutionState::Succeeded) => break,
                Some(QueryExecutionState::Failed | QueryExecutionState::Cancelled) => {
                    return Err(format!(
                        "query {id} {}: {}",
                        report.state,
                        crate::core::text::visible_lines(
                            report.state_change_reason.as_deref().unwrap_or("no reason given")
                        )
                    ));
                }
                _ => {}
            }
            if let Some(cap) = self.req.max_scan_bytes
                && report.bytes_scanned > cap
            {
                let _ = with_retry(
                    ctx,
                    Service::Athena,
                    &region,
                    "athena:StopQueryExecution",
                    progress,
                    || client.stop_query_execution().query_execution_id(&id).send(),
                )
                .await;
                report.state = "STOPPED".into();
                self.running.remove(&id);
                return Err(format!(
                    "query {id} stopped: it scanned {} bytes, more than --max-scan-bytes {cap}; narrow the window, \
                     the accounts or the principals",
                    report.bytes_scanned
                ));
            }
            tokio::time::sleep(self.req.poll_interval).await;
        }
        // Page the results back into records.
        let mut records = Vec::new();
        let mut next: Option<String> = None;
        let mut page = 0u32;
        loop {
            let out = with_retry(
                ctx,
                Service::Athena,
                &region,
                "athena:GetQueryResults",
                progress,
                || {
                    client
                        .get_query_results()
                        .query_execution_id(&id)
                        .max_results(PAGE_ROWS)
                        .set_next_token(next.clone())
                        .send()
                },
            )
            .await?;
            let Some(rs) = out.result_set() else { break };
            let names: Vec<&str> = rs
                .result_set_metadata()
                .map(|m| m.column_info().iter().map(|c| c.name()).collect())
                .unwrap_or_default();
            for (i, row) in rs.rows().iter().enumerate() {
                let values = row.data().iter().map(|d| d.var_char_value());
                // Row 1 of page 1 repeats the column names.
                if page == 0
                    && i == 0
                    && row
                        .data()
                        .iter()
                        .map(|d| d.var_char_value().unwrap_or(""))
                        .eq(names.iter().copied())
                {
                    continue;
                }
                let rec = self.reader.record(values);
                if !rec.is_empty() {
                    records.push(rec);
                }
            }
            page += 1;
            (self.progress)(FetchProgress::Page {
                service: Service::Athena,
                region: region.clone(),
                page,
                items: rs.rows().len(),
                total: records.len(),
            });
            if records.len() as u64 > self.req.settings.max_rows {
                report.rows = records.len();
                return Err(format!(
                    "query {id} returned more than --max-rows {} rows: narrow it (--from/--to, --account, \
                     --principal) or raise --max-rows",
                    self.req.settings.max_rows
                ));
            }
            match out.next_token() {
                Some(t) => next = Some(t.to_string()),
                None => break,
            }
        }
        report.rows = records.len();
        let rel = PathBuf::from("athena").join(format!(
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

    /// Stop every query still running (the fetch was interrupted) and record them as CANCELLED.
    async fn stop_running(&mut self) {
        let ids: Vec<String> = std::mem::take(&mut self.running).into_iter().collect();
        for id in &ids {
            let (ctx, client, region, progress) = (self.ctx, self.athena.clone(), self.region.clone(), self.progress);
            let stopped = with_retry(
                ctx,
                Service::Athena,
                &region,
                "athena:StopQueryExecution",
                progress,
                || client.stop_query_execution().query_execution_id(id).send(),
            )
            .await;
            let mut cancelled = None;
            for q in self.done.values_mut() {
                if q.query_id.as_deref() == Some(id.as_str()) {
                    q.state = "CANCELLED".into();
                    q.state_change_reason = Some("interrupted: stopped by trailhound".into());
                    cancelled = Some(q.clone());
                }
            }
            if let Some(q) = cancelled {
                self.summary.queries.push(q);
            }
            let how = match stopped {
                Ok(_) => "stopped".to_string(),
                Err(e) => format!("could not be stopped ({e})"),
            };
            self.error(format!("interrupted: query {id} {how}"));
        }
        if ids.is_empty() {
            self.error("interrupted".into());
        }
        let _ = self.save();
    }

    fn save_with(&mut self, report: &QueryReport) -> std::io::Result<()> {
        self.done.insert(report.token.clone(), report.clone());
        self.save()
    }

    /// Write the manifest: every query run or reused so far.
    fn save(&self) -> std::io::Result<()> {
        let v = serde_json::json!({
            "table": self.summary.table,
            "layout": self.summary.layout,
            "queries": self.done.values().collect::<Vec<_>>(),
        });
        let text = crate::core::text::json::to_string_pretty(&v).map_err(std::io::Error::other)?;
        atomic_write(&manifest_path(self.out), text.as_bytes())
    }

    fn finish(self) -> Result<AthenaSummary, FetchError> {
        self.save().map_err(|e| FetchError::io(manifest_path(self.out), e))?;
        Ok(self.summary)
    }
}

fn q_catalog(t: &TableRef) -> Option<String> {
    t.catalog.as_ref().map(|c| c.as_str().to_string())
}

fn write_jsonl_gz(path: &std::path::Path, records: &[Map<String, Value>]) -> std::io::Result<()> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for r in records {
        serde_json::to_writer(&mut gz, r)?;
        gz.write_all(b"\n")?;
    }
    atomic_write(path, &gz.finish()?)
}

fn read_jsonl_gz(path: &std::path::Path) -> std::io::Result<Vec<Map<String, Value>>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
        .collect()
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
