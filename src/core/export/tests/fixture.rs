//! A small store shaped like the sample case (samples/SCENARIO.md): sara's SAML sign-in, her admin session, her
//! chain into DemoRole1, an event outside the scope, and an event from a hostile user agent.

use crate::core::entity::EntityRef;
use crate::core::model::*;
use crate::core::time::parse_epoch;

pub const ANSI: &str = "\u{1b}[31mred\u{1b}[0m";
pub const HOSTILE: &str = "=cmd|' /C calc'!A0 \u{1b}]0;pwn\u{7} [click](http://evil) <script>alert(1)</script> x\"] --> y[\"z `tick` \u{202e}gnp.exe\u{2066} a|b\nline2\0";

pub fn t(s: &str) -> i64 {
    parse_epoch(s).unwrap()
}

/// A slice of the sample case: sara's SAML sign-in, her admin session, her chain into DemoRole1, one event
/// outside the scope, and one event from a hostile user agent.
pub fn sample_store() -> Store {
    let mut st = Store {
        strings: Interner::new(),
        ..Default::default()
    };
    let mut s = |x: &str| st.strings.intern(x);
    let saml = Identity {
        kind: IdentityType::SamlUser,
        principal_id: s("SAMLPROVIDERID:sara"),
        user_name: s("sara"),
        identity_provider: s("arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"),
        creation_date: i64::MIN,
        ..Default::default()
    };
    let admin_role = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    let admin = Identity {
        kind: IdentityType::AssumedRole,
        principal_id: s("AROAADMINSSOEXAMPLE01:sara"),
        arn: s("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/sara"),
        account_id: s("111122223333"),
        access_key_id: s("ASIASARAADMIN0000001"),
        issuer_type: s("Role"),
        issuer_principal_id: s("AROAADMINSSOEXAMPLE01"),
        issuer_arn: s(admin_role),
        issuer_account_id: s("111122223333"),
        issuer_user_name: s("AWSReservedSSO_AdministratorAccess_0123456789abcdef"),
        creation_date: t("2026-11-05T14:05:12Z"),
        ..Default::default()
    };
    let demo = Identity {
        kind: IdentityType::AssumedRole,
        principal_id: s("AROADEMOROLE1EXAMPLE:sara"),
        arn: s("arn:aws:sts::111122223333:assumed-role/DemoRole1/sara"),
        account_id: s("111122223333"),
        access_key_id: s("ASIADEMOROLE10000001"),
        issuer_type: s("Role"),
        issuer_principal_id: s("AROADEMOROLE1EXAMPLE"),
        issuer_arn: s("arn:aws:iam::111122223333:role/DemoRole1"),
        issuer_account_id: s("111122223333"),
        issuer_user_name: s("DemoRole1"),
        creation_date: t("2026-11-05T14:20:31Z"),
        ..Default::default()
    };
    let hostile = Identity {
        kind: IdentityType::IamUser,
        principal_id: s("AIDAHOSTILE"),
        arn: s(&format!("arn:aws:iam::111122223333:user/{HOSTILE}")),
        account_id: s("111122223333"),
        access_key_id: s("AKIAHOSTILE000000001"),
        ..Default::default()
    };
    let assumptions = vec![
        Assumption {
            event: 0,
            kind: AssumeKind::AssumeRoleWithSaml,
            role_arn: s(admin_role),
            session_name: s("sara"),
            source_identity: Sym::NONE,
            duration_seconds: 3600,
            new_access_key: s("ASIASARAADMIN0000001"),
            assumed_role_id: s("AROAADMINSSOEXAMPLE01:sara"),
            assumed_role_arn: s(
                "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/sara",
            ),
            provider: s("arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"),
            context: Default::default(),
        },
        Assumption {
            event: 2,
            kind: AssumeKind::AssumeRole,
            role_arn: s("arn:aws:iam::111122223333:role/DemoRole1"),
            session_name: s("sara"),
            source_identity: Sym::NONE,
            duration_seconds: 3600,
            new_access_key: s("ASIADEMOROLE10000001"),
            assumed_role_id: s("AROADEMOROLE1EXAMPLE:sara"),
            assumed_role_arn: s("arn:aws:sts::111122223333:assumed-role/DemoRole1/sara"),
            provider: Sym::NONE,
            context: Default::default(),
        },
    ];
    // (time, uuid tail, source, name, identity, ip, ua, error, resource, assumption)
    type Row<'a> = (
        &'a str,
        u32,
        &'a str,
        &'a str,
        u32,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        u32,
    );
    let rows: Vec<Row> = vec![
        (
            "2026-11-05T14:05:12Z",
            1,
            "sts",
            "AssumeRoleWithSAML",
            0,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "",
            admin_role,
            0,
        ),
        (
            "2026-11-05T14:12:07Z",
            2,
            "cloudtrail",
            "StopLogging",
            1,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "",
            "arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2",
            u32::MAX,
        ),
        (
            "2026-11-05T14:20:31Z",
            3,
            "sts",
            "AssumeRole",
            1,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "",
            "arn:aws:iam::111122223333:role/DemoRole1",
            1,
        ),
        (
            "2026-11-05T14:25:40Z",
            4,
            "ec2",
            "RunInstances",
            2,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "",
            "",
            u32::MAX,
        ),
        (
            "2026-11-05T14:31:02Z",
            5,
            "iam",
            "AttachRolePolicy",
            2,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "AccessDenied",
            "arn:aws:iam::111122223333:role/DemoRole1",
            u32::MAX,
        ),
        (
            "2026-11-05T14:40:09Z",
            6,
            "iam",
            "UpdateAssumeRolePolicy",
            2,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "",
            "arn:aws:iam::111122223333:role/vendor-audit",
            u32::MAX,
        ),
        (
            "2026-11-05T14:44:00Z",
            7,
            "s3",
            "ListBuckets",
            3,
            "203.0.113.77",
            HOSTILE,
            "",
            HOSTILE,
            u32::MAX,
        ),
        (
            "2026-11-05T16:10:00Z",
            8,
            "ec2",
            "DescribeInstances",
            2,
            "198.51.100.23",
            "aws-cli/2.15.30",
            "",
            "",
            u32::MAX,
        ),
    ];
    let events = rows
        .into_iter()
        .map(|(time, n, svc, name, identity, ip, ua, err, res, assumption)| Event {
            time: t(time),
            id: EventId::Uuid(crate::core::model::Bits128::new(
                parse_uuid(&format!("a0ed971f-389f-406a-9fcf-{n:012x}")).unwrap(),
            )),
            shared_event_id: Sym::NONE,
            event_source: s(&format!("{svc}.amazonaws.com")),
            event_name: s(name),
            region: s("us-east-1"),
            recipient_account: s("111122223333"),
            source_ip: s(ip),
            user_agent: s(ua),
            error_code: s(err),
            resource: s(res),
            identity,
            assumption,
            event_type: EventType::AwsApiCall,
            flags: 0,
            locator: RecordLocator::default(),
        })
        .collect();
    st.identities = vec![saml, admin, demo, hostile];
    st.assumptions = assumptions;
    st.events = events;
    st
}

pub fn session(k: &str) -> EntityRef {
    EntityRef::Session(k.to_string())
}
