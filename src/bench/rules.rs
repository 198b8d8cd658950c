//! The rules row: the built-in rule set plus sixty user rules evaluated over everything loaded (issue #15's goal:
//! ≤ 1 s at 1 M events on 2 cores). The sixty are generated here in the shapes SigmaHQ's CloudTrail rules take —
//! event-name lists, prefixes, user-agent substrings, caller ARN patterns, address ranges, and request parameters
//! only the raw record holds behind an event-name selection — so the row measures both passes (the store-only
//! pass and the raw records read for candidates).

use super::{Row, goals, ms};
use crate::core::dataset::Dataset;
use crate::core::rules::{self, RuleOrigin, RuleSetBuilder};
use std::sync::Arc;
use std::time::Instant;

/// The sixty user rules, as YAML.
pub fn user_rules() -> Vec<String> {
    let services = [
        "iam",
        "s3",
        "ec2",
        "sts",
        "kms",
        "lambda",
        "ssm",
        "secretsmanager",
        "cloudtrail",
        "rds",
    ];
    let verbs = ["Create", "Delete", "Put", "Update", "Attach", "Modify"];
    let mut out = Vec::new();
    for i in 0..60 {
        let svc = services[i % services.len()];
        let verb = verbs[i % verbs.len()];
        let detection = match i % 6 {
            0 => format!(
                "    sel:\n        eventSource: {svc}.amazonaws.com\n        eventName|startswith: {verb}\n    condition: sel"
            ),
            1 => format!(
                "    sel:\n        eventName:\n            - {verb}Thing{i}\n            - {verb}Other{i}\n            - ListBuckets\n        userAgent|contains: 'python-requests'\n    condition: sel"
            ),
            2 => format!(
                "    sel:\n        eventSource: {svc}.amazonaws.com\n        eventName|startswith: {verb}\n        requestParameters.policyDocument|contains: 'arn:aws:iam::{i:012}'\n    condition: sel"
            ),
            3 => format!("    sel:\n        userIdentity.arn|re: ':role/[a-z-]*admin{i}'\n    condition: sel"),
            4 => format!(
                "    sel:\n        eventName|endswith: Policy\n    filter:\n        sourceIPAddress|cidr: 10.{i}.0.0/16\n    condition: sel and not filter"
            ),
            _ => format!(
                "    sel:\n        eventSource: {svc}.amazonaws.com\n        errorCode:\n            - AccessDenied\n            - UnauthorizedOperation\n    condition: sel"
            ),
        };
        out.push(format!(
            "title: bench rule {i}\nid: bench-{i}\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n{detection}\nlevel: low\n"
        ));
    }
    out
}

/// Evaluate the built-in set plus [`user_rules`] over `data` (its graph already built).
pub fn row(data: &Dataset) -> Row {
    const WHAT: &str = "rules: built-in set + 60 user rules over all events";
    let mut b = RuleSetBuilder::default();
    rules::add_builtin(&mut b);
    for text in user_rules() {
        b.add_text(&text, RuleOrigin::Builtin("bench"));
    }
    let set = Arc::new(b.build());
    let n_rules = set.rule_count();
    let n_corr = set.correlation_count();
    let problems = set.problems().len();
    let graph = data.graph();
    let t = Instant::now();
    let d = rules::evaluate(data.store(), graph, set);
    let took = t.elapsed();
    Row::measured(
        "rules",
        WHAT,
        goals::RULES,
        ms(took),
        format!(
            "{} rules and {n_corr} correlations ({problems} not run) over {} events: {} hits, {} correlations fired; store pass {:.0} ms, {} raw records from {} files read again in {:.0} ms, correlations {:.0} ms",
            n_rules,
            data.store().events.len(),
            d.hits().len(),
            d.correlations().len(),
            d.stats().first_pass_us as f64 / 1e3,
            d.stats().raw_reads,
            d.stats().raw_files,
            d.stats().raw_pass_us as f64 / 1e3,
            d.stats().correlate_us as f64 / 1e3
        ),
    )
}
