//! `trailhound behavior` / `trailhound volume` end to end: JSON shape (the README schema), tables, errors, and a
//! GuardDuty finding's own geolocation used when no database is found.

use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const SPIKE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior/spike.json.gz");
const IDENTITY: &str = "identity:arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef#sara";
const SCOPE: &str = "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z";

fn run(args: &[&str], geoip: &std::path::Path) -> Output {
    Command::new(BIN)
        .args(args)
        .env("TRAILHOUND_GEOIP", geoip)
        .env("XDG_CONFIG_HOME", geoip.join("no-config"))
        .output()
        .expect("run trailhound")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn demo_geoip() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    trailhound::demo::geoip::write_demo_geoip(dir.path()).unwrap();
    dir
}

#[test]
fn behavior_json_has_the_documented_fields() {
    let geo = demo_geoip();
    let v = json(&run(
        &["behavior", "-i", SPIKE, IDENTITY, "--scope", SCOPE, "--json"],
        geo.path(),
    ));
    for key in [
        "profile",
        "scope",
        "baseline",
        "geolocation",
        "new_geolocations",
        "known_geolocations",
        "unplaced_sources",
        "new_api_calls",
        "increased_volume",
        "new_asos",
        "known_asos",
        "new_user_agents",
        "impossible_travel",
        "rules",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["scope"]["from"], "2026-11-05T14:00:00Z");
    assert_eq!(v["baseline"]["in_training"], false);
    assert_eq!(v["baseline"]["days"], 45);
    assert_eq!(v["new_geolocations"][0]["country_code"], "DE");
    assert_eq!(v["new_asos"][0]["asn"], 64503);
    let inc = &v["increased_volume"][0];
    assert_eq!(inc["api"], "GetObject");
    assert_eq!(inc["scope_count"], 40);
    assert!(inc["baseline_rate"].is_f64() && inc["ratio"].as_f64().unwrap() >= 5.0);
    assert_eq!(v["impossible_travel"][0]["end"]["ip"], "203.0.113.77");
    assert_eq!(v["rules"]["travel"]["max_speed_kmh"], 900.0);
    assert!(v["geolocation"].as_str().unwrap().starts_with("City: "));

    // A shorter baseline that still covers enough history, and custom thresholds, change the numbers coherently.
    let v = json(&run(
        &[
            "behavior",
            "-i",
            SPIKE,
            IDENTITY,
            "--scope",
            SCOPE,
            "--baseline-days",
            "20",
            "--min-count",
            "50",
            "--json",
        ],
        geo.path(),
    ));
    assert_eq!(v["baseline"]["from"], "2026-10-16T14:00:00Z");
    assert_eq!(v["increased_volume"].as_array().unwrap().len(), 0);
}

#[test]
fn volume_json_and_tables() {
    let geo = demo_geoip();
    let v = json(&run(
        &[
            "volume", "-i", SPIKE, IDENTITY, "--scope", SCOPE, "--bucket", "30m", "--json",
        ],
        geo.path(),
    ));
    assert_eq!(v["bucket_seconds"], 1800);
    let buckets = v["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 10);
    assert_eq!(buckets.iter().filter(|b| b["in_scope"] == true).count(), 2);
    for key in [
        "baseline_per_bucket",
        "by_ip",
        "by_api",
        "by_access_key",
        "by_resource",
        "scope",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["by_ip"][0]["key"], "203.0.113.77");
    assert_eq!(v["by_api"][0]["children"][0]["key"], "GetObject");

    let out = run(
        &[
            "volume",
            "-i",
            SPIKE,
            IDENTITY,
            "--scope",
            SCOPE,
            "--filter",
            "ListUsers",
        ],
        geo.path(),
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("iam:ListUsers") && !text.contains("s3:GetObject"),
        "{text}"
    );

    let out = run(&["behavior", "-i", SPIKE, IDENTITY, "--scope", SCOPE], geo.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Frankfurt am Main, Hesse, Germany"), "{text}");
    assert!(text.contains("python-requests/2.31.0"));
}

/// `--limit N` keeps N rows per level in `--sort`'s order and folds the rest into one `(N more)` row with their
/// calls (JSON: `more`); `--limit 0` keeps every row. The whole account's calls are the same either way.
#[test]
fn volume_limit_folds_the_rest_into_one_row_per_level() {
    let geo = demo_geoip();
    let volume = |limit: &str| {
        json(&run(
            &[
                "volume", "-i", SPIKE, IDENTITY, "--scope", SCOPE, "--limit", limit, "--json",
            ],
            geo.path(),
        ))
    };
    let all = volume("0");
    let one = volume("1");
    let calls = |nodes: &serde_json::Value| -> u64 {
        nodes
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["success"].as_u64().unwrap() + n["failure"].as_u64().unwrap())
            .sum()
    };
    let roots = all["by_api"].as_array().unwrap();
    assert!(roots.len() > 1, "{roots:#?}");
    assert!(!all.to_string().contains("\"more\""), "no limit, no more rows");
    let cut = one["by_api"].as_array().unwrap();
    assert_eq!(cut.len(), 2, "{cut:#?}");
    assert_eq!(cut[0]["key"], roots[0]["key"], "the busiest service is kept");
    assert_eq!(cut[1]["more"], roots.len() as u64 - 1);
    assert_eq!(cut[1]["key"], format!("({} more)", roots.len() - 1));
    assert!(cut[1].get("children").is_none());
    assert_eq!(calls(&one["by_api"]), calls(&all["by_api"]));
    // Under the kept service too: its busiest API, then the rest.
    let apis = cut[0]["children"].as_array().unwrap();
    assert!(apis.len() <= 2 && apis[0]["more"].is_null(), "{apis:#?}");

    let out = run(
        &["volume", "-i", SPIKE, IDENTITY, "--scope", SCOPE, "--limit", "1"],
        geo.path(),
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("({} more)", roots.len() - 1)), "{text}");
}

#[test]
fn errors_go_to_stderr_with_a_failure_code() {
    let geo = demo_geoip();
    for args in [
        vec!["behavior", "-i", SPIKE, "ip:192.0.2.99"],
        vec!["behavior", "-i", SPIKE, "finding:abc"],
        vec!["volume", "-i", SPIKE, IDENTITY, "--scope", SCOPE, "--bucket", "1s"],
        vec!["volume", "-i", SPIKE, IDENTITY, "--bucket", "soon"],
    ] {
        let out = run(&args, geo.path());
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn default_scope_is_the_hour_of_the_last_activity() {
    let geo = demo_geoip();
    let v = json(&run(&["behavior", "-i", SPIKE, IDENTITY, "--json"], geo.path()));
    assert_eq!(v["scope"]["from"], "2026-11-05T14:00:00Z");
    assert_eq!(v["scope"]["to"], "2026-11-05T15:00:00Z");
}

#[test]
fn finding_geolocation_places_its_address_without_databases() {
    let empty = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let finding = serde_json::json!({
        "schemaVersion": "2.0", "accountId": "111122223333", "region": "us-east-1",
        "id": "b2c3d4e5f60718293a4b5c6d7e8f9a0b", "partition": "aws",
        "arn": "arn:aws:guardduty:us-east-1:111122223333:detector/12abc34d567e8fa901bc2d34e56789f0/finding/b2c3d4e5f60718293a4b5c6d7e8f9a0b",
        "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "severity": 8, "title": "Credentials used from outside AWS", "description": "test",
        "createdAt": "2026-11-05T14:30:00.000Z", "updatedAt": "2026-11-05T14:30:00.000Z",
        "resource": {"resourceType": "AccessKey", "accessKeyDetails": {"accessKeyId": "ASIASARA000000000039",
            "principalId": "AROAADMINSSOEXAMPLE01:sara", "userName": "sara", "userType": "AssumedRole"}},
        "service": {"serviceName": "guardduty", "detectorId": "12abc34d567e8fa901bc2d34e56789f0",
            "eventFirstSeen": "2026-11-05T14:10:00.000Z", "eventLastSeen": "2026-11-05T14:40:00.000Z",
            "count": 40, "archived": false,
            "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {"api": "GetObject",
                "serviceName": "s3.amazonaws.com", "callerType": "Remote IP",
                "remoteIpDetails": {"ipAddressV4": "203.0.113.77",
                    "city": {"cityName": "Frankfurt am Main"}, "country": {"countryName": "Germany", "countryCode": "DE"},
                    "geoLocation": {"lat": 50.11, "lon": 8.68},
                    "organization": {"asn": "64503", "asnOrg": "Example Hosting GmbH", "isp": "Example", "org": "Example"}}}}}
    });
    let path = dir.path().join("finding.json");
    std::fs::write(&path, serde_json::to_vec(&[finding]).unwrap()).unwrap();
    let v = json(&run(
        &[
            "behavior",
            "-i",
            SPIKE,
            "-i",
            path.to_str().unwrap(),
            IDENTITY,
            "--finding",
            "b2c3d4e5f60718293a4b5c6d7e8f9a0b",
            "--json",
        ],
        empty.path(),
    ));
    assert_eq!(v["scope"]["from"], "2026-11-05T14:00:00Z");
    assert!(
        v["geolocation"].as_str().unwrap().contains("located by findings"),
        "{}",
        v["geolocation"]
    );
    let g = &v["new_geolocations"][0];
    assert_eq!(g["city"], "Frankfurt am Main");
    assert_eq!(g["source"], "finding");
    assert_eq!(v["new_asos"][0]["asn"], 64503);
    // Bellevue is not named by the finding and there is no database: not placed, not new.
    assert_eq!(v["known_geolocations"].as_array().unwrap().len(), 0);
}
