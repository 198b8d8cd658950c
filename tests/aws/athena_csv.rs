//! `fetch --athena --results …`: a succeeded query's rows read from the CSV Athena writes to the output location
//! (the fake Athena writes it into the fake S3 result bucket, served on the same port; the real S3 client reads
//! it) against the same rows paged with `GetQueryResults`. Checks that both routes write byte-identical records
//! and the same answers as the local copy; hostile values (quotes, commas, newlines, `""`, empty vs NULL,
//! Unicode, ESC) come through the CSV exactly; `SlowDown` and a truncated body are read again without a row
//! twice; access denied falls back to pages under `auto` (and the manifest says so) and fails the query under
//! `csv`; a header that is not the query's columns is refused. Also: a stop while a start call is in flight
//! stops the query that start made.

use std::time::Duration;

use serde_json::Value;
use trailhound::aws::FetchProgress;
use trailhound::aws::athena::{AthenaSummary, fetch_until};
use trailhound::aws::plan_run::{ResultsChoice, ResultsRoute};
use trailhound::core::orgscale::plan::Principal;

use crate::athena::{file_records, ids, in_window, request, run, same_answers, sample, start};
use crate::fake_athena::{Fault, Layout};
use crate::fake_s3::S3Fault;

/// The raw bytes of every query file of a run, in plan order.
fn files(case: &std::path::Path, s: &AthenaSummary) -> Vec<Vec<u8>> {
    s.queries
        .iter()
        .map(|q| std::fs::read(case.join("fetched").join(q.file.as_ref().expect("a records file"))).unwrap())
        .collect()
}

/// GetQueryResults calls that paged rows (not the one-row call that reads the column names).
fn pages_asked(fake: &crate::fake_athena::FakeAthena) -> usize {
    fake.state
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|(op, body)| op == "GetQueryResults" && body["MaxResults"].as_u64() != Some(1))
        .count()
}

fn manifest(case: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(case.join("fetched/athena/manifest.json")).unwrap()).unwrap()
}

/// The finding's principal (scope, chain rounds, baseline pieces) fetched through each route: the same query
/// files byte for byte, every query's route recorded, and the CSV fetch answers trace, behaviour and volume as the
/// full local copy does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_route_writes_the_same_records_as_pages() {
    const FINDING: &str = "8ec5b1a2c3d4e5f60718293a4b5c6d7e";
    const KEY: &str = "ASIAVENDORAUDIT00001";
    let mut runs = Vec::new();
    for results in [ResultsChoice::Pages, ResultsChoice::Csv] {
        let fake = start(Layout::Org).await;
        let case = tempfile::tempdir().unwrap();
        let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
        req.plan.principals = vec![Principal::AccessKey(KEY.into())];
        req.plan.results = results;
        let (s, _) = run(req).await;
        assert!(s.errors.is_empty(), "{results}: {:?}", s.errors);
        assert!(s.queries.len() >= 2, "{:?}", s.queries);
        let route = if results == ResultsChoice::Csv {
            ResultsRoute::Csv
        } else {
            ResultsRoute::Pages
        };
        assert!(s.queries.iter().all(|q| q.results == Some(route)), "{:?}", s.queries);
        let gets = fake
            .s3
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|l| l.op == "GetObject")
            .count();
        if results == ResultsChoice::Csv {
            assert_eq!(gets, s.queries.len(), "one GetObject per query");
            assert_eq!(pages_asked(&fake), 0, "no result page was asked for");
            assert!(
                manifest(case.path())["queries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|q| q["results"] == "csv")
            );
        } else {
            assert_eq!(gets, 0);
            assert!(pages_asked(&fake) >= s.queries.len());
        }
        runs.push((s, case));
    }
    let (pages, csv) = (&runs[0], &runs[1]);
    assert_eq!(
        files(csv.1.path(), &csv.0),
        files(pages.1.path(), &pages.0),
        "byte-identical records"
    );
    assert_eq!(csv.0.records, pages.0.records);
    same_answers(
        csv.1.path(),
        "2026-09-21T00:00:00Z",
        &[
            vec!["trace", KEY],
            vec!["behavior", "--finding", FINDING],
            vec!["volume", "--finding", FINDING],
        ],
    );
}

/// Values a log can hold, as the engine's rows (column, value; `None` NULL).
fn hostile_rows() -> Vec<Vec<(String, Option<String>)>> {
    let values: &[Option<&str>] = &[
        Some("say \"hi\", then\nleave"),
        Some(""),
        None,
        Some("\"\""),
        Some("\""),
        Some(",,\r\n,"),
        Some("\u{1b}]0;pwned\u{7}\u{1b}[2J"),
        Some("sessión\u{202e}名前\u{e0041}😀"),
    ];
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            vec![
                ("eventid".to_string(), Some(format!("hostile-{i}"))),
                ("eventname".to_string(), v.map(String::from)),
                // The neighbours of the value: an empty string before a NULL after, so a shifted field shows.
                ("errorcode".to_string(), Some(String::new())),
                ("errormessage".to_string(), None),
                ("useragent".to_string(), v.map(|t| format!("{t}|{t}"))),
            ]
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_values_come_through_the_csv_exactly() {
    let mut got = Vec::new();
    for results in [ResultsChoice::Csv, ResultsChoice::Pages] {
        let fake = start(Layout::Org).await;
        fake.fault(Fault::Rows(hostile_rows()));
        let case = tempfile::tempdir().unwrap();
        let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
        req.plan.results = results;
        let (s, _) = run(req).await;
        assert!(s.errors.is_empty(), "{results}: {:?}", s.errors);
        got.push(file_records(case.path(), s.queries[0].file.as_ref().unwrap()));
    }
    let (csv, pages) = (&got[0], &got[1]);
    assert_eq!(csv, pages, "the same records through either route");
    let rows = hostile_rows();
    assert_eq!(csv.len(), rows.len());
    for (rec, row) in csv.iter().zip(&rows) {
        let name = row[1].1.as_deref();
        assert_eq!(rec["eventName"].as_str(), name, "{rec}");
        assert_eq!(
            rec["userAgent"].as_str().map(String::from),
            name.map(|t| format!("{t}|{t}")),
            "{rec}"
        );
        assert_eq!(rec["errorCode"], "", "an empty string stays an empty string");
        assert!(rec.get("errorMessage").is_none(), "a NULL stays absent: {rec}");
        if name.is_none() {
            assert!(rec.get("eventName").is_none(), "{rec}");
        }
    }
}

/// A `SlowDown` answer and then a body cut in half: the object is read again from its start each time, and the
/// records file holds every row once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowdown_and_a_truncated_body_are_read_again_without_a_row_twice() {
    let fake = start(Layout::Org).await;
    {
        let mut s3 = fake.s3.lock().unwrap();
        s3.faults
            .insert("q-0001.csv".into(), [S3Fault::SlowDown, S3Fault::Truncate].into());
    }
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), None);
    req.plan.results = ResultsChoice::Csv;
    let (s, progress) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let gets: Vec<u16> = fake
        .s3
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|l| l.op == "GetObject" && l.key == "q-0001.csv")
        .map(|l| l.status)
        .collect();
    assert_eq!(gets, [503, 200, 200], "SlowDown, the cut body, the whole body");
    let again = progress
        .iter()
        .filter(|p| matches!(p, FetchProgress::Retry { reason, .. } if reason.contains("again from the start")))
        .count();
    assert_eq!(again, 2, "both failures said so");
    let scope = &s.queries[0];
    assert_eq!(scope.results, Some(ResultsRoute::Csv));
    let recs = file_records(case.path(), scope.file.as_ref().unwrap());
    let local: Vec<Value> = sample().into_iter().filter(in_window).collect();
    assert_eq!(recs.len(), local.len(), "no row twice");
    assert_eq!(scope.rows, local.len());
    assert_eq!(ids(&recs), ids(&local));
}

/// `--results auto` with the result object denied: the query's rows are paged instead, the manifest and the JSON
/// summary say `pages` and why, and the records are the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_on_the_csv_falls_back_to_pages_and_says_so() {
    let fake = start(Layout::Org).await;
    fake.s3
        .lock()
        .unwrap()
        .faults
        .insert("q-0001.csv".into(), [S3Fault::AccessDenied].into());
    let case = tempfile::tempdir().unwrap();
    let (s, progress) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let scope = &s.queries[0];
    assert_eq!(scope.results, Some(ResultsRoute::Pages));
    let note = scope.results_note.as_deref().unwrap_or_default();
    assert!(
        note.contains("access denied") && note.contains("s3:GetObject"),
        "{note}"
    );
    assert!(pages_asked(&fake) >= 1);
    assert!(
        progress.iter().any(
            |p| matches!(p, FetchProgress::Note { message, .. } if message.contains("paging its results instead"))
        ),
        "the fallback is said in the progress"
    );
    let m = manifest(case.path());
    let q = &m["queries"][0];
    assert_eq!(q["results"], "pages", "{q}");
    assert!(q["results_note"].as_str().unwrap().contains("access denied"), "{q}");
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["queries"][0]["results"], "pages");
    let local: Vec<Value> = sample().into_iter().filter(in_window).collect();
    assert_eq!(
        ids(&file_records(case.path(), scope.file.as_ref().unwrap())),
        ids(&local)
    );
}

/// `--results csv` with the result object denied: the query fails with the reason, nothing is written for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_csv_with_an_unreadable_object_fails_the_query() {
    let fake = start(Layout::Org).await;
    fake.s3
        .lock()
        .unwrap()
        .faults
        .insert("q-0001.csv".into(), [S3Fault::AccessDenied].into());
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), None);
    req.plan.results = ResultsChoice::Csv;
    let (s, _) = run(req).await;
    let scope = &s.queries[0];
    assert!(scope.file.is_none(), "{scope:?}");
    assert_eq!(pages_asked(&fake), 0, "no fallback under --results csv");
    assert!(
        s.errors.iter().any(|e| e.starts_with("scope: ")
            && e.contains("--results csv")
            && e.contains("access denied")
            && e.contains("s3:GetObject")),
        "{:?}",
        s.errors
    );
}

/// A result CSV whose header is not the query's columns in order is refused (under `auto` too: it is not an
/// access problem that pages would avoid), and nothing is written for the query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_that_is_not_the_querys_columns_is_refused() {
    let fake = start(Layout::Org).await;
    fake.fault(Fault::SwapCsvHeader);
    let case = tempfile::tempdir().unwrap();
    let (s, _) = run(request(&fake, case.path(), None)).await;
    let scope = &s.queries[0];
    assert!(scope.file.is_none(), "{scope:?}");
    assert_eq!(pages_asked(&fake), 0);
    assert!(
        s.errors.iter().any(|e| e.starts_with("scope: ")
            && e.contains("header is not the query's columns")
            && e.contains("column 2")),
        "{:?}",
        s.errors
    );
}

/// A stop that comes while `StartQueryExecution` is in flight: the start is let finish, and the query it started
/// is stopped and recorded CANCELLED (before, it ran on unstopped). The next run starts it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_during_a_start_call_stops_the_query_it_started() {
    let fake = start(Layout::Org).await;
    fake.state.lock().unwrap().start_delay = Duration::from_millis(400);
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), None);
    req.plan.concurrency = 1;
    // Stop as soon as the start call reached the fake (it answers 400 ms later).
    let in_flight = async {
        while !fake.ops().iter().any(|o| o == "StartQueryExecution") {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let s = fetch_until(req, |_| {}, in_flight).await.unwrap();
    let stopped: Vec<String> = fake
        .state
        .lock()
        .unwrap()
        .log
        .iter()
        .filter(|(op, _)| op == "StopQueryExecution")
        .map(|(_, b)| b["QueryExecutionId"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(stopped, ["q-0001"], "{:?}", fake.ops());
    assert_eq!(s.queries.len(), 1, "{:?}", s.queries);
    assert_eq!(s.queries[0].state, "CANCELLED");
    assert_eq!(s.queries[0].query_id.as_deref(), Some("q-0001"));
    assert!(
        s.errors.iter().any(|e| e.contains("interrupted: query q-0001 stopped")),
        "{:?}",
        s.errors
    );
    assert_eq!(manifest(case.path())["queries"][0]["state"], "CANCELLED");
    fake.state.lock().unwrap().start_delay = Duration::ZERO;
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!((s.queries[0].state.as_str(), s.queries[0].attempt), ("SUCCEEDED", 2));
}
