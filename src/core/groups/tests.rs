//! The grouping rule on hand-made findings and hand-made keys (the keys' derivation is tested on the sample).

use super::*;
use crate::core::findings::{FindingsParse, parse_document};
use serde_json::json;

fn gd(id: &str, severity: f64, first: &str, last: &str) -> Finding {
    let doc = json!({"id": id, "type": "Recon:IAMUser/MaliciousIPCaller", "severity": severity,
        "arn": format!("arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/{id}"),
        "service": {"serviceName": "guardduty", "eventFirstSeen": first, "eventLastSeen": last}});
    match parse_document(&doc) {
        FindingsParse::Parsed { mut findings, .. } => findings.remove(0),
        FindingsParse::NotFindings => panic!("not a finding"),
    }
}

fn key(kind: JoinKind, e: &str) -> JoinKey {
    JoinKey {
        kind,
        entity: e.parse().unwrap(),
        why: "test",
    }
}

fn ids(g: &FindingGroup) -> Vec<&str> {
    g.findings.iter().map(|m| m.id.as_str()).collect()
}

#[test]
fn shared_entities_within_the_window_join_transitively_and_the_group_takes_the_highest_severity() {
    let f = vec![
        gd("a", 2.0, "2026-11-05T14:12:07Z", "2026-11-05T14:48:53Z"),
        gd("b", 5.0, "2026-11-05T16:03:00Z", "2026-11-05T16:16:00Z"),
        gd("c", 8.0, "2026-11-06T10:00:00Z", "2026-11-06T10:05:00Z"),
        // Shares a key with "a" but 3 days later: outside the 24 h window.
        gd("d", 9.0, "2026-11-08T15:00:00Z", "2026-11-08T15:00:00Z"),
    ];
    let keys = vec![
        vec![
            key(JoinKind::Origin, "principal:sara"),
            key(JoinKind::AccessKey, "session:ASIAA"),
        ],
        vec![
            key(JoinKind::Origin, "principal:sara"),
            key(JoinKind::Address, "ip:203.0.113.77"),
        ],
        vec![key(JoinKind::Address, "ip:203.0.113.77")],
        vec![key(JoinKind::AccessKey, "session:ASIAA")],
    ];
    let g = group(&f, &keys, GroupOptions::default());
    assert_eq!(g.len(), 2);
    // Listed by severity: d (9.0) alone first, then a+b+c (8.0 from c).
    assert_eq!(ids(&g[0]), ["d"]);
    assert_eq!(g[0].number, 1);
    assert_eq!(ids(&g[1]), ["a", "b", "c"]);
    assert_eq!(g[1].severity.value, 8.0);
    let joins: Vec<(&str, &str, JoinKind)> = g[1]
        .joins
        .iter()
        .map(|j| (j.a.as_str(), j.b.as_str(), j.kind))
        .collect();
    assert_eq!(joins, [("a", "b", JoinKind::Origin), ("b", "c", JoinKind::Address)]);
    assert_eq!(g[1].shared.len(), 2, "{:?}", g[1].shared);
    assert!(g[1].principals.contains(&"principal:sara".parse().unwrap()));
    assert!(
        !g[1].principals.contains(&"ip:203.0.113.77".parse().unwrap()),
        "an address is no principal"
    );
    // A wider window brings d in through the key it shares with a.
    let wide = group(
        &f,
        &keys,
        GroupOptions {
            window_secs: 4 * 86_400,
        },
    );
    assert_eq!(wide.len(), 1);
    assert_eq!(wide[0].severity.value, 9.0);
}

#[test]
fn the_strongest_shared_entity_is_the_one_recorded_and_untimed_findings_stay_alone() {
    let mut untimed = gd("u", 7.0, "2026-11-05T14:00:00Z", "2026-11-05T14:00:00Z");
    untimed.first_seen = None;
    untimed.last_seen = None;
    untimed.created_at = None;
    let f = vec![
        gd("a", 2.0, "2026-11-05T14:00:00Z", "2026-11-05T14:10:00Z"),
        gd("b", 2.0, "2026-11-05T14:20:00Z", "2026-11-05T14:30:00Z"),
        untimed,
    ];
    let shared = vec![
        key(JoinKind::Address, "ip:203.0.113.77"),
        key(JoinKind::AccessKey, "session:ASIAA"),
    ];
    let keys = vec![shared.clone(), shared.clone(), shared];
    let g = group(&f, &keys, GroupOptions::default());
    assert_eq!(g.len(), 2);
    let pair = g.iter().find(|g| g.findings.len() == 2).unwrap();
    assert_eq!(pair.joins.len(), 1);
    assert_eq!(pair.joins[0].kind, JoinKind::AccessKey);
    assert!(g.iter().any(|g| ids(g) == ["u"]));
}

#[test]
fn overlapping_windows_join_even_when_the_later_one_started_first_ended() {
    // b starts inside a's long window; c starts 20 h after a ends: all one run through a's end.
    let f = vec![
        gd("a", 1.0, "2026-10-01T00:00:00Z", "2026-10-10T00:00:00Z"),
        gd("b", 1.0, "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"),
        gd("c", 1.0, "2026-10-10T20:00:00Z", "2026-10-10T21:00:00Z"),
    ];
    let k = vec![key(JoinKind::Resource, "resource:arn:aws:s3:::b")];
    let g = group(&f, &[k.clone(), k.clone(), k], GroupOptions::default());
    assert_eq!(g.len(), 1);
    let joins: Vec<(&str, &str)> = g[0].joins.iter().map(|j| (j.a.as_str(), j.b.as_str())).collect();
    assert_eq!(joins, [("a", "b"), ("a", "c")]);
}
