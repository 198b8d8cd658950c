//! The rule engine on hand-written events: modifiers, fields the store keeps and fields only the raw record has,
//! correlations grouped by what trailhound knows (origin across accounts), and hostile rule files.

use crate::support::rules::{dataset, rule_set};
use serde_json::json;

#[test]
fn debug_discovery() {
    let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/tests/discovery_after_get_caller_identity.json")).unwrap()).unwrap();
    let recs = t["quiet"].as_array().unwrap().clone();
    let (_d, data) = dataset(&recs);
    let data = data.with_rules(trailhound::core::rules::builtin());
    let d = data.detections();
    for h in d.hits() { eprintln!("hit {} {}", h.event, d.rule(h.rule).title); }
    for c in d.correlations() { eprintln!("corr {} {:?}", d.correlation_rule(c.correlation).title, c.events); }
    for e in 0..recs.len() as u32 { eprintln!("all {e}: {:?}", d.all_of_event(e).iter().map(|h| d.rule(h.rule).title.clone()).collect::<Vec<_>>()); }
    let _ = (json!(1), rule_set(&[]));
    panic!();
}
