#!/usr/bin/env python3
"""Writes the session-graph scenario files (tests/scenarios/*.json).

Each scenario holds real-format CloudTrail records, grouped by the account whose log they belong to, and the
chains an analyst expects — written here by hand from the story, never copied from trailhound's output.
Run: python3 tests/scenarios/make.py  (deterministic; the JSON files are committed).
"""
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
_ids = {}


def eid(tag):
    """Deterministic lowercase UUID per tag."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trailhound-scenario/" + tag))


def assumed(key, role_arn, role_id, session, mfa=False, created=None, source_identity=None):
    acct = role_arn.split(":")[4]
    role_name = role_arn.rsplit("/", 1)[1]
    ctx = {
        "sessionIssuer": {"type": "Role", "principalId": role_id, "arn": role_arn, "accountId": acct,
                          "userName": role_name},
        "attributes": {"creationDate": created, "mfaAuthenticated": "true" if mfa else "false"},
    }
    if source_identity:
        ctx["sourceIdentity"] = source_identity
    ident = {"type": "AssumedRole", "principalId": f"{role_id}:{session}",
             "arn": f"arn:aws:sts::{acct}:assumed-role/{role_name}/{session}", "accountId": acct,
             "sessionContext": ctx}
    if key:
        ident["accessKeyId"] = key
    return ident


def iam_user(name, acct, key, principal):
    i = {"type": "IAMUser", "principalId": principal, "arn": f"arn:aws:iam::{acct}:user/{name}",
         "accountId": acct, "userName": name}
    if key:
        i["accessKeyId"] = key
    return i


def rec(tag, t, recipient, ident, source, name, ip="198.51.100.23", ua="aws-cli/2.15.30 Python/3.11.8",
        req=None, resp=None, error=None, shared=None, region="us-east-1", read_only=False, resources=None,
        event_type="AwsApiCall"):
    r = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": t, "eventSource": source,
         "eventName": name, "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua,
         "requestParameters": req, "responseElements": resp, "requestID": eid(tag + "/req"),
         "eventID": eid(tag), "readOnly": read_only, "eventType": event_type, "managementEvent": True,
         "recipientAccountId": recipient, "eventCategory": "Management"}
    if error:
        r["errorCode"] = error
        r["errorMessage"] = "User is not authorized to perform this operation"
        r["responseElements"] = None
    if shared:
        r["sharedEventID"] = shared
    if resources:
        r["resources"] = resources
    return r


def assume_resp(new_key, role_arn, role_id, session, t_exp, source_identity=None):
    acct = role_arn.split(":")[4]
    role_name = role_arn.rsplit("/", 1)[1]
    r = {"credentials": {"accessKeyId": new_key, "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
                         "expiration": t_exp},
         "assumedRoleUser": {"assumedRoleId": f"{role_id}:{session}",
                             "arn": f"arn:aws:sts::{acct}:assumed-role/{role_name}/{session}"}}
    if source_identity:
        r["sourceIdentity"] = source_identity
    return r


def assume_req(role_arn, session, source_identity=None, duration=3600):
    r = {"roleArn": role_arn, "roleSessionName": session, "durationSeconds": duration}
    if source_identity:
        r["sourceIdentity"] = source_identity
    return r


def cross_account(tag, t, caller_acct, caller_ident, owner_acct, caller_principal, role_arn, role_id, session,
                  new_key, ip, source_identity=None, with_caller_copy=True, with_owner_copy=True):
    """Both copies of a cross-account AssumeRole: caller's account and role owner's account."""
    shared = eid(tag + "/shared")
    req = assume_req(role_arn, session, source_identity)
    resp = assume_resp(new_key, role_arn, role_id, session, "2026-11-05T18:00:00Z", source_identity)
    out = []
    if with_caller_copy:
        out.append((caller_acct, rec(tag + "/caller", t, caller_acct, caller_ident, "sts.amazonaws.com",
                                     "AssumeRole", ip=ip, req=req, resp=resp, shared=shared)))
    if with_owner_copy:
        owner_ident = {"type": "AWSAccount", "principalId": caller_principal, "accountId": caller_acct}
        out.append((owner_acct, rec(tag + "/owner", t, owner_acct, owner_ident, "sts.amazonaws.com",
                                    "AssumeRole", ip=ip, req=req, resp=resp, shared=shared)))
    return out


SSO_ROLE = ("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/"
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef")
SSO_ID = "AROAADMINSSOEXAMPLE01"
DEMO = "arn:aws:iam::111122223333:role/DemoRole1"
DEMO_ID = "AROADEMOROLE1EXAMPLE"


def detective_walkthrough():
    k1, k2 = "ASIASARAADMIN0000001", "ASIADEMOROLE10000001"
    t0 = "2026-11-05T14:05:12Z"
    saml_user = {"type": "SAMLUser", "principalId": "Zm9vYmFyRXhhbXBsZQ==:sara", "userName": "sara",
                 "identityProvider": "Zm9vYmFyRXhhbXBsZQ=="}
    recs = [
        rec("dw/saml", t0, "111122223333", saml_user, "sts.amazonaws.com", "AssumeRoleWithSAML",
            req={"roleArn": SSO_ROLE, "roleSessionName": "sara", "durationSeconds": 43200,
                 "principalArn": "arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"},
            resp=assume_resp(k1, SSO_ROLE, SSO_ID, "sara", "2026-11-06T02:05:12Z"), ua="aws-internal/3"),
        rec("dw/stop", "2026-11-05T14:12:07Z", "111122223333", assumed(k1, SSO_ROLE, SSO_ID, "sara", created=t0),
            "cloudtrail.amazonaws.com", "StopLogging",
            req={"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2"}),
        rec("dw/chain", "2026-11-05T14:20:31Z", "111122223333", assumed(k1, SSO_ROLE, SSO_ID, "sara", created=t0),
            "sts.amazonaws.com", "AssumeRole", req=assume_req(DEMO, "sara"),
            resp=assume_resp(k2, DEMO, DEMO_ID, "sara", "2026-11-05T15:20:31Z")),
    ]
    d = lambda: assumed(k2, DEMO, DEMO_ID, "sara", created="2026-11-05T14:20:31Z")
    recs += [
        rec("dw/desc", "2026-11-05T14:22:00Z", "111122223333", d(), "ec2.amazonaws.com", "DescribeInstances",
            read_only=True),
        rec("dw/run", "2026-11-05T14:25:40Z", "111122223333", d(), "ec2.amazonaws.com", "RunInstances",
            req={"instanceType": "t3.xlarge"}),
        rec("dw/attach-denied", "2026-11-05T14:31:02Z", "111122223333", d(), "iam.amazonaws.com",
            "AttachRolePolicy", req={"roleName": "DemoRole1", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
            error="AccessDenied"),
        rec("dw/attach", "2026-11-05T14:33:15Z", "111122223333", d(), "iam.amazonaws.com", "AttachRolePolicy",
            req={"roleName": "vendor-audit", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    ]
    return {
        "description": "Detective walkthrough: SSO user sara -> AdministratorAccess session (StopLogging) -> DemoRole1 "
                       "session (RunInstances, AttachRolePolicy denied then allowed).",
        "logs": {"111122223333": recs},
        "expect": [
            {"target": k2,
             "origin": {"kind": "identity-center-user", "name": "sara"},
             "chain": [{"access_key_id": k1, "role_arn": SSO_ROLE, "link": "access-key"},
                       {"access_key_id": k2, "role_arn": DEMO, "link": "access-key"}],
             "calls": [["ec2.amazonaws.com", "DescribeInstances", 1, 0], ["ec2.amazonaws.com", "RunInstances", 1, 0],
                       ["iam.amazonaws.com", "AttachRolePolicy", 1, 1]]},
            {"target": k1,
             "origin": {"kind": "identity-center-user", "name": "sara"},
             "chain": [{"access_key_id": k1, "link": "access-key"}],
             "children": [{"access_key_id": k2, "depth": 1}],
             "calls": [["cloudtrail.amazonaws.com", "StopLogging", 1, 0], ["sts.amazonaws.com", "AssumeRole", 1, 0]]},
            # The principal id names many sessions over time; at this scope it is exactly one.
            {"target": f"{DEMO_ID}:sara", "session_key": k2},
        ],
    }


def instance_credentials_used_elsewhere():
    role = "arn:aws:iam::444455556666:role/web-app-role"
    rid = "AROAWEBAPPEXAMPLE001"
    k3, k4 = "ASIAWEBAPPI0ABC00001", "ASIAPRODADMINSTOLEN1"
    t0 = "2026-11-05T12:00:00Z"
    svc = {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}
    logs = {"444455556666": [], "111122223333": []}
    logs["444455556666"].append(rec("ec2/assume", t0, "444455556666", svc, "sts.amazonaws.com", "AssumeRole",
                                    ip="ec2.amazonaws.com", ua="ec2.amazonaws.com",
                                    req=assume_req(role, "i-0a1b2c3d4e5f60001", duration=21600),
                                    resp=assume_resp(k3, role, rid, "i-0a1b2c3d4e5f60001", "2026-11-05T18:00:00Z")))
    me = lambda: assumed(k3, role, rid, "i-0a1b2c3d4e5f60001", created=t0)
    logs["444455556666"].append(rec("ec2/get", "2026-11-05T12:05:00Z", "444455556666", me(), "s3.amazonaws.com",
                                    "GetObject", ip="10.0.1.15", ua="aws-sdk-java/1.12", read_only=True,
                                    req={"bucketName": "orders"}))
    prod = "arn:aws:iam::111122223333:role/prod-admin"
    for acct, r in cross_account("ec2/pivot", "2026-11-05T13:00:00Z", "444455556666", me(), "111122223333",
                                 f"{rid}:i-0a1b2c3d4e5f60001", prod, "AROAPRODADMINEXAMPL1", "i-0a1b2c3d4e5f60001",
                                 k4, "203.0.113.77"):
        logs[acct].append(r)
    logs["111122223333"].append(rec("ec2/list", "2026-11-05T13:01:00Z", "111122223333",
                                    assumed(k4, prod, "AROAPRODADMINEXAMPL1", "i-0a1b2c3d4e5f60001",
                                            created="2026-11-05T13:00:00Z"),
                                    "s3.amazonaws.com", "ListBuckets", ip="203.0.113.77", ua="python-requests/2.31.0",
                                    read_only=True))
    return {
        "description": "EC2 instance-profile credentials used from outside AWS to chain into another account; "
                       "both accounts' logs loaded, the two copies of the cross-account call are one edge.",
        "logs": logs,
        "expect": [
            {"target": k4,
             "origin": {"kind": "aws-service", "name": "ec2.amazonaws.com", "acting_for": "i-0a1b2c3d4e5f60001"},
             "chain": [{"access_key_id": k3, "role_arn": role, "link": "access-key"},
                       {"access_key_id": k4, "role_arn": prod, "link": "access-key", "cross_account_copies": True}],
             "calls": [["s3.amazonaws.com", "ListBuckets", 1, 0]]},
            {"target": k3, "children": [{"access_key_id": k4, "depth": 1}],
             "calls": [["s3.amazonaws.com", "GetObject", 1, 0], ["sts.amazonaws.com", "AssumeRole", 1, 0]]},
        ],
    }


def ci_chain(with_tooling_logs):
    gha = "arn:aws:iam::777788889999:role/gha-deploy"
    gid = "AROAGHADEPLOYEXAMPL1"
    k5, k6, k7 = "ASIAGHADEPLOY0000001", "ASIADEVDEPLOYER00001", "ASIAPRODDEPLOYER0001"
    src = "repo:example/shop:ref:refs/heads/main"
    t0 = "2026-11-05T10:00:00Z"
    web = {"type": "WebIdentityUser", "principalId": "token.actions.githubusercontent.com:sts.amazonaws.com:repo:example/shop",
           "userName": "repo:example/shop:ref:refs/heads/main", "identityProvider": "token.actions.githubusercontent.com"}
    logs = {"777788889999": [], "444455556666": [], "111122223333": []}
    logs["777788889999"].append(rec("ci/oidc", t0, "777788889999", web, "sts.amazonaws.com", "AssumeRoleWithWebIdentity",
                                    ip="192.0.2.200", ua="aws-sdk-js/3.0",
                                    req=assume_req(gha, "GitHubActions", src),
                                    resp=dict(assume_resp(k5, gha, gid, "GitHubActions", "2026-11-05T11:00:00Z", src),
                                              provider="arn:aws:iam::777788889999:oidc-provider/token.actions.githubusercontent.com")))
    me = lambda: assumed(k5, gha, gid, "GitHubActions", created=t0, source_identity=src)
    for n, (acct, key, rid) in enumerate([("444455556666", k6, "AROADEVDEPLOYEREXAM1"),
                                          ("111122223333", k7, "AROAPRODDEPLOYEREXA1")]):
        role = f"arn:aws:iam::{acct}:role/deployer"
        t = f"2026-11-05T10:0{n + 1}:00Z"
        for a, r in cross_account(f"ci/hop{n}", t, "777788889999", me(), acct, f"{gid}:GitHubActions", role, rid,
                                  "gha-4242", key, "192.0.2.200", source_identity=src,
                                  with_caller_copy=with_tooling_logs):
            logs[a].append(r)
        logs[acct].append(rec(f"ci/cfn{n}", f"2026-11-05T10:0{n + 1}:30Z", acct,
                              assumed(key, role, rid, "gha-4242", created=t, source_identity=src),
                              "cloudformation.amazonaws.com", "UpdateStack", ip="192.0.2.200", ua="aws-sdk-js/3.0"))
    if not with_tooling_logs:
        logs["777788889999"] = []
        return {
            "description": "CI chain with only the target accounts' logs: the caller is known only as "
                           "'account 777788889999, principal …', never invented.",
            "logs": logs,
            "expect": [
                {"target": k7,
                 "origin": {"kind": "aws-account", "name": "777788889999", "logs_loaded": False,
                            "principal_id": f"{gid}:GitHubActions"},
                 "chain": [{"access_key_id": k7, "link": "access-key", "cross_account_copies": False}],
                 "calls": [["cloudformation.amazonaws.com", "UpdateStack", 1, 0]]},
            ],
        }
    return {
        "description": "GitHub Actions OIDC -> gha-deploy -> deployer roles in two accounts, all logs loaded; "
                       "sourceIdentity carried down both hops.",
        "logs": logs,
        "expect": [
            {"target": k7,
             "origin": {"kind": "web-identity-user", "name": "repo:example/shop:ref:refs/heads/main"},
             "chain": [{"access_key_id": k5, "source_identity": src, "source_identity_break": False},
                       {"access_key_id": k7, "source_identity": src, "source_identity_break": False,
                        "cross_account_copies": True}]},
            {"target": k5, "children": [{"access_key_id": k6, "depth": 1}, {"access_key_id": k7, "depth": 1}]},
        ],
    }


def external_account():
    role = "arn:aws:iam::111122223333:role/vendor-audit"
    k8 = "ASIAVENDORAUDIT00001"
    logs = {"111122223333": []}
    for a, r in cross_account("ext/assume", "2026-11-05T16:02:44Z", "999988887777", None, "111122223333",
                              "AIDAVENDOREXAMPLE0001", role, "AROAVENDORAUDITEXAM1", "audit", k8, "203.0.113.77",
                              with_caller_copy=False):
        logs[a].append(r)
    logs["111122223333"].append(rec("ext/list", "2026-11-05T16:03:00Z", "111122223333",
                                    assumed(k8, role, "AROAVENDORAUDITEXAM1", "audit", created="2026-11-05T16:02:44Z"),
                                    "s3.amazonaws.com", "ListBuckets", ip="203.0.113.77", ua="python-requests/2.31.0",
                                    read_only=True))
    return {
        "description": "An outside account assumes a role; only the role owner's logs exist.",
        "logs": logs,
        "expect": [{"target": k8,
                    "origin": {"kind": "aws-account", "name": "999988887777", "logs_loaded": False,
                               "principal_id": "AIDAVENDOREXAMPLE0001"},
                    "calls": [["s3.amazonaws.com", "ListBuckets", 1, 0]]}],
    }


def three_hops_source_identity():
    acct = "111122223333"
    roles = [(f"arn:aws:iam::{acct}:role/hop-a", "AROAHOPAEXAMPLE00001"),
             (f"arn:aws:iam::{acct}:role/hop-b", "AROAHOPBEXAMPLE00001"),
             (f"arn:aws:iam::{acct}:role/hop-c", "AROAHOPCEXAMPLE00001")]
    keys = ["ASIAHOPA000000000001", "ASIAHOPB000000000001", "ASIAHOPC000000000001"]
    user = iam_user("alice", acct, "AKIAALICEEXAMPLE0001", "AIDAALICEEXAMPLE0001")
    recs = []
    caller = user
    for i, ((role, rid), key) in enumerate(zip(roles, keys)):
        t = f"2026-11-05T09:0{i}:00Z"
        # AWS carries the source identity down; the third hop's calls show a different one (tampered/replayed).
        recs.append(rec(f"3h/assume{i}", t, acct, caller, "sts.amazonaws.com", "AssumeRole",
                        req=assume_req(role, f"alice-{i}", "alice" if i == 0 else None),
                        resp=assume_resp(key, role, rid, f"alice-{i}", "2026-11-05T10:00:00Z",
                                         "alice" if i < 2 else None)))
        si = "alice" if i < 2 else "mallory"
        caller = assumed(key, role, rid, f"alice-{i}", created=t, source_identity=si)
        recs.append(rec(f"3h/call{i}", f"2026-11-05T09:0{i}:30Z", acct, caller, "sts.amazonaws.com",
                        "GetCallerIdentity", read_only=True))
    return {
        "description": "IAM user alice -> hop-a -> hop-b -> hop-c with sourceIdentity 'alice'; the last session "
                       "shows a different source identity and is flagged.",
        "logs": {acct: recs},
        "expect": [{"target": keys[2],
                    "origin": {"kind": "iam-user", "name": "alice"},
                    "chain": [{"access_key_id": keys[0], "source_identity": "alice", "source_identity_break": False},
                              {"access_key_id": keys[1], "source_identity": "alice", "source_identity_break": False},
                              {"access_key_id": keys[2], "source_identity": "mallory", "source_identity_break": True}],
                    "flags_contain": ["source identity"]}],
    }


def console_switch_role():
    acct = "444455556666"
    role = f"arn:aws:iam::{acct}:role/admin"
    rid = "AROACONSOLEADMINEXA1"
    ks = "ASIACONSOLESWITCH001"
    bob = iam_user("bob", acct, "ASIABOBCONSOLE000001", "AIDABOBEXAMPLE000001")
    bob_login = iam_user("bob", acct, None, "AIDABOBEXAMPLE000001")
    console = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15"
    t = "2026-11-05T08:10:00Z"
    recs = [
        rec("sw/login", "2026-11-05T08:00:00Z", acct, bob_login, "signin.amazonaws.com", "ConsoleLogin",
            ua=console, resp={"ConsoleLogin": "Success"}, event_type="AwsConsoleSignIn"),
        rec("sw/assume", t, acct, dict(bob, invokedBy="signin.amazonaws.com"), "sts.amazonaws.com", "AssumeRole",
            ip="signin.amazonaws.com", ua="signin.amazonaws.com", req=assume_req(role, "bob"),
            resp=assume_resp(ks, role, rid, "bob", "2026-11-05T09:10:00Z")),
        rec("sw/switch", t, acct, assumed(None, role, rid, "bob", created=t), "signin.amazonaws.com", "SwitchRole",
            ua=console, resp={"SwitchRole": "Success"}, event_type="AwsConsoleSignIn"),
        rec("sw/call", "2026-11-05T08:11:00Z", acct, assumed(ks, role, rid, "bob", created=t), "ec2.amazonaws.com",
            "DescribeInstances", ua=console, read_only=True),
    ]
    return {
        "description": "Console role switch: IAM user bob signs in and switches role; the SwitchRole sign-in event "
                       "(no access key) joins the session by principal id + creation time.",
        "logs": {acct: recs},
        "expect": [{"target": ks,
                    "origin": {"kind": "iam-user", "name": "bob"},
                    "chain": [{"access_key_id": ks, "link": "access-key"}],
                    "session_link": "principal-time",
                    "calls": [["ec2.amazonaws.com", "DescribeInstances", 1, 0],
                              ["signin.amazonaws.com", "SwitchRole", 1, 0]]}],
    }


def null_response_elements():
    acct = "111122223333"
    role = f"arn:aws:iam::{acct}:role/batch"
    rid = "AROABATCHEXAMPLE0001"
    carol = iam_user("carol", acct, "AKIACAROLEXAMPLE0001", "AIDACAROLEXAMPLE0001")
    recs = []
    # 1: response redacted entirely; calls carry principal id + creation date -> principal-time.
    recs.append(rec("nr/a1", "2026-11-05T07:00:00Z", acct, carol, "sts.amazonaws.com", "AssumeRole",
                    req=assume_req(role, "nightly"), resp=None))
    # A redacted response still names the assumed role id when CloudTrail keeps assumedRoleUser:
    recs[-1]["responseElements"] = {"assumedRoleUser": {"assumedRoleId": f"{rid}:nightly",
                                                        "arn": f"arn:aws:sts::{acct}:assumed-role/batch/nightly"}}
    recs.append(rec("nr/c1", "2026-11-05T07:01:00Z", acct,
                    assumed("ASIABATCHNIGHTLY0001", role, rid, "nightly", created="2026-11-05T07:00:00Z"),
                    "s3.amazonaws.com", "PutObject", req={"bucketName": "reports"}))
    # 2: response null: only role + session name + time -> name-time (weak).
    recs.append(rec("nr/a2", "2026-11-05T07:30:00Z", acct, carol, "sts.amazonaws.com", "AssumeRole",
                    req=assume_req(role, "adhoc"), resp=None))
    other_rid = "AROABATCHOTHERID0001"  # the role id seen in the calls is not in the assumption: only names match
    recs.append(rec("nr/c2", "2026-11-05T07:31:00Z", acct,
                    assumed("ASIABATCHADHOC000001", role, other_rid, "adhoc", created="2026-11-05T07:30:01Z"),
                    "s3.amazonaws.com", "GetObject", read_only=True, req={"bucketName": "reports"}))
    # 3: two identical null-response assumptions in the same second: ambiguous, so not linked (origin unknown).
    for n in range(2):
        recs.append(rec(f"nr/a3{n}", "2026-11-05T08:00:00Z", acct, carol, "sts.amazonaws.com", "AssumeRole",
                        req=assume_req(role, "twin"), resp=None))
    recs.append(rec("nr/c3", "2026-11-05T08:00:30Z", acct,
                    assumed("ASIABATCHTWIN0000001", role, other_rid, "twin", created="2026-11-05T08:00:00Z"),
                    "s3.amazonaws.com", "DeleteObject", req={"bucketName": "reports"}))
    return {
        "description": "Assumptions whose responseElements were redacted: linked by principal id + time, by role + "
                       "session name + time (weak), or not at all when two candidates fit.",
        "logs": {acct: recs},
        "expect": [
            {"target": "ASIABATCHNIGHTLY0001", "origin": {"kind": "iam-user", "name": "carol"},
             "chain": [{"access_key_id": "ASIABATCHNIGHTLY0001", "link": "principal-time"}]},
            {"target": "ASIABATCHADHOC000001", "origin": {"kind": "iam-user", "name": "carol"},
             "chain": [{"access_key_id": "ASIABATCHADHOC000001", "link": "name-time"}],
             "flags_contain": ["weak link"]},
            {"target": "ASIABATCHTWIN0000001", "origin": {"kind": "unknown"},
             "chain": [{"access_key_id": "ASIABATCHTWIN0000001", "link": None}]},
        ],
    }


def session_token():
    acct = "444455556666"
    erin = iam_user("erin", acct, "AKIAERINEXAMPLE00001", "AIDAERINEXAMPLE00001")
    tok = "ASIAERINSESSIONTOK01"
    recs = [
        rec("st/get", "2026-11-05T06:00:00Z", acct, erin, "sts.amazonaws.com", "GetSessionToken",
            req={"durationSeconds": 43200, "serialNumber": f"arn:aws:iam::{acct}:mfa/erin", "tokenCode": "HIDDEN"},
            resp={"credentials": {"accessKeyId": tok, "sessionToken": "IQoJEXAMPLE", "expiration": "2026-11-05T18:00:00Z"}}),
    ]
    # Calls with the temporary key still say IAMUser, with MFA in the session context.
    signed = dict(iam_user("erin", acct, tok, "AIDAERINEXAMPLE00001"),
                  sessionContext={"attributes": {"creationDate": "2026-11-05T06:00:00Z", "mfaAuthenticated": "true"}})
    recs.append(rec("st/call", "2026-11-05T06:05:00Z", acct, signed, "iam.amazonaws.com", "CreateAccessKey",
                    req={"userName": "erin"}))
    recs.append(rec("st/own", "2026-11-05T06:06:00Z", acct, erin, "s3.amazonaws.com", "ListBuckets", read_only=True))
    return {
        "description": "IAM user erin gets an MFA session token; calls signed with it belong to that session (whose "
                       "creator is erin), calls with her long-term key to her directly.",
        "logs": {acct: recs},
        "expect": [{"target": tok, "origin": {"kind": "iam-user", "name": "erin"},
                    "chain": [{"access_key_id": tok, "link": "access-key"}],
                    "session_kind": "session-token", "session_mfa": True,
                    "calls": [["iam.amazonaws.com", "CreateAccessKey", 1, 0]]}],
    }


SCENARIOS = {
    "session_token": session_token,
    "detective_walkthrough": detective_walkthrough,
    "instance_credentials_used_elsewhere": instance_credentials_used_elsewhere,
    "ci_chain_both_accounts": lambda: ci_chain(True),
    "ci_chain_target_accounts_only": lambda: ci_chain(False),
    "external_account": external_account,
    "three_hops_source_identity": three_hops_source_identity,
    "console_switch_role": console_switch_role,
    "null_response_elements": null_response_elements,
}

if __name__ == "__main__":
    for name, make in SCENARIOS.items():
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(make(), f, indent=1, sort_keys=True)
            f.write("\n")
    print(f"wrote {len(SCENARIOS)} scenarios")
