//! `trailhound fetch` against a fake AWS endpoint: the real SDK clients (endpoint override, static fake
//! credentials) page through LookupEvents, GuardDuty and Access Analyzer while the fake throttles, fails with 5xx,
//! answers slowly, denies access and aborts; the tests check what arrives, how often and how fast it was asked
//! for, what lands in the case, and that no credential is ever written.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use crate::fake_aws::{Data, FakeAws, Fault, Logged};
use crate::fetch_data::*;
use serde_json::Value;
use trailhound::aws::{FetchProgress, FetchRequest, LookupAttr, LookupKey, Services, Tuning, fetch};

const WINDOW: (i64, i64) = (1_793_750_000, 1_793_900_000);

fn request(fake: &FakeAws, case: &std::path::Path, regions: &[&str], services: Services) -> FetchRequest {
    let mut req = FetchRequest::new(case);
    req.regions = regions.iter().map(|r| r.to_string()).collect();
    req.window = Some(WINDOW);
    req.services = services;
    req.endpoint_url = Some(fake.url.clone());
    req.static_credentials = Some(fake_credentials(true));
    req.tuning = Tuning {
        sdk_max_attempts: 3,
        sdk_initial_backoff: Duration::from_millis(5),
        outer_retries: 3,
        outer_backoff: Duration::from_millis(20),
        attempt_timeout: Duration::from_secs(20),
    };
    req
}

const CT_ONLY: Services = Services {
    cloudtrail: true,
    guardduty: false,
    access_analyzer: false,
};

/// Run a fetch and collect its progress reports.
async fn run(req: FetchRequest) -> (trailhound::aws::FetchSummary, Vec<FetchProgress>) {
    let seen = Mutex::new(Vec::new());
    let summary = fetch(req, |p| seen.lock().unwrap().push(p)).await.expect("fetch runs");
    (summary, seen.into_inner().unwrap())
}

/// Every one-second sliding window, by the server's clock, holds at most 2 LookupEvents arrivals per region —
/// every attempt counted, throttled and failed ones too. Returns the measurements (also printed).
fn assert_rate_limited(log: &[Logged]) -> BTreeMap<String, crate::fake_aws::Rate> {
    let rates = crate::fake_aws::rates(log, "LookupEvents", Duration::from_secs(1), 2);
    for (region, r) in &rates {
        eprintln!(
            "{region}: {} LookupEvents requests, at most {} in any 1 s window, tightest 3-request span {:?}",
            r.requests, r.max_in_window, r.tightest
        );
        assert!(
            r.max_in_window <= 2,
            "{region}: {} LookupEvents requests within one second (tightest 3-request span {:?})",
            r.max_in_window,
            r.tightest
        );
    }
    rates
}

/// The valid served record texts of these pages.
fn served_records(pages: &[Vec<Value>]) -> Vec<String> {
    pages
        .iter()
        .flatten()
        .filter_map(|e| e["CloudTrailEvent"].as_str())
        .filter(|t| serde_json::from_str::<Value>(t).is_ok())
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_pages_retries_rate_limit_and_verbatim_records() {
    let mut pages = ct_pages(5, 7);
    // One record CloudTrail would never send but a hostile or broken source might: reported and skipped.
    pages[3][2]["CloudTrailEvent"] = Value::String("{\"eventVersion\": broken".into());
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), pages.clone())].into(),
        ..Data::default()
    })
    .await;
    // Page 2: more throttles than the SDK's 3 attempts, so our outer retry must step in. Page 3: a 5xx. Page 4:
    // a slow answer.
    fake.fault("LookupEvents:us-east-1:1", &[Fault::Throttle; 4]);
    fake.fault("LookupEvents:us-east-1:2", &[Fault::ServerError]);
    fake.fault("LookupEvents:us-east-1:3", &[Fault::Slow(Duration::from_millis(1500))]);
    let case = tempfile::tempdir().unwrap();
    let (summary, progress) = run(request(&fake, case.path(), &["us-east-1"], CT_ONLY)).await;

    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    let served = served_records(&pages);
    let tally = &summary.cloudtrail["us-east-1"];
    assert_eq!(tally.pages, 5);
    assert_eq!(tally.items, served.len());
    assert_eq!(tally.skipped, 1);
    assert!(
        summary.notes.iter().any(|n| n.message.contains("not valid JSON")),
        "{:?}",
        summary.notes
    );

    let log = fake.log();
    let ct: Vec<&Logged> = log.iter().filter(|l| l.op == "LookupEvents").collect();
    // All pages were asked for, in order, each until it succeeded.
    let ok_tokens: Vec<Option<String>> = ct.iter().filter(|l| l.status == 200).map(|l| l.token.clone()).collect();
    let expected: Vec<Option<String>> = std::iter::once(None)
        .chain((1..5).map(|p| Some(format!("ct-page-{p}"))))
        .collect();
    assert_eq!(ok_tokens, expected);
    // Throttling: retried by the SDK (attempt 2 and 3 of one invocation) and then by our own outer loop (a new
    // invocation), and every retry went through the rate limiter too.
    let page2: Vec<&&Logged> = ct.iter().filter(|l| l.token.as_deref() == Some("ct-page-1")).collect();
    assert_eq!(page2.len(), 5, "4 throttled + 1 success");
    assert!(page2.iter().any(|l| l.attempt.starts_with("attempt=3")));
    let invocations: HashSet<&str> = page2.iter().map(|l| l.invocation.as_str()).collect();
    assert_eq!(invocations.len(), 2, "one SDK call exhausted, one outer retry");
    assert!(
        progress
            .iter()
            .any(|p| matches!(p, FetchProgress::Retry { reason, .. } if reason.contains("throttled")))
    );
    // The 5xx was retried.
    let page3: Vec<&&Logged> = ct.iter().filter(|l| l.token.as_deref() == Some("ct-page-2")).collect();
    assert_eq!(page3.iter().map(|l| l.status).collect::<Vec<_>>(), vec![500, 200]);
    assert_rate_limited(&log);
    // The request carried the window and the page size.
    assert_eq!(ct[0].body["StartTime"].as_f64(), Some(WINDOW.0 as f64));
    assert_eq!(ct[0].body["EndTime"].as_f64(), Some(WINDOW.1 as f64));
    assert_eq!(ct[0].body["MaxResults"].as_i64(), Some(50));

    // The case holds exactly the served records, byte for byte, each in its account/region/day file.
    let written = written_records(case.path());
    let mut got: Vec<String> = written.iter().map(|(_, r)| r.clone()).collect();
    let mut want = served.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for (rel, rec) in &written {
        let v: Value = serde_json::from_str(rec).unwrap();
        let account = v["recipientAccountId"].as_str().unwrap();
        let day = &v["eventTime"].as_str().unwrap()[..10].replace('-', "/");
        assert!(
            rel.starts_with(&format!(
                "AWSLogs/{account}/CloudTrail/us-east-1/{day}/{account}_CloudTrail_us-east-1_"
            )),
            "{rel} for {account} {day}"
        );
        assert!(rel.ends_with("T2359Z_lookup-events.json.gz"), "{rel}");
    }
    // Resumable state is gone once everything is written; the manifest says what was asked and what came back.
    assert!(!case.path().join("fetched/.state").exists());
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(case.path().join("fetched/manifest.json")).unwrap()).unwrap();
    let run = &manifest["fetches"][0];
    assert_eq!(run["requested"]["regions"][0], "us-east-1");
    assert_eq!(run["requested"]["window"]["from"], "2026-11-03T23:53:20Z");
    assert_eq!(run["requested"]["endpoint_url"], fake.url.as_str());
    assert_eq!(run["results"]["cloudtrail"]["us-east-1"]["items"], served.len());
    assert_eq!(run["results"]["cloudtrail"]["us-east-1"]["pages"], 5);
    assert_no_credentials(case.path(), &format!("{progress:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_resumes_after_interruption_without_duplicates_or_gaps() {
    let pages = ct_pages(4, 6);
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), pages.clone())].into(),
        ..Data::default()
    })
    .await;
    fake.fault("LookupEvents:us-east-1:2", &[Fault::Fatal]);
    let case = tempfile::tempdir().unwrap();
    let req = request(&fake, case.path(), &["us-east-1"], CT_ONLY);

    let (first, _) = run(req.clone()).await;
    assert_eq!(first.errors.len(), 1, "{:?}", first.errors);
    assert!(
        first.errors[0]
            .message
            .contains("rerun the same command to resume from page 3"),
        "{:?}",
        first.errors
    );
    assert!(case.path().join("fetched/.state/cloudtrail.checkpoint").exists());
    // What arrived before the interruption is already in the case.
    assert_eq!(written_records(case.path()).len(), 12);
    let asked_before = fake.log().len();

    let (second, progress) = run(req).await;
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    assert!(
        progress.iter().any(|p| matches!(
            p,
            FetchProgress::Resumed {
                page: 3,
                events: 12,
                ..
            }
        )),
        "{progress:?}"
    );
    let log = fake.log();
    let resumed: Vec<Option<String>> = log[asked_before..].iter().map(|l| l.token.clone()).collect();
    assert_eq!(
        resumed,
        vec![Some("ct-page-2".into()), Some("ct-page-3".into())],
        "no page asked twice"
    );
    let written = written_records(case.path());
    let mut got: Vec<String> = written.iter().map(|(_, r)| r.clone()).collect();
    let mut want = served_records(&pages);
    got.sort();
    want.sort();
    assert_eq!(got, want, "every record exactly once");
    assert!(!case.path().join("fetched/.state").exists());
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(case.path().join("fetched/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["fetches"].as_array().unwrap().len(), 2);
    // The fetched case goes through the normal ingest path: every record once, none unreadable.
    let store = trailhound::core::ingest::load_paths(&[case.path().join("fetched")]);
    assert_eq!(store.events.len(), want.len());
    assert_eq!(store.report.duplicates, 0);
    assert!(store.report.errors.is_empty(), "{:?}", store.report.errors);
    assert!(
        manifest["fetches"][0]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ValidationException")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookup_attributes_are_separate_queries_merged_once() {
    let pages = ct_pages(1, 4);
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), pages.clone())].into(),
        ..Data::default()
    })
    .await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), &["us-east-1"], CT_ONLY);
    req.lookup = vec![
        LookupAttr {
            key: LookupKey::AccessKeyId,
            value: "ASIADEMOROLE10000001".into(),
        },
        LookupAttr {
            key: LookupKey::EventName,
            value: "RunInstances".into(),
        },
    ];
    let (summary, _) = run(req).await;
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    let attrs: Vec<Value> = fake.log().iter().map(|l| l.body["LookupAttributes"].clone()).collect();
    assert_eq!(
        attrs,
        vec![
            serde_json::json!([{"AttributeKey": "AccessKeyId", "AttributeValue": "ASIADEMOROLE10000001"}]),
            serde_json::json!([{"AttributeKey": "EventName", "AttributeValue": "RunInstances"}]),
        ]
    );
    // The fake answers both queries with the same events: they are stored once.
    assert_eq!(written_records(case.path()).len(), served_records(&pages).len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guardduty_and_access_analyzer_findings_land_in_the_case() {
    let mut gd: Vec<Value> = (0..60).map(|i| gd_finding(i, "det-east")).collect();
    if let Some(t) = realdata("aws-cli-examples/guardduty/get-findings.output.json") {
        let mut real = camel(&serde_json::from_str::<Value>(&t).unwrap())["findings"][0].clone();
        real["accountId"] = "111122223333".into();
        gd.push(real);
    }
    let aa = aa_findings();
    let fake = FakeAws::start(Data {
        gd: [("us-east-1".to_string(), vec![("det-east".to_string(), gd.clone())])].into(),
        aa: [(
            "us-east-1".to_string(),
            vec![(aa_analyzer("us-east-1", "ConsoleAnalyzer-account"), aa.clone())],
        )]
        .into(),
        aa_page_size: 2,
        ..Data::default()
    })
    .await;
    fake.fault("ListFindings:us-east-1:1", &[Fault::Throttle]);
    fake.fault("GetFindingV2:us-east-1", &[Fault::ServerError]);
    let case = tempfile::tempdir().unwrap();
    let services = Services {
        cloudtrail: false,
        guardduty: true,
        access_analyzer: true,
    };
    let (summary, progress) = run(request(&fake, case.path(), &["us-east-1", "us-west-2"], services)).await;
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);

    // GetFindings in batches of at most 50, covering every listed id once.
    let log = fake.log();
    let batches: Vec<usize> = log
        .iter()
        .filter(|l| l.op == "GetFindings" && l.status == 200)
        .map(|l| l.body["findingIds"].as_array().unwrap().len())
        .collect();
    assert!(batches.iter().all(|&n| n <= 50), "{batches:?}");
    assert_eq!(batches.iter().sum::<usize>(), gd.len());
    // The window went out as updatedAt criteria (epoch milliseconds).
    let criteria = &log.iter().find(|l| l.op == "ListFindings").unwrap().body["findingCriteria"]["criterion"];
    assert_eq!(
        criteria["updatedAt"]["greaterThanOrEqual"].as_i64(),
        Some(WINDOW.0 * 1000)
    );
    assert_eq!(criteria["updatedAt"]["lessThanOrEqual"].as_i64(), Some(WINDOW.1 * 1000));

    // The written findings equal the served ones.
    let text = std::fs::read_to_string(
        case.path()
            .join("fetched/guardduty/111122223333_us-east-1_det-east.json"),
    )
    .unwrap();
    let written: Value = serde_json::from_str(&text).unwrap();
    let written = written["findings"].as_array().unwrap();
    assert_eq!(written.len(), gd.len());
    for (w, s) in written.iter().zip(&gd) {
        assert_eq!(norm(w), norm(s), "finding {}", s["id"]);
    }

    let text = std::fs::read_to_string(
        case.path()
            .join("fetched/access-analyzer/111122223333_us-east-1_ConsoleAnalyzer-account.json"),
    )
    .unwrap();
    let written: Value = serde_json::from_str(&text).unwrap();
    let written = written["findings"].as_array().unwrap();
    assert_eq!(written.len(), aa.len());
    let ts = |v: &Value| trailhound::core::time::parse_epoch(v.as_str().unwrap());
    for (w, s) in written.iter().zip(&aa) {
        for k in [
            "id",
            "resource",
            "resourceType",
            "resourceOwnerAccount",
            "status",
            "findingType",
            "findingDetails",
        ] {
            assert_eq!(w[k], s[k], "{k} of {}", s["id"]);
        }
        for k in ["analyzedAt", "createdAt", "updatedAt"] {
            assert_eq!(ts(&w[k]), ts(&s[k]), "{k} of {}", s["id"]);
        }
    }
    assert_eq!(
        log.iter().filter(|l| l.op == "GetFindingV2" && l.status == 200).count(),
        aa.len()
    );

    // us-west-2 has neither: said so, not an error.
    let notes: Vec<&str> = summary.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notes.iter().any(|n| n.contains("no GuardDuty detector in us-west-2")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("no IAM Access Analyzer analyzer in us-west-2")),
        "{notes:?}"
    );
    assert_eq!(summary.guardduty["us-east-1"].items, gd.len());
    assert_eq!(summary.access_analyzer["us-east-1"].items, aa.len());
    assert_no_credentials(case.path(), &format!("{progress:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_names_the_missing_action_and_the_fetch_goes_on() {
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), ct_pages(1, 2))].into(),
        aa: [(
            "us-east-1".to_string(),
            vec![(aa_analyzer("us-east-1", "a1"), aa_findings())],
        )]
        .into(),
        aa_page_size: 10,
        ..Data::default()
    })
    .await;
    fake.fault("LookupEvents:us-east-1:0", &[Fault::AccessDenied]);
    fake.fault("ListDetectors:us-east-1", &[Fault::AccessDenied]);
    let case = tempfile::tempdir().unwrap();
    let (summary, _) = run(request(&fake, case.path(), &["us-east-1"], Services::ALL)).await;
    let msg = |svc: &str| {
        summary
            .errors
            .iter()
            .find(|e| e.service.to_string() == svc)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    assert!(
        msg("cloudtrail").contains("lacks IAM permission `cloudtrail:LookupEvents`"),
        "{:?}",
        summary.errors
    );
    assert!(
        msg("guardduty").contains("`guardduty:ListDetectors`"),
        "{:?}",
        summary.errors
    );
    // Access denied is final: asked once, not retried.
    assert_eq!(fake.log().iter().filter(|l| l.op == "LookupEvents").count(), 1);
    // The service that works still delivered.
    assert_eq!(summary.access_analyzer["us-east-1"].items, aa_findings().len());
    let manifest = std::fs::read_to_string(case.path().join("fetched/manifest.json")).unwrap();
    assert!(manifest.contains("cloudtrail:LookupEvents"));
    assert_no_credentials(case.path(), "");
}

/// A first request over the real network arrives well after it was sent (DNS, TCP, TLS), and the requests after
/// it on the warm connection arrive at once: spacing requests by their send times then squeezes three into one
/// second at the server. The fake makes every new connection 400 ms slow to read and throttles and fails some
/// attempts; every one-second window of arrivals, retries included, must still hold at most two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_holds_at_the_server_when_the_first_request_arrives_late() {
    let pages = ct_pages(5, 3);
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), pages.clone())].into(),
        ..Data::default()
    })
    .await;
    fake.connect_delay(Duration::from_millis(400));
    fake.fault("LookupEvents:us-east-1:1", &[Fault::Throttle, Fault::Throttle]);
    fake.fault("LookupEvents:us-east-1:3", &[Fault::ServerError]);
    let case = tempfile::tempdir().unwrap();
    let (summary, _) = run(request(&fake, case.path(), &["us-east-1"], CT_ONLY)).await;
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    assert_eq!(written_records(case.path()).len(), served_records(&pages).len());

    let log = fake.log();
    let statuses: Vec<u16> = log.iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [200, 400, 400, 200, 200, 500, 200, 200],
        "5 pages, 2 throttled, 1 failed"
    );
    let rates = assert_rate_limited(&log);
    assert_eq!(rates["us-east-1"].requests, 8);
}

/// Regions are fetched at the same time, each under its own limiter: us-east-1's second page is held by the
/// server until eu-west-1's second page has arrived. Fetched one region after the other, or with one limiter
/// for both (the held request keeps its slot), eu-west-1's second page could not come while the first is held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_are_fetched_in_parallel_each_under_its_own_limit() {
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    let pages = ct_pages(3, 4);
    let fake = FakeAws::start(Data {
        ct_pages: regions.iter().map(|r| (r.to_string(), pages.clone())).collect(),
        ..Data::default()
    })
    .await;
    fake.fault(
        "LookupEvents:us-east-1:1",
        &[Fault::HoldUntil("LookupEvents:eu-west-1:1")],
    );
    fake.fault(
        "LookupEvents:eu-west-1:1",
        &[Fault::HoldUntil("LookupEvents:ap-southeast-2:1")],
    );
    fake.fault("LookupEvents:ap-southeast-2:0", &[Fault::Throttle]);
    let case = tempfile::tempdir().unwrap();
    let (summary, _) = run(request(&fake, case.path(), &regions, CT_ONLY)).await;
    assert!(summary.errors.is_empty(), "{:?}", summary.errors);

    let log = fake.log();
    let held: BTreeMap<&str, Option<crate::fake_aws::Hold>> = log
        .iter()
        .filter(|l| l.held.is_some())
        .map(|l| (l.key.as_str(), l.held))
        .collect();
    assert_eq!(
        held,
        BTreeMap::from([
            ("LookupEvents:eu-west-1:1", Some(crate::fake_aws::Hold::Released)),
            ("LookupEvents:us-east-1:1", Some(crate::fake_aws::Hold::Released)),
        ])
    );
    for region in regions {
        let tally = &summary.cloudtrail[region];
        assert_eq!(
            (tally.pages, tally.items),
            (3, served_records(&pages).len()),
            "{region}"
        );
    }
    // The three regions together went faster than one limit allows, each on its own did not.
    let rates = assert_rate_limited(&log);
    assert_eq!(rates.len(), 3);
    assert_eq!(rates["ap-southeast-2"].requests, 4);
}
