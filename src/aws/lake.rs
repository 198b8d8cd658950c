//! `trailhound fetch --lake`: the org-scale plan (`core::orgscale`) on a CloudTrail Lake event data store, run by
//! `super::plan_run` with Lake as its `Engine` (`super::engine`): `StartQuery` (Lake takes no query
//! parameters, so each value is inlined as the literal `core::orgscale::sql::literal` made of it, through
//! `Sql::inline`), `DescribeQuery` (state, bytes scanned, error message), paged `GetQueryResults` (1,000 rows a
//! page, each row a list of one-key maps named by the column aliases the plan gives every column) and
//! `CancelQuery`. The store's columns are its documented schema (`TableColumns::lake`): Lake has no call that
//! lists them. Results land in `<case>/fetched/lake/`. See `docs/org-scale.md`.

use std::collections::HashMap;

use aws_sdk_cloudtrail::types::QueryStatus;

use super::config::Context;
use super::engine::{End, Engine, Page, Polled};
use super::errors::{FetchError, with_retry};
use super::plan_run::{PlanRequest, PlanSummary};
use super::{FetchProgress, Service};
use crate::core::orgscale::columns::TableColumns;
use crate::core::orgscale::layout::Layout;
use crate::core::orgscale::plan::{Query, Source, Target};
use crate::core::orgscale::query::alias;
use crate::core::orgscale::sql::EventDataStore;

/// Lake's page size limit for `GetQueryResults` (`MaxQueryResults` 1–1,000).
pub const PAGE_ROWS: i32 = 1000;

/// What to ask CloudTrail Lake.
#[derive(Clone, Debug)]
pub struct LakeRequest {
    /// Window, scope, principals, baseline, price and caps, shared with Athena.
    pub plan: PlanRequest,
    /// The event data store.
    pub store: EventDataStore,
}

/// The plan's target: the store with its documented columns; no partitions (Lake prunes on `eventtime`).
pub fn target(store: &EventDataStore) -> Target {
    Target {
        source: Source::Lake(store.clone()),
        layout: Layout::default(),
        columns: TableColumns::lake(),
    }
}

/// The plan's fixed queries (`--dry-run`), made without calling AWS: Lake's columns are documented, not read.
pub fn dry_run(req: &LakeRequest) -> Result<(Target, Vec<Query>), FetchError> {
    let target = target(&req.store);
    let queries = super::plan_run::fixed_queries(&target, &req.plan).map_err(|e| FetchError::Invalid(e.to_string()))?;
    Ok((target, queries))
}

/// Run the plan. Fails only when nothing can run (credentials, case folder); a failed query is an error in the
/// summary and the plan goes on without its records.
pub async fn fetch(
    req: LakeRequest,
    progress: impl Fn(FetchProgress) + Send + Sync,
) -> Result<PlanSummary, FetchError> {
    fetch_until(req, progress, std::future::pending()).await
}

/// [`fetch`], stopped when `stop` completes (the CLI passes Ctrl-C): the queries running then are cancelled with
/// `CancelQuery` and recorded as CANCELLED (a re-run starts them again; finished ones are reused).
pub async fn fetch_until(
    req: LakeRequest,
    progress: impl Fn(FetchProgress) + Send + Sync,
    stop: impl std::future::Future<Output = ()>,
) -> Result<PlanSummary, FetchError> {
    super::write::OutDir::create(&req.plan.base.case_dir)?;
    let mut base = req.plan.base.clone();
    if base.regions.is_empty()
        && let Some(r) = &req.store.region
    {
        base.regions = vec![r.clone()];
    }
    let ctx = Context::load(&base).await?;
    let region = ctx.regions.first().cloned().unwrap_or_default();
    progress(FetchProgress::Started {
        profile: ctx.profile.clone(),
        regions: vec![region.clone()],
    });
    let engine = Lake {
        ctx: &ctx,
        client: ctx.lake(&region),
        region: region.clone(),
        width: target(&req.store).selected().len(),
        progress: &progress,
    };
    super::plan_run::run(&engine, &target(&req.store), &req.plan, &region, &progress, stop).await
}

/// CloudTrail Lake as a plan engine.
struct Lake<'a, P> {
    ctx: &'a Context,
    client: aws_sdk_cloudtrail::Client,
    region: String,
    /// How many columns the plan selects (aliased `c0`…).
    width: usize,
    progress: &'a P,
}

/// One result row (one-key maps, each named by its column's alias) as a value per column; a column missing from
/// the row is null. Keys that are not an alias of the plan are ignored.
pub fn row_values(row: &[HashMap<String, String>], width: usize) -> Vec<Option<String>> {
    let mut values = vec![None; width];
    for cell in row {
        for (k, v) in cell {
            if let Some(i) = k.strip_prefix('c').and_then(|n| n.parse::<usize>().ok())
                && i < width
                && alias(i) == *k
            {
                values[i] = Some(v.clone());
            }
        }
    }
    values
}

impl<P: Fn(FetchProgress) + Send + Sync> Engine for Lake<'_, P> {
    fn service(&self) -> Service {
        Service::Lake
    }

    fn dir(&self) -> &'static str {
        "lake"
    }

    /// Lake's `StartQuery` has no idempotency token: a start retried after a lost answer may run the query twice
    /// (billed twice); the manifest records the id it got.
    async fn start(&self, q: &Query, _token: &str) -> Result<String, String> {
        let client = &self.client;
        let statement = q.sql.inline();
        let out = with_retry(
            self.ctx,
            Service::Lake,
            &self.region,
            "cloudtrail:StartQuery",
            self.progress,
            || client.start_query().query_statement(&statement).send(),
        )
        .await?;
        out.query_id()
            .map(String::from)
            .ok_or_else(|| "StartQuery returned no id".to_string())
    }

    async fn poll(&self, id: &str) -> Result<Polled, String> {
        let client = &self.client;
        let out = with_retry(
            self.ctx,
            Service::Lake,
            &self.region,
            "cloudtrail:DescribeQuery",
            self.progress,
            || client.describe_query().query_id(id).send(),
        )
        .await?;
        let status = out.query_status().cloned();
        Ok(Polled {
            state: status.as_ref().map_or("UNKNOWN", |s| s.as_str()).to_string(),
            end: match status {
                Some(QueryStatus::Finished) => End::Succeeded,
                Some(QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::TimedOut) => End::Failed,
                _ => End::Running,
            },
            reason: out.error_message().map(String::from),
            bytes_scanned: out
                .query_statistics()
                .and_then(|s| s.bytes_scanned())
                .unwrap_or(0)
                .max(0) as u64,
            output: None,
        })
    }

    async fn page(&self, id: &str, next: Option<String>) -> Result<Page, String> {
        let client = &self.client;
        let out = with_retry(
            self.ctx,
            Service::Lake,
            &self.region,
            "cloudtrail:GetQueryResults",
            self.progress,
            || {
                client
                    .get_query_results()
                    .query_id(id)
                    .max_query_results(PAGE_ROWS)
                    .set_next_token(next.clone())
                    .send()
            },
        )
        .await?;
        Ok(Page {
            rows: out
                .query_result_rows()
                .iter()
                .map(|r| row_values(r, self.width))
                .collect(),
            next: out.next_token().map(String::from),
        })
    }

    async fn stop(&self, id: &str) -> Result<(), String> {
        let client = &self.client;
        with_retry(
            self.ctx,
            Service::Lake,
            &self.region,
            "cloudtrail:CancelQuery",
            self.progress,
            || client.cancel_query().query_id(id).send(),
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_placed_by_alias_and_missing_ones_are_null() {
        let cell = |k: &str, v: &str| HashMap::from([(k.to_string(), v.to_string())]);
        let row = [
            cell("c2", "two"),
            cell("c0", "zero"),
            cell("eventid", "x"),
            cell("c9", "out of range"),
        ];
        assert_eq!(
            row_values(&row, 3),
            [Some("zero".to_string()), None, Some("two".to_string())]
        );
        assert_eq!(row_values(&[cell("c01", "padded")], 3), [None, None, None]);
    }
}
