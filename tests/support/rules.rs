//! Helpers for rule tests: CloudTrail records written by hand (only the fields a test cares about; the rest are
//! filled with plain defaults), loaded through the real ingest from a temporary file, and rule sets from text.

use serde_json::{Value, json};
use std::sync::Arc;
use trailhound::core::dataset::Dataset;
use trailhound::core::rules::{RuleOrigin, RuleSet, RuleSetBuilder};

/// `records` completed with defaults (time one second apart from 2026-03-01T10:00:00Z in list order unless given,
/// an event id, an IAM user caller in 111111111111, region, address), written as an S3 log file and loaded.
pub fn dataset(records: &[Value]) -> (tempfile::TempDir, Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut r = r.clone();
        let m = r.as_object_mut().unwrap();
        let defaults = json!({
            "eventVersion": "1.09",
            "eventTime": format!("2026-03-01T10:{:02}:{:02}Z", (i / 60) % 60, i % 60),
            "eventID": format!("00000000-0000-4000-8000-{:012}", i),
            "eventType": "AwsApiCall",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0",
            "recipientAccountId": "111111111111",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDAEXAMPLEUSER00001",
                "arn": "arn:aws:iam::111111111111:user/alice",
                "accountId": "111111111111",
                "accessKeyId": "AKIAEXAMPLEALICE0001",
                "userName": "alice"
            }
        });
        for (k, v) in defaults.as_object().unwrap() {
            m.entry(k.clone()).or_insert(v.clone());
        }
        out.push(r);
    }
    let path = dir
        .path()
        .join("111111111111_CloudTrail_us-east-1_20260301T1000Z_test.json");
    std::fs::write(&path, serde_json::to_vec(&json!({ "Records": out })).unwrap()).unwrap();
    let store = trailhound::core::ingest::load_paths(&[&path]);
    assert_eq!(
        store.events.len(),
        records.len(),
        "every hand-written record loads: {:?}",
        store.report
    );
    (dir, Dataset::from_store(store))
}

/// A rule set from YAML texts (no built-in rules).
pub fn rule_set(texts: &[&str]) -> Arc<RuleSet> {
    let mut b = RuleSetBuilder::default();
    for t in texts {
        b.add_text(t, RuleOrigin::Builtin("test.yml"));
    }
    Arc::new(b.build())
}
