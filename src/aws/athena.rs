//! `trailhound fetch --athena`: the org-scale plan (`core::orgscale`) on Amazon Athena. Reads the table's columns
//! and partition keys (`GetTableMetadata`), then runs the plan through `super::plan_run` with Athena as its
//! `Engine` (`super::engine`): `StartQueryExecution` (values as `ExecutionParameters`, a client request
//! token derived from the query so a retried start never runs it twice), `GetQueryExecution` (state, bytes
//! scanned, output location), the rows — by default streamed from the CSV Athena wrote to the output location
//! (`super::athena_csv`, with the S3 client; its header checked against the column names of `GetQueryResults`'
//! metadata), else paged with `GetQueryResults` (1,000 rows a page, the first row of the first page repeating the
//! column names), as `--results` says — and `StopQueryExecution`. Results land in `<case>/fetched/athena/`. See
//! `docs/org-scale.md`.

use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};

use super::config::Context;
use super::engine::{End, Engine, Page, Polled, RowSink, StreamError};
use super::errors::{FetchError, with_retry};
use super::plan_run::PlanRequest;
use super::s3::{ClientOptions, S3Client};
use super::{FetchProgress, Service};
use crate::core::orgscale::columns::TableColumns;
use crate::core::orgscale::layout::Layout;
use crate::core::orgscale::plan::{Query, Source, Target};
use crate::core::orgscale::sql::TableRef;

pub use super::plan_run::{MIN_BILLED_BYTES, PlanSummary as AthenaSummary, QueryReport, token};

/// IAM actions Athena itself needs from the caller to run the plan's queries (it reads the table definition
/// from Glue and the trail's files from S3, and writes results to the output location); granted in
/// `policy/trailhound-orgscale.json` beside the Athena actions the code calls (docs/org-scale.md). The code also
/// calls `s3:GetObject` itself on the output location, to read the result CSV (`super::athena_csv`).
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

/// What to ask Athena: the plan, as for CloudTrail Lake, and where Athena finds the table and writes its results.
#[derive(Clone, Debug)]
pub struct AthenaRequest {
    /// The engine-independent part: window, principals, settings, limits, credentials and case folder.
    pub plan: PlanRequest,
    /// `[catalog.]database.table`.
    pub table: TableRef,
    /// `--catalog` (overrides the one in `table`).
    pub catalog: Option<String>,
    pub workgroup: Option<String>,
    pub output_location: Option<String>,
}

impl AthenaRequest {
    fn catalog(&self) -> Option<String> {
        self.catalog
            .clone()
            .or_else(|| self.table.catalog.as_ref().map(|c| c.as_str().to_string()))
    }
}

/// Athena as a plan engine.
struct Athena<'a, P> {
    ctx: &'a Context,
    client: aws_sdk_athena::Client,
    region: String,
    req: &'a AthenaRequest,
    progress: &'a P,
    /// The S3 client for the result CSVs, made at the first read.
    s3: tokio::sync::OnceCell<Result<S3Client, String>>,
}

/// Read the table's columns and partition keys.
async fn target(
    ctx: &Context,
    client: &aws_sdk_athena::Client,
    region: &str,
    req: &AthenaRequest,
    progress: &(impl Fn(FetchProgress) + Send + Sync),
) -> Result<Target, String> {
    let catalog = req.catalog().unwrap_or_else(|| "AwsDataCatalog".to_string());
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
        source: Source::Athena(req.table.clone()),
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
    let ctx = Context::load(&req.plan.base).await?;
    let region = ctx.regions.first().cloned().unwrap_or_default();
    let client = ctx.athena(&region);
    let target = target(&ctx, &client, &region, req, &progress)
        .await
        .map_err(FetchError::Invalid)?;
    let queries = super::plan_run::fixed_queries(&target, &req.plan).map_err(|e| FetchError::Invalid(e.to_string()))?;
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
    super::write::OutDir::create(&req.plan.base.case_dir)?;
    let ctx = Context::load(&req.plan.base).await?;
    let region = ctx.regions.first().cloned().unwrap_or_default();
    progress(FetchProgress::Started {
        profile: ctx.profile.clone(),
        regions: vec![region.clone()],
    });
    let client = ctx.athena(&region);
    let target = target(&ctx, &client, &region, &req, &progress)
        .await
        .map_err(FetchError::Invalid)?;
    let engine = Athena {
        ctx: &ctx,
        client,
        region: region.clone(),
        req: &req,
        progress: &progress,
        s3: tokio::sync::OnceCell::new(),
    };
    super::plan_run::run(&engine, &target, &req.plan, &region, &progress, stop).await
}

impl<P: Fn(FetchProgress) + Send + Sync> Engine for Athena<'_, P> {
    fn service(&self) -> Service {
        Service::Athena
    }

    fn dir(&self) -> &'static str {
        "athena"
    }

    async fn start(&self, q: &Query, token: &str) -> Result<String, String> {
        let (client, req) = (&self.client, self.req);
        let context = QueryExecutionContext::builder()
            .database(req.table.database.as_str())
            .set_catalog(req.catalog())
            .build();
        let out = with_retry(
            self.ctx,
            Service::Athena,
            &self.region,
            "athena:StartQueryExecution",
            self.progress,
            || {
                client
                    .start_query_execution()
                    .query_string(&q.sql.text)
                    .set_execution_parameters((!q.sql.params.is_empty()).then(|| q.sql.params.clone()))
                    .client_request_token(token)
                    .query_execution_context(context.clone())
                    .set_work_group(req.workgroup.clone())
                    .set_result_configuration(
                        req.output_location
                            .as_ref()
                            .map(|o| ResultConfiguration::builder().output_location(o).build()),
                    )
                    .send()
            },
        )
        .await?;
        Ok(out
            .query_execution_id()
            .ok_or("StartQueryExecution returned no id")?
            .to_string())
    }

    async fn poll(&self, id: &str) -> Result<Polled, String> {
        let client = &self.client;
        let out = with_retry(
            self.ctx,
            Service::Athena,
            &self.region,
            "athena:GetQueryExecution",
            self.progress,
            || client.get_query_execution().query_execution_id(id).send(),
        )
        .await?;
        let qe = out.query_execution();
        let status = qe.and_then(|q| q.status());
        let state = status.and_then(|s| s.state()).cloned();
        Ok(Polled {
            state: state.as_ref().map_or("UNKNOWN", |s| s.as_str()).to_string(),
            end: match state {
                Some(QueryExecutionState::Succeeded) => End::Succeeded,
                Some(QueryExecutionState::Failed | QueryExecutionState::Cancelled) => End::Failed,
                _ => End::Running,
            },
            reason: status.and_then(|s| s.state_change_reason()).map(String::from),
            bytes_scanned: qe
                .and_then(|q| q.statistics())
                .and_then(|s| s.data_scanned_in_bytes())
                .unwrap_or(0)
                .max(0) as u64,
            output: qe
                .and_then(|q| q.result_configuration())
                .and_then(|r| r.output_location())
                .map(String::from),
        })
    }

    async fn page(&self, id: &str, next: Option<String>) -> Result<Page, String> {
        let client = &self.client;
        let first = next.is_none();
        let out = with_retry(
            self.ctx,
            Service::Athena,
            &self.region,
            "athena:GetQueryResults",
            self.progress,
            || {
                client
                    .get_query_results()
                    .query_execution_id(id)
                    .max_results(PAGE_ROWS)
                    .set_next_token(next.clone())
                    .send()
            },
        )
        .await?;
        let mut rows = Vec::new();
        if let Some(rs) = out.result_set() {
            let names: Vec<&str> = rs
                .result_set_metadata()
                .map(|m| m.column_info().iter().map(|c| c.name()).collect())
                .unwrap_or_default();
            for (i, row) in rs.rows().iter().enumerate() {
                // Row 1 of page 1 repeats the column names.
                if first
                    && i == 0
                    && row
                        .data()
                        .iter()
                        .map(|d| d.var_char_value().unwrap_or(""))
                        .eq(names.iter().copied())
                {
                    continue;
                }
                rows.push(
                    row.data()
                        .iter()
                        .map(|d| d.var_char_value().map(String::from))
                        .collect(),
                );
            }
        }
        Ok(Page {
            rows,
            next: out.next_token().map(String::from),
        })
    }

    async fn stop(&self, id: &str) -> Result<(), String> {
        let client = &self.client;
        with_retry(
            self.ctx,
            Service::Athena,
            &self.region,
            "athena:StopQueryExecution",
            self.progress,
            || client.stop_query_execution().query_execution_id(id).send(),
        )
        .await
        .map(|_| ())
    }

    async fn stream(&self, id: &str, output: Option<&str>, sink: &mut (dyn RowSink + Send)) -> Result<(), StreamError> {
        let Some(url) = output else {
            return Err(StreamError::Unavailable(
                "GetQueryExecution named no output location (a workgroup with managed query results keeps them \
                 out of S3's reach)"
                    .into(),
            ));
        };
        let columns = self.column_names(id).await.map_err(StreamError::Failed)?;
        let s3 = self
            .s3
            .get_or_init(|| async {
                let base = &self.req.plan.base;
                super::s3::connect(&ClientOptions {
                    profile: base.profile.clone(),
                    region: Some(self.region.clone()),
                    default_region: None,
                    endpoint_url: base.endpoint_url.clone(),
                    static_credentials: base.static_credentials.clone(),
                    tuning: base.tuning.clone(),
                })
                .await
                .map_err(|e| e.to_string())
            })
            .await
            .as_ref()
            .map_err(|e| StreamError::Failed(e.clone()))?;
        let tuning = &self.ctx.tuning;
        let retry = |reason: String, wait| {
            (self.progress)(FetchProgress::Retry {
                service: Service::Athena,
                region: self.region.clone(),
                reason,
                wait,
            })
        };
        super::athena_csv::read(
            s3,
            url,
            &columns,
            tuning.outer_retries + 1,
            tuning.outer_backoff,
            &retry,
            sink,
        )
        .await
    }
}

impl<P: Fn(FetchProgress) + Send + Sync> Athena<'_, P> {
    /// The query's column names, in order, from the metadata of a one-row `GetQueryResults` (what the result
    /// CSV's header must be).
    async fn column_names(&self, id: &str) -> Result<Vec<String>, String> {
        let client = &self.client;
        let out = with_retry(
            self.ctx,
            Service::Athena,
            &self.region,
            "athena:GetQueryResults",
            self.progress,
            || client.get_query_results().query_execution_id(id).max_results(1).send(),
        )
        .await?;
        let names: Vec<String> = out
            .result_set()
            .and_then(|rs| rs.result_set_metadata())
            .map(|m| m.column_info().iter().map(|c| c.name().to_string()).collect())
            .unwrap_or_default();
        if names.is_empty() {
            return Err(format!("GetQueryResults gave no column names for query {id}"));
        }
        Ok(names)
    }
}
