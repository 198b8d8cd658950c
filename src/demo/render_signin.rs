//! Records that are not signed API calls: IAM Identity Center sign-in steps and CloudTrail's and KMS's own
//! service activity.

use serde_json::{Value, json};

use super::clock;
use super::ids;
use super::plan::{ServiceKind, Session, Spec};
use super::record::{Record, Resource, UserIdentity, tls};
use super::render::base;
use super::rng::Rng;

pub(super) fn sign_in(spec: &Spec, s: &Session, step: u8, rng: &mut Rng) -> Record {
    let mut r = base(spec, rng);
    let account = r.recipient_account_id;
    let flow = Rng::new(s.token ^ 0xa17f).uuid();
    let user_id = format!("{}.{}", ids::IDC_STORE, Rng::new(ids_hash(&s.name)).uuid());
    r.user_identity = UserIdentity {
        kind: Some("Unknown"),
        principal_id: Some(if step == 3 { user_id } else { account.to_string() }),
        arn: (step < 3).then(String::new),
        account_id: Some(account),
        access_key_id: (step < 3).then(String::new),
        user_name: Some(s.name.clone()),
        ..UserIdentity::default()
    };
    r.source_ip_address = s.ip.clone();
    r.user_agent = ids::UA_BROWSER.into();
    r.tls_details = tls(if step == 3 {
        "portal.sso.us-east-1.amazonaws.com"
    } else {
        "us-east-1.signin.aws"
    }
    .into());
    let (name, extra): (&'static str, Value) = match step {
        0 => (
            "CredentialChallenge",
            json!({"AuthWorkflowID": flow, "CredentialType": "PASSWORD"}),
        ),
        1 => (
            "CredentialVerification",
            json!({"AuthWorkflowID": flow, "CredentialType": "PASSWORD"}),
        ),
        2 => (
            "UserAuthentication",
            json!({"AuthWorkflowID": flow, "LoginTo": format!("https://{}.awsapps.com/start/", ids::IDC_STORE), "CredentialType": "PASSWORD"}),
        ),
        _ => {
            r.event_source = "sso.amazonaws.com";
            r.event_name = "Federate";
            let role = s.role.map(|x| x.name).unwrap_or_default();
            r.request_parameters = json!({"roleName": role, "accountId": s.account()});
            return r;
        }
    };
    r.event_source = "signin.amazonaws.com";
    r.event_name = name;
    r.additional_event_data = Some(extra);
    r.service_event_details = Some(json!({ name: "Success" }));
    r.event_type = "AwsServiceEvent";
    r
}

fn ids_hash(s: &str) -> u64 {
    super::rng::hash_str(s)
}

pub(super) fn service(spec: &Spec, kind: ServiceKind, rng: &mut Rng) -> Record {
    let mut r = base(spec, rng);
    let account = r.recipient_account_id;
    let bucket = ids::TRAIL_BUCKET;
    match kind {
        ServiceKind::TrailBucketAcl | ServiceKind::TrailPutObject => {
            r.user_identity = UserIdentity {
                kind: Some("AWSService"),
                invoked_by: Some("cloudtrail.amazonaws.com"),
                ..UserIdentity::default()
            };
            r.event_source = "s3.amazonaws.com";
            r.source_ip_address = "cloudtrail.amazonaws.com".into();
            r.user_agent = "cloudtrail.amazonaws.com".into();
            r.request_id = Some(rng.hex(16).to_uppercase());
            r.shared_event_id = Some(rng.uuid());
            r.additional_event_data = Some(
                json!({"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader", "bytesTransferredOut": 0}),
            );
            let bucket_res = Resource {
                account_id: Some(ids::PROD),
                kind: "AWS::S3::Bucket",
                arn: format!("arn:aws:s3:::{bucket}"),
            };
            if matches!(kind, ServiceKind::TrailBucketAcl) {
                r.event_name = "GetBucketAcl";
                r.read_only = true;
                r.request_parameters =
                    json!({"bucketName": bucket, "Host": format!("{bucket}.s3.amazonaws.com"), "acl": ""});
                r.resources = Some(vec![bucket_res]);
            } else {
                let region = r.aws_region;
                let key = format!(
                    "AWSLogs/{}/{account}/CloudTrail/{region}/{}/{account}_CloudTrail_{region}_{}_{}.json.gz",
                    ids::ORG_ID,
                    clock::key_date(spec.time),
                    clock::file_stamp(spec.time),
                    rng.chars(super::rng::ALNUM, 16)
                );
                r.event_name = "PutObject";
                r.read_only = false;
                r.management_event = false;
                r.event_category = "Data";
                r.request_parameters = json!({"bucketName": bucket, "Host": format!("{bucket}.s3.amazonaws.com"), "key": key, "x-amz-acl": "bucket-owner-full-control", "x-amz-server-side-encryption": "AES256"});
                r.response_elements = json!({"x-amz-server-side-encryption": "AES256"});
                r.resources = Some(vec![
                    Resource {
                        account_id: None,
                        kind: "AWS::S3::Object",
                        arn: format!("arn:aws:s3:::{bucket}/{key}"),
                    },
                    bucket_res,
                ]);
            }
        }
        ServiceKind::KmsRotate => {
            let key_id = Rng::new(u64::from(spec.account) + 77).uuid();
            r.user_identity = UserIdentity {
                account_id: Some(account),
                invoked_by: Some("AWS Internal"),
                ..UserIdentity::default()
            };
            r.event_source = "kms.amazonaws.com";
            r.event_name = "RotateKey";
            r.source_ip_address = "AWS Internal".into();
            r.user_agent = "AWS Internal".into();
            r.request_id = None;
            r.resources = Some(vec![Resource {
                account_id: Some(account),
                kind: "AWS::KMS::Key",
                arn: format!("arn:aws:kms:{}:{account}:key/{key_id}", r.aws_region),
            }]);
            r.event_type = "AwsServiceEvent";
            r.service_event_details = Some(json!({"keyId": key_id}));
        }
    }
    r
}
