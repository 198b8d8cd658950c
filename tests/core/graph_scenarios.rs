//! Session-graph scenarios as data (`tests/scenarios/*.json`, written by `make.py` from hand-told stories):
//! real-format records per account, written as an S3 log tree, loaded, and traced; the expected origins, chains,
//! children, calls and flags are checked field by field.

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use trailhound::core::graph::{Found, SessionGraph};
use trailhound::core::ingest::load_paths;
use trailhound::core::time::Scope;

/// `logs` keys are an account (its us-east-1 log) or `<account>/<region>`.
fn write_tree(dir: &Path, logs: &serde_json::Map<String, Value>) {
    for (key, recs) in logs {
        let recs = recs.as_array().unwrap();
        if recs.is_empty() {
            continue;
        }
        let (acct, region) = key.split_once('/').unwrap_or((key, "us-east-1"));
        let sub = dir.join(format!("AWSLogs/o-test/{acct}/CloudTrail/{region}/2026/11/05"));
        std::fs::create_dir_all(&sub).unwrap();
        let body = json!({ "Records": recs }).to_string();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(body.as_bytes()).unwrap();
        std::fs::write(
            sub.join(format!("{acct}_CloudTrail_{region}_20261105T0000Z_test.json.gz")),
            gz.finish().unwrap(),
        )
        .unwrap();
    }
}

/// Every key in `want` equals the same key in `got` (recursively for objects; arrays compared element-wise and
/// by length).
fn check_subset(path: &str, want: &Value, got: &Value, errs: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                check_subset(&format!("{path}.{k}"), wv, g.get(k).unwrap_or(&Value::Null), errs);
            }
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                errs.push(format!("{path}: expected {} items, got {}: {g:#?}", w.len(), g.len()));
                return;
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                check_subset(&format!("{path}[{i}]"), wv, gv, errs);
            }
        }
        _ if want == got => {}
        _ => errs.push(format!("{path}: expected {want}, got {got}")),
    }
}

pub fn run(name: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(format!("{name}.json"));
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), scenario["logs"].as_object().unwrap());
    let store = load_paths(&[dir.path()]);
    assert_eq!(store.report.errors, vec![], "{name}: ingest errors");
    let graph = SessionGraph::build(&store);
    let mut errs = Vec::new();
    for (n, exp) in scenario["expect"].as_array().unwrap().iter().enumerate() {
        if let Some(t) = exp.get("origin_target").and_then(Value::as_str) {
            check_origin(&store, &graph, n, t, exp, &mut errs);
            continue;
        }
        let target = exp["target"].as_str().unwrap();
        let session = match graph.find(&store, target) {
            Found::Sessions(v) if v.len() == 1 => v[0],
            other => {
                errs.push(format!("expect[{n}] {target}: found {other:?}"));
                continue;
            }
        };
        let trace = serde_json::to_value(graph.trace(&store, session, Scope::ALL)).unwrap();
        let p = format!("expect[{n}] {target}");
        if let Some(k) = exp.get("session_key") {
            check_subset(
                &format!("{p}.session_key"),
                k,
                &trace["session"]["access_key_id"],
                &mut errs,
            );
        }
        for key in ["origin", "chain", "children"] {
            if let Some(w) = exp.get(key) {
                check_subset(&format!("{p}.{key}"), w, &trace[key], &mut errs);
            }
        }
        for (key, field) in [("session_kind", "kind"), ("session_mfa", "mfa")] {
            if let Some(w) = exp.get(key) {
                check_subset(&format!("{p}.session.{field}"), w, &trace["session"][field], &mut errs);
            }
        }
        if let Some(w) = exp.get("session") {
            check_subset(&format!("{p}.session"), w, &trace["session"], &mut errs);
        }
        if let Some(l) = exp.get("session_link") {
            check_subset(&format!("{p}.session.link"), l, &trace["session"]["link"], &mut errs);
        }
        if let Some(calls) = exp.get("calls") {
            let got: Vec<Value> = trace["calls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| json!([c["event_source"], c["event_name"], c["success"], c["failure"]]))
                .collect();
            let mut want: Vec<Value> = calls.as_array().unwrap().clone();
            want.sort_by_key(|v| v.to_string());
            let mut got_sorted = got.clone();
            got_sorted.sort_by_key(|v| v.to_string());
            if want != got_sorted {
                errs.push(format!("{p}.calls: expected {want:?}, got {got_sorted:?}"));
            }
        }
        for f in exp
            .get("flags_contain")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten()
        {
            let needle = f.as_str().unwrap();
            if !trace["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x.as_str().unwrap().contains(needle))
            {
                errs.push(format!("{p}.flags: none contains {needle:?}: {}", trace["flags"]));
            }
        }
    }
    assert!(errs.is_empty(), "scenario {name}:\n{}", errs.join("\n"));
}

/// An origin principal (root, IAM user, Identity Center user by user id): its view and its own records'
/// (event name, region) in time order.
fn check_origin(
    store: &trailhound::core::model::Store,
    graph: &SessionGraph,
    n: usize,
    target: &str,
    exp: &Value,
    errs: &mut Vec<String>,
) {
    let p = format!("expect[{n}] origin {target}");
    let o = match graph.find(store, target) {
        Found::Origin(o) => o,
        other => return errs.push(format!("{p}: found {other:?}")),
    };
    let view = serde_json::to_value(graph.origin_view(store, o)).unwrap();
    if let Some(w) = exp.get("origin") {
        check_subset(&format!("{p}.origin"), w, &view, errs);
    }
    if let Some(w) = exp.get("origin_events") {
        let got: Vec<Value> = graph.origin_events[o as usize]
            .iter()
            .map(|&i| {
                let e = &store.events[i as usize];
                json!([store.s(e.event_name), store.s(e.region)])
            })
            .collect();
        check_subset(&format!("{p}.origin_events"), w, &Value::Array(got), errs);
    }
}

#[test]
fn detective_walkthrough() {
    run("detective_walkthrough");
}

#[test]
fn instance_credentials_used_elsewhere_chain_cross_account() {
    run("instance_credentials_used_elsewhere");
}

#[test]
fn ci_chain_into_two_accounts_with_all_logs() {
    run("ci_chain_both_accounts");
}

#[test]
fn ci_chain_with_only_the_target_accounts_logs() {
    run("ci_chain_target_accounts_only");
}

#[test]
fn external_account_assumes_a_role() {
    run("external_account");
}

#[test]
fn three_hop_chain_with_source_identity() {
    run("three_hops_source_identity");
}

#[test]
fn console_switch_role() {
    run("console_switch_role");
}

#[test]
fn null_response_elements_fall_back_to_weaker_links() {
    run("null_response_elements");
}

#[test]
fn an_iam_users_session_token_owns_its_calls() {
    run("session_token");
}

#[test]
fn every_scenario_file_has_a_test() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut src = std::fs::read_to_string(file!()).unwrap();
    // Identity-context scenarios are run from their own module.
    src += &std::fs::read_to_string(file!().replace("graph_scenarios", "identity_scenarios")).unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".json") {
            assert!(
                src.contains(&format!("run(\"{stem}\")")),
                "scenario {stem} is not run by any test"
            );
        }
    }
}
