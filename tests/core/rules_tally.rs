//! `core::rules::tally` on hand-written events: how many events a rule hit, how many origins are behind them (a
//! session whose creation is not loaded counts apart, never as someone), how many session identities, which
//! accounts, first and last — over everything and within a scope. The findings list in the TUI and `detect`'s
//! `by_rule` are both this count.

use crate::support::rules::{dataset, rule_set};
use serde_json::json;
use trailhound::core::rules::tally;
use trailhound::core::time::{Scope, parse_time};

#[test]
fn a_rule_is_counted_by_events_origins_identities_and_accounts() {
    let alice = json!({"type": "IAMUser", "principalId": "AIDAALICE", "arn": "arn:aws:iam::111111111111:user/alice", "accountId": "111111111111", "accessKeyId": "AKIAALICE00000000001", "userName": "alice"});
    let bob = json!({"type": "IAMUser", "principalId": "AIDABOB", "arn": "arn:aws:iam::111111111111:user/bob", "accountId": "111111111111", "accessKeyId": "AKIABOB0000000000001", "userName": "bob"});
    let ops = json!({"type": "AssumedRole", "principalId": "AROAOPS:alice", "arn": "arn:aws:sts::222222222222:assumed-role/ops/alice", "accountId": "222222222222", "accessKeyId": "ASIAOPSALICE00000001",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAOPS", "arn": "arn:aws:iam::222222222222:role/ops", "accountId": "222222222222", "userName": "ops"}, "attributes": {"mfaAuthenticated": "false", "creationDate": "2026-03-01T10:00:00Z"}}});
    // A session whose AssumeRole is not loaded: nobody is named behind it.
    let orphan = json!({"type": "AssumedRole", "principalId": "AROAAUDIT:x", "arn": "arn:aws:sts::333333333333:assumed-role/audit/x", "accountId": "333333333333", "accessKeyId": "ASIAORPHAN0000000001",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAAUDIT", "arn": "arn:aws:iam::333333333333:role/audit", "accountId": "333333333333", "userName": "audit"}, "attributes": {"mfaAuthenticated": "false", "creationDate": "2026-03-01T09:00:00Z"}}});
    let mut recs = vec![
        json!({"eventSource": "sts.amazonaws.com", "eventName": "AssumeRole", "userIdentity": alice, "recipientAccountId": "222222222222",
        "requestParameters": {"roleArn": "arn:aws:iam::222222222222:role/ops", "roleSessionName": "alice"},
        "responseElements": {"credentials": {"accessKeyId": "ASIAOPSALICE00000001", "expiration": "Mar 1, 2026, 11:00:00 AM", "sessionToken": "x"}, "assumedRoleUser": {"assumedRoleId": "AROAOPS:alice", "arn": "arn:aws:sts::222222222222:assumed-role/ops/alice"}}}),
    ];
    let del = |who: &serde_json::Value, acct: &str| json!({"eventSource": "ec2.amazonaws.com", "eventName": "DeleteVolume", "userIdentity": who, "recipientAccountId": acct});
    // 10:00:01 … 10:00:09: alice, her ops session, bob, three times; 10:00:10: the orphan session.
    for _ in 0..3 {
        recs.push(del(&alice, "111111111111"));
        recs.push(del(&ops, "222222222222"));
        recs.push(del(&bob, "111111111111"));
    }
    recs.push(del(&orphan, "333333333333"));
    // A rule that hits nothing is not counted.
    let (_dir, data) = dataset(&recs);
    let data = data.with_rules(rule_set(&[
        "title: del\nid: del\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: DeleteVolume}\n  condition: s\nlevel: low\n",
        "title: none\nid: none\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: DeleteBucket}\n  condition: s\nlevel: high\n",
    ]));
    let d = data.detections();
    let t = |s: &str| parse_time(s).unwrap();

    let all = tally(data.store(), data.graph(), d, None);
    assert_eq!(all.len(), 1, "{all:?}");
    let del = &all[0];
    assert_eq!(d.rule(del.rule).id, "del");
    assert_eq!(del.events, 10);
    assert_eq!(del.origins, 2, "alice (herself and through ops) and bob");
    assert_eq!(del.unattributed, 1, "the orphan session's call");
    assert_eq!(
        del.session_identities, 2,
        "ops/alice and audit/x; the users' own calls have none"
    );
    assert_eq!(del.accounts, ["111111111111", "222222222222", "333333333333"]);
    assert_eq!(
        (del.first, del.last),
        (t("2026-03-01T10:00:01Z"), t("2026-03-01T10:00:10Z"))
    );

    // 10:00:01 … 10:00:03: one call each of alice, ops/alice and bob.
    let scope = Scope::new(t("2026-03-01T10:00:01Z"), t("2026-03-01T10:00:04Z"));
    let some = tally(data.store(), data.graph(), d, Some(scope));
    assert_eq!(some.len(), 1);
    assert_eq!(
        (
            some[0].events,
            some[0].origins,
            some[0].unattributed,
            some[0].session_identities
        ),
        (3, 2, 0, 1)
    );
    assert_eq!(some[0].accounts, ["111111111111", "222222222222"]);
    assert_eq!(
        (some[0].first, some[0].last),
        (t("2026-03-01T10:00:01Z"), t("2026-03-01T10:00:03Z"))
    );
}
