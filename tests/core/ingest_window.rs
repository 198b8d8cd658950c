//! The load window (`--from/--to/--account/--region`): pruning CloudTrail's S3 layout by delivery time, account and
//! region never drops an event that belongs in the window, and it does keep files out. The tree is written here:
//! files delivered every 20 minutes over three days in two accounts and two regions, each holding records that
//! happened up to 20 hours before the file's delivery stamp (late delivery, inside the documented 24 h slack).

use std::collections::BTreeSet;
use std::path::Path;
use trailhound::core::ingest::{LoadOptions, LoadWindow, load};

const ACCOUNTS: [&str; 2] = ["111122223333", "444455556666"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// 2026-11-04T00:00:00Z
const START: i64 = 1_793_750_400;

fn rfc(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A deterministic delay in [0, 20 h] for record `k` of file `n`.
fn delay(n: i64, k: i64) -> i64 {
    ((n * 7919 + k * 104_729) % (20 * 3600 + 1)).abs()
}

fn write_tree(root: &Path) -> usize {
    let mut written = 0;
    for (a, acct) in ACCOUNTS.iter().enumerate() {
        for (r, region) in REGIONS.iter().enumerate() {
            for n in 0..(3 * 72) {
                let stamp = START + n * 1200;
                let day = jiff::Timestamp::from_second(stamp).unwrap();
                let dir = root.join(format!(
                    "AWSLogs/o-example/{acct}/CloudTrail/{region}/{}",
                    day.strftime("%Y/%m/%d")
                ));
                std::fs::create_dir_all(&dir).unwrap();
                let recs: Vec<serde_json::Value> = (0..5)
                    .map(|k| {
                        let t = stamp - delay(n + 1000 * (a as i64 * 2 + r as i64), k);
                        serde_json::json!({
                            "eventVersion": "1.09",
                            "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn":
                                format!("arn:aws:iam::{acct}:user/ci"), "accountId": acct, "accessKeyId": "AKIAEXAMPLE",
                                "userName": "ci"},
                            "eventTime": rfc(t),
                            "eventSource": "s3.amazonaws.com",
                            "eventName": "ListBuckets",
                            "awsRegion": region,
                            "sourceIPAddress": "192.0.2.10",
                            "userAgent": "aws-cli/2",
                            "eventID": format!("{acct}-{region}-{n}-{k}"),
                            "eventType": "AwsApiCall",
                            "recipientAccountId": acct
                        })
                    })
                    .collect();
                let name = format!(
                    "{acct}_CloudTrail_{region}_{}_{n:04}.json",
                    day.strftime("%Y%m%dT%H%MZ")
                );
                std::fs::write(
                    dir.join(name),
                    serde_json::to_vec(&serde_json::json!({"Records": recs})).unwrap(),
                )
                .unwrap();
                written += 5;
            }
        }
    }
    written
}

fn ids(root: &Path, w: LoadWindow) -> (BTreeSet<String>, trailhound::core::provenance::IngestReport) {
    let opts = LoadOptions {
        window: w,
        ..Default::default()
    };
    let store = load(&[root.to_path_buf()], &opts, &|_| {});
    let ids = store.events.iter().map(|e| store.event_id_string(e)).collect();
    (ids, store.report)
}

#[test]
fn pruning_never_drops_an_event_inside_the_window_and_keeps_files_out() {
    let dir = tempfile::tempdir().unwrap();
    let total = write_tree(dir.path());
    let store = trailhound::core::ingest::load_paths(&[dir.path()]);
    assert_eq!(store.events.len(), total);
    let all: Vec<(String, i64, String, String)> = store
        .events
        .iter()
        .map(|e| {
            (
                store.event_id_string(e),
                e.time,
                store.s(e.recipient_account).to_string(),
                store.s(e.region).to_string(),
            )
        })
        .collect();
    let mut pruned_somewhere = 0;
    // Windows across the tree: whole hours, odd minutes, a day boundary, open ends, with and without filters.
    let windows = [
        (
            Some(START + 86_400 + 14 * 3600),
            Some(START + 86_400 + 15 * 3600),
            vec![],
            vec![],
        ),
        (
            Some(START + 86_400 - 7 * 60),
            Some(START + 86_400 + 13 * 60),
            vec![],
            vec![],
        ),
        (Some(START + 2 * 86_400), None, vec!["444455556666"], vec![]),
        (None, Some(START + 10 * 3600), vec![], vec!["eu-west-1"]),
        (
            Some(START + 30 * 3600),
            Some(START + 31 * 3600),
            vec!["111122223333"],
            vec!["us-east-1"],
        ),
    ];
    for (from, to, accounts, regions) in windows {
        let w = LoadWindow {
            from,
            to,
            accounts: accounts.iter().map(|s| s.to_string()).collect(),
            regions: regions.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let expected: BTreeSet<String> = all
            .iter()
            .filter(|(_, t, a, r)| w.admits_event(*t, a, r))
            .map(|x| x.0.clone())
            .collect();
        let (got, report) = ids(dir.path(), w.clone());
        assert_eq!(got, expected, "{w:?}");
        assert!(!expected.is_empty(), "{w:?}");
        let pruned = report.files_pruned_by_date + report.files_pruned_by_region + report.files_pruned_by_account;
        assert_eq!(
            report.files_read + pruned,
            (ACCOUNTS.len() * REGIONS.len() * 3 * 72) as u64,
            "every file is read or counted: {w:?}"
        );
        pruned_somewhere += pruned;
        if !accounts.is_empty() {
            assert!(report.files_pruned_by_account > 0, "{w:?}");
        }
        if !regions.is_empty() {
            assert!(report.files_pruned_by_region > 0, "{w:?}");
        }
    }
    assert!(pruned_somewhere > 0);
}

#[test]
fn ingest_reports_what_the_window_kept_out() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["ingest", "-i"])
        .arg(dir.path())
        .args([
            "--from",
            "2026-11-05",
            "--to",
            "2026-11-05T01:00:00Z",
            "--region",
            "us-east-1",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let w = &v["window"];
    // Half the files are eu-west-1; of the us-east-1 ones, only those delivered 23:00 on the 4th .. 01:00 on the 6th
    // (1 h early margin, 24 h late slack) are read.
    assert_eq!(w["files_pruned_by_region"], 2 * 3 * 72);
    let read = v["files"].as_u64().unwrap();
    assert_eq!(read, 2 * (26 * 3));
    assert_eq!(w["files_pruned_by_date"].as_u64().unwrap() + read, 2 * 3 * 72);
    assert!(w["records_outside_window"].as_u64().unwrap() > 0);
    assert_eq!(
        v["time_range"]["from"].as_str().map(|s| s >= "2026-11-05T00:00:00Z"),
        Some(true)
    );
    assert_eq!(
        v["time_range"]["to"].as_str().map(|s| s < "2026-11-05T01:00:00Z"),
        Some(true)
    );
}
