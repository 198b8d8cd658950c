//! The session graph on real public records: the AWS documentation's SAML, web identity, cross-account and
//! chaining examples, Stratus Red Team's GetFederationToken detonation, and a real S3 delivery file with a
//! service-issued session. Expected links were read off the records by hand.

use trailhound::core::graph::{Found, Link, OriginKind, SessionGraph, SessionKind};
use trailhound::core::ingest::load_paths;
use trailhound::core::model::Store;
use trailhound::core::time::Scope;

fn load(rel: &str) -> Option<(Store, SessionGraph)> {
    let p = crate::support::realdata(rel)?;
    let store = load_paths(&[p]);
    let graph = SessionGraph::build(&store);
    Some((store, graph))
}

fn one(store: &Store, g: &SessionGraph, what: &str) -> u32 {
    match g.find(store, what) {
        Found::Sessions(v) if v.len() == 1 => v[0],
        other => panic!("{what}: {other:?}"),
    }
}

#[test]
fn aws_docs_identity_examples_link_as_documented() {
    let Some((store, g)) =
        load("awsdocs/iam-user-guide/doc_source/cloudtrail-integration_and_access_monitor.events.json")
    else {
        return;
    };
    // AssumeRoleWithSAML: a SAML user (not Identity Center: the provider is Shibboleth).
    let t = g.trace(&store, one(&store, &g, "AKIAIOSFODNN7EXAMPLE"), Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::SamlUser);
    assert_eq!(t.origin.name.as_deref(), Some("SamlExample"));
    assert_eq!(
        t.origin.provider.as_deref(),
        Some("arn:aws:iam::444455556666:saml-provider/Shibboleth")
    );
    assert_eq!(t.chain[0].link, Some(Link::AccessKey));
    assert_eq!(t.session.source_identity.as_deref(), Some("MySAMLUser"));
    assert_eq!(
        t.session.role_session_id.as_deref(),
        Some("AROAD35QRSTUVWEXAMPLE:MyAssignedRoleSessionName")
    );

    // AssumeRoleWithWebIdentity: Google user.
    let t = g.trace(&store, one(&store, &g, "ASIACQRSTUVWRAOEXAMPLE"), Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::WebIdentityUser);
    assert_eq!(t.origin.provider.as_deref(), Some("accounts.google.com"));

    // Cross-account AssumeRole logged in both accounts: one edge, the caller's copy names IAM user JohnDoe.
    let s = one(&store, &g, "AKIAQRSTUVWXYZEXAMPLE");
    let t = g.trace(&store, s, Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::IamUser);
    assert_eq!(t.origin.name.as_deref(), Some("JohnDoe"));
    assert_eq!(t.origin.account.as_deref(), Some("777788889999"));
    assert!(t.chain[0].cross_account_copies);
    assert_eq!(
        t.session.role_arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/EC2-dev")
    );
    assert_eq!(t.session.source_identity.as_deref(), Some("JohnDoe"));
    // The docs reuse that key for an unrelated role's DeleteBucket: it is not attributed to this session.
    assert_eq!(t.calls, vec![]);
    let delete = store
        .events
        .iter()
        .position(|e| store.s(e.event_name) == "DeleteBucket")
        .unwrap();
    let other = g.session_of_event(delete).unwrap();
    assert_ne!(other, s);
    assert_eq!(g.session(other).created_by, None);

    // Role chaining: JohnRole1's session (created before these logs) assumed JohnRole2.
    let t = g.trace(&store, one(&store, &g, "ASIAWHOJDLGPOEXAMPLE"), Scope::ALL);
    assert_eq!(t.chain.len(), 2);
    assert_eq!(
        t.chain[0].role_arn.as_deref(),
        Some("arn:aws:iam::111111111111:role/JohnRole1")
    );
    assert_eq!(t.chain[0].assumed_at, None);
    assert_eq!(t.chain[1].link, Some(Link::AccessKey));
    assert_eq!(
        t.origin.kind,
        OriginKind::Unknown,
        "the first hop's creator is not in these logs"
    );
    assert_eq!(t.session.source_identity.as_deref(), Some("JohnDoe"));

    // AWSAccount caller with null responseElements: a session exists, its calls are tied to nothing.
    let p = g.role_profile(&store, "DevRole", Scope::ALL);
    assert_eq!(p.assumed_by.len(), 1);
    assert_eq!(p.assumed_by[0].kind, "aws-account");
    assert_eq!(p.assumed_by[0].name.as_deref(), Some("111122223333"));
    assert_eq!(p.sessions.len(), 1);
    assert_eq!(p.sessions[0].access_key_id, None);
    assert_eq!(p.sessions[0].link, None);
}

#[test]
fn stratus_federation_token_session_belongs_to_its_iam_user() {
    let Some((store, g)) = load("stratus-red-team/docs/detonation-logs/aws.persistence.sts-federation-token.json")
    else {
        return;
    };
    let t = g.trace(&store, one(&store, &g, "ASIASTJKC5GCM7ZE6LUP"), Scope::ALL);
    assert_eq!(t.session.kind, SessionKind::Federated);
    assert_eq!(t.origin.kind, OriginKind::IamUser);
    assert_eq!(t.origin.name.as_deref(), Some("stratus-red-team-user-federation-user"));
    assert_eq!(t.calls.len(), 1);
    assert_eq!(t.calls[0].event_name, "GetCallerIdentity");
}

#[test]
fn service_issued_session_in_a_real_s3_file() {
    let Some((store, g)) = load("trailscraper/tests/cloudtrail/data") else {
        return;
    };
    // config.amazonaws.com assumed someRole and got key BBBB…; the describe call was signed with an older key.
    let t = g.trace(&store, one(&store, &g, "BBBBBBBBBBBBBBBBBBBBB"), Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::AwsService);
    assert_eq!(t.origin.name.as_deref(), Some("config.amazonaws.com"));
    assert_eq!(
        t.origin.acting_for.as_deref(),
        Some("AutoScalingDescribeHandlerSession")
    );
    let t = g.trace(&store, one(&store, &g, "AAAAAAAAAAAAAAAAAAAAA"), Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::Unknown);
    assert_eq!(t.calls[0].event_name, "DescribeLaunchConfigurations");
}

#[test]
fn every_realdata_event_has_a_signer_or_an_honest_none() {
    let Some((store, g)) = load("") else { return };
    use trailhound::core::graph::Signer;
    let none = g.signer.iter().filter(|s| matches!(s, Signer::None)).count();
    // Only records with no usable userIdentity (service events without a type) have no signer.
    for (i, s) in g.signer.iter().enumerate() {
        if matches!(s, Signer::None) {
            let id = store.identity(&store.events[i]);
            assert_eq!(id.kind, trailhound::core::model::IdentityType::Missing, "event {i}");
        }
    }
    assert!(none < 30, "{none}");
}
