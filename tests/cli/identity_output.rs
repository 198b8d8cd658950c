//! Identity context through the real binary: the tag-chain scenario (`tests/scenarios/identity_tag_chain.json`)
//! with its tag keys and values made hostile (terminal escapes, bidi overrides, tag characters…, see
//! `support::hostile::HS`). `trace` and `role`, text and `--json`, and a case export of the session must show the
//! tags and their issues without a hazard character raw, and the JSON must carry the exact original strings.

use super::hostile_output::{json_strings, ok};
use crate::support::hostile::HS;
use serde_json::{Value, json};

/// The scenario's records in one CloudTrail file, with `team` and `payments` replaced by hostile text everywhere.
fn hostile_tag_chain(dir: &std::path::Path) -> std::path::PathBuf {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/identity_tag_chain.json");
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut records = Vec::new();
    for recs in scenario["logs"].as_object().unwrap().values() {
        records.extend(recs.as_array().unwrap().iter().cloned());
    }
    let text = json!({ "Records": records })
        .to_string()
        .replace("\"team\"", &serde_json::to_string(&format!("te{HS}am")).unwrap())
        .replace(
            "\"payments\"",
            &serde_json::to_string(&format!("pay{HS}ments")).unwrap(),
        );
    let file = dir.join("cloudtrail.json");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn hostile_tag_keys_and_values_never_reach_output_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let file = hostile_tag_chain(tmp.path());
    let i = file.to_str().unwrap();
    let (key, value) = (format!("te{HS}am"), format!("pay{HS}ments"));

    // The reporting session inherits the hostile tag through the chain and is flagged for it.
    let j = ok(&["trace", "-i", i, "ASIADANAREPORTING001", "--json"]);
    let v: Value = serde_json::from_str(&j.stdout).unwrap();
    let tags = v["session"]["tags"].as_array().unwrap();
    assert_eq!(tags[0]["key"], json!(key), "the key round-trips exactly");
    assert_eq!(tags[0]["value"], json!(value));
    assert_eq!(tags[0]["source"], "chain");
    let strings = json_strings(&j);
    assert!(
        strings
            .iter()
            .any(|s| s.contains(&format!("{key}={value} never seen before")))
    );
    let t = ok(&["trace", "-i", i, "ASIADANAREPORTING001"]);
    assert!(t.stdout.contains("tag             te"), "{}", t.stdout);
    assert!(t.stdout.contains("! tag cost-center retagged: 42 → 99"), "{}", t.stdout);

    // The db-admin hop: the hostile key arrives changed.
    let j = ok(&["trace", "-i", i, "ASIADANADBADMIN00001", "--json"]);
    let v: Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(v["chain"][1]["tag_issues"][0]["key"], json!(key));
    assert_eq!(v["chain"][1]["tag_issues"][0]["was"], json!(value));
    ok(&["trace", "-i", i, "ASIADANADBADMIN00001"]);
    let j = ok(&["role", "-i", i, "reporting", "--json"]);
    assert!(
        json_strings(&j).contains(&key),
        "role --json carries the sessions' tags"
    );
    ok(&["role", "-i", i, "reporting"]);

    // A case export of the session: its chain node names the tags, inert in every format.
    let case = tmp.path().join("case");
    let d = case.to_str().unwrap();
    ok(&["case", "new", "--case", d, "-i", i]);
    ok(&["star", "--case", d, "session:ASIADANAREPORTING001"]);
    let md = ok(&["export", "--case", d, "--format", "md"]).stdout;
    assert!(md.contains("tags te"), "{md}");
    let j = ok(&["export", "--case", d, "--format", "json"]);
    assert!(
        json_strings(&j)
            .iter()
            .any(|s| s.contains(&format!("tags {key}={value} (chain)"))),
        "export json round-trips the tags in the chain label"
    );
    ok(&["export", "--case", d, "--format", "csv"]);
}
