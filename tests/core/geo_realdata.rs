//! User-agent families and source-address classification on real public CloudTrail records (stratus-red-team
//! detonations, panther-analysis rule tests, trailscraper). Fails when the data is missing and `CI=true`;
//! skips with a message otherwise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trailhound::core::geo::useragent::family;
use trailhound::core::geo::{GeoDb, IpClass, classify};

const REALDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata");

/// (source, userAgent, sourceIPAddress) of every record, or None when the data is absent outside CI.
fn records() -> Option<Vec<(&'static str, String, String)>> {
    let root = Path::new(REALDATA);
    if !root.join("SOURCES.md").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "real data missing at {REALDATA}"
        );
        eprintln!("skipping: real data not found at {REALDATA}");
        return None;
    }
    let mut out = Vec::new();
    let mut push = |src: &'static str, v: &serde_json::Value| {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        out.push((src, s("userAgent"), s("sourceIPAddress")));
    };
    let stratus = root.join("stratus-red-team/docs/detonation-logs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&stratus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 35, "stratus files");
    for f in files {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        for r in v.as_array().unwrap() {
            push("stratus", r);
        }
    }
    let panther = std::fs::read_to_string(root.join("panther-analysis/panther_cloudtrail_test_events.jsonl")).unwrap();
    for line in panther.lines().filter(|l| !l.trim().is_empty()) {
        push("panther", &serde_json::from_str(line).unwrap());
    }
    let ts = root.join(
        "trailscraper/tests/cloudtrail/data/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json",
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(ts).unwrap()).unwrap();
    for r in v["Records"].as_array().unwrap() {
        push("trailscraper", r);
    }
    Some(out)
}

#[test]
fn user_agent_families_on_real_strings() {
    let Some(recs) = records() else { return };
    let seen: BTreeMap<&str, &str> = recs.iter().map(|(s, ua, _)| (ua.as_str(), *s)).collect();
    let table = [
        (
            "aws-cli/2.13.0 Python/3.11.4 Linux/5.10.0-1234-aws exe/x86_64.ubuntu.22",
            "aws-cli/2",
        ),
        (
            "aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255-314-253.539.amzn2.x86_64 exec-env/CloudShell exe/x86_64.amzn.2 prompt/off command/ec2.stop-instances",
            "aws-cli/2",
        ),
        (
            "aws-cli/1.15.42 Python/3.6.1 Darwin/17.7.0 botocore/1.10.42",
            "aws-cli/1",
        ),
        ("Boto3/1.26.0", "Boto3"),
        ("console.amazonaws.com", "console"),
        ("console.ec2.amazonaws.com", "console"),
        ("signin.amazonaws.com", "console"),
        (
            "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.666 Linux/4.9.184-0.1.ac.235.83.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.232-b09 java/1.8.0_232 vendor/Oracle_Corporation]",
            "console",
        ),
        ("AWS Internal", "AWS Internal"),
        (
            "aws-internal/3 aws-sdk-java/1.11.706 Linux/4.9.184-0.1.ac.235.83.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.242-b08 java/1.8.0_242 vendor/Oracle_Corporation",
            "AWS Internal",
        ),
        ("cloudformation.amazonaws.com", "CloudFormation"),
        ("config.amazonaws.com", "AWS service"),
        ("sqs.amazonaws.com", "AWS service"),
        ("eks-nodegroup.amazonaws.com", "AWS service"),
        (
            "aws-sdk-go/1.29.7 (go1.13.7; darwin; amd64) APN/1.0 HashiCorp/1.0 Terraform/0.12.24 (+https://www.terraform.io)",
            "Terraform",
        ),
        (
            "aws-sdk-go/1.40.21 (go1.17; linux; amd64) exec-env/AWS_Lambda_go1.x",
            "SDK (Go)",
        ),
        (
            "aws-sdk-go-v2/1.32.3 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 exec-env/grimoire_095724e3-1fa0-4e3e-b68a-e8581d194380 api/sts#1.26.2",
            "SDK (Go)",
        ),
        ("aws-sdk-java/2.20.0", "SDK (Java)"),
        ("awslambda-worker/1.0 rusoto/0.47.0 rust/1.55.0 linux", "SDK (Rust)"),
        ("python-requests/2.28.0", "python-requests"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "browser",
        ),
        (
            "[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36]",
            "browser",
        ),
        ("stratus-red-team_ea782787-a65d-4fc4-9fca-1c97869a9a25", "other"),
        ("TruffleHog", "other"),
        ("Python-httplib2/0.8 (gzip)", "other"),
    ];
    for (ua, want) in table {
        assert!(seen.contains_key(ua), "not in the real data any more: {ua}");
        assert_eq!(family(ua), want, "{ua}");
    }
    // Terraform's full agent embeds aws-sdk-go; the wrapper wins.
    let tf = seen
        .keys()
        .find(|u| u.starts_with("APN/1.0 HashiCorp/1.0 Terraform/1.1.2"))
        .expect("terraform UA");
    assert_eq!(family(tf), "Terraform");

    let allowed = [
        "aws-cli/2",
        "aws-cli/1",
        "Boto3",
        "botocore",
        "console",
        "Terraform",
        "SDK (Java)",
        "SDK (Go)",
        "SDK (JS)",
        "SDK (Rust)",
        "SDK (.NET)",
        "SDK (PHP)",
        "SDK (Ruby)",
        "CloudFormation",
        "AWS service",
        "AWS Internal",
        "python-requests",
        "curl",
        "browser",
        "other",
    ];
    let mut per_family: BTreeMap<String, usize> = BTreeMap::new();
    for (_, ua, _) in &recs {
        let f = family(ua);
        assert!(allowed.contains(&f.as_str()), "{ua} -> {f}");
        *per_family.entry(f).or_default() += 1;
    }
    // Every stratus record is either its injected agent ("other") or the Go SDK v2 (grimoire).
    let stratus: Vec<_> = recs.iter().filter(|r| r.0 == "stratus").collect();
    assert_eq!(stratus.len(), 310);
    assert!(
        stratus
            .iter()
            .all(|(_, ua, _)| ["other", "SDK (Go)"].contains(&family(ua).as_str()))
    );
    eprintln!("families over {} real records: {per_family:?}", recs.len());
}

#[test]
fn real_source_addresses_classify_without_panicking() {
    let Some(recs) = records() else { return };
    let db = GeoDb::empty();
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, ip) in &recs {
        let info = db.lookup(ip);
        assert_eq!(info.class, classify(ip));
        *classes.entry(info.class.label()).or_default() += 1;
    }
    // Anonymised stratus addresses with leading zeros are not guessed at.
    for bad in ["035.249.253.232", "255.090.254.5"] {
        assert!(
            recs.iter().any(|(s, _, ip)| *s == "stratus" && ip == bad),
            "{bad} in stratus"
        );
        assert_eq!(classify(bad), IpClass::Invalid);
    }
    assert!(classes.get("public").copied().unwrap_or(0) > 100, "{classes:?}");
    assert!(classes.get("AWS internal").copied().unwrap_or(0) > 0, "{classes:?}");
    assert!(classes.keys().any(|k| k.starts_with("AWS service")), "{classes:?}");
    eprintln!("classes over {} real records: {classes:?}", recs.len());
}
