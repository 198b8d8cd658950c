//! Mutation sweep: every field (at every depth) of real CloudTrail records from the AWS documentation is replaced by
//! each JSON type in turn; the file is ingested, the session graph built, every session traced and every raw record
//! read back. Nothing may panic, and every mutant record is either kept or reported — never silently lost.

use serde_json::{Value, json};
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::{load_paths, raw_record};
use trailhound::core::time::Scope;

/// Paths to every node of a JSON value (object keys and array indices).
fn paths(v: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let mut p = prefix.clone();
                p.push(k.clone());
                out.push(p.clone());
                paths(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let mut p = prefix.clone();
                p.push(i.to_string());
                out.push(p.clone());
                paths(c, p, out);
            }
        }
        _ => {}
    }
}

fn set(v: &mut Value, path: &[String], new: Value) {
    let mut cur = v;
    for (i, k) in path.iter().enumerate() {
        let next = match cur {
            Value::Object(m) => m.get_mut(k),
            Value::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        };
        let Some(n) = next else { return };
        if i + 1 == path.len() {
            *n = new;
            return;
        }
        cur = n;
    }
}

#[test]
fn no_mutation_of_real_records_panics_or_vanishes() {
    let Some(p) = crate::support::realdata(
        "awsdocs/iam-user-guide/doc_source/cloudtrail-integration_and_access_monitor.events.json",
    ) else {
        return;
    };
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    let records = doc["Records"].as_array().unwrap().clone();
    let replacements = [
        json!(null),
        json!(-1),
        json!(1.5e308),
        json!(true),
        json!([]),
        json!({}),
        json!("\u{1b}[2J\u{202e}"),
        json!("x".repeat(70_000)),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut mutants = Vec::new();
    for r in &records {
        let mut ps = Vec::new();
        paths(r, Vec::new(), &mut ps);
        for path in &ps {
            for new in &replacements {
                let mut m = r.clone();
                set(&mut m, path, new.clone());
                mutants.push(m);
            }
        }
    }
    // Unique ids so de-duplication does not hide anything.
    for (i, m) in mutants.iter_mut().enumerate() {
        if let Some(o) = m.as_object_mut() {
            o.insert("eventID".into(), json!(format!("00000000-0000-4000-8000-{i:012}")));
        }
    }
    let file = dir.path().join("mutants.json");
    std::fs::write(&file, json!({ "Records": mutants }).to_string()).unwrap();
    let store = load_paths(&[&file]);
    let r = &store.report;
    assert_eq!(r.records_seen as usize, mutants.len());
    assert_eq!(
        r.records as u64 + r.errors_total,
        mutants.len() as u64,
        "every record kept or reported"
    );
    assert!(
        r.records > 1000 && r.errors_total > 100,
        "{} kept, {} reported",
        r.records,
        r.errors_total
    );
    let g = SessionGraph::build(&store);
    for s in 0..g.sessions.len() as u32 {
        let _ = g.trace(&store, s, Scope::ALL);
        let _ = g.role_profile(&store, store.s(g.session(s).role_arn), Scope::ALL);
    }
    for i in (0..store.events.len()).step_by(97) {
        assert!(raw_record(&store, i).is_ok());
    }
}
