//! Turns one planned [`Spec`] into a complete CloudTrail [`Record`]. All randomness here comes from the caller's
//! per-file stream, so each file renders independently and identically on every run.

use serde_json::json;

use super::api::{self, Api};
use super::clock;
use super::ids::{self, ACCOUNTS, REGIONS};
use super::plan::{Actor, Caller, Session, Spec, What};
use super::record::{Attributes, Record, Resource, SessionContext, SessionIssuer, UserIdentity, tls};
use super::rng::Rng;

pub(super) fn base(spec: &Spec, rng: &mut Rng) -> Record {
    let account = ACCOUNTS.get(spec.account as usize).copied().unwrap_or(ids::PROD);
    Record {
        event_version: "1.09",
        event_time: clock::iso(spec.time),
        aws_region: REGIONS.get(spec.region as usize).copied().unwrap_or("us-east-1"),
        request_id: Some(rng.uuid()),
        event_id: rng.uuid(),
        event_type: "AwsApiCall",
        management_event: true,
        recipient_account_id: account,
        event_category: "Management",
        ..Record::default()
    }
}

/// The `userIdentity` of records signed by session `s`.
pub fn identity(s: &Session) -> UserIdentity {
    let Some(role) = s.role else {
        return UserIdentity {
            kind: Some("IAMUser"),
            principal_id: Some(ids::LI_PRINCIPAL.into()),
            arn: Some(format!("arn:aws:iam::{}:user/{}", s.account(), s.name)),
            account_id: Some(s.account()),
            access_key_id: Some(s.key.clone()),
            user_name: Some(s.name.clone()),
            ..UserIdentity::default()
        };
    };
    UserIdentity {
        kind: Some("AssumedRole"),
        principal_id: Some(s.principal_id()),
        arn: Some(role.session_arn(&s.name)),
        account_id: Some(role.account),
        access_key_id: Some(s.key.clone()),
        session_context: Some(SessionContext {
            session_issuer: Some(SessionIssuer {
                kind: "Role",
                principal_id: role.id,
                arn: role.arn(),
                account_id: role.account,
                user_name: role.name,
            }),
            web_id_federation_data: matches!(s.caller, Caller::WebIdentity).then(|| json!({})),
            attributes: Attributes {
                creation_date: clock::iso(s.created),
                mfa_authenticated: if s.mfa { "true" } else { "false" },
            },
            source_identity: s.source_identity,
            ec2_role_delivery: matches!(s.actor, Actor::Instance(_)).then_some("2.0"),
        }),
        invoked_by: matches!(s.actor, Actor::Config).then_some("config.amazonaws.com"),
        ..UserIdentity::default()
    }
}

pub(super) fn session_arn(s: &Session) -> String {
    match s.role {
        Some(r) => r.session_arn(&s.name),
        None => format!("arn:aws:iam::{}:user/{}", s.account(), s.name),
    }
}

fn host(api: Api, region: &str) -> String {
    let svc = api.source().trim_end_matches(".amazonaws.com");
    if api.is_global() {
        format!("{svc}.amazonaws.com")
    } else {
        format!("{svc}.{region}.amazonaws.com")
    }
}

pub fn render(spec: &Spec, sessions: &[Session], rng: &mut Rng) -> Option<Record> {
    let get = |i: u32| sessions.get(i as usize);
    let rec = match spec.what {
        What::Assume { s, side } => super::render_sts::assume(spec, get(s)?, side, sessions, rng),
        What::Denied { s, role } => {
            let s = get(s)?;
            let mut r = base(spec, rng);
            r.user_identity = identity(s);
            r.event_source = "sts.amazonaws.com";
            r.event_name = "AssumeRole";
            r.source_ip_address = s.ip.clone();
            r.user_agent = s.ua.to_string();
            r.error_code = Some("AccessDenied");
            r.error_message = Some(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
                session_arn(s),
                role.arn()
            ));
            r.request_parameters = json!({"roleArn": role.arn(), "roleSessionName": s.name, "durationSeconds": 3600});
            r.read_only = true;
            r.resources = Some(vec![Resource {
                account_id: Some(role.account),
                kind: "AWS::IAM::Role",
                arn: role.arn(),
            }]);
            r.tls_details = tls("sts.amazonaws.com".into());
            r
        }
        What::Call { s, api, variant, fail } => call(spec, get(s)?, api, variant, fail, rng),
        What::SignIn { s, step } => super::render_signin::sign_in(spec, get(s)?, step, rng),
        What::ConsoleLogin { s } => {
            let s = get(s)?;
            let mut r = base(spec, rng);
            r.request_id = None;
            r.user_identity = UserIdentity {
                kind: Some("IAMUser"),
                principal_id: Some(ids::LI_PRINCIPAL.into()),
                arn: Some(format!("arn:aws:iam::{}:user/{}", s.account(), s.name)),
                account_id: Some(s.account()),
                user_name: Some(s.name.clone()),
                ..UserIdentity::default()
            };
            r.event_source = "signin.amazonaws.com";
            r.event_name = "ConsoleLogin";
            r.source_ip_address = s.ip.clone();
            r.user_agent = ids::UA_BROWSER_LI.into();
            r.response_elements = json!({"ConsoleLogin": "Success"});
            r.additional_event_data = Some(json!({
                "LoginTo": "https://console.aws.amazon.com/console/home?region=us-east-1",
                "MobileVersion": "No",
                "MFAIdentifier": format!("arn:aws:iam::{}:mfa/li", s.account()),
                "MFAUsed": "Yes"
            }));
            r.event_type = "AwsConsoleSignIn";
            r.tls_details = tls("signin.aws.amazon.com".into());
            r
        }
        What::SwitchRole { s } => {
            let s = get(s)?;
            let mut r = base(spec, rng);
            r.request_id = None;
            r.user_identity = identity(s);
            r.event_source = "signin.amazonaws.com";
            r.event_name = "SwitchRole";
            r.source_ip_address = s.ip.clone();
            r.user_agent = s.ua.into();
            r.response_elements = json!({"SwitchRole": "Success"});
            r.additional_event_data = Some(json!({
                "SwitchFrom": format!("arn:aws:iam::{}:user/li", ids::DEV),
                "RedirectTo": "https://console.aws.amazon.com/console/home?region=us-east-1"
            }));
            r.event_type = "AwsConsoleSignIn";
            r.tls_details = tls("signin.aws.amazon.com".into());
            r
        }
        What::Service(kind) => super::render_signin::service(spec, kind, rng),
    };
    Some(rec)
}

fn call(spec: &Spec, s: &Session, api: Api, variant: u8, fail: bool, rng: &mut Rng) -> Record {
    let mut r = base(spec, rng);
    let region = r.aws_region;
    let p = api::payload(api, variant, s, region, spec.time, rng);
    r.user_identity = identity(s);
    r.event_source = api.source();
    r.event_name = api.name();
    r.source_ip_address = s.ip.clone();
    r.user_agent = match s.actor {
        // sara's admin session mixes CLI and console use; her DemoRole1 hops are always the CLI.
        Actor::Sara if s.role.is_some_and(|ro| ro.name != ids::DEMO_ROLE1.name) => {
            [ids::UA_CLI, ids::UA_CLI, ids::UA_BROWSER, ids::UA_INTERNAL][rng.below(4) as usize].into()
        }
        _ => s.ua.into(),
    };
    let console = r.user_agent.starts_with("Mozilla") || r.user_agent == ids::UA_INTERNAL;
    if console {
        r.session_credential_from_console = Some("true");
    }
    if fail {
        let (code, msg) = api.error(&session_arn(s), &p.resource);
        r.error_code = Some(code);
        r.error_message = Some(msg);
    } else {
        r.response_elements = p.response;
    }
    let bucket = p.request["bucketName"].as_str().unwrap_or_default().to_string();
    r.request_parameters = p.request;
    r.read_only = api.read_only();
    if api.is_data_event() {
        r.management_event = false;
        r.event_category = "Data";
        r.request_id = Some(rng.hex(16).to_uppercase());
        r.additional_event_data = Some(json!({
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": if api == Api::PutObject { 1024 + rng.below(400_000) } else { 0 },
            "AuthenticationMethod": "AuthHeader",
            "bytesTransferredOut": if api == Api::GetObject && !fail { 512 + rng.below(2_000_000) } else { 0 },
        }));
        r.resources = Some(vec![
            Resource {
                account_id: None,
                kind: "AWS::S3::Object",
                arn: p.resource.clone(),
            },
            Resource {
                account_id: Some(bucket_owner(&bucket)),
                kind: "AWS::S3::Bucket",
                arn: format!("arn:aws:s3:::{bucket}"),
            },
        ]);
    }
    let service_caller = s.ip.ends_with(".amazonaws.com");
    if !service_caller {
        r.tls_details = tls(host(api, region));
    }
    r
}

fn bucket_owner(bucket: &str) -> &'static str {
    if bucket.contains(ids::DEV) {
        ids::DEV
    } else if bucket.contains(ids::TOOLING) {
        ids::TOOLING
    } else {
        ids::PROD
    }
}
