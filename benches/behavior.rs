//! Behaviour-query latency on a loaded ~1M-event case (plain `Instant` loops; `cargo bench --bench behavior`).
//!
//! Case: `TRAILHOUND_BENCH_CASE=/tmp/th1m` (made by `trailhound demo --out /tmp/th1m --events 1000000`), else a
//! synthetic CloudTrail tree of `TRAILHOUND_BENCH_EVENTS` (default 1 000 000) records written to a temporary
//! directory: 150 Identity Center people signing in on business days, sara (the sample's admin), 20 EC2 instances
//! re-assuming `web-app-role` every 6 h and calling S3/SSM/KMS from private addresses (the heavy tail), a Lambda
//! role, over 2026-09-14..2026-11-05. Reports load, graph and index build times, then per-query latency
//! (median and max of 15 runs) of `behavior` and `volume` for a session identity, a role, an IP and an account,
//! then of the day summary (`core::summary`) for the last day, the day before and a week before.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark is a measuring tool: a failed setup step ends the run with its message"
)]

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use trailhound::core::behavior::{self, BehaviorConfig, BehaviorIndex, Profile};
use trailhound::core::dataset::Dataset;
use trailhound::core::geo::GeoDb;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::load_paths;
use trailhound::core::summary::{self, SummaryConfig};
use trailhound::core::time::Scope;

const FIRST_DAY: i64 = 20_710; // 2026-09-14
const DAYS: i64 = 53; // .. 2026-11-05
const SSO_RO: &str =
    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnlyAccess_fedcba9876543210";
const SSO_ADMIN: &str =
    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
const WEB: &str = "arn:aws:iam::444455556666:role/web-app-role";
const LAMBDA: &str = "arn:aws:iam::444455556666:role/orders-processor-role";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn time(t: i64) -> String {
    trailhound::core::time::rfc3339(t)
}

struct Writer {
    recs: Vec<String>,
    n: u64,
}

impl Writer {
    #[allow(clippy::too_many_arguments)]
    fn call(&mut self, t: i64, acct: &str, ident: &str, src: &str, name: &str, ip: &str, ua: &str, extra: &str) {
        self.n += 1;
        let err = if self.n.is_multiple_of(97) {
            r#","errorCode":"AccessDenied""#
        } else {
            ""
        };
        self.recs.push(format!(
            r#"{{"eventVersion":"1.09","userIdentity":{ident},"eventTime":"{}","eventSource":"{src}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":"{ua}","requestParameters":null,"responseElements":{extra},"eventID":"{:08x}-0000-4000-8000-{:012x}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{acct}"{err}}}"#,
            time(t),
            self.n >> 32,
            self.n
        ));
    }
}

fn assumed(key: &str, role: &str, role_id: &str, session: &str) -> String {
    let acct = role.split(':').nth(4).unwrap_or("");
    let name = role.rsplit('/').next().unwrap_or("");
    format!(
        r#"{{"type":"AssumedRole","principalId":"{role_id}:{session}","arn":"arn:aws:sts::{acct}:assumed-role/{name}/{session}","accountId":"{acct}","accessKeyId":"{key}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"{role_id}","arn":"{role}","accountId":"{acct}","userName":"{name}"}}}}}}"#
    )
}

fn assume_resp(key: &str, role_id: &str, session: &str) -> String {
    format!(
        r#"{{"credentials":{{"accessKeyId":"{key}","sessionToken":"x","expiration":"2026-12-01T00:00:00Z"}},"assumedRoleUser":{{"assumedRoleId":"{role_id}:{session}","arn":"x"}}}}"#
    )
}

/// Start a session: the assumption record (signed by `caller`) and the key.
fn start(w: &mut Writer, t: i64, caller: &str, role: &str, role_id: &str, session: &str, ip: &str) -> String {
    let key = format!("ASIA{:016}", w.n + 1);
    let acct = role.split(':').nth(4).unwrap_or("");
    let name = if caller.contains("SAMLUser") {
        "AssumeRoleWithSAML"
    } else {
        "AssumeRole"
    };
    w.recs.push(format!(
        r#"{{"eventVersion":"1.09","userIdentity":{caller},"eventTime":"{}","eventSource":"sts.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"{ip}","userAgent":"aws-internal/3","requestParameters":{{"roleArn":"{role}","roleSessionName":"{session}"}},"responseElements":{},"eventID":"{:08x}-0000-4000-8000-{:012x}","eventType":"AwsApiCall","recipientAccountId":"{acct}"}}"#,
        time(t),
        assume_resp(&key, role_id, session),
        (w.n + 1) >> 32,
        w.n + 1
    ));
    w.n += 1;
    key
}

const READS: [(&str, &str); 8] = [
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("s3.amazonaws.com", "ListBuckets"),
    ("s3.amazonaws.com", "GetObject"),
    ("cloudtrail.amazonaws.com", "LookupEvents"),
    ("sts.amazonaws.com", "GetCallerIdentity"),
    ("iam.amazonaws.com", "ListRoles"),
    ("logs.amazonaws.com", "FilterLogEvents"),
    ("lambda.amazonaws.com", "ListFunctions20150331"),
];
const WORK: [(&str, &str); 4] = [
    ("s3.amazonaws.com", "GetObject"),
    ("s3.amazonaws.com", "PutObject"),
    ("ssm.amazonaws.com", "GetParameter"),
    ("kms.amazonaws.com", "Decrypt"),
];

fn generate(dir: &Path, events: u64) -> std::io::Result<()> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let per_day = events / DAYS as u64;
    for d in 0..DAYS {
        let day = (FIRST_DAY + d) * 86_400;
        let business = (d % 7) < 5;
        let mut w = Writer {
            recs: Vec::new(),
            n: d as u64 * 100_000_000,
        };
        let target = per_day as usize;
        // People: 16% of the budget, business days mostly.
        let people_budget = if business { target * 16 / 100 } else { target / 100 };
        let mut p = 0u64;
        while w.recs.len() < people_budget {
            let person = p % 150;
            p += 1;
            let name = if person == 0 {
                "sara".to_string()
            } else {
                format!("eng{person:03}")
            };
            let ip = match person % 3 {
                0 => format!("198.51.100.{}", person % 64),
                1 => format!("192.0.2.{}", person % 250),
                _ => format!("198.51.100.{}", 64 + person % 100),
            };
            let saml = format!(
                r#"{{"type":"SAMLUser","principalId":"SAMLPROVIDERHASH:{name}","userName":"{name}","identityProvider":"SAMLPROVIDERHASH"}}"#
            );
            let (role, rid) = if person == 0 {
                (SSO_ADMIN, "AROAADMINSSOEXAMPLE01")
            } else {
                (SSO_RO, "AROAREADONLYSSOEXAMP1")
            };
            let t0 = day + 14 * 3600 + rng.below(6 * 3600) as i64;
            let key = start(&mut w, t0, &saml, role, rid, &name, &ip);
            let ident = assumed(&key, role, rid, &name);
            for k in 0..(20 + rng.below(40)) {
                let (src, api) = READS[rng.below(READS.len() as u64) as usize];
                let ua = if k % 3 == 0 {
                    "console.amazonaws.com"
                } else {
                    "aws-cli/2.15.30 Python/3.11.8"
                };
                w.call(
                    t0 + 30 + k as i64 * 40,
                    "111122223333",
                    &ident,
                    src,
                    api,
                    &ip,
                    ua,
                    "null",
                );
            }
        }
        // Instances: re-assume every 6 h, heavy S3/SSM/KMS (28% of the budget each day, every day).
        let inst_budget = target * 28 / 100;
        let per_session = (inst_budget / (20 * 4)).max(1);
        for i in 0..20 {
            let inst = format!("i-0a1b2c3d4e5f6{i:04}");
            let ip = format!("10.0.1.{}", 10 + i % 4);
            let svc = r#"{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}"#;
            for q in 0..4 {
                let t0 = day + q * 21_600;
                let key = start(&mut w, t0, svc, WEB, "AROAWEBAPPEXAMPLE001", &inst, "ec2.amazonaws.com");
                let ident = assumed(&key, WEB, "AROAWEBAPPEXAMPLE001", &inst);
                for k in 0..per_session {
                    let (src, api) = WORK[rng.below(WORK.len() as u64) as usize];
                    let t = t0 + (k as i64 * 21_000) / per_session as i64;
                    w.call(
                        t,
                        "444455556666",
                        &ident,
                        src,
                        api,
                        &ip,
                        "aws-sdk-java/1.12.500",
                        "null",
                    );
                }
            }
        }
        // Lambda: 12%, one session per hour.
        let lam_per_hour = (target * 12 / 100 / 24).max(1);
        for h in 0..24 {
            let t0 = day + h * 3600;
            let svc = r#"{"type":"AWSService","invokedBy":"lambda.amazonaws.com"}"#;
            let key = start(
                &mut w,
                t0,
                svc,
                LAMBDA,
                "AROAORDERSEXAMPLE001",
                "orders-processor",
                "lambda.amazonaws.com",
            );
            let ident = assumed(&key, LAMBDA, "AROAORDERSEXAMPLE001", "orders-processor");
            for k in 0..lam_per_hour {
                let t = t0 + (k as i64 * 3500) / lam_per_hour as i64;
                w.call(
                    t,
                    "444455556666",
                    &ident,
                    "dynamodb.amazonaws.com",
                    "PutItem",
                    "3.5.140.2",
                    "aws-sdk-nodejs/3",
                    "null",
                );
            }
        }
        // Filler: service events to reach the day's share.
        while w.recs.len() < target {
            let t = day + rng.below(86_400) as i64;
            let svc = r#"{"type":"AWSService","invokedBy":"config.amazonaws.com"}"#;
            w.call(
                t,
                "111122223333",
                svc,
                "config.amazonaws.com",
                "PutEvaluations",
                "config.amazonaws.com",
                "config.amazonaws.com",
                "null",
            );
        }
        let path = dir.join(format!("111122223333_CloudTrail_us-east-1_{d:03}.json.gz"));
        let mut gz = GzEncoder::new(std::fs::File::create(path)?, Compression::fast());
        write!(gz, r#"{{"Records":[{}]}}"#, w.recs.join(","))?;
        gz.finish()?;
    }
    Ok(())
}

fn measure(label: &str, mut f: impl FnMut()) -> Duration {
    f(); // warm (caches, page faults)
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "  {label:<58} median {:>8.3} ms   max {:>8.3} ms",
        median.as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    median
}

fn main() {
    let _tmp;
    let case: PathBuf = match std::env::var_os("TRAILHOUND_BENCH_CASE") {
        Some(p) => PathBuf::from(p),
        None => {
            let n: u64 = std::env::var("TRAILHOUND_BENCH_EVENTS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(1_000_000);
            _tmp = tempfile::tempdir().expect("temp dir");
            let t = Instant::now();
            generate(_tmp.path(), n).expect("generate synthetic case");
            println!("generated ~{n} synthetic events in {:.1} s", t.elapsed().as_secs_f64());
            _tmp.path().to_path_buf()
        }
    };
    let t = Instant::now();
    let store = load_paths(&[&case]);
    println!(
        "loaded {} events in {:.1} s",
        store.events.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let graph = SessionGraph::build(&store);
    println!(
        "graph: {} sessions in {:.2} s",
        graph.sessions.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let ix = BehaviorIndex::build(&store, &graph);
    println!("behaviour index built in {:.3} s", t.elapsed().as_secs_f64());
    let geo_dir = tempfile::tempdir().expect("temp dir");
    trailhound::demo::geoip::write_demo_geoip(geo_dir.path()).expect("demo geoip");
    let geo = GeoDb::open_dir(geo_dir.path()).expect("geoip");
    let scope = Scope::parse("2026-11-05T14:00:00Z..2026-11-05T15:00:00Z").expect("scope");
    let cfg = BehaviorConfig::default();
    let profiles = [
        format!("identity:{SSO_ADMIN}#sara"),
        "identity:arn:aws:iam::444455556666:role/web-app-role#i-0a1b2c3d4e5f60001".to_string(),
        format!("role:{SSO_RO}"),
        format!("role:{WEB}"),
        "identity:arn:aws:iam::111122223333:role/DemoRole1#sara".to_string(),
        "ip:198.51.100.0".to_string(),
        "ip:198.51.100.23".to_string(),
        "ip:10.0.1.10".to_string(),
        "ip:10.0.1.15".to_string(),
        "account:444455556666".to_string(),
    ];
    let mut worst = Duration::ZERO;
    for text in &profiles {
        let Ok(p) = Profile::parse(text, &store, &graph) else {
            println!("  (skipped {text}: not in this case)");
            continue;
        };
        let Ok(sel) = behavior::select(&p, &store, &graph, &ix) else {
            println!("  (skipped {text}: nothing selected)");
            continue;
        };
        println!("{text}: {} events", sel.events_total());
        worst = worst.max(measure("behavior (select + new behaviour + travel)", || {
            let sel = behavior::select(&p, &store, &graph, &ix).expect("select");
            let r = behavior::behavior(&sel, &store, &graph, &ix, &geo, scope, &cfg);
            std::hint::black_box(r);
        }));
        worst = worst.max(measure("volume (select + series + drill-downs)", || {
            let sel = behavior::select(&p, &store, &graph, &ix).expect("select");
            let drill = behavior::DrillOptions {
                limit: Some(behavior::DRILL_LIMIT),
                ..Default::default()
            };
            let r = behavior::volume(&sel, &store, &ix, &geo, scope, &cfg, None, &drill).expect("volume");
            std::hint::black_box(r);
        }));
    }
    println!("worst median: {:.3} ms", worst.as_secs_f64() * 1e3);

    // The day summary (`core::summary`, the TUI's landing view) over the same data, through the one load path's
    // `Dataset` (its graph and index are built once, as the TUI's loader does before the first view).
    drop((graph, ix, geo));
    let data = Dataset::from_store(store).with_geo(GeoDb::open_dir(geo_dir.path()).expect("geoip"));
    let t = Instant::now();
    data.build_all();
    println!("dataset derived parts built in {:.2} s", t.elapsed().as_secs_f64());
    let last = summary::default_day(data.store()).expect("a day");
    let cfg = SummaryConfig::default();
    for day in [last, last - 1, last - 7] {
        let s = summary::summarize(&data, Some(day), &cfg).expect("summary");
        println!("summary of {} ({} events in the day):", s.day, s.events);
        measure(
            "summary (findings, indicators, new places, top lists, instance credentials)",
            || {
                std::hint::black_box(summary::summarize(&data, Some(day), &cfg));
            },
        );
    }
}
