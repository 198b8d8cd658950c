//! The rule engine on hand-written events: every standard modifier on fields the store keeps and on fields only
//! the raw record has, unsupported features and hostile rule files reported (never fatal, never hanging), and
//! correlations grouped by what trailhound knows (one origin across two accounts).

use crate::support::rules::{dataset, rule_set};
use serde_json::{Value, json};
use trailhound::core::rules::{ProblemKind, RuleOrigin, RuleSetBuilder};

fn rule(field: &str, values: &str) -> String {
    format!(
        "title: t\nid: t\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    selection:\n        {field}: {values}\n    condition: selection\nlevel: high\n"
    )
}

/// Which of `records` the one-rule set `yaml` hits.
fn hits(yaml: &str, records: &[Value]) -> Vec<u32> {
    let set = rule_set(&[yaml]);
    assert!(set.problems().is_empty(), "{yaml}\n{:#?}", set.problems());
    assert_eq!(set.rule_count(), 1, "{yaml}");
    let (_dir, data) = dataset(records);
    let data = data.with_rules(set);
    let d = data.detections();
    assert!(d.unreadable().is_empty());
    d.hits().iter().map(|h| h.event).collect()
}

fn ev(extra: Value) -> Value {
    let mut base = json!({"eventSource": "iam.amazonaws.com", "eventName": "PutRolePolicy"});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[test]
fn every_standard_modifier_matches_what_it_should() {
    let doc = |d: &str| {
        ev(
            json!({"requestParameters": {"policyDocument": d, "roleName": "Admin", "durationSeconds": 3600, "cidr": "10.1.2.3"}}),
        )
    };
    let b64 = "aWV4IChuZXctb2JqZWN0IG5ldC53ZWJjbGllbnQp"; // base64 of "iex (new-object net.webclient)"
    let recs = [
        doc("sts:AssumeRole on *"),
        doc(b64),
        doc("nothing to see"),
        ev(
            json!({"userAgent": "Boto3/1.34 md/Botocore", "sourceIPAddress": "203.0.113.9", "requestParameters": {"roleName": "admin", "durationSeconds": 900}}),
        ),
    ];
    // (field with modifiers, value(s), events expected to match)
    let cases: &[(&str, &str, &[u32])] = &[
        ("requestParameters.policyDocument|contains", "'AssumeRole'", &[0]),
        ("requestParameters.policyDocument|startswith", "'sts:'", &[0]),
        ("requestParameters.policyDocument|endswith", "'see'", &[2]),
        ("requestParameters.policyDocument|contains|all", "['sts:', 'on']", &[0]),
        ("requestParameters.policyDocument|re", "'^sts:[A-Za-z]+ on'", &[0]),
        ("requestParameters.policyDocument|re|i", "'^STS:'", &[0]),
        (
            "requestParameters.policyDocument|base64offset|contains",
            "'new-object'",
            &[1],
        ),
        ("requestParameters.policyDocument|exists", "true", &[0, 1, 2]),
        ("requestParameters.roleName", "'ADMIN'", &[0, 1, 2, 3]),
        ("requestParameters.roleName|cased", "'admin'", &[3]),
        ("requestParameters.roleName|neq", "'ADMIN'", &[]),
        ("requestParameters.durationSeconds|neq", "900", &[0, 1, 2]),
        ("requestParameters.durationSeconds|gt", "1000", &[0, 1, 2]),
        ("requestParameters.durationSeconds|lte", "900", &[3]),
        ("requestParameters.cidr|cidr", "'10.0.0.0/8'", &[0, 1, 2]),
        ("sourceIPAddress|cidr", "'203.0.113.0/24'", &[3]),
        ("userAgent|contains", "'botocore'", &[3]),
        ("userAgent|startswith|cased", "'boto3'", &[]),
        ("eventName|re", "'^Put.*Policy$'", &[0, 1, 2, 3]),
        (
            "requestParameters.roleName|fieldref",
            "requestParameters.roleName",
            &[0, 1, 2, 3],
        ),
        ("errorCode", "null", &[0, 1, 2, 3]),
    ];
    let mut failures = Vec::new();
    for (field, values, want) in cases {
        let got = hits(&rule(field, values), &recs);
        if got != *want {
            failures.push(format!("{field}: {values}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn encoding_and_time_modifiers_compile_and_match() {
    // utf16le|base64offset: what PowerShell -EncodedCommand carries; windash: -/ variants; the time-part
    // modifiers on eventTime (minute 5 of the hour).
    let recs = [
        ev(json!({"requestParameters": {"cmd": "powershell /enc abc"}})),
        ev(json!({"requestParameters": {"cmd": "powershell -enc abc"}})),
    ];
    assert_eq!(
        hits(&rule("requestParameters.cmd|windash|contains", "' -enc '"), &recs),
        vec![0, 1]
    );
    let wide = "SQBFAFgA"; // base64 of UTF-16LE "IEX"
    let recs = [
        ev(json!({"requestParameters": {"cmd": wide}})),
        ev(json!({"requestParameters": {"cmd": "SUVY"}})),
    ];
    assert_eq!(
        hits(&rule("requestParameters.cmd|wide|base64", "'IEX'"), &recs),
        vec![0]
    );
    assert_eq!(hits(&rule("requestParameters.cmd|base64", "'IEX'"), &recs), vec![1]);
}

#[test]
fn a_rule_that_does_not_parse_or_is_unsupported_is_reported_and_the_rest_run() {
    let good = rule("eventName", "PutRolePolicy");
    let mut b = RuleSetBuilder::default();
    b.add_text(&good, RuleOrigin::Builtin("good.yml"));
    b.add_text("title: [unclosed", RuleOrigin::Builtin("bad-yaml.yml"));
    b.add_text(
        "title: x\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  condition: sel\n",
        RuleOrigin::Builtin("no-selection.yml"),
    );
    b.add_text(
        "title: v\ncorrelation:\n  type: value_sum\n  rules: [t]\n  group-by: [userIdentity.arn]\n  timespan: 1h\n  condition: {gte: 5, field: requestParameters.durationSeconds}\n",
        RuleOrigin::Builtin("value-sum.yml"),
    );
    b.add_text(
        "title: c\ncorrelation:\n  type: event_count\n  rules: [no-such-rule]\n  group-by: [trailhound.origin]\n  timespan: 1h\n  condition: {gte: 5}\n",
        RuleOrigin::Builtin("dangling.yml"),
    );
    b.add_text(
        &rule("trailhound.origin", "x"),
        RuleOrigin::Builtin("virtual-in-detection.yml"),
    );
    b.add_text(
        &rule("eventName|expand", "'%names%'"),
        RuleOrigin::Builtin("expand.yml"),
    );
    b.add_text(
        "title: w\nlogsource: {product: windows, category: process_creation}\ndetection:\n  s: {Image: x}\n  condition: s\n",
        RuleOrigin::Builtin("windows.yml"),
    );
    let set = b.build();
    assert_eq!(set.rule_count(), 1, "only the good rule runs");
    assert_eq!(set.skipped_logsource(), 1);
    let kinds: Vec<(String, ProblemKind)> = set.problems().iter().map(|p| (p.origin.to_string(), p.kind)).collect();
    for (file, kind) in [
        ("built-in bad-yaml.yml", ProblemKind::Parse),
        ("built-in value-sum.yml", ProblemKind::Unsupported),
        ("built-in dangling.yml", ProblemKind::Unsupported),
        ("built-in virtual-in-detection.yml", ProblemKind::Unsupported),
        ("built-in expand.yml", ProblemKind::Unsupported),
    ] {
        assert!(
            kinds.contains(&(file.to_string(), kind)),
            "{file} reported as {kind}: {kinds:#?}"
        );
    }
    assert!(
        kinds.iter().any(|(f, _)| f == "built-in no-selection.yml"),
        "{kinds:#?}"
    );
}

#[test]
fn hostile_rule_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // A billion-laughs YAML bomb: nine levels of nine aliases.
    let mut bomb = String::from("a0: &a0 [\"lol\"]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(",")));
    }
    bomb.push_str("title: bomb\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: *a9}\n  condition: s\n");
    w("bomb.yml", &bomb);
    // A regular expression far past the bound, and one that is small but would be huge compiled.
    w(
        "huge-re.yml",
        &rule("eventName|re", &format!("'{}'", "a".repeat(100_000))),
    );
    w("dense-re.yml", &rule("eventName|re", "'(\\w{100}){100}'"));
    // A condition nested ten thousand deep, and deep YAML.
    let deep_cond = format!("{}s{}", "(".repeat(10_000), ")".repeat(10_000));
    w(
        "deep-condition.yml",
        &format!(
            "title: d\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  s: {{eventName: x}}\n  condition: '{deep_cond}'\n"
        ),
    );
    let not_chain = format!("{}s", "not ".repeat(5_000));
    w(
        "not-chain.yml",
        &format!(
            "title: n\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  s: {{eventName: x}}\n  condition: '{not_chain}'\n"
        ),
    );
    w(
        "deep-yaml.yml",
        &format!(
            "title: y\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  s: {}x{}\n  condition: s\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        ),
    );
    // A file past the size bound, and binary junk.
    w("large.yml", &format!("title: l\n# {}\n", "x".repeat(1 << 20)));
    std::fs::write(dir.path().join("junk.yml"), [0xff, 0xfe, 0x00, 0x9b]).unwrap();
    w("good.yml", &rule("eventName", "PutRolePolicy"));

    let mut b = RuleSetBuilder::default();
    b.add_path(dir.path());
    let set = b.build();
    assert_eq!(set.rule_count(), 1, "the good rule still runs: {:#?}", set.problems());
    let bad: Vec<String> = set
        .problems()
        .iter()
        .map(|p| match &p.origin {
            RuleOrigin::File(f) => f.file_name().unwrap().to_string_lossy().into_owned(),
            RuleOrigin::Builtin(n) => n.to_string(),
        })
        .collect();
    for f in [
        "bomb.yml",
        "huge-re.yml",
        "dense-re.yml",
        "deep-condition.yml",
        "not-chain.yml",
        "deep-yaml.yml",
        "large.yml",
        "junk.yml",
    ] {
        assert!(bad.iter().any(|b| b == f), "{f} is reported: {:#?}", set.problems());
    }
    // And what runs still evaluates.
    let (_d, data) = dataset(&[ev(json!({}))]);
    let data = data.with_rules(std::sync::Arc::new(set));
    assert_eq!(data.detections().hits().len(), 1);
}

/// One person (IAM user alice in 111111111111) reaches a role in 222222222222 and deletes from both accounts;
/// another user deletes a little in 111111111111. Grouped by origin, alice's deletions across both accounts are one
/// group (and bob's are not enough); grouped by session identity they are two groups, neither enough.
#[test]
fn a_correlation_groups_by_origin_across_two_accounts() {
    let alice_key = "AKIAALICE00000000001";
    let alice = json!({"type": "IAMUser", "principalId": "AIDAALICE", "arn": "arn:aws:iam::111111111111:user/alice", "accountId": "111111111111", "accessKeyId": alice_key, "userName": "alice"});
    let bob = json!({"type": "IAMUser", "principalId": "AIDABOB", "arn": "arn:aws:iam::111111111111:user/bob", "accountId": "111111111111", "accessKeyId": "AKIABOB0000000000001", "userName": "bob"});
    let role = json!({"type": "AssumedRole", "principalId": "AROAOPS:alice", "arn": "arn:aws:sts::222222222222:assumed-role/ops/alice", "accountId": "222222222222", "accessKeyId": "ASIAOPSALICE00000001",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAOPS", "arn": "arn:aws:iam::222222222222:role/ops", "accountId": "222222222222", "userName": "ops"}, "attributes": {"mfaAuthenticated": "false", "creationDate": "2026-03-01T10:00:00Z"}}});
    let mut recs = vec![
        json!({"eventSource": "sts.amazonaws.com", "eventName": "AssumeRole", "userIdentity": alice, "recipientAccountId": "222222222222",
        "requestParameters": {"roleArn": "arn:aws:iam::222222222222:role/ops", "roleSessionName": "alice"},
        "responseElements": {"credentials": {"accessKeyId": "ASIAOPSALICE00000001", "expiration": "Mar 1, 2026, 11:00:00 AM", "sessionToken": "x"}, "assumedRoleUser": {"assumedRoleId": "AROAOPS:alice", "arn": "arn:aws:sts::222222222222:assumed-role/ops/alice"}}}),
    ];
    let del = |who: &Value, acct: &str, i: usize| json!({"eventSource": "ec2.amazonaws.com", "eventName": "DeleteVolume", "userIdentity": who, "recipientAccountId": acct, "requestParameters": {"volumeId": format!("vol-{i}")}});
    for i in 0..3 {
        recs.push(del(&alice, "111111111111", i));
        recs.push(del(&role, "222222222222", i));
        recs.push(del(&bob, "111111111111", i));
    }
    let base = "title: del\nid: del\nname: del\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName|startswith: Delete}\n  condition: s\nlevel: low\n";
    let corr = |by: &str| {
        format!(
            "{base}---\ntitle: many\ncorrelation:\n  type: event_count\n  rules: [del]\n  group-by: [{by}]\n  timespan: 10m\n  condition: {{gte: 5}}\nlevel: high\n"
        )
    };
    let (_d, data) = dataset(&recs);
    let store_graph = |data: &trailhound::core::dataset::Dataset| {
        let d = data.detections();
        d.correlations()
            .iter()
            .map(|c| {
                (
                    c.group
                        .iter()
                        .map(|(_, v)| v.describe(data.store(), data.graph()))
                        .collect::<Vec<_>>(),
                    c.events.len(),
                )
            })
            .collect::<Vec<_>>()
    };
    let by_origin = data.with_rules(rule_set(&[&corr("trailhound.origin")]));
    assert_eq!(
        store_graph(&by_origin),
        vec![(vec!["arn:aws:iam::111111111111:user/alice".to_string()], 6)]
    );
    let (_d, data) = dataset(&recs);
    let by_account = data.with_rules(rule_set(&[&corr("trailhound.origin_account")]));
    assert_eq!(
        store_graph(&by_account),
        vec![(vec!["111111111111".to_string()], 9)],
        "alice and bob are both of 111111111111"
    );
    let (_d, data) = dataset(&recs);
    let by_identity = data.with_rules(rule_set(&[&corr("trailhound.session_identity")]));
    assert_eq!(
        store_graph(&by_identity),
        vec![],
        "alice's own calls and her ops session are two identities of three calls each"
    );
    let (_d, data) = dataset(&recs);
    let by_raw = data.with_rules(rule_set(&[&corr("recipientAccountId")]));
    assert_eq!(
        store_graph(&by_raw),
        vec![(vec!["111111111111".to_string()], 6)],
        "a raw field groups as logged"
    );
}

#[test]
fn value_count_and_temporal_correlations() {
    let base = "title: a\nid: a\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: GetSecretValue}\n  condition: s\n---\ntitle: b\nid: b\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: StopLogging}\n  condition: s\n";
    let get = |id: &str| json!({"eventSource": "secretsmanager.amazonaws.com", "eventName": "GetSecretValue", "requestParameters": {"secretId": id}});
    let stop = json!({"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"});
    let run = |corr: &str, recs: &[Value]| {
        let (_d, data) = dataset(recs);
        let data = data.with_rules(rule_set(&[&format!("{base}---\n{corr}")]));
        data.detections()
            .correlations()
            .iter()
            .map(|c| c.events.clone())
            .collect::<Vec<_>>()
    };
    let vc = "title: v\ncorrelation:\n  type: value_count\n  rules: [a]\n  group-by: [trailhound.origin]\n  timespan: 1h\n  condition: {gte: 3, field: requestParameters.secretId}\n";
    assert_eq!(
        run(vc, &[get("x"), get("y"), get("x"), get("z")]),
        vec![vec![0, 1, 2, 3]]
    );
    assert_eq!(
        run(vc, &[get("x"), get("y"), get("x"), get("y")]),
        Vec::<Vec<u32>>::new()
    );
    let ordered = "title: o\ncorrelation:\n  type: temporal_ordered\n  rules: [a, b]\n  group-by: [trailhound.origin]\n  timespan: 1h\n";
    assert_eq!(run(ordered, &[get("x"), stop.clone()]), vec![vec![0, 1]]);
    assert_eq!(
        run(ordered, &[stop.clone(), get("x")]),
        Vec::<Vec<u32>>::new(),
        "wrong order"
    );
    let temporal =
        "title: t\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  group-by: [trailhound.origin]\n  timespan: 1h\n";
    assert_eq!(run(temporal, &[stop.clone(), get("x")]), vec![vec![0, 1]]);
    assert_eq!(
        run(temporal, &[get("x"), get("y")]),
        Vec::<Vec<u32>>::new(),
        "b never hit"
    );
}

/// The raw-record pass decides candidates file by file, handing files to the workers up to a number of events at a
/// time; the answer must not depend on that number. On the sample case (over a thousand candidates in dozens of
/// files), batches of 1 (one file at a time), 7 and 500 events give exactly the one-batch answer.
#[test]
fn the_raw_pass_gives_one_answer_whatever_its_batch_size() {
    use trailhound::core::graph::SessionGraph;
    use trailhound::core::rules::{builtin, evaluate_in_batches};
    let store = trailhound::core::ingest::load_paths(&[&crate::support::sample_case()]);
    let graph = SessionGraph::build(&store);
    let whole = evaluate_in_batches(&store, &graph, builtin(), usize::MAX);
    assert!(
        whole.stats().raw_reads > 100,
        "the sample has raw candidates: {:?}",
        whole.stats()
    );
    assert!(!whole.hits().is_empty());
    for batch in [1, 7, 500] {
        let d = evaluate_in_batches(&store, &graph, builtin(), batch);
        assert_eq!(d.hits(), whole.hits(), "batch {batch}");
        assert_eq!(d.correlations().len(), whole.correlations().len(), "batch {batch}");
        assert_eq!(d.stats().raw_reads, whole.stats().raw_reads, "batch {batch}");
    }
}
