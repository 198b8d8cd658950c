//! The generator's records use only field names that real CloudTrail records use (shared real data: Panther test
//! events, Stratus detonation logs, AWS documentation examples, the trailscraper S3 file), so a typo or an invented
//! field in the generator cannot slip into the sample case.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

use serde_json::Value;

fn keys_of(v: &Value) -> impl Iterator<Item = String> + '_ {
    v.as_object().into_iter().flat_map(|o| o.keys().cloned())
}

/// Field names seen at each level (`top`, `userIdentity`, `sessionContext`, `sessionIssuer`, `attributes`,
/// `resources[]`, and `<eventName>.requestParameters` / `<eventName>.responseElements` for assumptions).
#[derive(Default)]
struct Shapes(HashMap<String, BTreeSet<String>>);

impl Shapes {
    fn add(&mut self, r: &Value) {
        if r.get("eventName").is_none() {
            return;
        }
        let mut put = |level: &str, v: &Value| self.0.entry(level.to_string()).or_default().extend(keys_of(v));
        put("top", r);
        let ui = &r["userIdentity"];
        put("userIdentity", ui);
        put("sessionContext", &ui["sessionContext"]);
        put("sessionIssuer", &ui["sessionContext"]["sessionIssuer"]);
        put("attributes", &ui["sessionContext"]["attributes"]);
        for res in r["resources"].as_array().into_iter().flatten() {
            put("resources[]", res);
        }
        let name = r["eventName"].as_str().unwrap_or_default();
        if name.starts_with("AssumeRole") {
            put(&format!("{name}.requestParameters"), &r["requestParameters"]);
            put(&format!("{name}.responseElements"), &r["responseElements"]);
            put("credentials", &r["responseElements"]["credentials"]);
            put("assumedRoleUser", &r["responseElements"]["assumedRoleUser"]);
        }
    }
}

fn real_shapes() -> Option<Shapes> {
    let mut shapes = Shapes::default();
    let jsonl = crate::support::realdata("panther-analysis/panther_cloudtrail_test_events.jsonl")?;
    for line in std::fs::read_to_string(jsonl).unwrap().lines() {
        if let Ok(v) = serde_json::from_str::<Value>(line) {
            shapes.add(&v);
        }
    }
    for dir in [
        "stratus-red-team/docs/detonation-logs",
        "awsdocs/iam-user-guide/doc_source",
        "awsdocs/aws-cloudtrail-user-guide/doc_source",
        "awsdocs/aws-single-sign-on-user-guide/doc_source",
        "trailscraper/tests/cloudtrail/data",
    ] {
        let dir = crate::support::realdata(dir)?;
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let recs = v
                .as_array()
                .or_else(|| v["Records"].as_array())
                .cloned()
                .unwrap_or_default();
            recs.iter().for_each(|r| shapes.add(r));
        }
    }
    Some(shapes)
}

fn sample_shapes() -> Shapes {
    fn walk(dir: &Path, shapes: &mut Shapes) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, shapes);
            } else if p.to_string_lossy().contains("/CloudTrail/") {
                let mut text = Vec::new();
                flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
                    .read_to_end(&mut text)
                    .unwrap();
                let v: Value = serde_json::from_slice(&text).unwrap();
                v["Records"].as_array().unwrap().iter().for_each(|r| shapes.add(r));
            }
        }
    }
    let mut shapes = Shapes::default();
    walk(&crate::support::sample_case().join("AWSLogs"), &mut shapes);
    shapes
}

#[test]
fn sample_records_use_only_real_cloudtrail_field_names() {
    let Some(real) = real_shapes() else { return };
    let ours = sample_shapes();
    assert!(ours.0.len() >= 10, "sample not generated? levels: {:?}", ours.0.keys());
    let mut invented = Vec::new();
    for (level, keys) in &ours.0 {
        let known = real.0.get(level);
        for k in keys {
            if !known.is_some_and(|set| set.contains(k)) {
                invented.push(format!("{level}.{k}"));
            }
        }
    }
    assert!(
        invented.is_empty(),
        "field names never seen in real CloudTrail records: {invented:?}"
    );
}
