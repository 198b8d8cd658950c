//! `trailhound fetch --lake` against a fake CloudTrail Lake that executes the SQL it receives on DuckDB over a
//! table with Lake's documented schema built from the sample case (`tests/support/fake_lake.rs`): the real SDK,
//! the real plan, a real SQL engine. Checks that a fetched window holds exactly the records of the same window
//! read locally (every field the Lake schema keeps, as Lake's types give it back), paging and resuming, throttled
//! and FAILED queries, cancelling, hostile principal values inlined as exactly one literal each, the dry run, and
//! that trace, behaviour and volume of a finding's principal read the same as on the full local copy.

use std::sync::Mutex;
use std::time::Duration;

use crate::athena::{WINDOW, comparable, file_records, ids, in_window, same_answers};
use crate::fake_lake::{FakeLake, Fault};
use crate::fetch_data::*;
use serde_json::Value;
use trailhound::aws::FetchProgress;
use trailhound::aws::lake::{LakeRequest, fetch, fetch_until};
use trailhound::aws::plan_run::PlanSummary;
use trailhound::core::orgscale::plan::Principal;

const STORE: &str = "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE";

fn request(fake: &FakeLake, case: &std::path::Path, accounts: Option<Vec<String>>) -> LakeRequest {
    LakeRequest {
        plan: fake_plan(&fake.url, case, accounts),
        store: format!("arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/{STORE}")
            .parse()
            .unwrap(),
    }
}

async fn run(req: LakeRequest) -> (PlanSummary, Vec<FetchProgress>) {
    let seen = Mutex::new(Vec::new());
    let s = fetch(req, |p| seen.lock().unwrap().push(p))
        .await
        .expect("lake fetch runs");
    (s, seen.into_inner().unwrap())
}

async fn start() -> FakeLake {
    FakeLake::start(STORE).await
}

/// A record as a Lake event data store can give it back: the fields the documented table keeps (as for Athena,
/// plus `managementEvent`, which Lake has), with the values at the top of `requestParameters`,
/// `responseElements`, `additionalEventData` and `serviceEventDetails` as text: Lake keeps those as
/// `map<string,string>`, so a number or a boolean there comes back as its text, and a string holding JSON object
/// or array text (an IAM policy document) as the parsed object, as a nested object does (`docs/org-scale.md`).
fn lake_comparable(r: &Value) -> Value {
    let mut v = comparable(r);
    let o = v.as_object_mut().unwrap();
    if let Some(m) = r.get("managementEvent").filter(|m| m.is_boolean()) {
        o.insert("managementEvent".into(), m.clone());
    }
    for f in [
        "requestParameters",
        "responseElements",
        "additionalEventData",
        "serviceEventDetails",
    ] {
        if let Some(Value::Object(m)) = o.get_mut(f) {
            for x in m.values_mut() {
                if x.is_number() || x.is_boolean() {
                    *x = Value::String(x.to_string());
                }
                if let Some(Ok(parsed @ (Value::Object(_) | Value::Array(_)))) = x
                    .as_str()
                    .filter(|t| t.starts_with('{') || t.starts_with('['))
                    .map(serde_json::from_str::<Value>)
                {
                    *x = parsed;
                }
            }
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetched_window_is_exactly_the_local_window() {
    let local: Vec<Value> = crate::support::demo_tree::sample()
        .into_iter()
        .filter(in_window)
        .collect();
    let fake = start().await;
    let case = tempfile::tempdir().unwrap();
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.table, STORE);
    let scope = &s.queries[0];
    assert_eq!((scope.part.as_str(), scope.state.as_str()), ("scope", "FINISHED"));
    let got = file_records(case.path(), scope.file.as_ref().unwrap());
    assert_eq!(ids(&got), ids(&local));
    let by_id: std::collections::HashMap<&str, &Value> =
        local.iter().map(|r| (r["eventID"].as_str().unwrap(), r)).collect();
    for r in &got {
        let want = by_id[r["eventID"].as_str().unwrap()];
        assert_eq!(r, &lake_comparable(want));
    }
    // Lake prunes on eventtime: the scope query reads only its day.
    let executed = fake.executed();
    assert!(
        executed[0].scanned < fake.table_bytes / 2,
        "{} of {}",
        executed[0].scanned,
        fake.table_bytes
    );
    assert_eq!(scope.bytes_scanned, executed[0].scanned);
    let manifest = std::fs::read_to_string(case.path().join("fetched/lake/manifest.json")).unwrap();
    assert!(manifest.contains("\"query_id\": \"lq-0001\""), "{manifest}");
    let ds = trailhound::core::dataset::Dataset::load(&[case.path().join("fetched")], &Default::default(), &|_| {});
    assert_eq!(ds.store().events.len(), local.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_page_and_a_rerun_reuses_finished_queries() {
    let fake = start().await;
    fake.state.lock().unwrap().page_rows = 100;
    let case = tempfile::tempdir().unwrap();
    let (s1, _) = run(request(&fake, case.path(), Some(vec!["444455556666".into()]))).await;
    assert!(s1.errors.is_empty(), "{:?}", s1.errors);
    let rows = s1.queries[0].rows;
    assert!(rows > 200, "{rows}");
    let pages = fake.ops().iter().filter(|o| *o == "GetQueryResults").count();
    assert!(pages >= rows.div_ceil(100), "{pages} pages for {rows} rows");
    let starts = fake.ops().iter().filter(|o| *o == "StartQuery").count();
    let (s2, _) = run(request(&fake, case.path(), Some(vec!["444455556666".into()]))).await;
    assert!(s2.queries.iter().all(|q| q.reused), "{:?}", s2.queries);
    assert_eq!(fake.ops().iter().filter(|o| *o == "StartQuery").count(), starts);
    assert_eq!(s2.records, s1.records);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_starts_are_retried_and_failed_queries_say_why() {
    let fake = start().await;
    fake.fault(Fault::Throttle);
    fake.fault(Fault::TooManyQueries);
    let case = tempfile::tempdir().unwrap();
    let (s, progress) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    for code in ["ThrottlingException", "MaxConcurrentQueriesException"] {
        assert!(
            progress
                .iter()
                .any(|p| matches!(p, FetchProgress::Retry { reason, .. } if reason.contains(code))),
            "{code}"
        );
    }
    assert_eq!(s.queries[0].state, "FINISHED");

    fake.fault(Fault::Fail("Query exceeded the maximum run time".into()));
    let case = tempfile::tempdir().unwrap();
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert_eq!(s.queries[0].state, "FAILED");
    assert_eq!(
        s.queries[0].state_change_reason.as_deref(),
        Some("Query exceeded the maximum run time")
    );
    assert!(
        s.errors[0].contains("scope") && s.errors[0].contains("maximum run time"),
        "{:?}",
        s.errors
    );
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert_eq!((s.queries[0].state.as_str(), s.queries[0].attempt), ("FINISHED", 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_principal_values_are_inlined_as_exactly_one_literal() {
    let fake = start().await;
    let case = tempfile::tempdir().unwrap();
    let hostile = [
        "x' OR '1'='1",
        "a'; DROP TABLE trails.org; --",
        "back\\slash\\'",
        "sessión\u{202e}\u{e0041}名前",
        "?",
        "' UNION SELECT * FROM trails.org --",
        "') OR (1=1",
    ];
    let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
    req.plan.principals = hostile
        .iter()
        .map(|h| Principal::Arn(format!("arn:aws:iam::111122223333:user/{h}")))
        .chain(hostile.iter().map(|h| Principal::PrincipalId(h.to_string())))
        .collect();
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let last = s.queries.last().unwrap();
    assert_eq!(last.part, "baseline");
    // The baseline runs beside the scope query (the principals name their account): found by its id.
    let baseline = fake
        .executed()
        .into_iter()
        .find(|e| Some(&e.id) == last.query_id.as_ref())
        .unwrap();
    // Nobody has those names: the baseline matched nothing; the engine read each value as one literal.
    assert_eq!((baseline.rows, baseline.error.as_deref()), (0, None));
    for h in hostile {
        let lit = format!("'{}'", h.replace('\'', "''"));
        assert!(
            baseline.sql.contains(&format!("\"principalid\" = {lit}")),
            "{lit}: {}",
            baseline.sql
        );
    }
    // With a principal that exists, the same query shape finds its events: the literals are compared, not run.
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
    req.plan.principals = vec![Principal::PrincipalId("AROAREADONLYPRODEXMPL:alex".into())];
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.queries.last().unwrap().part, "baseline");
    assert!(s.queries.last().unwrap().rows > 0);
}

/// The GuardDuty finding of the sample: with its principal named, the case fetched from Lake answers trace,
/// behaviour and volume exactly as the full local copy does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_findings_principal_reads_the_same_from_lake_as_from_the_full_copy() {
    const FINDING: &str = "8ec5b1a2c3d4e5f60718293a4b5c6d7e";
    const KEY: &str = "ASIAVENDORAUDIT00001";
    let fake = start().await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
    req.plan.principals = vec![Principal::AccessKey(KEY.into())];
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.queries.last().unwrap().part, "baseline");
    same_answers(
        case.path(),
        "2026-09-21T00:00:00Z",
        &[
            vec!["trace", KEY],
            vec!["behavior", "--finding", FINDING],
            vec!["volume", "--finding", FINDING],
        ],
    );
}

/// A session created before the window: a chain round finds its assumption in Lake's `responseelements` map.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_rounds_search_lakes_response_map() {
    const KEY: &str = "ASIA6AZK5IXATMZHT4FI";
    let fake = start().await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), Some(vec!["444455556666".into()]));
    req.plan.base.window = Some((WINDOW.0 + 3600, WINDOW.1));
    req.plan.principals = vec![Principal::AccessKey(KEY.into())];
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let chain = s
        .queries
        .iter()
        .find(|q| q.part == "chain round 1")
        .expect("a chain round");
    assert!(chain.rows >= 1, "{chain:?}");
    same_answers(case.path(), "2026-09-21T01:00:00Z", &[vec!["trace", KEY]]);
}

/// Interrupting a fetch cancels the running query with CancelQuery; the next run starts it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_fetch_cancels_its_running_query() {
    let fake = start().await;
    fake.state.lock().unwrap().running_polls = u32::MAX;
    let case = tempfile::tempdir().unwrap();
    let polled = async {
        while !fake.ops().iter().any(|o| o == "DescribeQuery") {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let s = fetch_until(request(&fake, case.path(), None), |_| {}, polled)
        .await
        .unwrap();
    assert!(fake.ops().iter().any(|o| o == "CancelQuery"), "{:?}", fake.ops());
    assert_eq!(s.queries[0].state, "CANCELLED");
    fake.state.lock().unwrap().running_polls = 1;
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!((s.queries[0].state.as_str(), s.queries[0].attempt), ("FINISHED", 2));
}

/// A stop while `StartQuery` is in flight: the start is let finish and the query it started is cancelled (Lake
/// has no request token: left alone, it would run to its end and be billed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_during_a_start_call_cancels_the_query_it_started() {
    let fake = start().await;
    fake.state.lock().unwrap().start_delay = Duration::from_millis(400);
    let case = tempfile::tempdir().unwrap();
    let in_flight = async {
        while !fake.ops().iter().any(|o| o == "StartQuery") {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let s = fetch_until(request(&fake, case.path(), None), |_| {}, in_flight)
        .await
        .unwrap();
    assert_eq!(
        fake.ops().iter().filter(|o| *o == "CancelQuery").count(),
        1,
        "{:?}",
        fake.ops()
    );
    assert_eq!(s.queries.len(), 1, "{:?}", s.queries);
    assert_eq!(s.queries[0].state, "CANCELLED");
}

/// `--dry-run --lake` prints the plan with every value inlined, and calls nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_inlined_plan_and_calls_nothing() {
    let fake = start().await;
    let case = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["fetch", "--lake", STORE, "--account", "111122223333", "--principal"])
        .arg("arn:aws:iam::111122223333:role/o'brien")
        .args([
            "--from",
            "2026-11-05T16:00:00Z",
            "--to",
            "2026-11-05T17:00:00Z",
            "--region",
            "us-east-1",
        ])
        .arg("--endpoint-url")
        .arg(&fake.url)
        .arg("--case")
        .arg(case.path())
        .arg("--dry-run")
        .env("AWS_ACCESS_KEY_ID", FAKE_KEY)
        .env("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains(&format!(
            "plan for {STORE} (partitions: none: CloudTrail Lake prunes on eventtime)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            " FROM {STORE} WHERE \"eventtime\" >= CAST('2026-11-05 16:00:00' AS TIMESTAMP) AND \"eventtime\" <= \
             CAST('2026-11-05 17:00:00' AS TIMESTAMP) AND \"recipientaccountid\" IN ('111122223333')"
        )),
        "{text}"
    );
    assert!(text.contains("= 'arn:aws:iam::111122223333:role/o''brien'"), "{text}");
    assert!(fake.ops().is_empty(), "{:?}", fake.ops());
}
