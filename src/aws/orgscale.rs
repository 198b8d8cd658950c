//! One org-scale request, whichever engine runs it (Amazon Athena, `super::athena`; CloudTrail Lake,
//! `super::lake`): its plan as text (what `fetch --dry-run` prints and the TUI's `:fetch` dialog shows before
//! anything runs, both from `core::orgscale::printout::plan_text`) and the run, stopped when a future completes
//! (Ctrl-C in the CLI, the dialog's stop key in the TUI). `cli::fetch_orgscale` and `tui::fetch_job` both go
//! through here.

use super::athena::{self, AthenaRequest};
use super::lake::{self, LakeRequest};
use super::plan_run::{PlanRequest, PlanSummary, layout_text};
use super::{FetchError, FetchProgress, FetchRequest};
use crate::core::orgscale::plan::{Query, Target};
use crate::core::orgscale::printout::plan_text;

/// What to ask which engine.
#[derive(Clone, Debug)]
pub enum OrgRequest {
    Athena(AthenaRequest),
    Lake(LakeRequest),
}

impl OrgRequest {
    /// The folder under `fetched/` and the word for messages.
    pub fn engine(&self) -> &'static str {
        match self {
            OrgRequest::Athena(_) => "athena",
            OrgRequest::Lake(_) => "lake",
        }
    }

    /// The engine-independent part: window, principals, settings, limits, credentials and case folder.
    pub fn plan(&self) -> &PlanRequest {
        match self {
            OrgRequest::Athena(a) => &a.plan,
            OrgRequest::Lake(l) => &l.plan,
        }
    }

    pub fn plan_mut(&mut self) -> &mut PlanRequest {
        match self {
            OrgRequest::Athena(a) => &mut a.plan,
            OrgRequest::Lake(l) => &mut l.plan,
        }
    }

    /// At most this many queries at once.
    pub fn concurrency(&self) -> usize {
        self.plan().concurrency
    }

    /// Profile, region, window, endpoint, tuning, credentials and case folder.
    pub fn base_mut(&mut self) -> &mut FetchRequest {
        &mut self.plan_mut().base
    }

    /// The table or store as the plan names it, its target and the plan's fixed queries, running nothing
    /// (Athena reads the table's columns with `GetTableMetadata`; Lake's are documented, so it calls nothing).
    pub async fn dry_run(
        &self,
        progress: impl Fn(FetchProgress) + Send + Sync,
    ) -> Result<(String, Target, Vec<Query>), FetchError> {
        match self {
            OrgRequest::Athena(a) => athena::dry_run(a, progress)
                .await
                .map(|(t, q)| (a.table.to_string(), t, q)),
            OrgRequest::Lake(l) => lake::dry_run(l).map(|(t, q)| (l.store.to_string(), t, q)),
        }
    }

    /// The plan as `--dry-run` prints it (Lake's SQL with its values inlined, as Lake receives it).
    pub async fn plan_text(&self, progress: impl Fn(FetchProgress) + Send + Sync) -> Result<String, FetchError> {
        let (name, target, queries) = self.dry_run(progress).await?;
        Ok(plan_text(
            &name,
            &layout_text(&target),
            &queries,
            matches!(self, OrgRequest::Lake(_)),
            self.concurrency(),
        ))
    }

    /// Run the plan until it ends or `stop` completes (the queries running then are stopped).
    pub async fn fetch_until(
        self,
        progress: impl Fn(FetchProgress) + Send + Sync,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<PlanSummary, FetchError> {
        match self {
            OrgRequest::Athena(a) => athena::fetch_until(a, progress, stop).await,
            OrgRequest::Lake(l) => lake::fetch_until(l, progress, stop).await,
        }
    }
}
