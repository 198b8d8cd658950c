//! One test per phrase of the table and per message form, each from a message text AWS documents
//! (`docs/denied.md` §2–3 quotes them with their sources). Expectations are written from the texts, not the code.

use super::message::{MessageForm, explain};
use super::phrases::{DenyKind, POLICY_PHRASES, PolicyType};

struct Want {
    form: MessageForm,
    policy_type: PolicyType,
    deny: DenyKind,
    action: Option<&'static str>,
    resource: Option<&'static str>,
    policy_arn: Option<&'static str>,
    principal: Option<&'static str>,
    encoded: bool,
}

const NOTHING: Want = Want {
    form: MessageForm::Detailed,
    policy_type: PolicyType::NotStated,
    deny: DenyKind::NotStated,
    action: None,
    resource: None,
    policy_arn: None,
    principal: None,
    encoded: false,
};

fn check(text: &str, w: Want) {
    let (form, ex) = explain(Some(text));
    assert_eq!(form, w.form, "{text}");
    assert_eq!(ex.policy_type, w.policy_type, "{text}");
    assert_eq!(ex.deny, w.deny, "{text}");
    assert_eq!(ex.action.as_deref(), w.action, "{text}");
    assert_eq!(ex.resource.as_deref(), w.resource, "{text}");
    assert_eq!(ex.policy_arn.as_deref(), w.policy_arn, "{text}");
    assert_eq!(ex.principal.as_deref(), w.principal, "{text}");
    assert_eq!(ex.encoded, w.encoded, "{text}");
}

const MARY: &str = "arn:aws:iam::777788889999:user/MaryMajor";

#[test]
fn service_control_policy_explicit_with_policy_arn() {
    // docs/denied.md §2, the AWS Security Blog's "enhanced" example.
    check(
        "User: arn:aws:iam::123456789012:user/Matt is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/* with an explicit deny in a service control policy: arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd",
        Want {
            policy_type: PolicyType::ServiceControlPolicy,
            deny: DenyKind::Explicit,
            action: Some("iam:ListRoles"),
            resource: Some("arn:aws:iam::123456789012:role/*"),
            policy_arn: Some(
                "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd",
            ),
            principal: Some("arn:aws:iam::123456789012:user/Matt"),
            ..NOTHING
        },
    );
}

#[test]
fn service_control_policy_implicit() {
    check(
        "User: arn:aws:iam::777788889999:user/MaryMajor is not authorized to perform: codecommit:ListRespositories because no service control policy allows the codecommit:ListRespositories action",
        Want {
            policy_type: PolicyType::ServiceControlPolicy,
            deny: DenyKind::Implicit,
            action: Some("codecommit:ListRespositories"),
            principal: Some(MARY),
            ..NOTHING
        },
    );
}

#[test]
fn resource_control_policy_explicit() {
    check(
        "User: arn:aws:iam::777788889999:user/MaryMajor is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::amzn-s3-demo-bucket/object with an explicit deny in a resource control policy",
        Want {
            policy_type: PolicyType::ResourceControlPolicy,
            deny: DenyKind::Explicit,
            action: Some("s3:GetObject"),
            resource: Some("arn:aws:s3:::amzn-s3-demo-bucket/object"),
            principal: Some(MARY),
            ..NOTHING
        },
    );
}

#[test]
fn permissions_boundary_implicit() {
    check(
        "User: arn:aws:iam::777788889999:user/MaryMajor is not authorized to perform: codedeploy:ListDeployments because no permissions boundary allows the codedeploy:ListDeployments action",
        Want {
            policy_type: PolicyType::PermissionsBoundary,
            deny: DenyKind::Implicit,
            action: Some("codedeploy:ListDeployments"),
            principal: Some(MARY),
            ..NOTHING
        },
    );
}

#[test]
fn session_policy_explicit() {
    check(
        "User: arn:aws:iam::777788889999:user/MaryMajor is not authorized to perform: codecommit:ListRepositories with an explicit deny in a session policy",
        Want {
            policy_type: PolicyType::SessionPolicy,
            deny: DenyKind::Explicit,
            action: Some("codecommit:ListRepositories"),
            principal: Some(MARY),
            ..NOTHING
        },
    );
}

#[test]
fn identity_based_policy_explicit_takes_the_article_an() {
    check(
        "User: arn:aws:iam::777788889999:user/MaryMajor is not authorized to perform: codecommit:ListRepositories with an explicit deny in an identity-based policy",
        Want {
            policy_type: PolicyType::IdentityBased,
            deny: DenyKind::Explicit,
            action: Some("codecommit:ListRepositories"),
            principal: Some(MARY),
            ..NOTHING
        },
    );
}

#[test]
fn identity_based_policy_implicit_with_quoted_resource() {
    check(
        "User: arn:aws:iam::123456789012:user/build-bot is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::prod-artifacts/release.tar.gz\" because no identity-based policy allows the s3:GetObject action",
        Want {
            policy_type: PolicyType::IdentityBased,
            deny: DenyKind::Implicit,
            action: Some("s3:GetObject"),
            resource: Some("arn:aws:s3:::prod-artifacts/release.tar.gz"),
            principal: Some("arn:aws:iam::123456789012:user/build-bot"),
            ..NOTHING
        },
    );
}

#[test]
fn iam_names_the_resource_by_kind_and_name() {
    // IAM's own form (`on resource: role <name>`), as the sample case's AttachRolePolicy denial carries it.
    check(
        "User: arn:aws:sts::111122223333:assumed-role/DemoRole1/sara is not authorized to perform: iam:AttachRolePolicy on resource: role DemoRole1 because no identity-based policy allows the iam:AttachRolePolicy action",
        Want {
            policy_type: PolicyType::IdentityBased,
            deny: DenyKind::Implicit,
            action: Some("iam:AttachRolePolicy"),
            resource: Some("role DemoRole1"),
            principal: Some("arn:aws:sts::111122223333:assumed-role/DemoRole1/sara"),
            ..NOTHING
        },
    );
}

#[test]
fn resource_based_policy_implicit() {
    check(
        "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: secretsmanager:GetSecretValue because no resource-based policy allows the secretsmanager:GetSecretValue action",
        Want {
            policy_type: PolicyType::ResourceBased,
            deny: DenyKind::Implicit,
            action: Some("secretsmanager:GetSecretValue"),
            principal: Some("arn:aws:iam::777788889999:user/JohnDoe"),
            ..NOTHING
        },
    );
}

#[test]
fn vpc_endpoint_policy_implicit() {
    check(
        "User: arn:aws:iam::123456789012:user/MaryMajor is not authorized to perform: ecr:GetDownloadUrlForLayer because no VPC endpoint policy allows the ecr:GetDownloadUrlForLayer action",
        Want {
            policy_type: PolicyType::VpcEndpointPolicy,
            deny: DenyKind::Implicit,
            action: Some("ecr:GetDownloadUrlForLayer"),
            principal: Some("arn:aws:iam::123456789012:user/MaryMajor"),
            ..NOTHING
        },
    );
}

#[test]
fn role_trust_policy_implicit() {
    check(
        "User: arn:aws:sts::111122223333:assumed-role/ci/build is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/deploy because no role trust policy allows the sts:AssumeRole action",
        Want {
            policy_type: PolicyType::RoleTrustPolicy,
            deny: DenyKind::Implicit,
            action: Some("sts:AssumeRole"),
            resource: Some("arn:aws:iam::444455556666:role/deploy"),
            principal: Some("arn:aws:sts::111122223333:assumed-role/ci/build"),
            ..NOTHING
        },
    );
}

#[test]
fn every_phrase_of_the_table_has_a_test_above() {
    // The tests above cover these types; a new phrase needs a new test (and this list).
    let covered = [
        PolicyType::ServiceControlPolicy,
        PolicyType::ResourceControlPolicy,
        PolicyType::PermissionsBoundary,
        PolicyType::SessionPolicy,
        PolicyType::IdentityBased,
        PolicyType::ResourceBased,
        PolicyType::VpcEndpointPolicy,
        PolicyType::RoleTrustPolicy,
    ];
    let in_table: Vec<PolicyType> = POLICY_PHRASES.iter().map(|p| p.1).collect();
    assert_eq!(in_table, covered);
}

#[test]
fn explicit_deny_without_a_type_is_explicit_and_not_stated() {
    // The re:Post example of the older form.
    check(
        "User: arn:aws:iam::444455556666:user/ExampleUser is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:444455556666:volume/* with an explicit deny",
        Want {
            deny: DenyKind::Explicit,
            action: Some("ec2:RunInstances"),
            resource: Some("arn:aws:ec2:us-east-1:444455556666:volume/*"),
            principal: Some("arn:aws:iam::444455556666:user/ExampleUser"),
            ..NOTHING
        },
    );
}

#[test]
fn older_form_without_context_states_action_and_resource_only() {
    check(
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::my-bucket/file.txt",
        Want {
            action: Some("s3:GetObject"),
            resource: Some("arn:aws:s3:::my-bucket/file.txt"),
            principal: Some("arn:aws:iam::123456789012:user/alice"),
            ..NOTHING
        },
    );
}

#[test]
fn ec2_encoded_message_alone_is_bare_and_encoded() {
    check(
        "You are not authorized to perform this operation. Encoded authorization failure message: 4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abcd",
        Want {
            form: MessageForm::Bare,
            encoded: true,
            ..NOTHING
        },
    );
}

#[test]
fn ec2_detailed_sentence_before_the_encoded_message_is_read() {
    check(
        "You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/dev/alice is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:111122223333:instance/* with an explicit deny in a service control policy. Encoded authorization failure message: QmFzZTY0",
        Want {
            policy_type: PolicyType::ServiceControlPolicy,
            deny: DenyKind::Explicit,
            action: Some("ec2:RunInstances"),
            resource: Some("arn:aws:ec2:us-east-1:111122223333:instance/*"),
            principal: Some("arn:aws:sts::111122223333:assumed-role/dev/alice"),
            encoded: true,
            ..NOTHING
        },
    );
}

#[test]
fn s3_access_denied_and_missing_text_state_nothing() {
    check(
        "Access Denied",
        Want {
            form: MessageForm::Bare,
            ..NOTHING
        },
    );
    let (form, ex) = explain(None);
    assert_eq!(form, MessageForm::Missing);
    assert_eq!(ex.policy_type, PolicyType::NotStated);
    assert_eq!(explain(Some("   ")).0, MessageForm::Missing);
}

#[test]
fn unknown_phrases_are_never_guessed() {
    // A type the table does not hold, a misspelt one, and a sentence of another shape.
    check(
        "User: arn:aws:iam::1:user/a is not authorized to perform: s3:GetObject with an explicit deny in a VPC endpoint policy transitively through a service control policy",
        Want {
            deny: DenyKind::Explicit,
            action: Some("s3:GetObject"),
            principal: Some("arn:aws:iam::1:user/a"),
            ..NOTHING
        },
    );
    check(
        "User: arn:aws:iam::1:user/a is not authorized to perform: s3:GetObject because no identity based policy allows the s3:GetObject action",
        Want {
            action: Some("s3:GetObject"),
            principal: Some("arn:aws:iam::1:user/a"),
            ..NOTHING
        },
    );
    check(
        "The request was denied by a policy",
        Want {
            form: MessageForm::Unrecognised,
            ..NOTHING
        },
    );
}

#[test]
fn hostile_and_truncated_messages_never_panic() {
    for t in [
        " is not authorized to perform: ",
        "User:  is not authorized to perform: \"",
        "User: x is not authorized to perform: a on resource: \"unterminated",
        "User: x is not authorized to perform: a because no ",
        "User: x is not authorized to perform: a with an explicit deny in a ",
        "Encoded authorization failure message:",
        "User: \u{1b}]0;pwn\u{7} is not authorized to perform: s3:\u{202e}GetObject with an explicit deny in a session policy: arn:\u{0}",
    ] {
        let _ = explain(Some(t));
    }
}
