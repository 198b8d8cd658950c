//! Assumption records (`AssumeRole`, `AssumeRoleWithSAML`, `AssumeRoleWithWebIdentity`): the caller identity for
//! each kind of caller and side of a cross-account copy, and the new session's credentials.

use serde_json::json;

use super::clock;
use super::ids;
use super::plan::{Caller, Session, Side, Spec};
use super::record::{Attributes, Record, Resource, SessionContext, UserIdentity, tls};
use super::render::{base, identity, session_arn};
use super::rng::{B64, Rng};

fn session_token(s: &Session) -> String {
    let mut r = Rng::new(s.token);
    format!("IQoJb3JpZ2luX2VjE{}", r.chars(B64, 140))
}

pub(super) fn assume(spec: &Spec, s: &Session, side: Side, sessions: &[Session], rng: &mut Rng) -> Record {
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
