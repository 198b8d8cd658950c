//! `-i s3://…` against a fake S3 endpoint over real HTTP with the real SDK client (path-style, static fake
//! credentials): which prefixes are listed and which objects are requested for a load window, paging with
//! continuation tokens, `SlowDown` and truncated bodies, resuming an interrupted copy, and reopening the case from
//! its cache without the network. Expectations are written from the CloudTrail layout rules
//! (`docs/cloudtrail-layout.md`), not from the code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::fake_s3::{FakeS3, S3Fault};
use crate::fetch_data::{FAKE_KEY, FAKE_SECRET, fake_credentials};
use trailhound::aws::Tuning;
use trailhound::aws::s3::{SyncProgress, SyncReport, SyncRequest, sync};
use trailhound::core::case::remote::S3Url;
use trailhound::core::dataset::{Dataset, DatasetOptions};
use trailhound::core::ingest::{LoadOptions, LoadWindow};

const BUCKET: &str = "trail-bucket";
const ROOT: &str = "trail/AWSLogs/o-abc123def4/";
const ACCOUNTS: [&str; 2] = ["111122223333", "444455556666"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

fn at(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_second()
}

/// The load window of these tests: 2026-11-05 00:30 to 12:00 UTC, the default 24 h delivery slack.
fn window() -> LoadWindow {
    LoadWindow {
        from: Some(at("2026-11-05T00:30:00Z")),
        to: Some(at("2026-11-05T12:00:00Z")),
        ..Default::default()
    }
}

/// One file per delivery stamp, with the event times of its two records, and whether the window needs the file:
/// delivered in `[from − 1 h, to + 24 h)` = `[11-04 23:30, 11-06 12:00)`.
const FILES: [(&str, [&str; 2], bool); 8] = [
    (
        "20261103T1000Z",
        ["2026-11-03T09:50:00Z", "2026-11-03T09:55:00Z"],
        false,
    ),
    (
        "20261104T1000Z",
        ["2026-11-04T09:50:00Z", "2026-11-04T09:55:00Z"],
        false,
    ),
    ("20261104T2345Z", ["2026-11-04T23:40:00Z", "2026-11-04T23:44:00Z"], true),
    ("20261105T0605Z", ["2026-11-05T06:00:00Z", "2026-11-05T06:01:00Z"], true),
    ("20261105T1205Z", ["2026-11-05T11:59:00Z", "2026-11-05T12:01:00Z"], true),
    ("20261106T0900Z", ["2026-11-05T10:00:00Z", "2026-11-06T08:59:00Z"], true),
    (
        "20261106T1300Z",
        ["2026-11-06T12:55:00Z", "2026-11-06T12:58:00Z"],
        false,
    ),
    (
        "20261107T1000Z",
        ["2026-11-07T09:50:00Z", "2026-11-07T09:55:00Z"],
        false,
    ),
];

/// Events inside the window, per account and region: 06:00, 06:01, 11:59 and the late-delivered 10:00.
const IN_WINDOW: [&str; 4] = [
    "2026-11-05T06:00:00Z",
    "2026-11-05T06:01:00Z",
    "2026-11-05T11:59:00Z",
    "2026-11-05T10:00:00Z",
];

fn event_id(account: &str, region: &str, time: &str) -> String {
    format!("{account}-{region}-{}", time.replace([':', '-'], ""))
}

fn record(account: &str, region: &str, time: &str) -> serde_json::Value {
    serde_json::json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": format!("arn:aws:iam::{account}:user/alice"),
                         "accountId": account, "accessKeyId": "AKIAEXAMPLEKEY000001", "userName": "alice"},
        "eventTime": time, "eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances",
        "awsRegion": region, "sourceIPAddress": "198.51.100.23", "userAgent": "aws-cli/2.15.30",
        "requestParameters": null, "responseElements": null, "requestID": "req",
        "eventID": event_id(account, region, time), "readOnly": true, "eventType": "AwsApiCall",
        "managementEvent": true, "recipientAccountId": account, "eventCategory": "Management"
    })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn key(account: &str, region: &str, stamp: &str) -> String {
    format!(
        "{ROOT}{account}/CloudTrail/{region}/{}/{}/{}/{account}_CloudTrail_{region}_{stamp}_Ab12Cd34Ef56Gh78.json.gz",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8]
    )
}

/// The bucket: every file of [`FILES`] per account and region, plus what else shares a trail bucket (a digest,
/// a Config snapshot, a file beside the trail) that must never be asked for.
fn bucket() -> BTreeMap<String, Vec<u8>> {
    let mut objects = BTreeMap::new();
    for account in ACCOUNTS {
        for region in REGIONS {
            for (stamp, times, _) in FILES {
                let recs: Vec<_> = times.iter().map(|t| record(account, region, t)).collect();
                let body = serde_json::to_vec(&serde_json::json!({ "Records": recs })).unwrap();
                objects.insert(key(account, region, stamp), gzip(&body));
            }
        }
        objects.insert(
            format!("{ROOT}{account}/CloudTrail-Digest/us-east-1/2026/11/05/{account}_CloudTrail-Digest_us-east-1_t_us-east-1_20261105T0605Z.json.gz"),
            b"digest".to_vec(),
        );
        objects.insert(
            format!("{ROOT}{account}/Config/us-east-1/2026/11/05/ConfigSnapshot/snap.json.gz"),
            b"config".to_vec(),
        );
    }
    objects.insert("elsewhere/readme.json".into(), b"{}".to_vec());
    objects
}

/// Keys the window needs.
fn wanted_keys() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for account in ACCOUNTS {
        for region in REGIONS {
            for (stamp, _, wanted) in FILES {
                if wanted {
                    out.insert(key(account, region, stamp));
                }
            }
        }
    }
    out
}

fn expected_ids() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for account in ACCOUNTS {
        for region in REGIONS {
            for t in IN_WINDOW {
                out.insert(event_id(account, region, t));
            }
        }
    }
    out
}

fn request(fake: &FakeS3, case: &Path) -> SyncRequest {
    let url = S3Url::parse(&format!("s3://{BUCKET}/trail/")).unwrap();
    let mut req = SyncRequest::new(url, case, window());
    req.client.endpoint_url = Some(fake.url.clone());
    req.client.region = Some("us-east-1".into());
    req.client.static_credentials = Some(fake_credentials(false));
    req.client.tuning = Tuning {
        sdk_max_attempts: 3,
        sdk_initial_backoff: Duration::from_millis(5),
        attempt_timeout: Duration::from_secs(20),
        ..Tuning::default()
    };
    req.get_concurrency = 4;
    req
}

async fn run(req: &SyncRequest) -> (SyncReport, Vec<SyncProgress>) {
    let seen = Mutex::new(Vec::new());
    let report = sync(req, |p| seen.lock().unwrap().push(p)).await.expect("sync runs");
    (report, seen.into_inner().unwrap())
}

/// Event ids loaded from `dir` through the one Dataset path, within the window.
fn loaded_ids(dir: &Path) -> BTreeSet<String> {
    let opts = DatasetOptions {
        geoip: None,
        load: LoadOptions {
            window: window(),
            ..Default::default()
        },
        index: None,
    };
    let data = Dataset::load(&[dir.to_path_buf()], &opts, &|_| {});
    let store = data.store();
    assert_eq!(store.report.errors_total, 0, "{:?}", store.report.errors);
    store.events.iter().map(|e| store.event_id_string(e)).collect()
}

/// The cache's files (a temporary file of an abandoned write would show here by its `.trailhound-` name).
fn cached(case: &Path) -> BTreeMap<String, Vec<u8>> {
    let root = case.join("cache").join(BUCKET);
    crate::support::demo_tree::tree(&root)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_only_the_windows_prefixes_and_fetches_only_what_it_admits() {
    let fake = FakeS3::start(BUCKET, bucket(), 2).await;
    let case = tempfile::tempdir().unwrap();
    let (report, progress) = run(&request(&fake, case.path())).await;
    let log = fake.log();

    // Objects outside the window (by day folder or by the stamp in the name) and non-trail objects: never asked.
    let gets: BTreeSet<String> = fake.gets().into_iter().collect();
    assert_eq!(gets, wanted_keys());
    assert_eq!(fake.gets().len(), 16, "each object asked once");
    assert_eq!(
        (report.objects_wanted, report.objects_fetched, report.objects_cached),
        (16, 16, 0)
    );
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);

    // Day folders: exactly the window's delivery days (11-04, 11-05, 11-06) per account and region, listed whole;
    // no year or month folder is listed, nothing under a digest or Config folder.
    let lists: Vec<_> = log.iter().filter(|l| l.op == "ListObjectsV2").collect();
    let day_prefixes: BTreeSet<&str> = lists
        .iter()
        .filter(|l| l.delimiter.is_none())
        .map(|l| l.prefix.as_str())
        .collect();
    let mut expected_days = BTreeSet::new();
    for a in ACCOUNTS {
        for r in REGIONS {
            for d in ["2026/11/04", "2026/11/05", "2026/11/06"] {
                expected_days.insert(format!("{ROOT}{a}/CloudTrail/{r}/{d}/"));
            }
        }
    }
    assert_eq!(day_prefixes, expected_days.iter().map(String::as_str).collect());
    for l in &lists {
        assert!(
            !l.prefix.contains("Digest") && !l.prefix.contains("Config"),
            "{}",
            l.prefix
        );
        assert!(
            !l.prefix.ends_with("/2026/") && !l.prefix.ends_with("/11/"),
            "{}",
            l.prefix
        );
    }
    // Accounts and regions were discovered by delimiter listings, paging through continuation tokens.
    assert!(lists.iter().any(|l| l.delimiter.as_deref() == Some("/")));
    assert!(lists.iter().any(|l| l.token.is_some()), "page size 2 must page");
    assert_eq!(report.list_requests as usize, lists.len());

    // The copies are the objects, byte for byte, under the same key layout.
    let served = bucket();
    let copies = cached(case.path());
    assert_eq!(copies.len(), 16);
    for (rel, bytes) in &copies {
        assert_eq!(Some(bytes), served.get(rel), "{rel}");
    }
    // Progress: the last download report says all objects and bytes are done.
    let last = progress
        .iter()
        .rev()
        .find_map(|p| match p {
            SyncProgress::Download(d) => Some(*d),
            _ => None,
        })
        .unwrap();
    assert_eq!((last.files_done, last.files_total), (16, 16));
    assert_eq!(last.bytes_done, copies.values().map(|b| b.len() as u64).sum::<u64>());

    // The cache loads like any local tree: exactly the events inside the window.
    assert_eq!(loaded_ids(&report.cache_dir), expected_ids());
    assert_eq!(report.cache_dir, case.path().join("cache").join(BUCKET).join("trail"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowdown_is_retried_and_a_truncated_object_is_retried_or_reported() {
    let fake = FakeS3::start(BUCKET, bucket(), 2).await;
    let keys: Vec<String> = wanted_keys().into_iter().collect();
    let (slow, cut_once, cut_always) = (&keys[0], &keys[1], &keys[2]);
    fake.fault(slow, &[S3Fault::SlowDown]);
    fake.fault(cut_once, &[S3Fault::Truncate]);
    fake.fault(cut_always, &[S3Fault::Truncate; 3]);
    // A listing slowed down too.
    let day = format!("{ROOT}{}/CloudTrail/us-east-1/2026/11/05/", ACCOUNTS[0]);
    fake.fault(&format!("list:{day}"), &[S3Fault::SlowDown]);
    let case = tempfile::tempdir().unwrap();
    let (report, progress) = run(&request(&fake, case.path())).await;
    let log = fake.log();

    // SlowDown: the SDK's retry strategy asked again (attempt 2 of the same call) and the object arrived.
    let slow_asks: Vec<_> = log.iter().filter(|l| l.key == *slow).collect();
    assert_eq!(slow_asks.iter().map(|l| l.status).collect::<Vec<_>>(), [503, 200]);
    assert!(
        slow_asks[1].attempt.starts_with("attempt=2"),
        "{}",
        slow_asks[1].attempt
    );
    let day_asks: Vec<u16> = log.iter().filter(|l| l.prefix == day).map(|l| l.status).collect();
    assert_eq!(day_asks, [503, 200]);

    // Truncated once: tried again, and the copy is complete.
    let copies = cached(case.path());
    let served = bucket();
    assert_eq!(fake.gets().iter().filter(|k| *k == cut_once).count(), 2);
    assert_eq!(copies.get(cut_once.as_str()), served.get(cut_once.as_str()));
    // Truncated every time: given up after 3 tries, reported with its key and reason, and no copy (partial or
    // temporary) left where it would be loaded.
    assert_eq!(fake.gets().iter().filter(|k| *k == cut_always).count(), 3);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert_eq!(report.skipped[0].key, *cut_always);
    let reason = &report.skipped[0].reason;
    assert!(
        reason.contains("ended early") || reason.contains("truncated"),
        "{reason}"
    );
    assert!(reason.contains("3 tries"), "{reason}");
    assert!(!copies.contains_key(cut_always.as_str()));
    let leftover: Vec<_> = copies.keys().filter(|k| k.contains(".trailhound-")).collect();
    assert!(leftover.is_empty(), "{leftover:?}");
    assert!(
        progress
            .iter()
            .any(|p| matches!(p, SyncProgress::Retry { key, .. } if key == cut_once))
    );
    assert!(
        progress
            .iter()
            .any(|p| matches!(p, SyncProgress::Skipped { key, .. } if key == cut_always))
    );
    assert_eq!(report.objects_fetched, 15);

    // A rerun fetches only the missing object.
    fake.clear_log();
    let (again, _) = run(&request(&fake, case.path())).await;
    assert_eq!(fake.gets(), std::slice::from_ref(cut_always));
    assert_eq!((again.objects_cached, again.objects_fetched), (15, 1));
    assert!(again.skipped.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_copy_resumes_with_only_what_is_missing() {
    let fake = FakeS3::start(BUCKET, bucket(), 2).await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path());
    req.get_concurrency = 2;
    // Interrupt the copy (drop it, in-flight requests and all) once 5 objects are done. It runs on a runtime of
    // its own, dropped afterwards: that waits for writes already handed to blocking threads, as a killed process
    // would have either finished or abandoned them (abandoned temporary files are not data names, never loaded).
    let interrupted = tokio::task::spawn_blocking(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stop = tokio::sync::Notify::new();
        let cb = |p: SyncProgress| {
            if let SyncProgress::Download(d) = p
                && d.files_done >= 5
            {
                stop.notify_one();
            }
        };
        let r = rt.block_on(async {
            tokio::select! {
                r = sync(&req, cb) => Some(r.is_ok()),
                () = stop.notified() => None,
            }
        });
        drop(rt);
        r
    })
    .await
    .unwrap();
    assert!(interrupted.is_none(), "the copy should have been interrupted");
    // Whatever is in the cache is complete: a partial object is never there to be mistaken for a whole one.
    let served = bucket();
    let first = cached(case.path());
    assert!(first.len() >= 5 && first.len() < 16, "{} copies", first.len());
    for (rel, bytes) in &first {
        assert_eq!(Some(bytes), served.get(rel), "{rel}");
    }
    // A copy damaged outside our control (its size differs from the listing) is fetched again too.
    let damaged = first.keys().next().unwrap().clone();
    std::fs::write(case.path().join("cache").join(BUCKET).join(&damaged), b"xx").unwrap();

    fake.clear_log();
    let (report, _) = run(&request(&fake, case.path())).await;
    let gets: BTreeSet<String> = fake.gets().into_iter().collect();
    let mut missing: BTreeSet<String> = wanted_keys().into_iter().filter(|k| !first.contains_key(k)).collect();
    missing.insert(damaged);
    assert_eq!(gets, missing);
    assert_eq!(report.objects_cached as usize, 16 - missing.len());
    assert_eq!(cached(case.path()).len(), 16);
    assert_eq!(loaded_ids(&report.cache_dir), expected_ids());
}

/// The environment a `trailhound` child process runs with: fake credentials, no shared config, the S3 endpoint
/// given through `AWS_ENDPOINT_URL_S3`, default cases under `data`.
fn cli(endpoint: &str, home: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"));
    for k in [
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_SESSION_TOKEN",
        "TRAILHOUND_CASE",
        "AWS_DEFAULT_REGION",
    ] {
        c.env_remove(k);
    }
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", FAKE_KEY)
        .env("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL_S3", endpoint)
        .env("TRAILHOUND_FETCH_BACKOFF_MS", "5");
    c
}

fn ingest_events(out: &std::process::Output) -> u64 {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["events"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_reads_s3_into_the_default_case_and_reopens_it_offline() {
    let fake = FakeS3::start(BUCKET, bucket(), 3).await;
    let home = tempfile::tempdir().unwrap();
    let url = format!("s3://{BUCKET}/trail/");
    let args = [
        "ingest",
        "--json",
        "-i",
        &url,
        "--from",
        "2026-11-05T00:30:00Z",
        "--to",
        "2026-11-05T12:00:00Z",
    ];
    let out = tokio::task::spawn_blocking({
        let mut c = cli(&fake.url, home.path());
        c.args(args);
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(ingest_events(&out), 16);
    // Path-style requests (`/<bucket>/<key>`) reached the fake through AWS_ENDPOINT_URL_S3.
    assert_eq!(fake.gets().len(), 16);
    assert!(fake.log().iter().all(|l| l.bucket == BUCKET));

    // The default case of the input set holds the copy and records the S3 input.
    let case_dir = home
        .path()
        .join("data/trailhound/cases")
        .join(trailhound::core::case::input_set_name(&[PathBuf::from(&url)]));
    let case = trailhound::core::case::Case::open(&case_dir).unwrap();
    let inputs = case.inputs().unwrap();
    assert_eq!(
        inputs,
        [trailhound::core::case::Input::S3 {
            url: S3Url::parse(&url).unwrap()
        }]
    );
    // Reopening the case reads the copy, no network: what `--case DIR` loads.
    let local: Vec<PathBuf> = inputs.iter().filter_map(|i| i.local_path(&case_dir)).collect();
    assert_eq!(local, [case_dir.join("cache").join(BUCKET).join("trail")]);
    assert_eq!(loaded_ids(&local[0]), expected_ids());

    // A rerun asks S3 only for listings; with S3 unreachable, the cached copy is loaded with a warning.
    fake.clear_log();
    let again = tokio::task::spawn_blocking({
        let mut c = cli(&fake.url, home.path());
        c.args(args);
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(ingest_events(&again), 16);
    assert!(fake.gets().is_empty());
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let offline = tokio::task::spawn_blocking({
        let mut c = cli(&dead_url, home.path());
        c.args(args).env("TRAILHOUND_FETCH_BACKOFF_MS", "1");
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(ingest_events(&offline), 16);
    let stderr = String::from_utf8_lossy(&offline.stderr);
    assert!(stderr.contains("loading the copy cached in"), "{stderr}");

    // `export --case DIR` reopens the case from its recorded S3 input: the copy, no request at all.
    fake.clear_log();
    let export = tokio::task::spawn_blocking({
        let mut c = cli(&dead_url, home.path());
        c.args(["export", "--case", case_dir.to_str().unwrap(), "--format", "json"])
            .args(&args[4..]);
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let report: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(report["data"]["events"], 16);
    assert_eq!(report["case"]["inputs"], serde_json::json!([url]));
    assert!(fake.log().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_in_another_region_is_followed_there() {
    let fake = FakeS3::start(BUCKET, bucket(), 50).await;
    fake.state.lock().unwrap().home_region = Some("eu-west-2".into());
    let case = tempfile::tempdir().unwrap();
    let (report, progress) = run(&request(&fake, case.path())).await;
    assert_eq!(report.region, "eu-west-2");
    assert!(progress.contains(&SyncProgress::Redirected {
        region: "eu-west-2".into()
    }));
    // One request was signed for us-east-1 and redirected; every later one was signed for the bucket's region.
    let log = fake.log();
    assert_eq!(log.iter().filter(|l| l.status == 301).count(), 1);
    assert!(log.iter().filter(|l| l.status != 301).all(|l| l.region == "eu-west-2"));
    assert_eq!(report.objects_fetched, 16);
}

/// Throughput of a copy against the fake on this machine (not a pass/fail test: `cargo test --test aws --
/// --ignored s3::throughput --nocapture` prints the numbers the README quotes). 2,000 objects of 200 records
/// each in two regions' day folders, listed 1,000 keys a page as S3 does, fetched 16 at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check"]
async fn throughput_against_the_fake() {
    let mut objects = BTreeMap::new();
    for region in REGIONS {
        for n in 0..1000 {
            let stamp = format!("20261105T{:02}{:02}Z", n / 60 % 12, n % 60);
            let recs: Vec<_> = (0..200)
                .map(|i| {
                    let mut r = record(ACCOUNTS[0], region, "2026-11-05T06:00:00Z");
                    r["eventID"] = serde_json::json!(format!("{region}-{n}-{i}"));
                    r["requestID"] = serde_json::json!(format!("{:032x}", (n * 1000 + i) * 2_654_435_761usize));
                    r
                })
                .collect();
            let body = serde_json::to_vec(&serde_json::json!({ "Records": recs })).unwrap();
            let k = key(ACCOUNTS[0], region, &stamp).replace("Ab12Cd34Ef56Gh78", &format!("U{n:015}"));
            objects.insert(k, gzip(&body));
        }
    }
    let bytes: usize = objects.values().map(Vec::len).sum();
    let fake = FakeS3::start(BUCKET, objects, 1000).await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path());
    req.get_concurrency = 16;
    let (report, _) = run(&req).await;
    assert_eq!(report.objects_fetched, 2000);
    eprintln!(
        "{} objects, {:.1} MB in {:.2} s: {:.0} objects/s, {:.1} MB/s ({} list requests)",
        report.objects_fetched,
        bytes as f64 / 1e6,
        report.seconds,
        report.objects_fetched as f64 / report.seconds,
        bytes as f64 / 1e6 / report.seconds,
        report.list_requests
    );
    let t = std::time::Instant::now();
    let (again, _) = run(&req).await;
    assert_eq!(again.objects_cached, 2000);
    eprintln!("rerun with everything cached: {:.2} s", t.elapsed().as_secs_f64());
}

/// Keys are hostile input: one that would climb out of the cache or carry a control character is reported and
/// not copied anywhere; the ordinary key beside them is copied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_that_cannot_be_cache_paths_are_reported_not_written() {
    let mut objects = BTreeMap::new();
    for k in [
        "trail/../../escape.json",
        "trail/x/\u{1b}]0;pwned\u{7}.json",
        "trail//double.json",
        "trail/ok.json",
    ] {
        objects.insert(k.to_string(), b"{\"Records\":[]}".to_vec());
    }
    let fake = FakeS3::start(BUCKET, objects, 10).await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path());
    req.window = LoadWindow::default();
    let (report, _) = run(&req).await;
    assert_eq!(report.objects_fetched, 1);
    let skipped: BTreeSet<&str> = report.skipped.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        skipped,
        [
            "trail/../../escape.json",
            "trail/x/\u{1b}]0;pwned\u{7}.json",
            "trail//double.json"
        ]
        .into()
    );
    assert!(fake.gets() == ["trail/ok.json"], "{:?}", fake.gets());
    let mut files = Vec::new();
    crate::support::demo_tree::files_under(case.path(), &mut files);
    assert_eq!(files, [case.path().join("cache").join(BUCKET).join("trail/ok.json")]);
}

/// With an open end the day folders cannot be named in advance: years, months and days are listed with the
/// delimiter and pruned by the window, so day folders wholly before it are never listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_window_walks_the_date_folders_and_prunes_them() {
    let fake = FakeS3::start(BUCKET, bucket(), 2).await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path());
    // From 11-06 00:00 on: files delivered from 11-05 23:00 (the early margin) are needed.
    req.window = LoadWindow {
        from: Some(at("2026-11-06T00:00:00Z")),
        ..Default::default()
    };
    let (report, _) = run(&req).await;
    let mut expected = BTreeSet::new();
    for a in ACCOUNTS {
        for r in REGIONS {
            for stamp in ["20261106T0900Z", "20261106T1300Z", "20261107T1000Z"] {
                expected.insert(key(a, r, stamp));
            }
        }
    }
    assert_eq!(fake.gets().into_iter().collect::<BTreeSet<_>>(), expected);
    assert_eq!(report.objects_fetched, 12);
    let listed: BTreeSet<String> = fake
        .log()
        .into_iter()
        .filter(|l| l.op == "ListObjectsV2")
        .map(|l| l.prefix)
        .collect();
    let region = format!("{ROOT}{}/CloudTrail/us-east-1/", ACCOUNTS[0]);
    for walked in ["", "2026/", "2026/11/", "2026/11/05/", "2026/11/06/", "2026/11/07/"] {
        assert!(
            listed.contains(&format!("{region}{walked}")),
            "{walked} not listed: {listed:?}"
        );
    }
    for pruned in ["2026/11/03/", "2026/11/04/"] {
        assert!(!listed.contains(&format!("{region}{pruned}")), "{pruned} listed");
    }
}
