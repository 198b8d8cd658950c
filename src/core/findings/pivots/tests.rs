//! Pivot tests on a small hand-built [`Store`] shaped like the sample case (SCENARIO.md): sara's SAML session,
//! her chain into DemoRole1, the vendor-audit trust-policy write, and the outside account using it.

use super::*;
use crate::core::findings::{FindingsParse, parse_document};
use crate::core::model::{
    AssumeKind, Assumption, Event, EventId, EventType, Identity, IdentityType, RecordLocator,
    Store, Sym,
};
use crate::core::time::{parse_epoch, rfc3339};
use serde_json::json;

const PROD: &str = "111122223333";
const SSO_ROLE: &str = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";

struct B(Store);

impl B {
    fn s(&mut self, s: &str) -> Sym {
        self.0.strings.intern(s)
    }
    fn identity(
        &mut self,
        kind: IdentityType,
        key: &str,
        arn: &str,
        account: &str,
        issuer: &str,
    ) -> u32 {
        let id = Identity {
            kind,
            access_key_id: self.s(key),
            arn: self.s(arn),
            account_id: self.s(account),
            issuer_arn: self.s(issuer),
            ..Identity::default()
        };
        self.0.identities.push(id);
        self.0.identities.len() as u32 - 1
    }
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        id: &str,
        time: &str,
        source: &str,
        name: &str,
        who: u32,
        resource: &str,
        account: &str,
        error: &str,
    ) -> usize {
        let ev = Event {
            time: parse_epoch(time).unwrap(),
            id: EventId::Other(self.s(id)),
            shared_event_id: Sym::NONE,
            event_source: self.s(source),
            event_name: self.s(name),
            region: self.s("us-east-1"),
            recipient_account: self.s(account),
            source_ip: self.s("198.51.100.23"),
            user_agent: Sym::NONE,
            error_code: self.s(error),
            resource: self.s(resource),
            identity: who,
            assumption: Event::NO_ASSUMPTION,
            event_type: EventType::AwsApiCall,
            flags: 0,
            locator: RecordLocator::default(),
        };
        self.0.events.push(ev);
        self.0.events.len() - 1
    }
    fn assume(&mut self, ev: usize, kind: AssumeKind, role: &str, session: &str, new_key: &str) {
        let a = Assumption {
            event: ev as u32,
            kind,
            role_arn: self.s(role),
            session_name: self.s(session),
            source_identity: Sym::NONE,
            duration_seconds: 3600,
            new_access_key: self.s(new_key),
            assumed_role_id: Sym::NONE,
            assumed_role_arn: Sym::NONE,
            provider: Sym::NONE,
        };
        self.0.assumptions.push(a);
        self.0.events[ev].assumption = self.0.assumptions.len() as u32 - 1;
    }
}

fn sample_store() -> Store {
    let mut b = B(Store::default());
    b.0.strings = crate::core::model::Interner::new();
    let saml = b.identity(IdentityType::SamlUser, "", "", PROD, "");
    b.0.identities[saml as usize].user_name = b.s("sara");
    let sara = b.identity(IdentityType::AssumedRole, "ASIASARAADMIN0000001",
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/sara", PROD, SSO_ROLE);
    let demo = b.identity(
        IdentityType::AssumedRole,
        "ASIADEMOROLE10000001",
        "arn:aws:sts::111122223333:assumed-role/DemoRole1/sara",
        PROD,
        "arn:aws:iam::111122223333:role/DemoRole1",
    );
    let vendor_acct = b.identity(IdentityType::AwsAccount, "", "", "999988887777", "");
    b.0.identities[vendor_acct as usize].principal_id = b.s("AIDAVENDOREXAMPLE0001");
    let vendor = b.identity(
        IdentityType::AssumedRole,
        "ASIAVENDORAUDIT00001",
        "arn:aws:sts::111122223333:assumed-role/vendor-audit/audit",
        PROD,
        "arn:aws:iam::111122223333:role/vendor-audit",
    );
    let insider = b.identity(
        IdentityType::IamUser,
        "AKIALIEXAMPLE0000001",
        "arn:aws:iam::111122223333:user/ops",
        PROD,
        "",
    );

    let e = b.event(
        "ev-saml",
        "2026-11-05T14:05:12Z",
        "sts.amazonaws.com",
        "AssumeRoleWithSAML",
        saml,
        SSO_ROLE,
        PROD,
        "",
    );
    b.assume(
        e,
        AssumeKind::AssumeRoleWithSaml,
        SSO_ROLE,
        "sara",
        "ASIASARAADMIN0000001",
    );
    b.event(
        "ev-stop",
        "2026-11-05T14:12:07Z",
        "cloudtrail.amazonaws.com",
        "StopLogging",
        sara,
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2",
        PROD,
        "",
    );
    let e = b.event(
        "ev-demo",
        "2026-11-05T14:20:31Z",
        "sts.amazonaws.com",
        "AssumeRole",
        sara,
        "arn:aws:iam::111122223333:role/DemoRole1",
        PROD,
        "",
    );
    b.assume(
        e,
        AssumeKind::AssumeRole,
        "arn:aws:iam::111122223333:role/DemoRole1",
        "sara",
        "ASIADEMOROLE10000001",
    );
    b.event(
        "ev-attach",
        "2026-11-05T14:33:15Z",
        "iam.amazonaws.com",
        "AttachRolePolicy",
        demo,
        "vendor-audit",
        PROD,
        "",
    );
    b.event(
        "ev-denied",
        "2026-11-05T14:38:00Z",
        "iam.amazonaws.com",
        "UpdateAssumeRolePolicy",
        demo,
        "vendor-audit",
        PROD,
        "AccessDenied",
    );
    b.event(
        "ev-other-acct",
        "2026-11-05T14:39:00Z",
        "iam.amazonaws.com",
        "UpdateAssumeRolePolicy",
        demo,
        "vendor-audit",
        "444455556666",
        "",
    );
    b.event(
        "ev-write",
        "2026-11-05T14:40:09Z",
        "iam.amazonaws.com",
        "UpdateAssumeRolePolicy",
        demo,
        "vendor-audit",
        PROD,
        "",
    );
    b.event(
        "ev-after",
        "2026-11-05T18:00:00Z",
        "iam.amazonaws.com",
        "UpdateAssumeRolePolicy",
        demo,
        "vendor-audit",
        PROD,
        "",
    );
    // Before the write: not a use of the granted access.
    let e = b.event(
        "ev-early",
        "2026-11-05T14:00:00Z",
        "sts.amazonaws.com",
        "AssumeRole",
        vendor_acct,
        "arn:aws:iam::111122223333:role/vendor-audit",
        PROD,
        "AccessDenied",
    );
    b.assume(
        e,
        AssumeKind::AssumeRole,
        "arn:aws:iam::111122223333:role/vendor-audit",
        "audit",
        "",
    );
    // An insider assuming the role is not external access.
    let e = b.event(
        "ev-insider",
        "2026-11-05T15:00:00Z",
        "sts.amazonaws.com",
        "AssumeRole",
        insider,
        "arn:aws:iam::111122223333:role/vendor-audit",
        PROD,
        "",
    );
    b.assume(
        e,
        AssumeKind::AssumeRole,
        "arn:aws:iam::111122223333:role/vendor-audit",
        "ops",
        "ASIAINSIDER000000001",
    );
    let e = b.event(
        "ev-vendor",
        "2026-11-05T16:02:44Z",
        "sts.amazonaws.com",
        "AssumeRole",
        vendor_acct,
        "arn:aws:iam::111122223333:role/vendor-audit",
        PROD,
        "",
    );
    b.assume(
        e,
        AssumeKind::AssumeRole,
        "arn:aws:iam::111122223333:role/vendor-audit",
        "audit",
        "ASIAVENDORAUDIT00001",
    );
    b.event(
        "ev-v-list",
        "2026-11-05T16:03:00Z",
        "s3.amazonaws.com",
        "ListBuckets",
        vendor,
        "",
        PROD,
        "",
    );
    for i in 0..40 {
        b.event(
            &format!("ev-v-get{i}"),
            "2026-11-05T16:05:00Z",
            "s3.amazonaws.com",
            "GetObject",
            vendor,
            "prod-customer-data",
            PROD,
            "",
        );
    }
    b.event(
        "ev-v-roles",
        "2026-11-05T16:10:00Z",
        "iam.amazonaws.com",
        "ListRoles",
        vendor,
        "",
        PROD,
        "",
    );
    b.event(
        "ev-li",
        "2026-11-04T09:00:00Z",
        "s3.amazonaws.com",
        "ListBuckets",
        insider,
        "",
        PROD,
        "",
    );
    b.0
}

fn finding(doc: serde_json::Value) -> crate::core::findings::Finding {
    match parse_document(&doc) {
        FindingsParse::Parsed {
            mut findings,
            errors,
        } if errors.is_empty() && findings.len() == 1 => findings.remove(0),
        other => panic!("{other:?}"),
    }
}

fn vendor_finding() -> crate::core::findings::Finding {
    finding(
        json!({"finding": {"id": "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f", "principal": {"AWS": "999988887777"},
        "action": ["sts:AssumeRole"], "resource": "arn:aws:iam::111122223333:role/vendor-audit", "isPublic": false,
        "resourceType": "AWS::IAM::Role", "condition": {}, "createdAt": "2026-11-05T14:41:30Z",
        "updatedAt": "2026-11-05T14:41:30Z", "status": "ACTIVE", "resourceOwnerAccount": "111122223333"}}),
    )
}

#[test]
fn access_analyzer_finding_names_the_policy_write_and_its_origin() {
    let store = sample_store();
    let changes = policy_changes(&store, &vendor_finding());
    let ids: Vec<&str> = changes.iter().map(|c| c.event_id.as_str()).collect();
    assert_eq!(
        ids,
        ["ev-denied", "ev-write"],
        "other account and later writes excluded, AttachRolePolicy is no grant"
    );
    assert!(!changes[0].success);
    assert_eq!(changes[0].error_code.as_deref(), Some("AccessDenied"));
    let w = &changes[1];
    assert!(w.success);
    assert_eq!(
        (w.event_name.as_str(), rfc3339(w.time).as_str()),
        ("UpdateAssumeRolePolicy", "2026-11-05T14:40:09Z")
    );
    assert_eq!(w.access_key_id.as_deref(), Some("ASIADEMOROLE10000001"));
    let o = w.origin.as_ref().unwrap();
    assert_eq!(
        o.hops
            .iter()
            .map(|h| h.access_key_id.as_str())
            .collect::<Vec<_>>(),
        ["ASIADEMOROLE10000001", "ASIASARAADMIN0000001"]
    );
    assert_eq!(o.hops[1].via, "AssumeRoleWithSAML");
    assert_eq!(o.hops[1].role_arn.as_deref(), Some(SSO_ROLE));
    assert_eq!(
        (
            o.principal_type.as_str(),
            o.user_name.as_deref(),
            o.complete
        ),
        ("SAMLUser", Some("sara"), true)
    );
}

#[test]
fn access_analyzer_finding_shows_the_outside_account_using_the_access() {
    let store = sample_store();
    let uses = subsequent_access(&store, &vendor_finding());
    assert_eq!(uses.len(), 1, "{uses:#?}");
    let u = &uses[0];
    assert_eq!(u.access_key_id.as_deref(), Some("ASIAVENDORAUDIT00001"));
    assert_eq!(u.account.as_deref(), Some("999988887777"));
    assert_eq!(u.principal.as_deref(), Some("AIDAVENDOREXAMPLE0001"));
    assert_eq!(u.principal_type, "AWSAccount");
    assert_eq!(u.assume_event_id.as_deref(), Some("ev-vendor"));
    assert_eq!(u.session_name.as_deref(), Some("audit"));
    assert_eq!(u.total_calls, 42);
    assert_eq!(u.calls.get("s3:GetObject"), Some(&40));
    assert_eq!(u.calls.get("s3:ListBuckets"), Some(&1));
    assert_eq!(u.calls.get("iam:ListRoles"), Some(&1));
    assert_eq!(rfc3339(u.last_seen), "2026-11-05T16:10:00Z");
    assert!(
        !u.origin.as_ref().unwrap().complete,
        "the vendor's own logs are not loaded"
    );
}

#[test]
fn guardduty_finding_resolves_to_the_session_and_its_chain() {
    let store = sample_store();
    let f = finding(
        serde_json::from_str(include_str!(
            "../../../../tests/data/guardduty-eventbridge.json"
        ))
        .unwrap(),
    );
    let mut ents = f.entities();
    resolve_entities(&store, &mut ents);
    assert!(
        ents.iter()
            .any(|e| e.entity == crate::core::entity::EntityRef::Role(SSO_ROLE.into())),
        "{ents:?}"
    );
    let o = session_origin(&store, "ASIASARAADMIN0000001").unwrap();
    assert_eq!(o.hops.len(), 1);
    assert_eq!(
        (o.principal_type.as_str(), o.user_name.as_deref()),
        ("SAMLUser", Some("sara"))
    );
    assert_eq!(session_origin(&store, "ASIANOTLOADED0000000"), None);
    assert!(policy_changes(&store, &f).is_empty());
    assert!(subsequent_access(&store, &f).is_empty());
}

#[test]
fn unused_access_last_use() {
    let store = sample_store();
    let base = |t: &str, res: &str, details: serde_json::Value| {
        finding(
            json!({"id": t, "findingType": t, "resource": res, "resourceType": "AWS::IAM::Role",
            "resourceOwnerAccount": PROD, "status": "ACTIVE", "findingDetails": details}),
        )
    };
    let f = base(
        "UnusedIAMRole",
        "arn:aws:iam::111122223333:role/vendor-audit",
        json!([]),
    );
    let lu = last_use(&store, &f);
    let got: Vec<(&str, &str)> = lu
        .iter()
        .map(|l| (l.what.as_str(), l.event_id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("role assumed", "ev-vendor"),
            ("role session call", "ev-v-roles")
        ]
    );
    let f = base(
        "UnusedIAMUserAccessKey",
        "arn:aws:iam::111122223333:user/ops",
        json!([{"unusedIamUserAccessKeyDetails": {"accessKeyId": "AKIALIEXAMPLE0000001"}}]),
    );
    assert_eq!(last_use(&store, &f)[0].event_id, "ev-insider");
    let f = base(
        "UnusedPermission",
        "arn:aws:iam::111122223333:role/vendor-audit",
        json!([{"unusedPermissionDetails": {"serviceNamespace": "s3", "actions": [{"action": "s3:ListBuckets"}]}},
               {"unusedPermissionDetails": {"serviceNamespace": "kms"}}]),
    );
    let lu = last_use(&store, &f);
    assert_eq!(lu.len(), 1, "no kms use is loaded");
    assert_eq!(
        (lu[0].what.as_str(), lu[0].event_id.as_str()),
        ("service s3", "ev-v-list")
    );
    assert!(subsequent_access(&store, &f).is_empty());
}

#[test]
fn empty_store_and_findings_without_resources() {
    let store = Store::default();
    let f = vendor_finding();
    assert!(policy_changes(&store, &f).is_empty());
    assert!(subsequent_access(&store, &f).is_empty());
    assert!(last_use(&store, &f).is_empty());
}
