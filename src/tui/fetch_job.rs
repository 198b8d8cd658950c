//! The running fetch as the TUI sees it: [`run_job`] drives [`crate::aws::fetch`] on a tokio task and turns its
//! progress into [`FetchEvent`]s sent through the runtime's channel; [`on_event`] folds them into [`FetchJob`]
//! (per service and region: pages, items, retries; errors as they come) and, when the fetch ends with files
//! written, asks for `CASE/fetched/` to be loaded together with what is already open.
//!
//! An Athena or CloudTrail Lake fetch goes through [`plan_job`] first (the plan's text, as `fetch --dry-run`
//! prints it) and then [`run_org_job`] ([`crate::aws::orgscale::OrgRequest`], stopped when the runtime's stop
//! signal fires); its per-query reports fold into [`OrgProgress`] (state, rows, bytes scanned, estimated cost per
//! query, in plan order) and its end loads `CASE/fetched/` like any other fetch.
//!
//! Every message shown comes from the fetch module and passes through its [`crate::aws::redact`] again here, so
//! no key, secret or signature reaches the screen.

use super::app::{App, Mode};
use super::fetch_dialog::{FetchForm, FetchSpec};
use super::theme::Slot;
use super::update::Command;
use crate::aws::orgscale::OrgRequest;
use crate::aws::plan_run::{PlanSummary, QueryProgress};
use crate::aws::{FetchProgress, FetchRequest, FetchSummary, Service, redact};
use std::path::PathBuf;

/// The dialog and job state kept in [`App`] (the job outlives the dialog: closing it does not stop the fetch).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FetchState {
    /// The form as last edited (`None` until `:fetch` is first used).
    pub form: Option<FetchForm>,
    pub job: Option<FetchJob>,
    /// The case the TUI was opened with (`--case`): the default fetch target.
    pub open_case: Option<PathBuf>,
    /// Commands produced by background results (`runtime::apply` cannot return them); the runtime drains this.
    pub outbox: Vec<Command>,
    /// What the dialog shows.
    pub stage: Stage,
}

/// The dialog's page.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Stage {
    /// The form (and the last or running API fetch under it).
    #[default]
    Form,
    /// An Athena/Lake plan, before anything runs: `text` is `None` while it is made (Athena reads the table
    /// first), then the plan or why it could not be made.
    Plan {
        spec: Box<FetchSpec>,
        text: Option<Result<String, String>>,
        scroll: u16,
    },
    /// An Athena/Lake fetch running or ended: its queries.
    Progress,
}

impl FetchState {
    /// Scroll the plan by `by` rows (the view clamps it to the text).
    pub fn scroll_plan(&mut self, by: i32) {
        if let Stage::Plan { scroll, .. } = &mut self.stage {
            *scroll = (i32::from(*scroll) + by).clamp(0, i32::from(u16::MAX)) as u16;
        }
    }
}

/// Counters of one (service, region) query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    pub pages: u32,
    /// CloudTrail events, or findings.
    pub items: usize,
    pub retries: u32,
    pub errors: usize,
}

/// The queries of an Athena/Lake fetch as last reported, in plan order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgProgress {
    /// `Athena` or `CloudTrail Lake`.
    pub engine: &'static str,
    /// The table or event data store.
    pub target: String,
    pub queries: Vec<QueryProgress>,
    /// Esc was pressed: the running queries are being stopped.
    pub stopping: bool,
}

impl OrgProgress {
    fn apply(&mut self, q: QueryProgress) {
        match self.queries.iter_mut().find(|r| r.token == q.token) {
            // A query keeps its place (a stopped one is reported again out of order).
            Some(row) => *row = QueryProgress { order: row.order, ..q },
            None => {
                let at = self.queries.partition_point(|r| r.order <= q.order);
                self.queries.insert(at, q);
            }
        }
    }

    /// Rows fetched, bytes scanned and estimated dollars of the queries run (reused ones cost nothing now; one
    /// still waiting has not started to cost).
    pub fn totals(&self) -> (usize, u64, f64) {
        let mut t = (0, 0, 0.0);
        for q in &self.queries {
            t.0 += q.rows;
            if !q.reused && q.query_id.is_some() {
                t.1 += q.bytes_scanned;
                t.2 += q.cost_usd;
            }
        }
        t
    }

    /// Queries that ended, of those known so far (later ones depend on results).
    pub fn ended(&self) -> (usize, usize) {
        (self.queries.iter().filter(|q| q.ended).count(), self.queries.len())
    }
}

/// How the job ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Finished(Box<FetchSummary>),
    /// An Athena/Lake fetch ended (stopped ones too).
    OrgFinished(Box<PlanSummary>),
    /// Nothing could be fetched (no credentials, no region, unwritable folder); the message is redacted.
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FetchJob {
    pub spec: FetchSpec,
    /// Resolved by the SDK (`Started`); empty until then.
    pub profile: String,
    pub regions: Vec<String>,
    /// Per (service, region), in first-report order (`Service` has no order, so not a map).
    pub counters: Vec<((Service, String), Counter)>,
    /// Errors and notes, redacted, in arrival order (`true` = error).
    pub messages: Vec<(bool, String)>,
    /// The queries [`crate::aws::fetch`] has finished (regions run at the same time, so they finish in any
    /// order).
    pub done: Vec<(Service, String)>,
    pub outcome: Option<Outcome>,
    /// An Athena/Lake fetch's queries (`None` for the APIs).
    pub org: Option<OrgProgress>,
}

/// A report from the background job.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchEvent {
    Progress(FetchProgress),
    Done(Result<Box<FetchSummary>, String>),
    /// The Athena/Lake plan's text, or why it could not be made (redacted).
    Planned(Result<String, String>),
    /// An Athena/Lake fetch ended.
    OrgDone(Result<Box<PlanSummary>, String>),
}

impl FetchJob {
    pub fn new(spec: &FetchSpec) -> FetchJob {
        FetchJob {
            spec: spec.clone(),
            profile: String::new(),
            regions: spec.regions.clone(),
            counters: Vec::new(),
            messages: Vec::new(),
            done: Vec::new(),
            outcome: None,
            org: spec.org.as_ref().map(|o| {
                let (engine, target) = match &o.engine {
                    super::fetch_org::OrgEngine::Athena { table, .. } => ("Athena", table.to_string()),
                    super::fetch_org::OrgEngine::Lake { store } => ("CloudTrail Lake", store.to_string()),
                };
                OrgProgress {
                    engine,
                    target,
                    ..OrgProgress::default()
                }
            }),
        }
    }

    /// The queries of the fetch, region by region: CloudTrail, GuardDuty, Access Analyzer (the order each region
    /// runs them in; the regions run at the same time).
    pub fn queries(&self) -> Vec<(Service, String)> {
        let s = self.spec.services;
        let mut q = Vec::new();
        for r in &self.regions {
            if s.cloudtrail {
                q.push((Service::CloudTrail, r.clone()));
            }
            if s.guardduty {
                q.push((Service::GuardDuty, r.clone()));
            }
            if s.access_analyzer {
                q.push((Service::AccessAnalyzer, r.clone()));
            }
        }
        q
    }

    /// Share of the queries finished (1.0 once the fetch is): a page count cannot be known before the last page.
    pub fn ratio(&self) -> f64 {
        if self.outcome.is_some() {
            return 1.0;
        }
        if let Some(org) = &self.org {
            let (ended, known) = org.ended();
            return if known == 0 { 0.0 } else { ended as f64 / known as f64 };
        }
        match self.queries().len() {
            0 => 0.0,
            n => self.done.len() as f64 / n as f64,
        }
    }

    fn at(&mut self, service: Service, region: &str) -> &mut Counter {
        let i = match self
            .counters
            .iter()
            .position(|((s, r), _)| *s == service && r == region)
        {
            Some(i) => i,
            None => {
                self.counters.push(((service, region.to_string()), Counter::default()));
                self.counters.len() - 1
            }
        };
        &mut self.counters[i].1
    }

    /// The counters of one query (zero when nothing came back yet).
    pub fn counter(&self, service: Service, region: &str) -> Counter {
        self.counters
            .iter()
            .find(|((s, r), _)| *s == service && r == region)
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    fn apply(&mut self, p: FetchProgress) {
        match p {
            FetchProgress::Started { profile, regions } => {
                self.profile = profile;
                self.regions = regions;
            }
            FetchProgress::Page {
                service,
                region,
                page,
                total,
                ..
            } => {
                let c = self.at(service, &region);
                c.pages = c.pages.max(page);
                c.items = c.items.max(total);
            }
            FetchProgress::Retry {
                service,
                region,
                reason,
                wait,
            } => {
                self.at(service, &region).retries += 1;
                let m = format!(
                    "{service} {region}: {}; retrying in {:.1}s",
                    redact(&reason),
                    wait.as_secs_f64()
                );
                self.messages.push((false, m));
            }
            FetchProgress::Resumed { region, page, events } => {
                let c = self.at(Service::CloudTrail, &region);
                c.pages = c.pages.max(page);
                c.items = c.items.max(events);
                let m = format!("cloudtrail {region}: resumed an interrupted fetch at page {page}");
                self.messages.push((false, m));
            }
            FetchProgress::Note {
                service,
                region,
                message,
            } => {
                self.at(service, &region);
                self.messages
                    .push((false, format!("{service} {region}: {}", redact(&message))));
            }
            FetchProgress::Error {
                service,
                region,
                message,
            } => {
                self.at(service, &region).errors += 1;
                self.messages
                    .push((true, format!("{service} {region}: {}", redact(&message))));
            }
            FetchProgress::Finished { service, region } => {
                self.at(service, &region);
                if !self.done.iter().any(|(s, r)| *s == service && *r == region) {
                    self.done.push((service, region));
                }
            }
            FetchProgress::Query(q) => {
                if let Some(org) = self.org.as_mut() {
                    org.apply(*q);
                }
            }
            FetchProgress::Wrote { .. } => {}
        }
    }

    /// CloudTrail events and findings fetched so far.
    pub fn totals(&self) -> (usize, usize) {
        let mut t = (0, 0);
        for ((s, _), c) in &self.counters {
            if *s == Service::CloudTrail {
                t.0 += c.items;
            } else {
                t.1 += c.items;
            }
        }
        t
    }
}

/// Fold one report into the app; returns the load command when a fetch ends having written files.
pub fn on_event(app: &mut App, ev: FetchEvent) -> Vec<Command> {
    // The plan comes before any job.
    let ev = match ev {
        FetchEvent::Planned(text) => {
            if let Stage::Plan { text: t, .. } = &mut app.fetch.stage {
                let failed = text.is_err();
                *t = Some(text.map_err(|e| redact(&e)));
                if failed {
                    app.set_status(Slot::StatusError, "the plan could not be made (the dialog says why)");
                } else {
                    app.set_status(Slot::StatusOk, "the plan: Enter runs it, Esc goes back to the form");
                }
            }
            return Vec::new();
        }
        ev => ev,
    };
    let dialog_open = app.mode == Mode::Fetch;
    let Some(job) = app.fetch.job.as_mut() else {
        return Vec::new();
    };
    match ev {
        FetchEvent::Progress(p) => {
            let line = match &p {
                FetchProgress::Page {
                    service,
                    region,
                    page,
                    total,
                    ..
                } => Some((
                    Slot::StatusOk,
                    format!("fetch: {service} {region} page {page} ({total} so far)"),
                )),
                FetchProgress::Error { service, region, .. } => Some((
                    Slot::StatusError,
                    format!("fetch: {service} {region} failed (:fetch shows why)"),
                )),
                _ => None,
            };
            job.apply(p);
            if let Some((slot, msg)) = line
                && !dialog_open
            {
                app.set_status(slot, msg);
            }
            Vec::new()
        }
        FetchEvent::Planned(_) => Vec::new(),
        FetchEvent::OrgDone(Err(e)) | FetchEvent::Done(Err(e)) => {
            let e = redact(&e);
            job.outcome = Some(Outcome::Failed(e.clone()));
            app.set_status(Slot::StatusError, format!("fetch failed: {e}"));
            Vec::new()
        }
        FetchEvent::OrgDone(Ok(summary)) => org_done(app, summary),
        FetchEvent::Done(Ok(summary)) => {
            let wrote = [&summary.cloudtrail, &summary.guardduty, &summary.access_analyzer]
                .iter()
                .flat_map(|m| m.values())
                .any(|t| !t.files.is_empty());
            let errors = summary.errors.len();
            let fetched = job.spec.case_dir.join("fetched");
            job.outcome = Some(Outcome::Finished(summary));
            let (events, findings) = job.totals();
            let msg = format!("fetch finished: {events} events, {findings} findings");
            ended(app, msg, errors, wrote, fetched)
        }
    }
}

/// What an Athena/Lake fetch that ended says and asks: the status line, and the load of `CASE/fetched/` when a
/// query wrote records.
fn org_done(app: &mut App, summary: Box<PlanSummary>) -> Vec<Command> {
    let Some(job) = app.fetch.job.as_mut() else {
        return Vec::new();
    };
    let wrote = summary.queries.iter().any(|q| q.file.is_some());
    let errors = summary.errors.len();
    let msg = format!(
        "fetch finished: {} records, {} scanned, ~${:.4}",
        summary.records,
        bytes_text(summary.bytes_scanned),
        summary.cost_usd
    );
    let fetched = job.spec.case_dir.join("fetched");
    job.outcome = Some(Outcome::OrgFinished(summary));
    // Queries still waiting for a slot when the fetch was stopped were never started.
    if let Some(org) = job.org.as_mut() {
        for q in org.queries.iter_mut().filter(|q| !q.ended) {
            q.state = "NOT RUN".into();
            q.ended = true;
        }
    }
    ended(app, msg, errors, wrote, fetched)
}

/// The end of any fetch: the status line (`msg` and the error count) and, when records were written, the load of
/// what was open plus `fetched`.
fn ended(app: &mut App, mut msg: String, errors: usize, wrote: bool, fetched: PathBuf) -> Vec<Command> {
    if errors > 0 {
        msg.push_str(&format!(", {errors} error(s)"));
    }
    let mut out = Vec::new();
    if wrote {
        msg.push_str(&format!(" — loading {}", fetched.display()));
        let mut inputs: Vec<PathBuf> = app.sources.iter().map(PathBuf::from).collect();
        if !inputs.contains(&fetched) {
            inputs.push(fetched);
        }
        out.push(Command::Load(inputs));
    }
    let slot = if errors > 0 {
        Slot::StatusWarning
    } else {
        Slot::StatusOk
    };
    app.set_status(slot, msg);
    out
}

/// Bytes in decimal units (Athena and Lake bill per 10¹² bytes).
pub fn bytes_text(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The background plan job: the Athena/Lake plan as text (what `fetch --dry-run` prints), through `send`.
pub async fn plan_job(req: OrgRequest, send: impl Fn(FetchEvent) + Send + Sync) {
    let text = req.plan_text(|_| {}).await;
    send(FetchEvent::Planned(text.map_err(|e| redact(&e.to_string()))));
}

/// The background Athena/Lake job: run the plan until it ends or `stop` completes (the dialog's Esc, through the
/// runtime), reporting every step and the end through `send`.
pub async fn run_org_job(
    req: OrgRequest,
    stop: impl std::future::Future<Output = ()>,
    send: impl Fn(FetchEvent) + Send + Sync,
) {
    let result = req.fetch_until(|p| send(FetchEvent::Progress(p)), stop).await;
    send(FetchEvent::OrgDone(
        result.map(Box::new).map_err(|e| redact(&e.to_string())),
    ));
}

/// The background job: run the fetch, reporting every step and the end through `send`.
pub async fn run_job(req: FetchRequest, send: impl Fn(FetchEvent) + Send + Sync) {
    let result = crate::aws::fetch(req, |p| send(FetchEvent::Progress(p))).await;
    send(FetchEvent::Done(
        result.map(Box::new).map_err(|e| redact(&e.to_string())),
    ));
}
