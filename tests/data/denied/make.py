#!/usr/bin/env python3
"""Writes tests/data/denied/denials.json: the denied-call story of tests/cli/denied.rs, told by hand.

Role session dev/alice (key ASIAALICEDEV00000001, assumed by IAM user alice at 10:00) is denied once by each policy
type, with the message texts AWS documents (docs/denied.md §2-3), then by EC2 with only an encoded message, by S3
with "Access Denied" and with no message at all, and once with a phrase outside the table. A throttled call and a
successful call are not denials. Session dev/bob is denied once in the same hour (not alice's). Expectations live
in tests/cli/denied.rs, written from this story. Run: python3 tests/data/denied/make.py (deterministic).
"""
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ACCT = "111122223333"
ROLE = f"arn:aws:iam::{ACCT}:role/dev"
ROLE_ID = "AROADEVROLEEXAMPLE01"


def eid(tag):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trailhound-denied/" + tag))


def session(name, key):
    return {"type": "AssumedRole", "principalId": f"{ROLE_ID}:{name}",
            "arn": f"arn:aws:sts::{ACCT}:assumed-role/dev/{name}", "accountId": ACCT, "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": ROLE_ID, "arn": ROLE,
                                                 "accountId": ACCT, "userName": "dev"},
                               "attributes": {"creationDate": "2026-11-05T10:00:00Z",
                                              "mfaAuthenticated": "false"}}}


ALICE = session("alice", "ASIAALICEDEV00000001")
BOB = session("bob", "ASIABOBDEV0000000001")
ALICE_ARN = ALICE["arn"]
USER = {"type": "IAMUser", "principalId": "AIDAALICEEXAMPLE0001", "arn": f"arn:aws:iam::{ACCT}:user/alice",
        "accountId": ACCT, "accessKeyId": "AKIAALICEEXAMPLE0001", "userName": "alice"}


def rec(tag, t, ident, source, name, code=None, message=None, req=None, resp=None):
    r = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": f"2026-11-05T{t}Z", "eventSource": source,
         "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.23",
         "userAgent": "aws-cli/2.15.30 Python/3.11.8", "requestParameters": req, "responseElements": resp,
         "requestID": eid(tag + "/req"), "eventID": eid(tag), "readOnly": False, "eventType": "AwsApiCall",
         "managementEvent": True, "recipientAccountId": ACCT, "eventCategory": "Management"}
    if code:
        r["errorCode"] = code
        r["responseElements"] = None
    if message is not None:
        r["errorMessage"] = message
    return r


def msg(action, tail, resource=None, who=ALICE_ARN):
    on = f" on resource: {resource}" if resource else ""
    return f"User: {who} is not authorized to perform: {action}{on} {tail}"


SCP_ARN = "arn:aws:organizations::999988887777:policy/o-exampleorgid/service_control_policy/p-examplescp1"
records = [
    rec("assume", "10:00:00", USER, "sts.amazonaws.com", "AssumeRole",
        req={"roleArn": ROLE, "roleSessionName": "alice"},
        resp={"credentials": {"accessKeyId": "ASIAALICEDEV00000001", "expiration": "2026-11-05T11:00:00Z",
                              "sessionToken": "IQoJEXAMPLE"},
              "assumedRoleUser": {"assumedRoleId": f"{ROLE_ID}:alice", "arn": ALICE_ARN}}),
    rec("scp", "10:01:00", ALICE, "lambda.amazonaws.com", "CreateFunction20150331", "AccessDeniedException",
        msg("lambda:CreateFunction", f"with an explicit deny in a service control policy: {SCP_ARN}",
            f"arn:aws:lambda:us-east-1:{ACCT}:function:exfil")),
    rec("rcp", "10:02:00", ALICE, "s3.amazonaws.com", "GetObject", "AccessDenied",
        msg("s3:GetObject", "with an explicit deny in a resource control policy",
            "arn:aws:s3:::amzn-s3-demo-bucket/object"),
        req={"bucketName": "amzn-s3-demo-bucket", "key": "object"}),
    rec("boundary", "10:03:00", ALICE, "codedeploy.amazonaws.com", "ListDeployments", "AccessDeniedException",
        msg("codedeploy:ListDeployments", "because no permissions boundary allows the codedeploy:ListDeployments action")),
    rec("session", "10:04:00", ALICE, "codecommit.amazonaws.com", "ListRepositories", "AccessDeniedException",
        msg("codecommit:ListRepositories", "with an explicit deny in a session policy")),
    rec("identity", "10:05:00", ALICE, "iam.amazonaws.com", "ListRoles", "AccessDenied",
        msg("iam:ListRoles", "because no identity-based policy allows the iam:ListRoles action",
            f"arn:aws:iam::{ACCT}:role/")),
    rec("resource", "10:06:00", ALICE, "secretsmanager.amazonaws.com", "GetSecretValue", "AccessDeniedException",
        msg("secretsmanager:GetSecretValue", "with an explicit deny in a resource-based policy",
            f"arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod-db-AbCdEf")),
    rec("vpce", "10:07:00", ALICE, "ecr.amazonaws.com", "GetDownloadUrlForLayer", "AccessDeniedException",
        msg("ecr:GetDownloadUrlForLayer", "because no VPC endpoint policy allows the ecr:GetDownloadUrlForLayer action")),
    rec("ec2", "10:30:00", ALICE, "ec2.amazonaws.com", "RunInstances", "Client.UnauthorizedOperation",
        "You are not authorized to perform this operation. Encoded authorization failure message: "
        "4GIOHlTkIaWHQD0Q0m6XSnuUMCm-EXAMPLE-ENCODED-MESSAGE"),
    rec("s3-bare", "10:31:00", ALICE, "s3.amazonaws.com", "ListObjects", "AccessDenied", "Access Denied",
        req={"bucketName": "partner-exports"}),
    rec("s3-none", "10:32:00", ALICE, "s3.amazonaws.com", "GetObject", "AccessDenied", None,
        req={"bucketName": "partner-exports", "key": "q3.csv"}),
    rec("trust", "10:33:00", ALICE, "sts.amazonaws.com", "AssumeRole", "AccessDenied",
        msg("sts:AssumeRole", "because no role trust policy allows the sts:AssumeRole action",
            "arn:aws:iam::444455556666:role/deploy"),
        req={"roleArn": "arn:aws:iam::444455556666:role/deploy", "roleSessionName": "alice"}),
    rec("throttled", "10:34:00", ALICE, "dynamodb.amazonaws.com", "DescribeTable", "ThrottlingException",
        "Rate exceeded"),
    rec("whoami", "10:35:00", ALICE, "sts.amazonaws.com", "GetCallerIdentity"),
    rec("unknown-phrase", "10:50:00", ALICE, "s3.amazonaws.com", "PutObject", "AccessDenied",
        msg("s3:PutObject", "with an explicit deny in a VPC endpoint policy transitively through a service control policy",
            "arn:aws:s3:::amzn-s3-demo-bucket/upload")),
    rec("bob", "10:10:00", BOB, "iam.amazonaws.com", "ListUsers", "AccessDenied",
        msg("iam:ListUsers", "because no identity-based policy allows the iam:ListUsers action",
            f"arn:aws:iam::{ACCT}:user/", who=BOB["arn"])),
]
records.sort(key=lambda r: r["eventTime"])
with open(os.path.join(HERE, "denials.json"), "w") as f:
    json.dump({"Records": records}, f, indent=1, sort_keys=True)
    f.write("\n")
