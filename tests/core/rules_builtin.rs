//! Every built-in rule (`rules/*.yml`) against its hand-written test events (`rules/tests/<name>.json`): the
//! `fires` events must each be hit by the file's rules (for a file with a correlation: together they fire it), the
//! `quiet` events must not. A rule file without tests, or a test file without its rule, fails.

use crate::support::rules::dataset;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use trailhound::core::rules::{BUILTIN_RULES, RuleOrigin, RuleSetBuilder};

fn rules_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
}

#[test]
fn every_rule_file_is_built_in_and_tested() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yml"))
        .collect();
    let built_in: BTreeSet<String> = BUILTIN_RULES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, built_in, "rules/ and BUILTIN_RULES list the same files");
    let tests: BTreeSet<String> = std::fs::read_dir(rules_dir().join("tests"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .map(|n| n.replace(".json", ".yml"))
        .collect();
    assert_eq!(on_disk, tests, "one test file per rule file");
}

#[test]
fn the_built_in_set_loads_without_problems() {
    let set = trailhound::core::rules::builtin();
    assert!(set.problems().is_empty(), "{:#?}", set.problems());
    assert_eq!(set.skipped_logsource(), 0);
    for r in set.rules() {
        assert!(
            !r.tactics.is_empty() && !r.techniques.is_empty(),
            "{} is ATT&CK-tagged",
            r.title
        );
    }
}

#[test]
fn each_rule_fires_on_its_test_event_and_not_on_the_quiet_one() {
    let mut failures = Vec::new();
    for (name, text) in BUILTIN_RULES {
        let tests: Value = serde_json::from_str(
            &std::fs::read_to_string(rules_dir().join("tests").join(name.replace(".yml", ".json"))).unwrap(),
        )
        .unwrap();
        let mut b = RuleSetBuilder::default();
        // A correlation may name built-in rules of other files.
        trailhound::core::rules::add_builtin(&mut b);
        let all = Arc::new(b.build());
        let mine = |origin: &RuleOrigin| *origin == RuleOrigin::Builtin(name);
        let is_correlation = text.contains("\ncorrelation:");
        for (key, want) in [("fires", true), ("quiet", false)] {
            let records: Vec<Value> = tests[key].as_array().cloned().unwrap_or_default();
            assert!(!records.is_empty(), "{name}: `{key}` has events");
            let (_dir, data) = dataset(&records);
            let data = data.with_rules(all.clone());
            let d = data.detections();
            assert!(d.unreadable().is_empty(), "{name}: {:?}", d.unreadable());
            if is_correlation {
                let fired = d
                    .correlations()
                    .iter()
                    .any(|c| mine(&d.correlation_rule(c.correlation).origin));
                if fired != want {
                    failures.push(format!("{name}: {key} events: correlation fired = {fired}"));
                }
            } else {
                for e in 0..records.len() as u32 {
                    let hit = d.all_of_event(e).iter().any(|h| mine(&d.rule(h.rule).origin));
                    if hit != want {
                        failures.push(format!("{name}: {key} event {e}: hit = {hit}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
