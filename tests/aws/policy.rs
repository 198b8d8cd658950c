//! The least-privilege IAM policy shipped in `policy/trailhound-readonly.json` must allow every AWS API the fetch
//! code calls, and nothing else; `policy/trailhound-orgscale.json` likewise for the Athena calls of
//! `fetch --athena` and the CloudTrail Lake calls of `fetch --lake`, plus exactly the Glue and S3 actions Athena
//! needs on the caller's behalf (`trailhound::aws::athena::INDIRECT_ACTIONS`). The calls are found by scanning
//! `src/aws/**/*.rs` for SDK operation calls on a client (`client.lookup_events()` …), so a new call without a
//! policy update fails here. A file's client tells its group: `ctx.lake(` makes CloudTrail calls of the org-scale
//! policy, `ctx.cloudtrail(` those of the read-only one.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn orgscale_policy() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/trailhound-orgscale.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("policy file")).expect("policy is valid JSON")
}

fn policy() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policy/trailhound-readonly.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("policy file")).expect("policy is valid JSON")
}

/// (action pattern) for every Allow statement; panics on anything that is not a plain Allow of actions.
fn allowed(policy: &Value) -> Vec<String> {
    assert_eq!(policy["Version"], "2012-10-17");
    let mut out = Vec::new();
    for st in policy["Statement"].as_array().expect("Statement list") {
        assert_eq!(st["Effect"], "Allow", "{st}");
        assert!(st.get("NotAction").is_none(), "{st}");
        match &st["Action"] {
            Value::String(a) => out.push(a.clone()),
            Value::Array(list) => out.extend(list.iter().map(|a| a.as_str().expect("action string").to_string())),
            other => panic!("bad Action {other}"),
        }
    }
    out
}

fn matches(pattern: &str, action: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => action.starts_with(prefix),
        None => pattern == action,
    }
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The IAM action of an S3 operation: S3 names its actions after resources, not operations (AWS Service
/// Authorization Reference, "Actions defined by Amazon S3": ListObjectsV2 is authorised by `s3:ListBucket`).
fn s3_action(operation: &str) -> String {
    match operation {
        "ListObjectsV2" | "ListObjects" => "s3:ListBucket".to_string(),
        other => format!("s3:{other}"),
    }
}

/// Whether an action belongs to the org-scale policy.
fn orgscale(action: &str) -> bool {
    action.starts_with("athena:") || LAKE.contains(&action)
}

/// The CloudTrail Lake actions the code calls (checked against the scan below).
const LAKE: &[&str] = &[
    "cloudtrail:StartQuery",
    "cloudtrail:DescribeQuery",
    "cloudtrail:GetQueryResults",
    "cloudtrail:CancelQuery",
];

/// (group, IAM action) of the SDK operations called in `src/aws/**/*.rs`; the group is the client's.
fn called_by_group() -> BTreeSet<(&'static str, String)> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws"));
    let mut out = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    for path in files {
        let text: String = std::fs::read_to_string(&path).unwrap().split_whitespace().collect();
        let service = if text.contains("ctx.cloudtrail(") {
            "cloudtrail"
        } else if text.contains("ctx.lake(") {
            "lake"
        } else if text.contains("ctx.guardduty(") {
            "guardduty"
        } else if text.contains("ctx.access_analyzer(") {
            "access-analyzer"
        } else if text.contains("ctx.athena(") {
            "athena"
        } else if text.contains("aws_sdk_s3::Client") {
            "s3"
        } else {
            continue;
        };
        for (pos, _) in text.match_indices("client.") {
            let rest = &text[pos + "client.".len()..];
            let ident: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if rest[ident.len()..].starts_with("()") {
                out.insert((
                    service,
                    match service {
                        "s3" => s3_action(&pascal(&ident)),
                        "lake" => format!("cloudtrail:{}", pascal(&ident)),
                        _ => format!("{service}:{}", pascal(&ident)),
                    },
                ));
            }
        }
    }
    out
}

#[test]
fn policy_covers_every_api_the_code_calls_and_no_more() {
    let allowed = allowed(&policy());
    let called: BTreeSet<String> = called_by_group()
        .into_iter()
        .filter(|(g, _)| !["athena", "lake"].contains(g))
        .map(|(_, a)| a)
        .collect();
    // The scanner must actually find the calls (a scanner that finds nothing would pass vacuously).
    for known in [
        "cloudtrail:LookupEvents",
        "guardduty:ListDetectors",
        "guardduty:ListFindings",
        "guardduty:GetFindings",
        "access-analyzer:ListAnalyzers",
        "access-analyzer:ListFindingsV2",
        "access-analyzer:GetFindingV2",
        "s3:ListBucket",
        "s3:GetObject",
    ] {
        assert!(called.contains(known), "scanner missed {known}: {called:?}");
    }
    for action in &called {
        assert!(
            allowed.iter().any(|p| matches(p, action)),
            "policy does not allow {action}"
        );
    }
    // Least privilege: read-only, no service-wide wildcards, every grant used by some call.
    for p in &allowed {
        let (_, op) = p.split_once(':').expect("service:Action");
        assert!(
            op.starts_with("List") || op.starts_with("Get") || op.starts_with("Lookup"),
            "{p} is not read-only"
        );
        assert!(op.len() > 4, "{p} is too broad");
        assert!(called.iter().any(|a| matches(p, a)), "{p} is granted but never used");
    }
}

#[test]
fn error_messages_name_actions_the_policy_grants() {
    let mut allowed = allowed(&policy());
    allowed.extend(self::allowed(&orgscale_policy()));
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws"));
    let mut named = 0;
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        for prefix in [
            "\"cloudtrail:",
            "\"guardduty:",
            "\"access-analyzer:",
            "\"s3:",
            "\"athena:",
        ] {
            for (pos, _) in text.match_indices(prefix) {
                let lit: String = text[pos + 1..].chars().take_while(|c| *c != '"').collect();
                named += 1;
                assert!(
                    allowed.iter().any(|p| matches(p, &lit)),
                    "{lit} named in an error but not in the policy"
                );
            }
        }
    }
    assert!(
        named >= 9,
        "expected the IAM action names used for access-denied messages"
    );
}

#[test]
fn orgscale_policy_is_the_athena_and_lake_calls_and_what_athena_needs() {
    let granted: BTreeSet<String> = allowed(&orgscale_policy()).into_iter().collect();
    let by_group = called_by_group();
    let athena: BTreeSet<String> = by_group
        .iter()
        .filter(|(g, _)| ["athena", "lake"].contains(g))
        .map(|(_, a)| a.clone())
        .collect();
    assert!(athena.iter().all(|a| orgscale(a)), "{athena:?}");
    for known in LAKE {
        assert!(athena.contains(*known), "scanner missed {known}: {athena:?}");
    }
    for known in [
        "athena:GetTableMetadata",
        "athena:StartQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StopQueryExecution",
    ] {
        assert!(athena.contains(known), "scanner missed {known}: {athena:?}");
    }
    let mut wanted = athena.clone();
    wanted.extend(trailhound::aws::athena::INDIRECT_ACTIONS.iter().map(|a| a.to_string()));
    assert_eq!(
        granted, wanted,
        "policy/trailhound-orgscale.json must grant exactly these"
    );
    // No wildcard anywhere: every action is named.
    assert!(granted.iter().all(|a| !a.contains('*')));
    // trailhound reads the result CSV itself (`--results csv|auto`): s3:GetObject on the result location.
    let reader = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws/athena_csv.rs")).unwrap();
    assert!(reader.contains(".get_object()"), "the CSV reader calls GetObject");
    let results = orgscale_policy()["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["Resource"].to_string().contains("YOUR-ATHENA-RESULTS-BUCKET"))
        .cloned()
        .expect("a statement on the result location");
    assert!(
        results["Action"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "s3:GetObject"),
        "{results}"
    );
}
