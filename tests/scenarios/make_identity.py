#!/usr/bin/env python3
"""Writes the identity-context scenario files (tests/scenarios/identity_*.json): session tags down a chain,
an Identity Center user across two accounts, AssumeRoot with a task policy, root sign-ins in us-east-1 logs.

Same form as make.py (records per account log, expectations told by hand from the story, never copied from
trailhound's output); a `logs` key may name `<account>/<region>` to put records in that region's log folder.
Facts the records follow: docs/identity-context.md. Run: python3 tests/scenarios/make_identity.py
"""
import json
import os

from make import HERE, assume_req, assume_resp, assumed, iam_user, rec

PAYMENTS = "111122223333"


def tags(**kv):
    return [{"key": k.replace("_", "-"), "value": v} for k, v in kv.items()]


def tag_chain():
    acct = PAYMENTS
    deployer = f"arn:aws:iam::{acct}:role/app-deployer"
    dep_id = "AROAAPPDEPLOYEREXAM1"
    db = f"arn:aws:iam::{acct}:role/db-admin"
    db_id = "AROADBADMINEXAMPLE01"
    rep = f"arn:aws:iam::{acct}:role/reporting"
    rep_id = "AROAREPORTINGEXAMPL1"
    k0, k1, k2, k3 = ("ASIAERINREPORTING001", "ASIADANADEPLOYER0001", "ASIADANADBADMIN00001",
                      "ASIADANAREPORTING001")
    erin = iam_user("erin", acct, "AKIAERINEXAMPLE00001", "AIDAERINEXAMPLE00001")
    dana = iam_user("dana", acct, "AKIADANAEXAMPLE00001", "AIDADANAEXAMPLE00001")
    t0, t1, t2, t3 = ("2026-11-05T08:00:00Z", "2026-11-05T09:00:00Z", "2026-11-05T09:05:00Z",
                      "2026-11-05T09:10:00Z")
    req0 = dict(assume_req(rep, "erin"), tags=tags(team="data"), transitiveTagKeys=["team"])
    req1 = dict(assume_req(deployer, "dana"), tags=tags(team="payments", project="checkout", cost_center="42"),
                transitiveTagKeys=["team", "project"])
    # The db-admin hop logs what its caller passed on: team arrives as "platform", project not at all.
    req2 = dict(assume_req(db, "dana-db"), tags=tags(env="prod"), incomingTransitiveTags={"team": "platform"})
    # The reporting hop does not log incoming tags; the caller tags it with its own cost-center changed.
    req3 = dict(assume_req(rep, "dana-rep"), tags=tags(cost_center="99"))
    d1 = assumed(k1, deployer, dep_id, "dana", created=t1)
    recs = [
        rec("tc/a0", t0, acct, erin, "sts.amazonaws.com", "AssumeRole", req=req0,
            resp=assume_resp(k0, rep, rep_id, "erin", "2026-11-05T09:00:00Z")),
        rec("tc/a1", t1, acct, dana, "sts.amazonaws.com", "AssumeRole", req=req1,
            resp=assume_resp(k1, deployer, dep_id, "dana", "2026-11-05T10:00:00Z")),
        rec("tc/a2", t2, acct, d1, "sts.amazonaws.com", "AssumeRole", req=req2,
            resp=assume_resp(k2, db, db_id, "dana-db", "2026-11-05T10:05:00Z")),
        rec("tc/a3", t3, acct, d1, "sts.amazonaws.com", "AssumeRole", req=req3,
            resp=assume_resp(k3, rep, rep_id, "dana-rep", "2026-11-05T10:10:00Z")),
        rec("tc/c2", "2026-11-05T09:06:00Z", acct, assumed(k2, db, db_id, "dana-db", created=t2),
            "rds.amazonaws.com", "DescribeDBInstances", read_only=True),
        rec("tc/c3", "2026-11-05T09:11:00Z", acct, assumed(k3, rep, rep_id, "dana-rep", created=t3),
            "athena.amazonaws.com", "StartQueryExecution"),
    ]
    tag = lambda k, v, source, transitive, conf="exact": {"key": k, "value": v, "source": source,
                                                           "transitive": transitive, "confidence": conf}
    return {
        "description": "dana tags her deployer session team=payments, project=checkout (transitive) and "
                       "cost-center=42; the db-admin hop logs team arriving as platform and project missing; the "
                       "reporting hop is tagged cost-center=99 by its caller and runs under team=payments, which "
                       "the reporting role (erin's team=data before) never had.",
        "logs": {acct: recs},
        "expect": [
            {"target": k1, "origin": {"kind": "iam-user", "name": "dana"},
             "session": {"tags": [tag("team", "payments", "request", True),
                                  tag("project", "checkout", "request", True),
                                  tag("cost-center", "42", "request", False)]},
             "chain": [{"access_key_id": k1, "link": "access-key"}]},
            {"target": k2, "origin": {"kind": "iam-user", "name": "dana"},
             "session": {"tags": [tag("team", "platform", "incoming", True),
                                  tag("env", "prod", "request", False)]},
             "chain": [{"access_key_id": k1},
                       {"access_key_id": k2, "link": "access-key",
                        "tag_issues": [
                            {"kind": "transitive-changed", "key": "team", "was": "payments", "now": "platform"},
                            {"kind": "transitive-dropped", "key": "project", "was": "checkout", "now": None}]}],
             "flags_contain": ["transitive tag team changed from payments to platform at " + k2,
                               "transitive tag project=checkout dropped at " + k2]},
            {"target": k3,
             "session": {"tags": [tag("team", "payments", "chain", True, "derived"),
                                  tag("project", "checkout", "chain", True, "derived"),
                                  tag("cost-center", "99", "request", False)]},
             "chain": [{"access_key_id": k1},
                       {"access_key_id": k3,
                        "tag_issues": [
                            {"kind": "retagged", "key": "cost-center", "was": "42", "now": "99"},
                            {"kind": "new-value", "key": "team", "was": "data", "now": "payments"}]}],
             "flags_contain": ["tagged the session it started cost-center=99",
                               "tag value team=payments never seen before for this role (last: data)"]},
            {"target": k0, "session": {"tags": [tag("team", "data", "request", True)]},
             "chain": [{"access_key_id": k0, "tag_issues": None}]},
        ],
    }


IC_ACCT = "999900001111"
USER_ID = "906744a8b1-4cc2d1e3-9f0a-4b5c-8d7e-6f5a4b3c2d1e"
STORE = "arn:aws:identitystore::999900001111:identitystore/d-9067abcdef"
CRED = "3c1d0e2f-7a8b-4c9d-8e7f-6a5b4c3d2e1f"
PROVIDER = "arn:aws:iam::aws:contextProvider/IdentityCenter"


def ic_user(on_behalf=True):
    u = {"type": "IdentityCenterUser", "accountId": IC_ACCT, "credentialId": CRED}
    if on_behalf:
        u["onBehalfOf"] = {"userId": USER_ID, "identityStoreArn": STORE}
    return u


def sso_role(acct, ps, h):
    return f"arn:aws:iam::{acct}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{ps}_{h}"


def identity_center_two_accounts():
    a, b = PAYMENTS, "444455556666"
    role_a, role_b = sso_role(a, "AdministratorAccess", "0a1b2c3d4e5f6a7b"), sso_role(b, "ReadOnlyAccess", "9f8e7d6c5b4a3f2e")
    id_a, id_b = "AROAICADMINEXAMPLE01", "AROAICREADONLYEXAMP1"
    ka, kb, kt = "ASIASARAADMINACCTA01", "ASIASARAREADACCTB001", "ASIAATHENATIPSESS001"
    app = f"arn:aws:iam::{b}:role/analytics-app"
    tip = f"arn:aws:iam::{b}:role/athena-tip"
    tip_id = "AROAATHENATIPEXAMPL1"
    saml = lambda acct: {"type": "SAMLUser", "principalId": f"Zm9vYmFyRXhhbXBsZQ==:sara", "userName": "sara",
                         "identityProvider": f"arn:aws:iam::{acct}:saml-provider/AWSSSO_5e6f7a8b9c0d1e2f_DO_NOT_DELETE"}
    saml_req = lambda acct, role: {"roleArn": role, "roleSessionName": "sara", "durationSeconds": 3600,
                                   "principalArn": f"arn:aws:iam::{acct}:saml-provider/AWSSSO_5e6f7a8b9c0d1e2f_DO_NOT_DELETE"}
    ic = [
        rec("ic/signin", "2026-11-05T07:58:00Z", IC_ACCT, ic_user(), "signin.amazonaws.com", "CredentialChallenge",
            resp={"CredentialChallenge": "Success"}, event_type="AwsServiceEvent"),
        rec("ic/fed-a", "2026-11-05T08:00:00Z", IC_ACCT, ic_user(), "sso.amazonaws.com", "Federate"),
        rec("ic/fed-b", "2026-11-05T08:30:00Z", IC_ACCT, ic_user(), "sso.amazonaws.com", "Federate"),
    ]
    logs_a = [
        rec("ic/saml-a", "2026-11-05T08:00:02Z", a, saml(a), "sts.amazonaws.com", "AssumeRoleWithSAML",
            req=saml_req(a, role_a), resp=assume_resp(ka, role_a, id_a, "sara", "2026-11-05T09:00:02Z")),
        rec("ic/list-a", "2026-11-05T08:01:00Z", a, assumed(ka, role_a, id_a, "sara", created="2026-11-05T08:00:02Z"),
            "s3.amazonaws.com", "ListBuckets", read_only=True),
    ]
    tip_ident = assumed(kt, tip, tip_id, "athena-tip-session", created="2026-11-05T08:40:00Z")
    tip_ident["onBehalfOf"] = {"userId": USER_ID, "identityStoreArn": STORE}
    logs_b = [
        rec("ic/saml-b", "2026-11-05T08:30:02Z", b, saml(b), "sts.amazonaws.com", "AssumeRoleWithSAML",
            req=saml_req(b, role_b), resp=assume_resp(kb, role_b, id_b, "sara", "2026-11-05T09:30:02Z")),
        rec("ic/desc-b", "2026-11-05T08:31:00Z", b, assumed(kb, role_b, id_b, "sara", created="2026-11-05T08:30:02Z"),
            "ec2.amazonaws.com", "DescribeInstances", read_only=True),
        rec("ic/tip", "2026-11-05T08:40:00Z", b,
            assumed("ASIAANALYTICSAPP0001", app, "AROAANALYTICSAPPEXA1", "app", created="2026-11-05T08:00:00Z"),
            "sts.amazonaws.com", "AssumeRole",
            req=dict(assume_req(tip, "athena-tip-session"),
                     providedContexts=[{"providerArn": PROVIDER, "contextAssertion": "opaque-assertion"}]),
            resp=assume_resp(kt, tip, tip_id, "athena-tip-session", "2026-11-05T09:40:00Z")),
        rec("ic/query", "2026-11-05T08:41:00Z", b, tip_ident, "athena.amazonaws.com", "StartQueryExecution"),
    ]
    return {
        "description": "Identity Center user (user id only in the Identity Center records) signs in, federates "
                       "into AdministratorAccess in one account and ReadOnlyAccess in another; an application "
                       "propagates her identity to Athena, whose calls carry her user id. The SAML sessions' "
                       "origin is the user the SAML records name; they are not joined to the user id by name.",
        "logs": {IC_ACCT: ic, a: logs_a, b: logs_b},
        "expect": [
            {"target": ka, "origin": {"kind": "identity-center-user", "name": "sara", "user_id": None},
             "session": {"identity_center": {"permission_set": "AdministratorAccess", "users": []}}},
            {"target": kb, "origin": {"kind": "identity-center-user", "name": "sara", "user_id": None},
             "session": {"account": b, "identity_center": {"permission_set": "ReadOnlyAccess", "users": []}}},
            {"target": kt, "origin": {"kind": "unknown"},
             "session": {"identity_center": {
                 "permission_set": None,
                 "users": [{"user_id": USER_ID, "identity_store_arn": STORE, "user_name": None,
                            "link": "on-behalf-of", "confidence": "exact"}]}},
             "chain": [{"access_key_id": "ASIAANALYTICSAPP0001", "provided_context": None},
                       {"access_key_id": kt, "link": "access-key", "provided_context": PROVIDER}]},
            {"origin_target": USER_ID,
             "origin": {"kind": "identity-center-user", "user_id": USER_ID, "identity_store_arn": STORE,
                        "portal_sessions": [CRED], "account": IC_ACCT},
             "origin_events": [["CredentialChallenge", "us-east-1"], ["Federate", "us-east-1"],
                               ["Federate", "us-east-1"]]},
        ],
    }


MGMT = "999900001111"
MEMBER = "222233334444"


def assume_root():
    ops = f"arn:aws:iam::{MGMT}:role/OrgRootOps"
    ops_id = "AROAORGROOTOPSEXAMP1"
    km, kr = "ASIAORGROOTOPS000001", "ASIAROOTMEMBERSESS01"
    admin = iam_user("ops-admin", MGMT, "AKIAOPSADMINEXAMPLE1", "AIDAOPSADMINEXAMPLE1")
    caller = assumed(km, ops, ops_id, "ops-admin", created="2026-11-05T10:00:00Z")
    caller["sessionContext"]["assumedRoot"] = "true"
    policy = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"
    root = {"type": "Root", "principalId": MEMBER, "arn": f"arn:aws:iam::{MEMBER}:root", "accountId": MEMBER,
            "accessKeyId": kr,
            "sessionContext": {"attributes": {"creationDate": "2026-11-05T10:05:00Z", "mfaAuthenticated": "false"}}}
    mgmt = [
        rec("ar/ops", "2026-11-05T10:00:00Z", MGMT, admin, "sts.amazonaws.com", "AssumeRole",
            req=assume_req(ops, "ops-admin"), resp=assume_resp(km, ops, ops_id, "ops-admin", "2026-11-05T11:00:00Z")),
        rec("ar/root", "2026-11-05T10:05:00Z", MGMT, caller, "sts.amazonaws.com", "AssumeRoot", region="us-west-2",
            req={"targetPrincipal": MEMBER, "taskPolicyArn": {"arn": policy}, "durationSeconds": 900},
            resp={"credentials": {"accessKeyId": kr, "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
                                  "expiration": "Nov 5, 2026, 10:20:00 AM"}}),
    ]
    member = [
        rec("ar/get", "2026-11-05T10:06:00Z", MEMBER, root, "s3.amazonaws.com", "GetBucketPolicy",
            region="us-west-2", req={"bucketName": "locked-bucket"}, read_only=True),
        rec("ar/del", "2026-11-05T10:07:00Z", MEMBER, root, "s3.amazonaws.com", "DeleteBucketPolicy",
            region="us-west-2", req={"bucketName": "locked-bucket"}),
        # Twenty-five minutes after issue: past the 900-second limit.
        rec("ar/late", "2026-11-05T10:30:00Z", MEMBER, root, "s3.amazonaws.com", "PutBucketPolicy",
            region="us-west-2", req={"bucketName": "locked-bucket"}),
    ]
    return {
        "description": "ops-admin in the management account assumes OrgRootOps, which calls AssumeRoot on member "
                       "222233334444 for S3UnlockBucketPolicy; the member logs the root calls under the returned "
                       "key, one of them after the session's 15 minutes.",
        "logs": {f"{MGMT}/us-west-2": mgmt, f"{MEMBER}/us-west-2": member},
        "expect": [
            {"target": kr, "origin": {"kind": "iam-user", "name": "ops-admin", "account": MGMT},
             "session": {"kind": "root", "account": MEMBER, "arn": f"arn:aws:iam::{MEMBER}:root",
                         "root": {"target_principal": MEMBER, "task_policy_arn": policy,
                                  "task": "S3UnlockBucketPolicy", "duration_seconds": 900,
                                  "expires_by": "2026-11-05T10:20:00Z",
                                  "issued_by": f"arn:aws:sts::{MGMT}:assumed-role/OrgRootOps/ops-admin"}},
             "chain": [{"access_key_id": km, "link": "access-key"}, {"access_key_id": kr, "link": "access-key"}],
             "calls": [["s3.amazonaws.com", "GetBucketPolicy", 1, 0], ["s3.amazonaws.com", "DeleteBucketPolicy", 1, 0],
                       ["s3.amazonaws.com", "PutBucketPolicy", 1, 0]],
             "flags_contain": ["root session (AssumeRoot) in 222233334444 for task S3UnlockBucketPolicy, issued by "
                               f"arn:aws:sts::{MGMT}:assumed-role/OrgRootOps/ops-admin",
                               "calls after the root session expired at 2026-11-05T10:20:00Z"]},
            {"target": km, "session": {"kind": "role", "root": None},
             "children": [{"access_key_id": kr, "depth": 1, "account": MEMBER}]},
        ],
    }


def root_console_login():
    acct = "555566667777"
    root_login = {"type": "Root", "principalId": acct, "arn": f"arn:aws:iam::{acct}:root", "accountId": acct}
    root_call = dict(root_login, accessKeyId="ASIAROOTCONSOLE00001")
    bob = iam_user("bob", acct, None, "AIDABOBEXAMPLE000002")
    console = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0"
    east = [
        rec("rl/login", "2026-11-05T12:00:00Z", acct, root_login, "signin.amazonaws.com", "ConsoleLogin",
            ua=console, resp={"ConsoleLogin": "Success"}, event_type="AwsConsoleSignIn"),
        rec("rl/key", "2026-11-05T12:03:00Z", acct, root_call, "iam.amazonaws.com", "CreateAccessKey", ua=console),
    ]
    west = [
        rec("rl/bob", "2026-11-05T12:10:00Z", acct, bob, "signin.amazonaws.com", "ConsoleLogin", ua=console,
            region="eu-west-1", resp={"ConsoleLogin": "Success"}, event_type="AwsConsoleSignIn"),
    ]
    return {
        "description": "The root user signs in (logged in us-east-1) and creates an access key; IAM user bob signs "
                       "in through the eu-west-1 console (logged there). Each sign-in is found in its region's log.",
        "logs": {f"{acct}/us-east-1": east, f"{acct}/eu-west-1": west},
        "expect": [
            {"origin_target": f"arn:aws:iam::{acct}:root",
             "origin": {"kind": "root", "name": acct, "account": acct},
             "origin_events": [["ConsoleLogin", "us-east-1"], ["CreateAccessKey", "us-east-1"]]},
            {"origin_target": f"arn:aws:iam::{acct}:user/bob",
             "origin": {"kind": "iam-user", "name": "bob"},
             "origin_events": [["ConsoleLogin", "eu-west-1"]]},
        ],
    }


SCENARIOS = {
    "identity_tag_chain": tag_chain,
    "identity_center_two_accounts": identity_center_two_accounts,
    "identity_assume_root": assume_root,
    "identity_root_console_login": root_console_login,
}

if __name__ == "__main__":
    for name, make in SCENARIOS.items():
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(make(), f, indent=1, sort_keys=True)
            f.write("\n")
    print(f"wrote {len(SCENARIOS)} scenarios")
