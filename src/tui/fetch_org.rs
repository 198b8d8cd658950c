//! The `:fetch` dialog's Athena and CloudTrail Lake half: the org-scale fields checked as `fetch --athena/--lake`
//! checks its flags into an [`OrgSpec`], the [`OrgRequest`] it makes (the CLI's defaults for what the form does
//! not ask), and the keys of the two pages that follow the form: the plan (Enter runs it) and the queries' progress
//! (Esc stops them, as Ctrl-C does in the CLI). The form itself is `fetch_dialog`.

use super::action::{Action, Input};
use super::app::{App, Mode};
use super::fetch_dialog::{FetchForm, FetchSpec, Field, SourceKind};
use super::fetch_job::{FetchJob, Stage};
use super::theme::Slot;
use super::update::Command;
use crate::aws::athena::AthenaRequest;
use crate::aws::lake::LakeRequest;
use crate::aws::orgscale::OrgRequest;
use crate::aws::plan_run::{self, PlanRequest};
use crate::core::orgscale::plan::{Principal, Settings, is_account_id};
use crate::core::orgscale::sql::{EventDataStore, TableRef};

/// The Athena table or Lake store the plan runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgEngine {
    Athena {
        table: TableRef,
        workgroup: Option<String>,
        output_location: Option<String>,
    },
    Lake {
        store: EventDataStore,
    },
}

/// A validated org-scale source: engine, scope and principals (the rest keeps `fetch`'s defaults).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgSpec {
    pub engine: OrgEngine,
    /// `None`: every account.
    pub accounts: Option<Vec<String>>,
    pub principals: Vec<Principal>,
}

/// The Athena or Lake fields, checked as `fetch --athena/--lake` checks its flags.
pub(crate) fn org_spec(form: &FetchForm, errors: &mut Vec<(Field, String)>) -> Option<OrgSpec> {
    let n = errors.len();
    let engine = if form.source == SourceKind::Athena {
        let table = form
            .table
            .trim()
            .parse::<TableRef>()
            .map_err(|e| errors.push((Field::Table, format!("{e}; expected DATABASE.TABLE"))))
            .ok();
        let workgroup = form.workgroup.trim();
        let wg_ok = workgroup.len() <= 128
            && workgroup
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !wg_ok {
            errors.push((Field::Workgroup, "letters, digits, . _ and - only".to_string()));
        }
        let output = form.output_location.trim();
        if !output.is_empty() && !output.starts_with("s3://") {
            errors.push((Field::OutputLocation, "an S3 URI: s3://BUCKET/PREFIX/".to_string()));
        }
        table.map(|table| OrgEngine::Athena {
            table,
            workgroup: (!workgroup.is_empty()).then(|| workgroup.to_string()),
            output_location: (!output.is_empty()).then(|| output.to_string()),
        })
    } else {
        form.store
            .trim()
            .parse::<EventDataStore>()
            .map_err(|_| {
                errors.push((
                    Field::Store,
                    "an event data store ARN or its id (letters, digits and -)".to_string(),
                ))
            })
            .ok()
            .map(|store| OrgEngine::Lake { store })
    };
    let listed: Vec<&str> = form
        .accounts
        .split([',', ' '])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    let accounts = if listed.contains(&"all") {
        None
    } else {
        if let Some(bad) = listed.iter().find(|a| !is_account_id(a)) {
            errors.push((Field::Accounts, format!("`{bad}`: expected 12 digits or all")));
        }
        Some(listed.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    };
    let mut principals = Vec::new();
    for p in form
        .principals
        .split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match p.parse::<Principal>() {
            Ok(p) if !principals.contains(&p) => principals.push(p),
            Ok(_) => {}
            Err(e) => {
                errors.push((Field::Principals, e));
                break;
            }
        }
    }
    if listed.is_empty() && principals.is_empty() {
        errors.push((
            Field::Accounts,
            "say what is in scope: account ids, all, or principals".to_string(),
        ));
    }
    let accounts = accounts.filter(|a| !a.is_empty());
    (errors.len() == n).then_some(())?;
    Some(OrgSpec {
        engine: engine?,
        accounts,
        principals,
    })
}

impl FetchSpec {
    /// The org-scale request (`None` for the APIs), with `trailhound fetch`'s defaults for what the form does not
    /// ask (baseline days, row cap, price, poll interval, query concurrency).
    pub fn org_request(&self) -> Option<OrgRequest> {
        let org = self.org.as_ref()?;
        let plan = PlanRequest {
            base: self.request(),
            settings: Settings {
                accounts: org.accounts.clone(),
                regions: None,
                max_rows: plan_run::DEFAULT_MAX_ROWS,
                allow_full_scan: false,
            },
            principals: org.principals.clone(),
            baseline_days: plan_run::DEFAULT_BASELINE_DAYS,
            price_per_tb: plan_run::DEFAULT_PRICE_PER_TB,
            max_scan_bytes: None,
            poll_interval: plan_run::DEFAULT_POLL,
            concurrency: plan_run::DEFAULT_QUERY_CONCURRENCY,
            results: plan_run::ResultsChoice::Auto,
        };
        Some(match &org.engine {
            OrgEngine::Athena {
                table,
                workgroup,
                output_location,
            } => OrgRequest::Athena(AthenaRequest {
                plan,
                table: table.clone(),
                catalog: None,
                workgroup: workgroup.clone(),
                output_location: output_location.clone(),
            }),
            OrgEngine::Lake { store } => OrgRequest::Lake(LakeRequest {
                plan,
                store: store.clone(),
            }),
        })
    }
}

/// The plan shown: Enter runs it (once made), ↑/↓ scroll, Esc goes back to the form.
pub(crate) fn handle_plan(app: &mut App, input: Input, spec: Box<FetchSpec>, ready: bool) -> Vec<Command> {
    match input {
        Input::Cancel | Input::Action(Action::Back) => app.fetch.stage = Stage::Form,
        Input::Complete | Input::Action(Action::Down) => app.fetch.scroll_plan(1),
        Input::Action(Action::Up) => app.fetch.scroll_plan(-1),
        Input::Action(Action::PageDown) => app.fetch.scroll_plan(10),
        Input::Action(Action::PageUp) => app.fetch.scroll_plan(-10),
        Input::Submit if !ready => app.set_status(Slot::StatusWarning, "no plan to run yet"),
        Input::Submit => {
            app.fetch.job = Some(FetchJob::new(&spec));
            app.fetch.stage = Stage::Progress;
            app.set_status(
                Slot::StatusOk,
                format!("fetch started into {}", spec.case_dir.display()),
            );
            return vec![Command::Fetch(*spec)];
        }
        _ => {}
    }
    Vec::new()
}

/// An Athena/Lake fetch: Esc stops its running queries (as Ctrl-C does in the CLI); once it has ended, Enter goes
/// back to the form and Esc closes the dialog.
pub(crate) fn handle_progress(app: &mut App, input: Input) -> Vec<Command> {
    let Some(job) = app.fetch.job.as_mut() else {
        app.fetch.stage = Stage::Form;
        return Vec::new();
    };
    let running = job.outcome.is_none();
    match input {
        Input::Cancel | Input::Action(Action::Back) if running => {
            let first = job
                .org
                .as_mut()
                .is_some_and(|o| !std::mem::replace(&mut o.stopping, true));
            if first {
                app.set_status(Slot::StatusWarning, "stopping the running queries…");
                return vec![Command::StopFetch];
            }
            app.set_status(Slot::StatusWarning, "stopping: waiting for the engine to confirm");
        }
        Input::Cancel | Input::Action(Action::Back) => {
            app.fetch.stage = Stage::Form;
            app.mode = Mode::Normal;
        }
        Input::Submit if !running => app.fetch.stage = Stage::Form,
        _ => {}
    }
    Vec::new()
}
