#!/usr/bin/env python3
"""Writes the elevated-access broker scenario (tests/data/broker/): CloudTrail records and the brokers' request logs.

The story (told here by hand; the expectations in expect/*.json are written from it, never from trailhound):
- The reference temporary elevated access broker runs in account 999988887777. Its Lambda role
  tea-Lambda-IdentityBroker-Role (assumed by lambda.amazonaws.com) assumes role/Admin in 111122223333 for each
  approved request, naming the session <requester>-Admin.
- alice asked for Admin; bob approved 09:00-10:00 ("INC-4211 restore the logging bucket policy"). The broker
  assumed Admin as alice@example.com-Admin at 09:05; she worked 09:10 and 09:20: inside her window.
- carol asked for 30 minutes; bob approved 11:00-11:30. The broker assumed Admin for her at 11:20 (one-hour
  credentials, as the broker never shortens them); she listed users at 11:25, then created an access key at 11:45
  and a user at 11:50: two calls after her window ended. The breach.
- dave asked too; bob rejected it at 12:00. dave, an IAM user in 111122223333, assumed Admin himself at 12:10
  (session dave@example.com), bypassing the broker, and listed buckets at 12:15: a broker-managed role with no
  approval.
- dave's Admin session then assumed role/Auditor naming the session erin@example.com-Auditor at 12:20: the
  reference broker's name pattern, but chosen by dave's own session, not by a broker: erin must not be named.
- TEAM (IAM Identity Center): eve's request for permission set TeamAdmin was approved 13:00 for one hour. She
  signed in (AssumeRoleWithSAML, AWSReservedSSO_TeamAdmin_…) at 13:05 and again at 16:00: the second session is
  outside her window.
Writes trail/<account>.json and logs/{reference-broker-scan.json, team-approvals.csv}.
Run: python3 tests/data/broker/make.py  (deterministic; the files are committed).
"""
import csv
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "scenarios"))
from make import assumed, iam_user, rec, assume_req, assume_resp, eid  # noqa: E402

BROKER = "999988887777"
TARGET = "111122223333"
LAMBDA_ROLE = f"arn:aws:iam::{BROKER}:role/tea-Lambda-IdentityBroker-Role"
LAMBDA_ID = "AROABROKERLAMBDA0001"
LAMBDA_KEY = "ASIABROKERLAMBDA0001"
LAMBDA_SESSION = "tea-FederateConsoleFunction-1a2b3c"
ADMIN = f"arn:aws:iam::{TARGET}:role/Admin"
ADMIN_ID = "AROAADMINROLE0000001"
AUDITOR = f"arn:aws:iam::{TARGET}:role/Auditor"
AUDITOR_ID = "AROAAUDITORROLE00001"
SSO = (f"arn:aws:iam::{TARGET}:role/aws-reserved/sso.amazonaws.com/"
       "AWSReservedSSO_TeamAdmin_0123456789abcdef")
SSO_ID = "AROATEAMADMINSSO0001"
DAY = "2026-11-05T"


def t(hm):
    return f"{DAY}{hm}:00Z"


def lambda_service():
    return {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}


def broker_session():
    return assumed(LAMBDA_KEY, LAMBDA_ROLE, LAMBDA_ID, LAMBDA_SESSION, created=t("08:00"))


def broker_grant(tag, hm, requester, key):
    """The broker's cross-account AssumeRole for `requester`: both accounts' copies."""
    session = f"{requester}-Admin"
    req = assume_req(ADMIN, session)
    resp = assume_resp(key, ADMIN, ADMIN_ID, session, t(hm))
    shared = eid(tag + "/shared")
    caller = rec(tag + "/caller", t(hm), BROKER, broker_session(), "sts.amazonaws.com", "AssumeRole",
                 ip="lambda.amazonaws.com", ua="Boto3/1.34.0 Python/3.12.0 exec-env/AWS_Lambda_python3.12",
                 req=req, resp=resp, shared=shared)
    owner = rec(tag + "/owner", t(hm), TARGET, {"type": "AWSAccount", "principalId": f"{LAMBDA_ID}:{LAMBDA_SESSION}",
                                                 "accountId": BROKER},
                "sts.amazonaws.com", "AssumeRole", ip="lambda.amazonaws.com",
                ua="Boto3/1.34.0 Python/3.12.0 exec-env/AWS_Lambda_python3.12", req=req, resp=resp, shared=shared)
    return caller, owner


def admin(key, session, created):
    return assumed(key, ADMIN, ADMIN_ID, session, created=created)


def records():
    broker, target = [], []
    broker.append(rec("b/lambda", t("08:00"), BROKER, lambda_service(), "sts.amazonaws.com", "AssumeRole",
                      ip="lambda.amazonaws.com", ua="lambda.amazonaws.com",
                      req=assume_req(LAMBDA_ROLE, LAMBDA_SESSION, duration=43200),
                      resp=assume_resp(LAMBDA_KEY, LAMBDA_ROLE, LAMBDA_ID, LAMBDA_SESSION, t("20:00"))))
    # alice, inside her window.
    a = "ASIAALICEADMIN000001"
    c, o = broker_grant("b/alice", "09:05", "alice@example.com", a)
    broker.append(c)
    target.append(o)
    me = lambda: admin(a, "alice@example.com-Admin", t("09:05"))
    target.append(rec("b/alice/get", t("09:10"), TARGET, me(), "s3.amazonaws.com", "GetBucketPolicy",
                      req={"bucketName": "org-logging"}, read_only=True, ip="203.0.113.10"))
    target.append(rec("b/alice/put", t("09:20"), TARGET, me(), "s3.amazonaws.com", "PutBucketPolicy",
                      req={"bucketName": "org-logging"}, ip="203.0.113.10"))
    # carol, beyond her window.
    k = "ASIACAROLADMIN000001"
    c, o = broker_grant("b/carol", "11:20", "carol@example.com", k)
    broker.append(c)
    target.append(o)
    me = lambda: admin(k, "carol@example.com-Admin", t("11:20"))
    target.append(rec("b/carol/list", t("11:25"), TARGET, me(), "iam.amazonaws.com", "ListUsers", read_only=True,
                      ip="203.0.113.20"))
    target.append(rec("b/carol/key", t("11:45"), TARGET, me(), "iam.amazonaws.com", "CreateAccessKey",
                      req={"userName": "deploy"}, ip="203.0.113.20"))
    target.append(rec("b/carol/user", t("11:50"), TARGET, me(), "iam.amazonaws.com", "CreateUser",
                      req={"userName": "backup-admin"}, ip="203.0.113.20"))
    # dave, around the broker.
    dave = iam_user("dave", TARGET, "AKIADAVEEXAMPLE00001", "AIDADAVEEXAMPLE00001")
    d = "ASIADAVEADMIN0000001"
    target.append(rec("b/dave/assume", t("12:10"), TARGET, dave, "sts.amazonaws.com", "AssumeRole",
                      req=assume_req(ADMIN, "dave@example.com"),
                      resp=assume_resp(d, ADMIN, ADMIN_ID, "dave@example.com", t("13:10")), ip="198.51.100.40"))
    target.append(rec("b/dave/list", t("12:15"), TARGET, admin(d, "dave@example.com", t("12:10")),
                      "s3.amazonaws.com", "ListBuckets", read_only=True, ip="198.51.100.40"))
    e = "ASIAERINAUDITOR00001"
    target.append(rec("b/dave/erin", t("12:20"), TARGET, admin(d, "dave@example.com", t("12:10")),
                      "sts.amazonaws.com", "AssumeRole", req=assume_req(AUDITOR, "erin@example.com-Auditor"),
                      resp=assume_resp(e, AUDITOR, AUDITOR_ID, "erin@example.com-Auditor", t("13:20")),
                      ip="198.51.100.40"))
    target.append(rec("b/erin/list", t("12:25"), TARGET,
                      assumed(e, AUDITOR, AUDITOR_ID, "erin@example.com-Auditor", created=t("12:20")),
                      "cloudtrail.amazonaws.com", "LookupEvents", read_only=True, ip="198.51.100.40"))
    # eve, through TEAM (Identity Center).
    saml = {"type": "SAMLUser", "principalId": "VEVBTWV4YW1wbGU=:eve@example.com", "userName": "eve@example.com",
            "identityProvider": "VEVBTWV4YW1wbGU="}
    for n, (hm, key) in enumerate([("13:05", "ASIAEVETEAMADMIN0001"), ("16:00", "ASIAEVETEAMADMIN0002")]):
        target.append(rec(f"b/eve/{n}/saml", t(hm), TARGET, saml, "sts.amazonaws.com", "AssumeRoleWithSAML",
                          req={"roleArn": SSO, "roleSessionName": "eve@example.com", "durationSeconds": 3600,
                               "principalArn": f"arn:aws:iam::{TARGET}:saml-provider/AWSSSO_9f8e7d6c5b4a3f2e_DO_NOT_DELETE"},
                          resp=assume_resp(key, SSO, SSO_ID, "eve@example.com", t(hm)), ua="aws-internal/3"))
        later = f"{int(hm[:2]):02d}:{int(hm[3:]) + 5:02d}"
        target.append(rec(f"b/eve/{n}/call", t(later), TARGET,
                          assumed(key, SSO, SSO_ID, "eve@example.com", created=t(hm)),
                          "iam.amazonaws.com", "ListRoles", read_only=True, ip="203.0.113.50"))
    return broker, target


def ddb(item):
    """A DynamoDB scan item: every attribute typed."""
    return {k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in item.items()}


def reference_requests():
    """The reference broker's `request` table as `aws dynamodb scan` prints it (times: %x %X, UTC)."""
    items = [
        {"id": "alice@example.com#111122223333#Admin#11/05/26 08:55:00", "requester": "alice@example.com",
         "request_account": TARGET, "request_role": "Admin", "request_duration": 60,
         "request_justification": "INC-4211 restore the logging bucket policy", "request_status": "Ended",
         "request_time": "11/05/26 08:55:00", "review_time": "11/05/26 09:00:00",
         "expiration_time": "11/05/26 10:00:00", "reviewer": "bob@example.com"},
        {"id": "carol@example.com#111122223333#Admin#11/05/26 10:58:00", "requester": "carol@example.com",
         "request_account": TARGET, "request_role": "Admin", "request_duration": 30,
         "request_justification": "CHG-0815 rotate the deploy user's key", "request_status": "Ended",
         "request_time": "11/05/26 10:58:00", "review_time": "11/05/26 11:00:00",
         "expiration_time": "11/05/26 11:30:00", "reviewer": "bob@example.com"},
        {"id": "dave@example.com#111122223333#Admin#11/05/26 11:58:00", "requester": "dave@example.com",
         "request_account": TARGET, "request_role": "Admin", "request_duration": 60,
         "request_justification": "need admin", "request_status": "Rejected",
         "request_time": "11/05/26 11:58:00", "review_time": "11/05/26 12:00:00",
         "expiration_time": "", "reviewer": "bob@example.com"},
    ]
    return {"Items": [ddb(i) for i in items], "Count": len(items), "ScannedCount": len(items)}


def team_requests():
    """TEAM's audit page download (approvals.csv): the `requests` items as react-csv writes them."""
    cols = ["id", "email", "accountId", "accountName", "role", "roleId", "startTime", "duration", "justification",
            "status", "comment", "username", "approver", "approverId", "approvers", "approver_ids", "revoker",
            "revokerId", "endTime", "ticketNo", "revokeComment", "session_duration", "owner", "createdAt",
            "updatedAt"]
    row = {"id": "5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f", "email": "eve@example.com", "accountId": TARGET,
           "accountName": "prod", "role": "TeamAdmin",
           "roleId": "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0123456789abcdef",
           "startTime": "2026-11-05T13:00:00.000Z", "duration": "1",
           "justification": "INC-4230 inspect role trust policies", "status": "approved",
           "username": "eve@example.com", "approver": "bob@example.com", "approvers": "bob@example.com",
           "endTime": "2026-11-05T14:00:00.000Z", "ticketNo": "INC-4230",
           "createdAt": "2026-11-05T12:50:00.000Z", "updatedAt": "2026-11-05T14:00:05.000Z"}
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerow(row)
    return out.getvalue()


def main():
    broker, target = records()
    for acct, recs in [(BROKER, broker), (TARGET, target)]:
        os.makedirs(os.path.join(HERE, "trail"), exist_ok=True)
        with open(os.path.join(HERE, "trail", f"{acct}.json"), "w") as f:
            json.dump({"Records": recs}, f, indent=1, sort_keys=True)
            f.write("\n")
    os.makedirs(os.path.join(HERE, "logs"), exist_ok=True)
    with open(os.path.join(HERE, "logs", "reference-broker-scan.json"), "w") as f:
        json.dump(reference_requests(), f, indent=1)
        f.write("\n")
    with open(os.path.join(HERE, "logs", "team-approvals.csv"), "w") as f:
        f.write(team_requests())


if __name__ == "__main__":
    main()
