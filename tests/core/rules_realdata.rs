//! The built-in rules on Stratus Red Team's detonation logs (`../shared/realdata/stratus-red-team`): every
//! technique there that a built-in rule covers fires on the technique's call, and each hit is attributed to the
//! caller the record names — the IAM user behind long-term keys, the session (and through its assumption, the
//! user) behind temporary keys. Expectations are written from the Stratus technique names, not from the rules.

use crate::support::realdata;
use serde_json::Value;
use trailhound::core::dataset::Dataset;
use trailhound::core::graph::Signer;
use trailhound::core::ingest::load_paths;
use trailhound::core::rules::attribute;

/// Stratus technique file → (the call that is the technique, the built-in rule that must hit it).
const COVERED: &[(&str, &str, &str)] = &[
    (
        "aws.credential-access.ec2-get-password-data",
        "GetPasswordData",
        "EC2 Windows password data retrieved",
    ),
    (
        "aws.credential-access.ec2-steal-instance-credentials",
        "SendCommand",
        "Command, session or SSH key pushed to an instance",
    ),
    (
        "aws.credential-access.secretsmanager-batch-retrieve-secrets",
        "BatchGetSecretValue",
        "Secret or decrypted SSM parameter read",
    ),
    (
        "aws.credential-access.secretsmanager-retrieve-secrets",
        "GetSecretValue",
        "Secret or decrypted SSM parameter read",
    ),
    (
        "aws.credential-access.ssm-retrieve-securestring-parameters",
        "GetParameters",
        "Secret or decrypted SSM parameter read",
    ),
    (
        "aws.defense-evasion.cloudtrail-delete",
        "DeleteTrail",
        "CloudTrail logging stopped or trail deleted",
    ),
    (
        "aws.defense-evasion.cloudtrail-event-selectors",
        "PutEventSelectors",
        "CloudTrail trail or event selectors changed",
    ),
    (
        "aws.defense-evasion.cloudtrail-stop",
        "StopLogging",
        "CloudTrail logging stopped or trail deleted",
    ),
    (
        "aws.defense-evasion.dns-delete-logs",
        "DeleteResolverQueryLogConfig",
        "VPC flow logs or DNS query logging removed",
    ),
    (
        "aws.defense-evasion.organizations-leave",
        "LeaveOrganization",
        "Account left its AWS Organization",
    ),
    (
        "aws.defense-evasion.vpc-remove-flow-logs",
        "DeleteFlowLogs",
        "VPC flow logs or DNS query logging removed",
    ),
    (
        "aws.discovery.ec2-download-user-data",
        "DescribeInstanceAttribute",
        "EC2 user data read or replaced",
    ),
    (
        "aws.execution.ec2-user-data",
        "ModifyInstanceAttribute",
        "EC2 user data read or replaced",
    ),
    (
        "aws.execution.ssm-send-command",
        "SendCommand",
        "Command, session or SSH key pushed to an instance",
    ),
    (
        "aws.execution.ssm-start-session",
        "StartSession",
        "Command, session or SSH key pushed to an instance",
    ),
    (
        "aws.exfiltration.ec2-security-group-open-port-22-ingress",
        "AuthorizeSecurityGroupIngress",
        "Security group opened to the internet",
    ),
    (
        "aws.exfiltration.ec2-share-ami",
        "ModifyImageAttribute",
        "Snapshot or machine image shared with another account",
    ),
    (
        "aws.exfiltration.ec2-share-ebs-snapshot",
        "ModifySnapshotAttribute",
        "Snapshot or machine image shared with another account",
    ),
    (
        "aws.exfiltration.rds-share-snapshot",
        "ModifyDBSnapshotAttribute",
        "Snapshot or machine image shared with another account",
    ),
    (
        "aws.impact.bedrock-invoke-model",
        "InvokeModel",
        "Bedrock model access enabled or invoked",
    ),
    (
        "aws.initial-access.console-login-without-mfa",
        "ConsoleLogin",
        "Console sign-in without MFA",
    ),
    (
        "aws.lateral-movement.ec2-instance-connect",
        "SendSSHPublicKey",
        "Command, session or SSH key pushed to an instance",
    ),
    (
        "aws.lateral-movement.ec2-serial-console-send-ssh-public-key",
        "SendSerialConsoleSSHPublicKey",
        "Command, session or SSH key pushed to an instance",
    ),
    (
        "aws.persistence.iam-backdoor-role",
        "UpdateAssumeRolePolicy",
        "Role trust policy lets another account assume the role",
    ),
    (
        "aws.persistence.iam-backdoor-user",
        "CreateAccessKey",
        "IAM access key created",
    ),
    (
        "aws.persistence.iam-create-admin-user",
        "CreateUser",
        "IAM user created",
    ),
    (
        "aws.persistence.iam-create-admin-user",
        "AttachUserPolicy",
        "Administrator policy attached",
    ),
    (
        "aws.persistence.iam-create-backdoor-role",
        "CreateRole",
        "Role trust policy lets another account assume the role",
    ),
    (
        "aws.persistence.iam-create-user-login-profile",
        "CreateLoginProfile",
        "Console password created or changed for an IAM user",
    ),
    (
        "aws.persistence.lambda-backdoor-function",
        "AddPermission20150331v2",
        "Resource policy opened to everyone",
    ),
    (
        "aws.persistence.lambda-layer-extension",
        "UpdateFunctionConfiguration20150331v2",
        "Lambda function code or layers replaced",
    ),
    (
        "aws.persistence.lambda-overwrite-code",
        "UpdateFunctionCode20150331v2",
        "Lambda function code or layers replaced",
    ),
    (
        "aws.persistence.rolesanywhere-create-trust-anchor",
        "CreateTrustAnchor",
        "IAM Roles Anywhere trust anchor or profile created",
    ),
    (
        "aws.persistence.sts-federation-token",
        "GetFederationToken",
        "Federation token issued to an IAM user",
    ),
    (
        "aws.privilege-escalation.iam-update-user-login-profile",
        "UpdateLoginProfile",
        "Console password created or changed for an IAM user",
    ),
];

#[test]
fn every_covered_stratus_technique_fires_attributed_to_its_caller() {
    let Some(dir) = realdata("stratus-red-team/docs/detonation-logs") else {
        return;
    };
    let mut failures = Vec::new();
    for (technique, call, rule) in COVERED {
        let path = dir.join(format!("{technique}.json"));
        let data = Dataset::from_store(load_paths(&[&path]));
        let store = data.store();
        let g = data.graph();
        let d = data.detections();
        let hit: Vec<u32> = d
            .hits()
            .iter()
            .filter(|h| d.rule(h.rule).title == *rule && store.s(store.events[h.event as usize].event_name) == *call)
            .map(|h| h.event)
            .collect();
        if hit.is_empty() {
            failures.push(format!("{technique}: {call} not hit by {rule:?}"));
            continue;
        }
        // The caller, from the record itself.
        let records: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let records = records.as_array().cloned().unwrap_or_default();
        for e in hit {
            let ev = &store.events[e as usize];
            let id = store.event_id_string(ev);
            let rec = records.iter().find(|r| r["eventID"] == id.as_str()).unwrap();
            let ui = &rec["userIdentity"];
            let a = attribute(g, e);
            match ui["type"].as_str() {
                Some("IAMUser") => {
                    let o = a.origin.map(|o| g.origin_view(store, o));
                    if o.as_ref().and_then(|o| o.arn.as_deref()) != ui["arn"].as_str() {
                        failures.push(format!("{technique}: {call} attributed to {o:?}, not {}", ui["arn"]));
                    }
                }
                Some("AssumedRole") => {
                    let key = match a.signer {
                        Signer::Session(s) => store.s(g.session(s).access_key).to_string(),
                        other => format!("{other:?}"),
                    };
                    if Some(key.as_str()) != ui["accessKeyId"].as_str() {
                        failures.push(format!(
                            "{technique}: {call} signed by {key}, not {}",
                            ui["accessKeyId"]
                        ));
                    }
                    // Where the detonation's own AssumeRole handed out that key, its caller is the origin.
                    let issuer = records.iter().find(|r| {
                        r["eventName"] == "AssumeRole"
                            && r["responseElements"]["credentials"]["accessKeyId"] == ui["accessKeyId"]
                    });
                    if let Some(issuer) = issuer {
                        let o = a.origin.map(|o| g.origin_view(store, o));
                        let want = issuer["userIdentity"]["arn"].as_str();
                        if o.as_ref().and_then(|o| o.arn.as_deref()) != want {
                            failures.push(format!("{technique}: {call} origin {o:?}, not {want:?}"));
                        }
                    }
                }
                other => failures.push(format!(
                    "{technique}: {call}: caller type {other:?} not expected in Stratus"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_secrets_harvest_fires_as_a_correlation_on_one_session_identity() {
    let Some(dir) = realdata("stratus-red-team/docs/detonation-logs") else {
        return;
    };
    let data = Dataset::from_store(load_paths(&[
        dir.join("aws.credential-access.secretsmanager-retrieve-secrets.json")
    ]));
    let d = data.detections();
    let c: Vec<_> = d
        .correlations()
        .iter()
        .filter(|c| d.correlation_rule(c.correlation).title == "Many secrets read by one session identity")
        .collect();
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].events.len(), 20, "the 20 GetSecretValue calls");
}
