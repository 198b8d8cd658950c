//! The `:fetch` dialog on the org-scale sources (Athena, CloudTrail Lake): the form with the source chosen, the
//! plan shown before anything runs (the same text `fetch --dry-run` prints), the per-query progress, Esc stopping
//! the running queries, and the end loading `CASE/fetched/` — driven against the fake Athena that executes the SQL
//! it receives on DuckDB (`tests/support/fake_athena.rs`), with the real SDK over HTTP. Snapshots of the form, the
//! plan and the progress at 120×40 and 80×24.

use crate::fake_athena::{FakeAthena, Layout};
use crate::fetch::{focus, form, opened, set, typ};
use crate::fetch_data::*;
use crate::harness::screen_at;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use trailhound::aws::orgscale::OrgRequest;
use trailhound::aws::plan_run::{QueryOrder, QueryProgress};
use trailhound::aws::{FetchProgress, Service};
use trailhound::core::orgscale::plan::Principal;
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::{App, Mode};
use trailhound::tui::fetch_dialog::{Field, SourceKind};
use trailhound::tui::fetch_job::{FetchEvent, Outcome, Stage, plan_job, run_org_job};
use trailhound::tui::fetch_org::OrgEngine;
use trailhound::tui::runtime::{Job, apply};
use trailhound::tui::update::{Command, update};

const FROM: &str = "2026-11-05T16:00:00Z";
const TO: &str = "2026-11-05T17:00:00Z";
const KEY: &str = "ASIAVENDORAUDIT00001";

/// The dialog with Athena chosen and filled in as a user would for the sample finding's session.
fn athena_form(case: &str, endpoint: Option<&str>) -> App {
    let mut app = opened(Some(case));
    // Space on the Source field steps APIs → Athena.
    typ(&mut app, " ");
    assert_eq!(form(&app).source, SourceKind::Athena);
    set(&mut app, Field::Regions, "us-east-1");
    set(&mut app, Field::From, FROM);
    set(&mut app, Field::To, TO);
    set(&mut app, Field::Table, "trails.org");
    set(&mut app, Field::Workgroup, "primary");
    set(&mut app, Field::Accounts, "111122223333");
    set(&mut app, Field::Principals, KEY);
    if let Some(url) = endpoint {
        set(&mut app, Field::Endpoint, url);
    }
    focus(&mut app, Field::Source);
    app
}

/// What the runtime does with the spec, plus the fake's credentials and short waits.
fn for_fake(mut req: OrgRequest) -> OrgRequest {
    let plan = req.plan_mut();
    plan.base.static_credentials = Some(fake_credentials(true));
    plan.base.tuning = fast_tuning(1, 3);
    plan.poll_interval = Duration::from_millis(5);
    req
}

/// `trailhound fetch --athena trails.org …` against the fake, with `extra` arguments; stdout and success.
fn cli_fetch(url: &str, case: &std::path::Path, extra: &[&str]) -> (String, bool) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["fetch", "--athena", "trails.org", "--workgroup", "primary", "--account"])
        .args(["111122223333", "--principal", KEY, "--from", FROM, "--to", TO])
        .args(["--region", "us-east-1", "--endpoint-url", url, "--case"])
        .arg(case)
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", FAKE_KEY)
        .env("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
        .env("TRAILHOUND_ATHENA_POLL_MS", "5")
        .env("TRAILHOUND_FETCH_BACKOFF_MS", "5")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    (String::from_utf8(out.stdout).unwrap(), out.status.success())
}

/// `trailhound trace KEY -i DIR --json`.
fn trace_json(dir: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["trace", KEY, "--json", "-i"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn choosing_athena_or_lake_shows_their_fields_and_enter_asks_for_the_plan_first() {
    let mut app = opened(Some("/cases/ir-42"));
    assert_eq!(form(&app).focused(), Field::Source);
    // → and ← step through the sources.
    update(&mut app, Input::Action(Action::NextTab));
    update(&mut app, Input::Action(Action::NextTab));
    assert_eq!(form(&app).source, SourceKind::Lake);
    assert!(form(&app).fields().contains(&Field::Store));
    assert!(!form(&app).fields().contains(&Field::CloudTrail));
    update(&mut app, Input::Action(Action::PrevTab));
    assert_eq!(form(&app).source, SourceKind::Athena);
    assert!(form(&app).fields().contains(&Field::Table));
    assert!(!form(&app).fields().contains(&Field::Lookup));

    // Invalid: a bad table, two regions, a bad account, an output location that is not S3.
    set(&mut app, Field::Regions, "us-east-1,eu-west-1");
    set(&mut app, Field::Table, "trails");
    set(&mut app, Field::Accounts, "1234");
    set(&mut app, Field::OutputLocation, "/tmp/out");
    assert!(update(&mut app, Input::Submit).is_empty());
    let fields: Vec<Field> = form(&app).errors.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        [Field::Regions, Field::Table, Field::OutputLocation, Field::Accounts]
    );
    assert_eq!(form(&app).focused(), Field::Regions);
    // Nothing in scope is refused as the CLI refuses it.
    set(&mut app, Field::Regions, "us-east-1");
    set(&mut app, Field::Table, "trails.org");
    set(&mut app, Field::OutputLocation, "s3://results/trailhound/");
    set(&mut app, Field::Accounts, "");
    assert!(update(&mut app, Input::Submit).is_empty());
    assert!(
        form(&app)
            .error(Field::Accounts)
            .is_some_and(|e| e.contains("in scope"))
    );

    set(&mut app, Field::Accounts, "111122223333, 444455556666");
    set(
        &mut app,
        Field::Principals,
        "arn:aws:iam::111122223333:role/vendor-audit, ASIAVENDORAUDIT00001",
    );
    set(&mut app, Field::From, FROM);
    set(&mut app, Field::To, TO);
    let cmds = update(&mut app, Input::Submit);
    let [Command::Plan(spec)] = &cmds[..] else {
        panic!("Enter asks for the plan first: {cmds:?}")
    };
    assert!(matches!(app.fetch.stage, Stage::Plan { text: None, .. }));
    assert!(app.fetch.job.is_none(), "nothing runs before the plan is accepted");
    let org = spec.org.as_ref().unwrap();
    assert_eq!(
        org.accounts,
        Some(vec!["111122223333".to_string(), "444455556666".to_string()])
    );
    assert_eq!(
        org.principals,
        [
            Principal::Role("arn:aws:iam::111122223333:role/vendor-audit".into()),
            Principal::AccessKey("ASIAVENDORAUDIT00001".into())
        ]
    );
    let OrgEngine::Athena {
        table, output_location, ..
    } = &org.engine
    else {
        panic!("athena")
    };
    assert_eq!(table.to_string(), "\"trails\".\"org\"");
    assert_eq!(output_location.as_deref(), Some("s3://results/trailhound/"));
    let Some(OrgRequest::Athena(req)) = spec.org_request() else {
        panic!("an Athena request")
    };
    assert_eq!(req.plan.base.window, Some((1_793_894_400, 1_793_898_000)));
    assert_eq!(req.plan.base.regions, ["us-east-1"]);
    assert_eq!(req.plan.baseline_days, 45, "the CLI's defaults");
    assert!(req.plan.concurrency > 1);
    assert!(
        req.plan.base.static_credentials.is_none(),
        "the TUI always uses the credential chain"
    );

    // Before the plan came back, Enter runs nothing; Esc goes back to the form, still filled in.
    assert!(update(&mut app, Input::Submit).is_empty());
    update(&mut app, Input::Cancel);
    assert_eq!(app.fetch.stage, Stage::Form);
    assert_eq!(app.mode, Mode::Fetch);
    assert_eq!(form(&app).table, "trails.org");
}

/// The whole path against the fake Athena: the plan the dialog shows is the CLI's `--dry-run` text, Enter runs
/// it, every query reports its state, rows, bytes and cost, and the end asks to load `CASE/fetched/`, which reads
/// the same as a `trailhound fetch --athena` of the same request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dialog_shows_the_plan_runs_it_on_the_fake_athena_and_loads_what_the_cli_would() {
    let fake = FakeAthena::start(Layout::Org).await;
    let case = tempfile::tempdir().unwrap();
    let mut app = athena_form(case.path().to_str().unwrap(), Some(&fake.url));
    app.sources = vec![concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case/findings").into()];
    let cmds = update(&mut app, Input::Submit);
    let [Command::Plan(spec)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let req = for_fake(spec.org_request().unwrap());

    // The plan, as the runtime makes it.
    let sent = Mutex::new(Vec::new());
    plan_job(req.clone(), |ev| sent.lock().unwrap().push(ev)).await;
    for ev in sent.into_inner().unwrap() {
        apply(&mut app, Job::Fetch(ev));
    }
    let Stage::Plan {
        text: Some(Ok(text)), ..
    } = &app.fetch.stage
    else {
        panic!("{:?}", app.fetch.stage)
    };
    let url = fake.url.clone();
    let dry_case = tempfile::tempdir().unwrap();
    let dry_dir = dry_case.path().to_path_buf();
    let (printed, ok) = tokio::task::spawn_blocking(move || cli_fetch(&url, &dry_dir, &["--dry-run"]))
        .await
        .unwrap();
    assert!(ok);
    assert_eq!(text, &printed, "the dialog's plan is the text --dry-run prints");
    assert!(
        text.contains("1. scope [2026-11-05T16:00:00Z .. 2026-11-05T17:00:00Z]"),
        "{text}"
    );
    assert!(fake.executed().is_empty(), "making the plan runs no query");
    let shown = screen_at(&app, 120, 40);
    assert!(shown.contains("1. scope [2026-11-05T16:00:00Z"), "{shown}");

    // Enter runs it.
    let cmds = update(&mut app, Input::Submit);
    let [Command::Fetch(run_spec)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(run_spec, spec);
    assert_eq!(app.fetch.stage, Stage::Progress);
    let sent = Mutex::new(Vec::new());
    run_org_job(req, std::future::pending(), |ev| sent.lock().unwrap().push(ev)).await;
    let sent = sent.into_inner().unwrap();
    assert!(
        matches!(sent.last(), Some(FetchEvent::OrgDone(Ok(_)))),
        "{:?}",
        sent.last()
    );
    // Polls report the engine's states on the way.
    assert!(sent.iter().any(|ev| matches!(ev,
        FetchEvent::Progress(FetchProgress::Query(q)) if q.state == "RUNNING")));
    for ev in sent {
        apply(&mut app, Job::Fetch(ev));
    }
    let job = app.fetch.job.as_ref().unwrap();
    let Some(Outcome::OrgFinished(summary)) = &job.outcome else {
        panic!("{:?}", job.outcome)
    };
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    let org = job.org.as_ref().unwrap();
    // One row per query, in the summary's (plan) order, each with its final numbers.
    let rows: Vec<_> = org
        .queries
        .iter()
        .map(|q| (q.part.as_str(), q.state.as_str(), q.rows, q.bytes_scanned, q.results))
        .collect();
    let want: Vec<_> = summary
        .queries
        .iter()
        .map(|q| (q.part.as_str(), q.state.as_str(), q.rows, q.bytes_scanned, q.results))
        .collect();
    assert_eq!(rows, want);
    assert!(org.queries.iter().all(|q| q.ended && q.state == "SUCCEEDED"));
    // Each row says how its rows were read, as the summary does.
    assert!(org.queries.iter().all(|q| q.results.is_some()), "{:?}", org.queries);
    let (total_rows, bytes, cost) = org.totals();
    assert_eq!(bytes, summary.bytes_scanned);
    assert!((cost - summary.cost_usd).abs() < 1e-9);
    assert_eq!(total_rows, summary.queries.iter().map(|q| q.rows).sum::<usize>());
    assert_eq!(job.ratio(), 1.0);

    // The end asks the runtime to load what was open plus CASE/fetched.
    let fetched = case.path().join("fetched");
    let [Command::Load(inputs)] = &app.fetch.outbox[..] else {
        panic!("{:?}", app.fetch.outbox)
    };
    assert_eq!(inputs.last(), Some(&fetched));
    assert_eq!(inputs.len(), 2);
    // Esc now closes the dialog (nothing left to stop).
    assert!(update(&mut app, Input::Cancel).is_empty());
    assert_eq!(app.mode, Mode::Normal);

    // The same request through the CLI writes records that load the same way.
    let url = fake.url.clone();
    let cli_case = tempfile::tempdir().unwrap();
    let cli_dir = cli_case.path().to_path_buf();
    let (_, ok) = tokio::task::spawn_blocking(move || cli_fetch(&url, &cli_dir, &[]))
        .await
        .unwrap();
    assert!(ok);
    let cli_fetched = cli_case.path().join("fetched");
    let (tui_store, cli_store) = (
        trailhound::core::ingest::load_paths(&[fetched.as_path()]),
        trailhound::core::ingest::load_paths(&[cli_fetched.as_path()]),
    );
    assert!(!tui_store.events.is_empty());
    assert_eq!(tui_store.events.len(), cli_store.events.len());
    assert_eq!(trace_json(&fetched), trace_json(&cli_fetched));

    // Nothing secret in the app state, the screen or the case.
    app.mode = Mode::Fetch;
    app.fetch.stage = Stage::Progress;
    let shown = format!("{:?}", app.fetch) + &screen_at(&app, 120, 40);
    assert_no_credentials(case.path(), &shown);
}

/// Esc while queries run stops them with StopQueryExecution (as Ctrl-C does in the CLI): the runtime's stop signal
/// is what the job waits on; the queries end CANCELLED and the dialog says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_the_running_queries() {
    let fake = FakeAthena::start(Layout::Org).await;
    fake.state.lock().unwrap().running_polls = u32::MAX;
    let case = tempfile::tempdir().unwrap();
    let mut app = athena_form(case.path().to_str().unwrap(), Some(&fake.url));
    let cmds = update(&mut app, Input::Submit);
    let [Command::Plan(spec)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let req = for_fake(spec.org_request().unwrap());
    apply(&mut app, Job::Fetch(FetchEvent::Planned(Ok("plan".into()))));
    assert!(matches!(&update(&mut app, Input::Submit)[..], [Command::Fetch(_)]));

    // The runtime: the job on its own task, its reports through a channel, the stop signal a Notify.
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let signal = stop.clone();
    let job = tokio::spawn(run_org_job(req, async move { signal.notified().await }, move |ev| {
        let _ = tx.send(ev);
    }));
    let mut stopped = false;
    while let Some(ev) = rx.recv().await {
        let polled_running = matches!(&ev,
            FetchEvent::Progress(FetchProgress::Query(q)) if q.state == "RUNNING");
        apply(&mut app, Job::Fetch(ev));
        if polled_running && !stopped {
            let cmds = update(&mut app, Input::Cancel);
            assert_eq!(cmds, [Command::StopFetch]);
            assert_eq!(app.mode, Mode::Fetch, "Esc stops; it does not close the dialog");
            // A second Esc while stopping asks for nothing more.
            assert!(update(&mut app, Input::Cancel).is_empty());
            let shown = screen_at(&app, 120, 40);
            assert!(shown.contains("stopping"), "{shown}");
            stop.notify_one();
            stopped = true;
        }
    }
    job.await.unwrap();
    assert!(stopped, "a query was seen running");
    assert!(fake.ops().iter().any(|o| o == "StopQueryExecution"), "{:?}", fake.ops());
    let job = app.fetch.job.as_ref().unwrap();
    let Some(Outcome::OrgFinished(summary)) = &job.outcome else {
        panic!("{:?}", job.outcome)
    };
    assert!(summary.queries.iter().any(|q| q.state == "CANCELLED"));
    let org = job.org.as_ref().unwrap();
    assert!(
        org.queries.iter().any(|q| q.state == "CANCELLED" && q.ended),
        "{:?}",
        org.queries
    );
    assert!(job.messages.iter().any(|(e, m)| *e && m.contains("interrupted")));
    assert!(app.fetch.outbox.is_empty(), "nothing was written, nothing to load");
}

fn progress(order: (u8, u32, u32), part: &str, id: Option<&str>, state: &str, rows: usize, bytes: u64) -> FetchEvent {
    FetchEvent::Progress(FetchProgress::Query(Box::new(QueryProgress {
        service: Service::Athena,
        region: "us-east-1".into(),
        order: QueryOrder {
            phase: order.0,
            round: order.1,
            index: order.2,
        },
        part: part.into(),
        token: format!("{part}-{}", order.2),
        query_id: id.map(String::from),
        state: state.into(),
        rows,
        bytes_scanned: bytes,
        cost_usd: trailhound::aws::plan_run::cost(bytes, 5.0),
        results: (state == "SUCCEEDED").then_some(trailhound::aws::plan_run::ResultsRoute::Csv),
        reused: false,
        ended: matches!(state, "SUCCEEDED" | "FAILED" | "CANCELLED"),
    })))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_of_the_athena_form_plan_and_progress_at_two_sizes() {
    let mut app = athena_form("/cases/ir-42", None);
    insta::assert_snapshot!("fetch_athena_form_120x40", screen_at(&app, 120, 40));
    insta::assert_snapshot!("fetch_athena_form_80x24", screen_at(&app, 80, 24));

    // The plan as the fake Athena's table gives it (a fixed window: the text is the same every run).
    let fake = FakeAthena::start(Layout::Org).await;
    set(&mut app, Field::Endpoint, &fake.url);
    let cmds = update(&mut app, Input::Submit);
    let [Command::Plan(spec)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    insta::assert_snapshot!("fetch_athena_plan_making_80x24", screen_at(&app, 80, 24));
    let sent = Mutex::new(Vec::new());
    plan_job(for_fake(spec.org_request().unwrap()), |ev| {
        sent.lock().unwrap().push(ev)
    })
    .await;
    for ev in sent.into_inner().unwrap() {
        apply(&mut app, Job::Fetch(ev));
    }
    let plan = |app: &App| screen_at(app, 120, 40).replace(&fake.url, "http://FAKE");
    insta::assert_snapshot!("fetch_athena_plan_120x40", plan(&app));
    insta::assert_snapshot!("fetch_athena_plan_80x24", screen_at(&app, 80, 24));
    // ↓ scrolls the plan.
    update(&mut app, Input::Action(Action::PageDown));
    assert_ne!(screen_at(&app, 80, 24), plan(&app));

    // Progress, hand-written: scope done, a chain round split per account running and waiting, the baseline
    // started beside the scope; then one query failed.
    assert!(matches!(&update(&mut app, Input::Submit)[..], [Command::Fetch(_)]));
    app.sources = vec!["/logs/org-trail".into()];
    let events = [
        FetchEvent::Progress(FetchProgress::Started {
            profile: "ir-readonly".into(),
            regions: vec!["us-east-1".into()],
        }),
        progress(
            (2, 0, 0),
            "baseline",
            Some("5e1f0c2a-baseline"),
            "RUNNING",
            0,
            7_072_751,
        ),
        progress((0, 0, 0), "scope", Some("0b7a9d10-scope"), "SUCCEEDED", 435, 690_427),
        progress(
            (1, 1, 0),
            "chain round 1",
            Some("9c3e22f4-chain-a"),
            "RUNNING",
            0,
            16_996_856,
        ),
        progress((1, 1, 1), "chain round 1", None, "WAITING", 0, 0),
    ];
    for ev in events {
        apply(&mut app, Job::Fetch(ev));
    }
    insta::assert_snapshot!("fetch_athena_progress_120x40", screen_at(&app, 120, 40));
    insta::assert_snapshot!("fetch_athena_progress_80x24", screen_at(&app, 80, 24));
    let job = app.fetch.job.as_ref().unwrap();
    let parts: Vec<&str> = job
        .org
        .as_ref()
        .unwrap()
        .queries
        .iter()
        .map(|q| q.part.as_str())
        .collect();
    assert_eq!(
        parts,
        ["scope", "chain round 1", "chain round 1", "baseline"],
        "plan order"
    );
    assert_eq!(job.org.as_ref().unwrap().ended(), (1, 4));

    apply(
        &mut app,
        Job::Fetch(FetchEvent::Progress(FetchProgress::Error {
            service: Service::Athena,
            region: "us-east-1".into(),
            message: "chain round 1: query 9c3e22f4-chain-a FAILED: HIVE_BAD_DATA: Error parsing field value".into(),
        })),
    );
    apply(
        &mut app,
        Job::Fetch(progress(
            (1, 1, 0),
            "chain round 1",
            Some("9c3e22f4-chain-a"),
            "FAILED",
            0,
            16_996_856,
        )),
    );
    apply(
        &mut app,
        Job::Fetch(progress(
            (1, 1, 1),
            "chain round 1",
            Some("41d0e7b3-chain-b"),
            "SUCCEEDED",
            2,
            7_072_751,
        )),
    );
    apply(
        &mut app,
        Job::Fetch(progress(
            (2, 0, 0),
            "baseline",
            Some("5e1f0c2a-baseline"),
            "SUCCEEDED",
            4674,
            7_072_751,
        )),
    );
    let bytes = 690_427 + 16_996_856 + 7_072_751 + 7_072_751;
    let summary = trailhound::aws::plan_run::PlanSummary {
        records: 435 + 2 + 4674,
        bytes_scanned: bytes,
        cost_usd: [690_427, 16_996_856, 7_072_751, 7_072_751]
            .iter()
            .map(|b| trailhound::aws::plan_run::cost(*b, 5.0))
            .sum(),
        errors: vec!["chain round 1: HIVE_BAD_DATA".into()],
        queries: vec![trailhound::aws::plan_run::QueryReport {
            part: "scope".into(),
            token: "t".into(),
            query_id: Some("0b7a9d10-scope".into()),
            sql: String::new(),
            params: Vec::new(),
            state: "SUCCEEDED".into(),
            state_change_reason: None,
            rows: 435,
            bytes_scanned: 690_427,
            cost_usd: 0.0,
            seconds: 1.0,
            file: Some(PathBuf::from("athena/scope-0b7a9d10-scope.jsonl.gz")),
            reused: false,
            attempt: 1,
            results: Some(trailhound::aws::plan_run::ResultsRoute::Csv),
            results_note: None,
        }],
        ..Default::default()
    };
    let cmds = trailhound::tui::fetch_job::on_event(&mut app, FetchEvent::OrgDone(Ok(Box::new(summary))));
    assert_eq!(
        cmds,
        [Command::Load(vec![
            PathBuf::from("/logs/org-trail"),
            PathBuf::from("/cases/ir-42/fetched")
        ])]
    );
    insta::assert_snapshot!("fetch_athena_finished_error_120x40", screen_at(&app, 120, 40));
}

/// Lake's plan is made without calling AWS (its columns are documented): the dialog shows the SQL as Lake receives
/// it, values inlined as literals; a principal holding a bidi override reaches the SQL as one literal and the screen
/// neutralised.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lake_plan_is_shown_with_its_values_inlined_and_neutralised() {
    let mut app = opened(Some("/cases/ir-42"));
    update(&mut app, Input::Action(Action::PrevTab));
    assert_eq!(form(&app).source, SourceKind::Lake);
    set(&mut app, Field::From, FROM);
    set(&mut app, Field::To, TO);
    set(
        &mut app,
        Field::Store,
        "arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/EXAMPLE-f852",
    );
    set(&mut app, Field::Accounts, "all");
    set(
        &mut app,
        Field::Principals,
        "arn:aws:iam::111122223333:user/x'\u{202e}evil",
    );
    let cmds = update(&mut app, Input::Submit);
    let [Command::Plan(spec)] = &cmds[..] else {
        panic!("{cmds:?} {:?}", form(&app).errors)
    };
    let Some(OrgRequest::Lake(req)) = spec.org_request() else {
        panic!("a Lake request")
    };
    assert_eq!(req.store.id, "EXAMPLE-f852");
    assert_eq!(req.plan.settings.accounts, None, "all accounts");
    let sent = Mutex::new(Vec::new());
    plan_job(OrgRequest::Lake(req), |ev| sent.lock().unwrap().push(ev)).await;
    for ev in sent.into_inner().unwrap() {
        apply(&mut app, Job::Fetch(ev));
    }
    let Stage::Plan {
        text: Some(Ok(text)), ..
    } = &app.fetch.stage
    else {
        panic!("{:?}", app.fetch.stage)
    };
    assert!(text.contains("FROM EXAMPLE-f852 WHERE"), "{text}");
    assert!(
        text.contains("'arn:aws:iam::111122223333:user/x''\u{202e}evil'"),
        "one literal: {text}"
    );
    for _ in 0..40 {
        update(&mut app, Input::Action(Action::PageDown));
    }
    let shown = screen_at(&app, 120, 40);
    assert!(
        shown.contains("then: chain-completion rounds"),
        "scrolled to the end: {shown}"
    );
    assert!(
        !shown.contains('\u{202e}'),
        "the bidi override is neutralised on screen"
    );
}
