//! The TUI's `:fetch` dialog: headless `update` tests of the form (open, edit, validation, the request it
//! starts), progress folding and the load it asks for on completion, an end-to-end run of the job function the
//! runtime uses against the fake AWS endpoint, and snapshots of the dialog (idle, running, finished with an
//! error) at 120×40.

use crate::fake_aws::{Data, FakeAws, Fault};
use crate::fetch_data::*;
use crate::harness::{command, screen};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use trailhound::aws::{FetchProgress, FetchSummary, LookupKey, Service, Services, Tally, Tuning};
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::{App, Mode};
use trailhound::tui::fetch_dialog::{FetchForm, Field, parse_time};
use trailhound::tui::fetch_job::{FetchEvent, Outcome, on_event, run_job};
use trailhound::tui::keymap::Keymap;
use trailhound::tui::runtime::{Job, apply};
use trailhound::tui::theme::Slot;
use trailhound::tui::update::{Command, update};

pub(crate) fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, Input::Char(c));
    }
}

/// Erase the focused field.
pub(crate) fn clear(app: &mut App) {
    for _ in 0..64 {
        update(app, Input::Backspace);
    }
}

pub(crate) fn tab(app: &mut App) {
    update(app, Input::Complete);
}

pub(crate) fn form(app: &App) -> &FetchForm {
    app.fetch.form.as_ref().expect("dialog opened")
}

pub(crate) fn focus(app: &mut App, field: Field) {
    for _ in 0..20 {
        if form(app).focused() == field {
            return;
        }
        tab(app);
    }
    panic!("no field {field:?}");
}

pub(crate) fn set(app: &mut App, field: Field, text: &str) {
    focus(app, field);
    clear(app);
    typ(app, text);
}

pub(crate) fn opened(case: Option<&str>) -> App {
    let mut app = App::new(Keymap::default());
    app.fetch.open_case = case.map(PathBuf::from);
    command(&mut app, "fetch");
    app
}

#[test]
fn the_dialog_opens_on_the_open_case_edits_validates_and_starts_the_right_request() {
    assert_eq!(form(&opened(None)).case, "./trailhound-fetch");
    let mut app = opened(Some("/cases/ir-42"));
    assert_eq!(app.mode, Mode::Fetch);
    assert_eq!(form(&app).case, "/cases/ir-42");
    assert_eq!(
        form(&app).focused(),
        Field::Source,
        "the source comes first: it decides the other fields"
    );
    tab(&mut app);
    typ(&mut app, "ir-readonly");
    tab(&mut app);
    typ(&mut app, "us-east-1, eu-west-1");
    set(&mut app, Field::From, "yesterday");
    set(&mut app, Field::Endpoint, "localhost:4566");
    // Shift-Tab / ↑ goes back.
    update(&mut app, Input::Action(Action::Up));
    assert_eq!(form(&app).focused(), Field::Lookup);
    let cmds = update(&mut app, Input::Submit);
    assert!(cmds.is_empty(), "an invalid form starts nothing");
    assert_eq!(app.mode, Mode::Fetch);
    assert!(form(&app).error(Field::From).is_some_and(|e| e.contains("yesterday")));
    assert!(form(&app).error(Field::Endpoint).is_some_and(|e| e.contains("http")));
    assert_eq!(form(&app).error(Field::Regions), None);
    assert_eq!(form(&app).focused(), Field::From, "focus jumps to the first bad field");
    assert!(app.status.as_ref().is_some_and(|s| s.0 == Slot::StatusError));

    set(&mut app, Field::From, "2026-11-05T14:00:00Z");
    set(&mut app, Field::To, "2026-11-05T15:00:00Z");
    focus(&mut app, Field::GuardDuty);
    typ(&mut app, " ");
    set(&mut app, Field::Lookup, "access-key=ASIASARAADMIN0000001");
    set(&mut app, Field::Endpoint, "http://127.0.0.1:4566");
    let cmds = update(&mut app, Input::Submit);
    let [Command::Fetch(spec)] = &cmds[..] else {
        panic!("expected one fetch command, got {cmds:?}")
    };
    assert!(form(&app).errors.is_empty());
    let req = spec.request();
    assert_eq!(req.profile.as_deref(), Some("ir-readonly"));
    assert_eq!(req.regions, ["us-east-1", "eu-west-1"]);
    assert_eq!(req.window, Some((1_793_887_200, 1_793_890_800)));
    assert_eq!(
        req.services,
        Services {
            cloudtrail: true,
            guardduty: false,
            access_analyzer: true
        }
    );
    assert_eq!(req.lookup.len(), 1);
    assert_eq!(req.lookup[0].key, LookupKey::AccessKeyId);
    assert_eq!(req.lookup[0].value, "ASIASARAADMIN0000001");
    assert_eq!(req.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
    assert_eq!(req.case_dir, PathBuf::from("/cases/ir-42"));
    assert!(
        req.static_credentials.is_none(),
        "the TUI always uses the credential chain"
    );

    // While it runs, Enter starts nothing; Esc closes the dialog and the job stays.
    assert!(update(&mut app, Input::Submit).is_empty());
    update(&mut app, Input::Cancel);
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.fetch.job.as_ref().is_some_and(|j| j.outcome.is_none()));
    command(&mut app, "fetch");
    assert_eq!(form(&app).profile, "ir-readonly", "reopening shows the same form");
}

#[test]
fn validation_of_times_services_and_lookup() {
    let now = 1_793_890_800;
    assert_eq!(parse_time("-24h", now), Ok(now - 86_400));
    assert_eq!(parse_time("-7d", now), Ok(now - 7 * 86_400));
    assert_eq!(parse_time("-30m", now), Ok(now - 1800));
    assert_eq!(parse_time("now", now), Ok(now));
    assert_eq!(parse_time("2026-11-05", now), Ok(1_793_836_800));
    assert!(parse_time("-24x", now).is_err());
    assert!(parse_time("-", now).is_err());
    assert!(parse_time("-99999999999999999d", now).is_err());

    let mut f = FetchForm::new(std::path::Path::new("case"));
    let spec = f.validate(now).expect("the defaults are valid");
    assert_eq!(spec.window, Some((now - 86_400, now)));
    assert_eq!(spec.services, Services::ALL);
    assert_eq!((spec.profile, spec.endpoint_url), (None, None));
    assert!(spec.regions.is_empty() && spec.lookup.is_empty());

    f.from = "2026-11-05T15:00:00Z".into();
    f.to = "2026-11-05T14:00:00Z".into();
    f.services = Services {
        cloudtrail: false,
        guardduty: false,
        access_analyzer: false,
    };
    f.lookup = "colour=blue".into();
    f.regions = "us-east-1,US EAST".into();
    f.case = " ".into();
    let errors = f.validate(now).unwrap_err();
    let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        fields,
        [
            Field::Regions,
            Field::From,
            Field::CloudTrail,
            Field::Lookup,
            Field::Case
        ]
    );
}

fn page(service: Service, region: &str, page: u32, total: usize) -> FetchEvent {
    FetchEvent::Progress(FetchProgress::Page {
        service,
        region: region.into(),
        page,
        items: 50,
        total,
    })
}

/// A started two-region fetch (CloudTrail + GuardDuty) with the dialog open.
fn running() -> App {
    let mut app = opened(Some("/cases/ir-42"));
    app.sources = vec!["/logs/org-trail".into()];
    set(&mut app, Field::Regions, "us-east-1,eu-west-1");
    set(&mut app, Field::From, "2026-11-05T14:00:00Z");
    set(&mut app, Field::To, "2026-11-05T15:00:00Z");
    focus(&mut app, Field::AccessAnalyzer);
    typ(&mut app, " ");
    focus(&mut app, Field::Profile);
    assert_eq!(update(&mut app, Input::Submit).len(), 1);
    let events = [
        FetchEvent::Progress(FetchProgress::Started {
            profile: "ir-readonly".into(),
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
        }),
        page(Service::CloudTrail, "us-east-1", 1, 50),
        page(Service::CloudTrail, "us-east-1", 2, 100),
        FetchEvent::Progress(FetchProgress::Retry {
            service: Service::CloudTrail,
            region: "us-east-1".into(),
            reason: "throttled".into(),
            wait: Duration::from_secs(2),
        }),
        page(Service::CloudTrail, "us-east-1", 3, 131),
        page(Service::CloudTrail, "eu-west-1", 1, 12),
        FetchEvent::Progress(FetchProgress::Finished {
            service: Service::CloudTrail,
            region: "us-east-1".into(),
        }),
    ];
    for ev in events {
        assert!(on_event(&mut app, ev).is_empty());
    }
    app
}

fn tally(n: usize, file: &str) -> Tally {
    Tally {
        pages: 1,
        items: n,
        skipped: 0,
        files: vec![PathBuf::from(file)],
    }
}

#[test]
fn progress_updates_the_job_and_completion_loads_the_fetched_folder_with_the_open_inputs() {
    let mut app = running();
    let job = app.fetch.job.as_ref().unwrap();
    assert_eq!(job.profile, "ir-readonly");
    let ct = job.counter(Service::CloudTrail, "us-east-1");
    assert_eq!((ct.pages, ct.items, ct.retries), (3, 131, 1));
    assert_eq!(job.counter(Service::CloudTrail, "eu-west-1").items, 12);
    assert_eq!(job.totals(), (143, 0));
    assert_eq!(job.queries().len(), 4);
    assert_eq!(job.ratio(), 0.25, "1 of 4 queries done (others have started)");

    // Closed dialog: progress and errors go to the status line.
    update(&mut app, Input::Cancel);
    on_event(&mut app, page(Service::GuardDuty, "us-east-1", 1, 7));
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.1.contains("guardduty us-east-1 page 1"))
    );
    let denied = "User: arn:aws:sts::111122223333:assumed-role/IR/x is not authorized, key AKIAIOSFODNN7EXAMPLE";
    on_event(
        &mut app,
        FetchEvent::Progress(FetchProgress::Error {
            service: Service::GuardDuty,
            region: "eu-west-1".into(),
            message: denied.into(),
        }),
    );
    assert!(app.status.as_ref().is_some_and(|s| s.0 == Slot::StatusError));
    let job = app.fetch.job.as_ref().unwrap();
    assert_eq!(job.counter(Service::GuardDuty, "eu-west-1").errors, 1);
    let (is_error, msg) = job.messages.last().unwrap();
    assert!(*is_error && msg.contains("not authorized"), "{msg}");
    assert!(!msg.contains("AKIAIOSFODNN7EXAMPLE"), "keys are redacted: {msg}");

    let summary = FetchSummary {
        cloudtrail: [(
            "us-east-1".to_string(),
            tally(131, "/cases/ir-42/fetched/AWSLogs/x.json.gz"),
        )]
        .into(),
        ..FetchSummary::default()
    };
    let cmds = on_event(&mut app, FetchEvent::Done(Ok(Box::new(summary))));
    assert_eq!(
        cmds,
        [Command::Load(vec![
            PathBuf::from("/logs/org-trail"),
            PathBuf::from("/cases/ir-42/fetched")
        ])]
    );
    assert!(matches!(
        app.fetch.job.as_ref().unwrap().outcome,
        Some(Outcome::Finished(_))
    ));
    assert_eq!(app.fetch.job.as_ref().unwrap().ratio(), 1.0);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.1.contains("loading /cases/ir-42/fetched"))
    );

    // A finished job allows a new one; a fetch that wrote nothing loads nothing; a fatal error is redacted.
    command(&mut app, "fetch");
    assert_eq!(update(&mut app, Input::Submit).len(), 1);
    assert!(on_event(&mut app, FetchEvent::Done(Ok(Box::default()))).is_empty());
    assert_eq!(update(&mut app, Input::Submit).len(), 1);
    let fatal = "no credentials: secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY rejected".to_string();
    assert!(on_event(&mut app, FetchEvent::Done(Err(fatal))).is_empty());
    let Some(Outcome::Failed(e)) = &app.fetch.job.as_ref().unwrap().outcome else {
        panic!("failed job")
    };
    assert!(e.starts_with("no credentials") && !e.contains("wJalrXUtnFEMI"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_job_fetches_from_the_fake_endpoint_and_the_app_shows_it_then_loads_it() {
    let pages = ct_pages(3, 6);
    let gd: Vec<serde_json::Value> = (0..4).map(|i| gd_finding(i, "det-east")).collect();
    let aa = aa_findings();
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), pages.clone())].into(),
        gd: [("us-east-1".to_string(), vec![("det-east".to_string(), gd.clone())])].into(),
        aa: [(
            "us-east-1".to_string(),
            vec![(aa_analyzer("us-east-1", "ConsoleAnalyzer-account"), aa.clone())],
        )]
        .into(),
        aa_page_size: 10,
        ..Data::default()
    })
    .await;
    fake.fault("LookupEvents:eu-west-1:0", &[Fault::AccessDenied]);
    let case = tempfile::tempdir().unwrap();

    // The form as a user fills it; the window covers the fixtures' two days.
    let mut app = opened(Some(case.path().to_str().unwrap()));
    app.sources = vec![concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case").into()];
    set(&mut app, Field::Regions, "us-east-1,eu-west-1");
    set(&mut app, Field::From, "2026-11-04T00:00:00Z");
    set(&mut app, Field::To, "2026-11-06T00:00:00Z");
    set(&mut app, Field::Endpoint, &fake.url);
    let cmds = update(&mut app, Input::Submit);
    let [Command::Fetch(spec)] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    // What the runtime does with the command, plus the fake's credentials and short backoffs.
    let mut req = spec.request();
    req.static_credentials = Some(fake_credentials(true));
    req.tuning = Tuning {
        sdk_max_attempts: 2,
        sdk_initial_backoff: Duration::from_millis(5),
        outer_retries: 1,
        outer_backoff: Duration::from_millis(10),
        attempt_timeout: Duration::from_secs(20),
    };
    let sent = Mutex::new(Vec::new());
    run_job(req, |ev| sent.lock().unwrap().push(ev)).await;
    let sent = sent.into_inner().unwrap();
    assert!(
        matches!(sent.last(), Some(FetchEvent::Done(Ok(_)))),
        "{:?}",
        sent.last()
    );
    for ev in sent {
        apply(&mut app, Job::Fetch(ev));
    }

    let job = app.fetch.job.as_ref().unwrap();
    let served = pages
        .iter()
        .flatten()
        .filter(|e| {
            e["CloudTrailEvent"]
                .as_str()
                .is_some_and(|t| serde_json::from_str::<serde_json::Value>(t).is_ok())
        })
        .count();
    let ct = job.counter(Service::CloudTrail, "us-east-1");
    assert_eq!((ct.pages, ct.items), (3, served));
    // Every query reported its end, the failed one too (regions end in any order).
    let mut done = job.done.clone();
    let mut queries = job.queries();
    done.sort_by_key(|(s, r)| (s.to_string(), r.clone()));
    queries.sort_by_key(|(s, r)| (s.to_string(), r.clone()));
    assert_eq!(done, queries);
    assert_eq!(job.counter(Service::GuardDuty, "us-east-1").items, gd.len());
    assert_eq!(job.counter(Service::AccessAnalyzer, "us-east-1").items, aa.len());
    assert_eq!(job.counter(Service::CloudTrail, "eu-west-1").errors, 1);
    assert!(
        job.messages
            .iter()
            .any(|(e, m)| *e && m.starts_with("cloudtrail eu-west-1"))
    );
    let Some(Outcome::Finished(summary)) = &job.outcome else {
        panic!("finished")
    };
    assert_eq!(summary.errors.len(), 1);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.0 == Slot::StatusWarning && s.1.contains("1 error"))
    );

    // Completion asks the runtime to load what was open plus CASE/fetched; that load sees the fetched data.
    let fetched = case.path().join("fetched");
    let [Command::Load(inputs)] = &app.fetch.outbox[..] else {
        panic!("{:?}", app.fetch.outbox)
    };
    assert_eq!(inputs.last(), Some(&fetched));
    assert_eq!(inputs.len(), 2);
    let store = trailhound::core::ingest::load_paths(&[fetched.as_path()]);
    assert_eq!(store.events.len(), served);
    assert_eq!(store.findings.len(), gd.len() + aa.len());

    // Nothing secret in the app state, the screen or the case.
    app.mode = Mode::Fetch;
    let shown = format!("{:?}", app.fetch) + &screen(&mut app);
    assert_no_credentials(case.path(), &shown);
}

#[test]
fn snapshots_of_the_dialog_idle_running_and_finished_with_an_error() {
    let mut app = opened(Some("/cases/ir-42"));
    insta::assert_snapshot!("fetch_dialog_idle", screen(&mut app));

    let mut app = running();
    insta::assert_snapshot!("fetch_dialog_running", screen(&mut app));

    on_event(&mut app, page(Service::GuardDuty, "us-east-1", 1, 7));
    on_event(
        &mut app,
        FetchEvent::Progress(FetchProgress::Error {
            service: Service::GuardDuty,
            region: "eu-west-1".into(),
            message: "AccessDeniedException: not authorized to perform guardduty:ListDetectors".into(),
        }),
    );
    let summary = FetchSummary {
        errors: vec![trailhound::aws::FetchIssue {
            service: Service::GuardDuty,
            region: "eu-west-1".into(),
            message: "AccessDeniedException".into(),
        }],
        ..FetchSummary::default()
    };
    on_event(&mut app, FetchEvent::Done(Ok(Box::new(summary))));
    insta::assert_snapshot!("fetch_dialog_finished_error", screen(&mut app));

    // A long AWS message wraps inside the dialog instead of being cut.
    let long = format!(
        "{} END-OF-MESSAGE",
        "AccessDeniedException: explicit deny in a service control policy. ".repeat(3)
    );
    on_event(
        &mut app,
        FetchEvent::Progress(FetchProgress::Error {
            service: Service::GuardDuty,
            region: "eu-west-1".into(),
            message: long,
        }),
    );
    assert!(screen(&mut app).contains("END-OF-MESSAGE"));
}
