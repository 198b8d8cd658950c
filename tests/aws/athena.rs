//! `trailhound fetch --athena` against a fake Athena that executes the SQL it receives on DuckDB over a table
//! built from the sample case (`tests/support/fake_athena.rs`): the real SDK, the real plan, a real SQL engine.
//! Checks that a fetched window holds exactly the records of the same window read locally, that every query
//! prunes partitions, paging, FAILED and throttled queries, resuming, and that hostile principal values reach the
//! engine as exactly themselves without changing any query.

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use crate::fake_athena::{Executed, FakeAthena, Fault, Layout};
use crate::fetch_data::*;
use serde_json::Value;
use trailhound::aws::FetchProgress;
use trailhound::aws::athena::{AthenaRequest, AthenaSummary, fetch, fetch_until};
use trailhound::aws::plan_run::{ResultsChoice, ResultsRoute};
use trailhound::core::orgscale::plan::Principal;

/// 2026-11-05, the sample's last day (497 records).
pub(crate) const WINDOW: (i64, i64) = ORG_WINDOW;

pub(crate) fn request(fake: &FakeAthena, case: &std::path::Path, accounts: Option<Vec<String>>) -> AthenaRequest {
    AthenaRequest {
        plan: fake_plan(&fake.url, case, accounts),
        table: "trails.org".parse().unwrap(),
        catalog: None,
        workgroup: Some("primary".into()),
        output_location: None,
    }
}

pub(crate) async fn run(req: AthenaRequest) -> (AthenaSummary, Vec<FetchProgress>) {
    let seen = Mutex::new(Vec::new());
    let s = fetch(req, |p| seen.lock().unwrap().push(p))
        .await
        .expect("athena fetch runs");
    (s, seen.into_inner().unwrap())
}

pub(crate) fn sample() -> Vec<Value> {
    crate::support::demo_tree::sample()
}

pub(crate) fn in_window(r: &Value) -> bool {
    let t = r["eventTime"].as_str().unwrap_or("");
    ("2026-11-05T00:00:00Z"..="2026-11-05T23:59:59Z").contains(&t)
}

pub(crate) fn ids(recs: &[Value]) -> BTreeSet<String> {
    recs.iter()
        .map(|r| r["eventID"].as_str().unwrap().to_string())
        .collect()
}

/// The records of one fetched query file.
pub(crate) fn file_records(case: &std::path::Path, rel: &std::path::Path) -> Vec<Value> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(case.join("fetched").join(rel)).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

pub(crate) async fn start(layout: Layout) -> FakeAthena {
    FakeAthena::start(layout).await
}

fn assert_pruned(executed: &[Executed], table_bytes: u64) {
    assert!(!executed.is_empty());
    for q in executed {
        eprintln!(
            "query {}: {} rows, scans {} of {} bytes ({:.2}%), {} partition predicate(s)",
            q.id,
            q.rows,
            q.scanned,
            table_bytes,
            q.scanned as f64 * 100.0 / table_bytes as f64,
            q.partition_predicates
        );
        assert!(q.error.is_none(), "{}: {:?}", q.sql, q.error);
        assert!(q.partition_predicates >= 1, "no partition predicate in {}", q.sql);
        assert!(q.scanned < table_bytes, "{} scanned the whole table", q.sql);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetched_window_is_exactly_the_local_window_in_each_layout() {
    let local: Vec<Value> = sample().into_iter().filter(in_window).collect();
    assert_eq!(local.len(), 497, "the sample's last day");
    for layout in [Layout::Org, Layout::Classic, Layout::Projection] {
        let fake = start(layout).await;
        let case = tempfile::tempdir().unwrap();
        let (s, _) = run(request(&fake, case.path(), None)).await;
        assert!(s.errors.is_empty(), "{layout:?}: {:?}", s.errors);
        let scope = &s.queries[0];
        assert_eq!(scope.part, "scope");
        assert_eq!(scope.state, "SUCCEEDED");
        assert_eq!(scope.results, Some(ResultsRoute::Csv), "auto reads the result CSV");
        let got = file_records(case.path(), scope.file.as_ref().unwrap());
        assert_eq!(ids(&got), ids(&local), "{layout:?}");
        // Every field of every record comes back as it was (nulls absent, JSON strings parsed, readOnly a bool),
        // compared after dropping the fields the documented table has no column for.
        let by_id: std::collections::HashMap<&str, &Value> =
            local.iter().map(|r| (r["eventID"].as_str().unwrap(), r)).collect();
        for r in &got {
            let want = by_id[r["eventID"].as_str().unwrap()];
            assert_eq!(r, &comparable(want), "{layout:?}");
        }
        let executed = fake.executed();
        assert_pruned(&executed, fake.table_bytes);
        eprintln!(
            "{layout:?}: table {} bytes / {} rows; queries: {}",
            fake.table_bytes,
            fake.table_rows,
            executed
                .iter()
                .zip(&s.queries)
                .map(|(e, q)| format!(
                    "{} {} rows, {} bytes ({:.2}% of the table)",
                    q.part,
                    e.rows,
                    e.scanned,
                    e.scanned as f64 * 100.0 / fake.table_bytes as f64
                ))
                .collect::<Vec<_>>()
                .join("; ")
        );
        // The ingest reads what was written: the same events.
        let ds = trailhound::core::dataset::Dataset::load(&[case.path().join("fetched")], &Default::default(), &|_| {});
        assert!(ds.store().events.len() >= local.len(), "{layout:?}");
    }
}

/// A record as the documented table can give it back: only the fields it has columns for.
pub(crate) fn comparable(r: &Value) -> Value {
    let mut v = r.clone();
    let o = v.as_object_mut().unwrap();
    let known: BTreeSet<&str> = trailhound::core::orgscale::columns::COLUMNS
        .iter()
        .map(|c| c.json.split('.').next().unwrap())
        .collect();
    // A JSON null and an absent field are one NULL to Athena: both come back absent.
    o.retain(|k, v| known.contains(k.as_str()) && !v.is_null());
    // managementEvent is not in the documented table.
    o.remove("managementEvent");
    if let Some(ui) = o.get_mut("userIdentity").and_then(Value::as_object_mut) {
        ui.retain(|k, _| {
            [
                "type",
                "principalId",
                "arn",
                "accountId",
                "invokedBy",
                "accessKeyId",
                "userName",
                "onBehalfOf",
                "sessionContext",
            ]
            .contains(&k.as_str())
        });
        if let Some(sc) = ui.get_mut("sessionContext").and_then(Value::as_object_mut) {
            sc.remove("webIdFederationData");
            sc.retain(|_, v| !v.is_null());
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_page_and_a_rerun_reuses_finished_queries() {
    let fake = start(Layout::Org).await;
    fake.state.lock().unwrap().page_rows = 100;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), Some(vec!["444455556666".into()]));
    req.plan.results = ResultsChoice::Pages;
    let (s1, _) = run(req).await;
    assert!(s1.errors.is_empty(), "{:?}", s1.errors);
    assert!(s1.queries.iter().all(|q| q.results == Some(ResultsRoute::Pages)));
    assert!(fake.s3.lock().unwrap().log.is_empty(), "--results pages reads no CSV");
    let pages = fake.ops().iter().filter(|o| *o == "GetQueryResults").count();
    let scope_rows = s1.queries[0].rows;
    assert!(scope_rows > 200, "{scope_rows}");
    assert!(pages >= scope_rows.div_ceil(100), "{pages} pages for {scope_rows} rows");
    let starts = fake.ops().iter().filter(|o| *o == "StartQueryExecution").count();
    let (s2, _) = run(request(&fake, case.path(), Some(vec!["444455556666".into()]))).await;
    assert!(s2.queries.iter().all(|q| q.reused), "{:?}", s2.queries);
    assert_eq!(
        fake.ops().iter().filter(|o| *o == "StartQueryExecution").count(),
        starts,
        "no query ran again"
    );
    assert_eq!(s2.records, s1.records);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_starts_are_retried_and_failed_queries_say_why() {
    let fake = start(Layout::Org).await;
    fake.fault(Fault::Throttle);
    fake.fault(Fault::Throttle);
    let case = tempfile::tempdir().unwrap();
    let (s, progress) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert!(
        progress
            .iter()
            .any(|p| matches!(p, FetchProgress::Retry { reason, .. } if reason.contains("TooManyRequestsException")))
    );
    assert_eq!(s.queries[0].state, "SUCCEEDED");

    let fake = start(Layout::Org).await;
    fake.fault(Fault::Fail(
        "HIVE_BAD_DATA: Error parsing field value for field 3".into(),
    ));
    let case = tempfile::tempdir().unwrap();
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert_eq!(s.queries[0].state, "FAILED");
    assert_eq!(
        s.queries[0].state_change_reason.as_deref(),
        Some("HIVE_BAD_DATA: Error parsing field value for field 3")
    );
    assert!(
        s.errors[0].contains("scope") && s.errors[0].contains("HIVE_BAD_DATA"),
        "{:?}",
        s.errors
    );
    // A failed query is not reused: the next run asks again.
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert_eq!(s.queries[0].state, "SUCCEEDED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_principal_values_reach_the_engine_as_themselves() {
    let fake = start(Layout::Org).await;
    let case = tempfile::tempdir().unwrap();
    let hostile = [
        "x' OR '1'='1",
        "a'; DROP TABLE trails.org; --",
        "back\\slash\\'",
        "sessión\u{202e}\u{e0041}名前",
        "?",
        "' UNION SELECT * FROM trails.org --",
    ];
    let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
    req.plan.principals = hostile
        .iter()
        .map(|h| Principal::Arn(format!("arn:aws:iam::111122223333:user/{h}")))
        .chain(hostile.iter().map(|h| Principal::PrincipalId(h.to_string())))
        .collect();
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let executed = fake.executed();
    // The baseline runs beside the scope query (the principals name their account): found by its id.
    let last = s.queries.last().unwrap();
    assert!(last.part == "baseline");
    let baseline = executed.iter().find(|e| Some(&e.id) == last.query_id.as_ref()).unwrap();
    // Nobody has those names: the baseline matched nothing, and the engine saw each value exactly.
    assert_eq!(baseline.rows, 0);
    for h in hostile {
        let lit = format!("'{}'", h.replace('\'', "''"));
        assert!(baseline.params.contains(&lit), "{lit}");
        if h.len() > 1 {
            assert!(!baseline.sql.contains(h), "a value reached the SQL text: {h}");
        }
    }
    assert_pruned(&executed, fake.table_bytes);
}

/// `trailhound <args> --json`, stdout as JSON.
pub(crate) fn cli_json(args: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The GuardDuty finding of the sample (ListRoles from a malicious IP by the vendor-audit session): with its
/// principal named, the fetched case answers trace, behaviour and volume exactly as the full local copy does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_findings_principal_reads_the_same_from_a_fetch_as_from_the_full_copy() {
    const FINDING: &str = "8ec5b1a2c3d4e5f60718293a4b5c6d7e";
    const KEY: &str = "ASIAVENDORAUDIT00001";
    let fake = start(Layout::Org).await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), Some(vec!["111122223333".into()]));
    req.plan.principals = vec![Principal::AccessKey(KEY.into())];
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.queries.last().unwrap().part, "baseline");
    assert_pruned(&fake.executed(), fake.table_bytes);
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

/// Each command's JSON on the fetched case (plus the sample's findings and GeoIP databases) equals its JSON on
/// the full sample loaded from `from` (the fetch's baseline start: the same window; counts of everything loaded,
/// such as a profile's days of history, otherwise differ by design).
pub(crate) fn same_answers(case: &std::path::Path, from: &str, commands: &[Vec<&str>]) {
    let full = crate::support::sample_case();
    let fetched = case.join("fetched");
    let findings = full.join("findings");
    let geoip = full.join("geoip");
    let (geoip, full) = (geoip.to_str().unwrap(), full.to_str().unwrap());
    let (fetched, findings) = (fetched.to_str().unwrap(), findings.to_str().unwrap());
    for cmd in commands {
        let geo: &[&str] = if cmd[0] == "trace" { &[] } else { &["--geoip", geoip] };
        let mut local: Vec<&str> = cmd.clone();
        local.extend(["-i", full, "--from", from]);
        local.extend(geo);
        let mut remote: Vec<&str> = cmd.clone();
        remote.extend(["-i", fetched, "-i", findings]);
        remote.extend(geo);
        assert_eq!(cli_json(&remote), cli_json(&local), "{cmd:?}");
    }
}

/// A session created before the window (00:00:18, window from 01:00): a chain round fetches its assumption,
/// the baseline its role's 45 days; trace of the session and behaviour and volume of the role then read the same
/// as on the full copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_rounds_and_the_baseline_complete_an_older_session() {
    const KEY: &str = "ASIA6AZK5IXATMZHT4FI";
    const ROLE: &str = "arn:aws:iam::444455556666:role/web-app-role";
    let fake = start(Layout::Classic).await;
    let case = tempfile::tempdir().unwrap();
    let mut req = request(&fake, case.path(), Some(vec!["444455556666".into()]));
    req.plan.base.window = Some((WINDOW.0 + 3600, WINDOW.1));
    req.plan.principals = vec![Principal::AccessKey(KEY.into())];
    let (s, _) = run(req).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let parts: Vec<&str> = s.queries.iter().map(|q| q.part.as_str()).collect();
    assert_eq!(parts.first(), Some(&"scope"));
    assert!(parts.contains(&"chain round 1"), "{parts:?}");
    assert_eq!(parts.last(), Some(&"baseline"));
    assert_pruned(&fake.executed(), fake.table_bytes);
    let role = format!("role:{ROLE}");
    let scope = "2026-11-05T10:00:00Z..2026-11-05T11:00:00Z";
    same_answers(
        case.path(),
        "2026-09-21T01:00:00Z",
        &[
            vec!["trace", KEY],
            vec!["behavior", &role, "--scope", scope],
            vec!["volume", &role, "--scope", scope],
        ],
    );
}

/// `--dry-run` prints every query's SQL, parameters and partition ranges and starts no query.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_plan_and_runs_nothing() {
    let fake = start(Layout::Org).await;
    let case = tempfile::tempdir().unwrap();
    let url = fake.url.clone();
    let case_dir = case.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
            .args([
                "fetch",
                "--athena",
                "trails.org",
                "--account",
                "111122223333",
                "--principal",
            ])
            .arg("arn:aws:iam::111122223333:role/vendor-audit")
            .args([
                "--from",
                "2026-11-05T16:00:00Z",
                "--to",
                "2026-11-05T17:00:00Z",
                "--region",
                "us-east-1",
            ])
            .arg("--endpoint-url")
            .arg(&url)
            .arg("--case")
            .arg(&case_dir)
            .arg("--dry-run")
            .env("AWS_ACCESS_KEY_ID", FAKE_KEY)
            .env("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("plan for \"trails\".\"org\" (partitions: account, region, timestamp (yyyy/MM/dd))"),
        "{text}"
    );
    assert!(
        text.contains("1. scope [2026-11-05T16:00:00Z .. 2026-11-05T17:00:00Z]"),
        "{text}"
    );
    assert!(
        text.contains("partitions: days 2026/11/05 .. 2026/11/05; accounts 111122223333; regions all"),
        "{text}"
    );
    assert!(
        text.contains("2. baseline [2026-09-21T16:00:00Z .. 2026-11-05T15:59:59Z]"),
        "{text}"
    );
    assert!(text.contains("'arn:aws:iam::111122223333:role/vendor-audit'"), "{text}");
    assert_eq!(fake.ops(), ["GetTableMetadata"], "only the table was read");
}

/// The sample's records as Athena renders them, a value per column of `core::orgscale::columns::COLUMNS`
/// (`None` for NULL): what both measurements below start from.
fn rendered_rows() -> Vec<Vec<Option<String>>> {
    use trailhound::core::orgscale::columns::{COLUMNS, Column, ValueKind};
    let text_at = |r: &Value, c: &Column| -> Option<String> {
        let mut v = r;
        for p in c.json.split('.') {
            v = v.get(p)?;
        }
        match (c.kind, v) {
            (_, Value::Null) => None,
            (ValueKind::Text | ValueKind::Bool, Value::String(s)) => Some(s.clone()),
            (ValueKind::Resources, v) => Some(
                v.to_string()
                    .replace("\"ARN\"", "\"arn\"")
                    .replace("\"accountId\"", "\"accountid\""),
            ),
            (_, v) => Some(v.to_string()),
        }
    };
    sample()
        .iter()
        .map(|r| COLUMNS.iter().map(|c| text_at(r, c)).collect())
        .collect()
}

fn build() -> &'static str {
    if cfg!(debug_assertions) { "debug" } else { "release" }
}

/// Measurement, not a check (run with `--ignored --nocapture`): rows per second from result pages (Athena's
/// `GetQueryResults` JSON, 1,000 rows a page, values rendered from the sample) to records written as gzip JSON
/// lines. Prints the rate; asserts only that every row became a record.
#[test]
#[ignore = "a measurement: run explicitly"]
fn measure_rows_per_second_from_result_pages_to_records() {
    use trailhound::core::orgscale::columns::COLUMNS;
    use trailhound::core::orgscale::rows::RowReader;
    let rows = rendered_rows();
    // Result pages as Athena sends them.
    let pages: Vec<String> = rows
        .chunks(1000)
        .map(|chunk| {
            let rows: Vec<Value> = chunk
                .iter()
                .map(|r| {
                    let data: Vec<Value> = r
                        .iter()
                        .map(|t| match t {
                            Some(t) => serde_json::json!({"VarCharValue": t}),
                            None => serde_json::json!({}),
                        })
                        .collect();
                    serde_json::json!({"Data": data})
                })
                .collect();
            serde_json::json!({"ResultSet": {"Rows": rows}}).to_string()
        })
        .collect();
    let reader = RowReader::new(COLUMNS);
    let rounds = 5;
    let started = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..rounds {
        let mut gz = trailhound::aws::plan_run::JsonLinesGz::new();
        for page in &pages {
            let v: Value = serde_json::from_str(page).unwrap();
            for row in v["ResultSet"]["Rows"].as_array().unwrap() {
                let data = row["Data"].as_array().unwrap();
                let rec = reader.record(data.iter().map(|d| d.get("VarCharValue").and_then(Value::as_str)));
                gz.push(&rec).unwrap();
                n += 1;
            }
        }
        gz.finish().unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(n, rows.len() * rounds);
    eprintln!(
        "pages: {n} rows in {secs:.2}s: {:.0} rows/s (build: {})",
        n as f64 / secs,
        build()
    );
}

/// Measurement, not a check (run with `--ignored --nocapture`): rows per second from Athena's result CSV (the
/// same rendered rows, written as Athena writes them, fed 64 KiB at a time as a body arrives) to records written
/// as gzip JSON lines, and where the time goes (parse only; + records; + JSON lines; + gzip at the records files'
/// level; the same at zlib's default level 6). Asserts only that every row became a record.
#[test]
#[ignore = "a measurement: run explicitly"]
fn measure_rows_per_second_from_result_csv_to_records() {
    use trailhound::core::orgscale::columns::COLUMNS;
    use trailhound::core::orgscale::result_csv::CsvReader;
    use trailhound::core::orgscale::rows::RowReader;
    let rows = rendered_rows();
    let columns: Vec<String> = (0..COLUMNS.len()).map(|i| format!("_col{i}")).collect();
    let as_values: Vec<Value> = rows
        .iter()
        .map(|r| Value::Array(r.iter().map(|v| v.clone().map_or(Value::Null, Value::String)).collect()))
        .collect();
    let csv = crate::fake_athena::athena_csv(&columns, &as_values);
    let reader = RowReader::new(COLUMNS);
    let rounds = 5;
    // 0: parse only, 1: + records, 2: + JSON lines, 3: + gzip (end to end), 4: the same at gzip level 6.
    for stage in 0..5 {
        let started = std::time::Instant::now();
        let mut n = 0usize;
        for _ in 0..rounds {
            let mut gz = if stage == 4 {
                trailhound::aws::plan_run::JsonLinesGz::with_level(flate2::Compression::new(6))
            } else {
                trailhound::aws::plan_run::JsonLinesGz::new()
            };
            let mut plain: Vec<u8> = Vec::new();
            let mut header = true;
            let mut each = |values: &[Option<&str>]| -> Result<(), ()> {
                if std::mem::take(&mut header) {
                    return Ok(());
                }
                n += 1;
                if stage >= 1 {
                    let rec = reader.record(values.iter().copied());
                    if stage == 2 {
                        serde_json::to_writer(&mut plain, &rec).unwrap();
                        plain.push(b'\n');
                        plain.clear();
                    } else if stage >= 3 {
                        gz.push(&rec).unwrap();
                    }
                }
                Ok(())
            };
            let mut p = CsvReader::new();
            for chunk in csv.chunks(64 << 10) {
                p.feed(chunk, &mut each).unwrap();
            }
            p.finish(&mut each).unwrap();
            gz.finish().unwrap();
        }
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(n, rows.len() * rounds);
        let what = [
            "parse only",
            "+ records",
            "+ JSON lines",
            "+ gzip (end to end)",
            "+ gzip level 6 (end to end)",
        ][stage];
        eprintln!(
            "csv {what}: {n} rows in {secs:.2}s: {:.0} rows/s, {:.2} µs a row (build: {}; {} bytes of CSV)",
            n as f64 / secs,
            secs * 1e6 / n as f64,
            build(),
            csv.len()
        );
    }
}

/// Interrupting a fetch (Ctrl-C in the CLI) stops the running query with StopQueryExecution and records it as
/// CANCELLED; the next run starts it again and finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_fetch_stops_its_running_query() {
    let fake = start(Layout::Org).await;
    fake.state.lock().unwrap().running_polls = u32::MAX;
    let case = tempfile::tempdir().unwrap();
    // Interrupt once the query has been polled (it never finishes on its own).
    let polled = async {
        while !fake.ops().iter().any(|o| o == "GetQueryExecution") {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let s = fetch_until(request(&fake, case.path(), None), |_| {}, polled)
        .await
        .unwrap();
    assert!(fake.ops().iter().any(|o| o == "StopQueryExecution"), "{:?}", fake.ops());
    assert_eq!(s.queries.len(), 1);
    assert_eq!(s.queries[0].state, "CANCELLED");
    assert!(
        s.errors
            .iter()
            .any(|e| e.contains("interrupted") && e.contains("stopped")),
        "{:?}",
        s.errors
    );
    let manifest = std::fs::read_to_string(case.path().join("fetched/athena/manifest.json")).unwrap();
    assert!(manifest.contains("\"CANCELLED\""), "{manifest}");
    fake.state.lock().unwrap().running_polls = 1;
    let (s, _) = run(request(&fake, case.path(), None)).await;
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!((s.queries[0].state.as_str(), s.queries[0].attempt), ("SUCCEEDED", 2));
}

/// The scope query, a chain round split per account partition, and a baseline split into its pieces, with named
/// principals of their own accounts (so their baseline starts with the scope query) and a session older than the
/// window (so chains need completing).
fn concurrent_request(fake: &FakeAthena, case: &std::path::Path, concurrency: usize) -> AthenaRequest {
    let mut req = request(fake, case, Some(vec!["111122223333".into(), "444455556666".into()]));
    req.plan.base.window = Some((WINDOW.0 + 3600, WINDOW.1));
    req.plan.principals = vec![
        Principal::AccessKey("ASIA6AZK5IXATMZHT4FI".into()),
        Principal::Role("arn:aws:iam::444455556666:role/web-app-role".into()),
        Principal::AccessKey("ASIAVENDORAUDIT00001".into()),
    ];
    req.plan.concurrency = concurrency;
    req
}

/// Every record of every query file the run wrote, by event id.
fn fetched_ids(case: &std::path::Path, s: &AthenaSummary) -> BTreeSet<String> {
    s.queries
        .iter()
        .filter_map(|q| q.file.as_ref())
        .flat_map(|f| file_records(case, f))
        .map(|r| r["eventID"].as_str().unwrap().to_string())
        .collect()
}

/// The fake holds each query RUNNING until two have been started (or a bounded number of polls): run with
/// `--query-concurrency` above 1, two were running at once; one at a time, never. Both runs fetch the same records,
/// and two concurrent runs list the same queries in the same order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn independent_queries_overlap_within_the_limit_and_fetch_the_same_records() {
    let mut runs = Vec::new();
    for concurrency in [1, 3, 3] {
        let fake = start(Layout::Org).await;
        {
            let mut st = fake.state.lock().unwrap();
            st.hold_until_started = 2;
            st.hold_polls = 40;
        }
        let case = tempfile::tempdir().unwrap();
        let (s, _) = run(concurrent_request(&fake, case.path(), concurrency)).await;
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        let peak = fake.state.lock().unwrap().peak_running;
        if concurrency == 1 {
            assert_eq!(peak, 1, "one query at a time");
        } else {
            assert!(peak >= 2, "no two queries ran at once");
            assert!(peak <= concurrency, "{peak} running at once, more than {concurrency}");
        }
        assert_pruned(&fake.executed(), fake.table_bytes);
        let parts: Vec<String> = s.queries.iter().map(|q| q.part.clone()).collect();
        let ids = fetched_ids(case.path(), &s);
        eprintln!(
            "concurrency {concurrency}: peak {peak}, parts {parts:?}, {} records",
            ids.len()
        );
        runs.push((s, ids, case));
    }
    let (one, many, again) = (&runs[0], &runs[1], &runs[2]);
    assert_eq!(many.1, one.1, "the same records, one at a time or together");
    assert_eq!(many.0.records, one.0.records);
    // One at a time: scope, rounds, one baseline. Together: a round per account, the baseline in pieces.
    let parts = |s: &AthenaSummary| s.queries.iter().map(|q| q.part.clone()).collect::<Vec<_>>();
    assert_eq!(parts(&one.0).iter().filter(|p| *p == "baseline").count(), 1);
    assert!(
        parts(&many.0).iter().filter(|p| *p == "baseline").count() >= 2,
        "{:?}",
        parts(&many.0)
    );
    assert_eq!(parts(&many.0).iter().filter(|p| *p == "chain round 1").count(), 2);
    // Deterministic: the same queries (by resume key) in the same order, and the same manifest order.
    let keys = |s: &AthenaSummary| s.queries.iter().map(|q| q.token.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&many.0), keys(&again.0));
    let manifest_keys = |case: &tempfile::TempDir| {
        let v: Value =
            serde_json::from_slice(&std::fs::read(case.path().join("fetched/athena/manifest.json")).unwrap()).unwrap();
        v["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["token"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(manifest_keys(&many.2), manifest_keys(&again.2));
    // The answers read from the concurrent fetch equal those of the full local copy.
    let role = "role:arn:aws:iam::444455556666:role/web-app-role";
    let scope = "2026-11-05T10:00:00Z..2026-11-05T11:00:00Z";
    same_answers(
        many.2.path(),
        "2026-09-21T01:00:00Z",
        &[
            vec!["trace", "ASIA6AZK5IXATMZHT4FI"],
            vec!["behavior", role, "--scope", scope],
            vec!["volume", role, "--scope", scope],
        ],
    );
}
