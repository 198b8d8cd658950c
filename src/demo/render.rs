//! Turns one planned [`Spec`] into a complete CloudTrail [`Record`]. All randomness here comes from the caller's
//! per-file stream, so each file renders independently and identically on every run.

use serde_json::{Value, json};

use super::api::{self, Api};
use super::clock;
use super::ids::{self, ACCOUNTS, REGIONS};
use super::plan::{Actor, Caller, ServiceKind, Session, Side, Spec, What};
use super::record::{Attributes, Record, Resource, SessionContext, SessionIssuer, UserIdentity, tls};
use super::rng::{B64, Rng};

fn base(spec: &Spec, rng: &mut Rng) -> Record {
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

fn session_arn(s: &Session) -> String {
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
        What::Assume { s, side } => assume(spec, get(s)?, side, sessions, rng),
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
        What::SignIn { s, step } => sign_in(spec, get(s)?, step, rng),
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
        What::Service(kind) => service(spec, kind, rng),
    };
    Some(rec)
}

fn session_token(s: &Session) -> String {
    let mut r = Rng::new(s.token);
    format!("IQoJb3JpZ2luX2VjE{}", r.chars(B64, 140))
}

fn assume(spec: &Spec, s: &Session, side: Side, sessions: &[Session], rng: &mut Rng) -> Record {
    let mut r = base(spec, rng);
    let Some(role) = s.role else {
        return r;
    };
    r.event_source = "sts.amazonaws.com";
    r.request_id = Some(s.request_id.clone());
    r.shared_event_id = s.shared_event_id.clone();
    r.source_ip_address = s.ip.clone();
    r.user_agent = s.ua.to_string();
    r.read_only = true;
    r.event_name = "AssumeRole";
    let mut resources = vec![Resource {
        account_id: Some(role.account),
        kind: "AWS::IAM::Role",
        arn: role.arn(),
    }];
    let mut request = json!({
        "roleArn": role.arn(),
        "roleSessionName": s.name,
        "durationSeconds": s.duration,
    });
    let mut response = json!({
        "credentials": {
            "accessKeyId": s.key,
            "sessionToken": session_token(s),
            "expiration": clock::sts_expiration(s.created + s.duration),
        },
        "assumedRoleUser": {
            "assumedRoleId": s.principal_id(),
            "arn": role.session_arn(&s.name),
        },
    });
    if let Some(si) = s.source_identity {
        request["sourceIdentity"] = json!(si);
        response["sourceIdentity"] = json!(si);
    }
    let mut tls_host = Some("sts.amazonaws.com".to_string());
    r.user_identity = match s.caller {
        Caller::Saml => {
            r.event_name = "AssumeRoleWithSAML";
            request["principalArn"] = json!(ids::SSO_PROVIDER);
            request["sAMLAssertionID"] = json!(format!("_{}", Rng::new(s.token ^ 0x5a4d).uuid()));
            response["subjectType"] = json!("persistent");
            response["issuer"] = json!(format!(
                "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/{}",
                "MTExMTIyMjIzMzMzX2lucy0xYTJiM2M0ZDVlNmY3YThi"
            ));
            response["nameQualifier"] = json!(ids::SSO_NAME_QUALIFIER);
            response["subject"] = json!(s.name);
            response["audience"] = json!("https://signin.aws.amazon.com/saml");
            resources.push(Resource {
                account_id: Some(role.account),
                kind: "AWS::IAM::SAMLProvider",
                arn: ids::SSO_PROVIDER.into(),
            });
            UserIdentity {
                kind: Some("SAMLUser"),
                principal_id: Some(format!("{}:{}", ids::SSO_NAME_QUALIFIER, s.name)),
                user_name: Some(s.name.clone()),
                identity_provider: Some(ids::SSO_NAME_QUALIFIER),
                ..UserIdentity::default()
            }
        }
        Caller::WebIdentity => {
            r.event_name = "AssumeRoleWithWebIdentity";
            response["provider"] = json!(format!(
                "arn:aws:iam::{}:oidc-provider/token.actions.githubusercontent.com",
                role.account
            ));
            response["subjectFromWebIdentityToken"] = json!(ids::GH_SUBJECT);
            response["audience"] = json!("sts.amazonaws.com");
            UserIdentity {
                kind: Some("WebIdentityUser"),
                principal_id: Some(format!(
                    "token.actions.githubusercontent.com:sts.amazonaws.com:{}",
                    ids::GH_SUBJECT
                )),
                user_name: Some(ids::GH_SUBJECT.into()),
                identity_provider: Some("token.actions.githubusercontent.com"),
                ..UserIdentity::default()
            }
        }
        Caller::Service(svc) => {
            r.source_ip_address = svc.into();
            r.user_agent = svc.into();
            tls_host = None;
            UserIdentity {
                kind: Some("AWSService"),
                invoked_by: Some(svc),
                ..UserIdentity::default()
            }
        }
        Caller::Session(p) => match sessions.get(p as usize) {
            Some(parent) if side == Side::Owner => UserIdentity {
                kind: Some("AWSAccount"),
                principal_id: Some(parent.principal_id()),
                account_id: Some(parent.account()),
                ..UserIdentity::default()
            },
            Some(parent) => identity(parent),
            None => UserIdentity::default(),
        },
        Caller::ConsoleUser(u) => {
            let user = sessions.get(u as usize);
            r.session_credential_from_console = Some("true");
            UserIdentity {
                kind: Some("IAMUser"),
                principal_id: Some(ids::LI_PRINCIPAL.into()),
                arn: user.map(session_arn),
                account_id: Some(ids::DEV),
                user_name: user.map(|u| u.name.clone()),
                session_context: Some(SessionContext {
                    session_issuer: None,
                    web_id_federation_data: None,
                    attributes: Attributes {
                        creation_date: clock::iso(s.created - 25),
                        mfa_authenticated: "true",
                    },
                    source_identity: None,
                    ec2_role_delivery: None,
                }),
                ..UserIdentity::default()
            }
        }
        Caller::External { account, principal } => UserIdentity {
            kind: Some("AWSAccount"),
            principal_id: Some(principal.into()),
            account_id: Some(account),
            ..UserIdentity::default()
        },
        Caller::None => UserIdentity::default(),
    };
    r.request_parameters = request;
    r.response_elements = response;
    r.resources = Some(resources);
    r.tls_details = tls_host.and_then(tls);
    r
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

fn sign_in(spec: &Spec, s: &Session, step: u8, rng: &mut Rng) -> Record {
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

fn service(spec: &Spec, kind: ServiceKind, rng: &mut Rng) -> Record {
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
