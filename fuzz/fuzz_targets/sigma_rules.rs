//! Sigma rule files (`--rules DIR`): one file's text through the same builder `trailhound detect` uses (parse,
//! bomb checks, compile, correlations), then the built set evaluated over a few loaded CloudTrail records, so a rule
//! that parses but breaks evaluation is found too. A rule file may come from anyone (a downloaded pack).
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::{self, LoadOptions};
use trailhound::core::model::Store;
use trailhound::core::rules::{self, RuleOrigin, RuleSetBuilder};

/// Records the rules run over: a logging change, a console login, a role assumption and a bucket read, each with
/// the fields Sigma rules commonly name (hand-written, shaped as CloudTrail delivers them).
const RECORDS: &str = r#"{"Records":[
{"eventVersion":"1.08","eventTime":"2026-11-05T14:20:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","eventID":"00000000-0000-0000-0000-000000000001","eventType":"AwsApiCall","recipientAccountId":"111122223333","readOnly":false,"managementEvent":true,"requestParameters":{"name":"org-trail"},"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:sara","arn":"arn:aws:sts::111122223333:assumed-role/Admin/sara","accountId":"111122223333","accessKeyId":"ASIAFUZZ000000000001","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2026-11-05T14:00:00Z","mfaAuthenticated":"false"}}}},
{"eventVersion":"1.08","eventTime":"2026-11-05T14:21:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"Mozilla/5.0","eventID":"00000000-0000-0000-0000-000000000002","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob"}},
{"eventVersion":"1.08","eventTime":"2026-11-05T14:22:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","eventID":"00000000-0000-0000-0000-000000000003","eventType":"AwsApiCall","recipientAccountId":"111122223333","requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/Admin","roleSessionName":"bob"},"responseElements":{"credentials":{"accessKeyId":"ASIAFUZZ000000000002","expiration":"Nov 5, 2026, 3:22:00 PM","sessionToken":"x"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLE:bob","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob"}},"userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","userName":"bob","accessKeyId":"AKIAFUZZ000000000001"}},
{"eventVersion":"1.08","eventTime":"2026-11-05T14:23:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.0","eventID":"00000000-0000-0000-0000-000000000004","eventType":"AwsApiCall","recipientAccountId":"111122223333","readOnly":true,"managementEvent":false,"requestParameters":{"bucketName":"secrets","key":"a/b.txt"},"resources":[{"ARN":"arn:aws:s3:::secrets/a/b.txt","type":"AWS::S3::Object"}],"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:bob","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","accountId":"111122223333","accessKeyId":"ASIAFUZZ000000000002"}}
]}"#;

fn loaded() -> &'static (Store, SessionGraph) {
    static DATA: OnceLock<(Store, SessionGraph)> = OnceLock::new();
    DATA.get_or_init(|| {
        let store = ingest::load_bytes(Path::new("fuzz-records.json"), RECORDS.as_bytes(), &LoadOptions::default());
        let graph = SessionGraph::build(&store);
        (store, graph)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Rule files are read as UTF-8 text (`RuleSetBuilder::add_file` refuses other bytes): only text reaches the parser.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut b = RuleSetBuilder::default();
    b.add_text(text, RuleOrigin::File(PathBuf::from("fuzz-rule.yml")));
    let set = b.build();
    std::hint::black_box(set.problems());
    let (store, graph) = loaded();
    let detections = rules::evaluate(store, graph, Arc::new(set));
    std::hint::black_box(detections.unreadable());
});
