#!/usr/bin/env python3
"""Writes tests/data/policy/deployer.json: a CI role whose use is known, told by hand.

IAM user dev (111122223333) assumes role deployer as session ci-run at 10:00 on 2026-11-05 and, within the hour,
makes the calls below. One call at 09:10 (before the scope) and one failed call must not reach the policy. The
expected policy is written by hand in tests/data/policy/expected_policy.json, never copied from trailhound.
Run: python3 tests/data/policy/make.py  (deterministic; the JSON file is committed).
"""
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ACCT = "111122223333"
REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCT}:role/deployer"
KEY = "ASIADEPLOYERCIRUN001"


def eid(tag):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trailhound-policy/" + tag))


DEV = {"type": "IAMUser", "principalId": "AIDADEVUSER000000001", "arn": f"arn:aws:iam::{ACCT}:user/dev",
       "accountId": ACCT, "userName": "dev", "accessKeyId": "AKIADEVUSER000000001"}
SESSION = {"type": "AssumedRole", "principalId": "AROADEPLOYER00000001:ci-run",
           "arn": f"arn:aws:sts::{ACCT}:assumed-role/deployer/ci-run", "accountId": ACCT, "accessKeyId": KEY,
           "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROADEPLOYER00000001", "arn": ROLE,
                                                "accountId": ACCT, "userName": "deployer"},
                              "attributes": {"creationDate": "2026-11-05T10:00:00Z", "mfaAuthenticated": "false"}}}


def rec(tag, t, ident, source, name, req=None, resources=None, error=None, resp=None, event_type="AwsApiCall",
        category="Management"):
    r = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": t, "eventSource": source, "eventName": name,
         "awsRegion": REGION, "sourceIPAddress": "198.51.100.23", "userAgent": "aws-cli/2.15.30 Python/3.11.8",
         "requestParameters": req, "responseElements": resp, "requestID": eid(tag + "/req"), "eventID": eid(tag),
         "readOnly": False, "eventType": event_type, "managementEvent": category == "Management",
         "recipientAccountId": ACCT, "eventCategory": category}
    if resources is not None:
        r["resources"] = resources
    if error:
        r["errorCode"], r["errorMessage"] = error
    return r


def s3(bucket, key=None):
    out = []
    if key is not None:
        out.append({"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"})
    out.append({"accountId": ACCT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"})
    return out


KMS_KEY = f"arn:aws:kms:{REGION}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
records = [
    rec("assume", "2026-11-05T10:00:00Z", DEV, "sts.amazonaws.com", "AssumeRole",
        req={"roleArn": ROLE, "roleSessionName": "ci-run"},
        resp={"credentials": {"accessKeyId": KEY, "expiration": "2026-11-05T11:00:00Z", "sessionToken": "IQoJ"},
              "assumedRoleUser": {"assumedRoleId": "AROADEPLOYER00000001:ci-run",
                                  "arn": f"arn:aws:sts::{ACCT}:assumed-role/deployer/ci-run"}},
        resources=[{"ARN": ROLE, "accountId": ACCT, "type": "AWS::IAM::Role"}]),
    # Before the scope: not in the policy.
    rec("early", "2026-11-05T09:10:00Z", SESSION, "s3.amazonaws.com", "DeleteObject",
        req={"bucketName": "artifacts-1111", "key": "old.zip"}, resources=s3("artifacts-1111", "old.zip"),
        category="Data"),
    rec("whoami", "2026-11-05T10:01:00Z", SESSION, "sts.amazonaws.com", "GetCallerIdentity"),
    rec("list1", "2026-11-05T10:02:00Z", SESSION, "s3.amazonaws.com", "ListObjectsV2",
        req={"bucketName": "artifacts-1111", "prefix": "builds/"}, resources=s3("artifacts-1111"), category="Data"),
    rec("list2", "2026-11-05T10:03:00Z", SESSION, "s3.amazonaws.com", "ListObjectsV2",
        req={"bucketName": "artifacts-1111", "prefix": "builds/42/"}, resources=s3("artifacts-1111"),
        category="Data"),
    rec("get42", "2026-11-05T10:04:00Z", SESSION, "s3.amazonaws.com", "GetObject",
        req={"bucketName": "artifacts-1111", "key": "builds/42/app.zip"},
        resources=s3("artifacts-1111", "builds/42/app.zip"), category="Data"),
    rec("head41", "2026-11-05T10:05:00Z", SESSION, "s3.amazonaws.com", "HeadObject",
        req={"bucketName": "artifacts-1111", "key": "builds/41/app.zip"},
        resources=s3("artifacts-1111", "builds/41/app.zip"), category="Data"),
    rec("put", "2026-11-05T10:06:00Z", SESSION, "s3.amazonaws.com", "PutObject",
        req={"bucketName": "releases-1111", "key": "app.zip"}, resources=s3("releases-1111", "app.zip"),
        category="Data"),
    rec("lambda-get", "2026-11-05T10:07:00Z", SESSION, "lambda.amazonaws.com", "GetFunction20150331v2",
        req={"functionName": "worker"}),
    rec("lambda-update", "2026-11-05T10:08:00Z", SESSION, "lambda.amazonaws.com", "UpdateFunctionCode20150331v2",
        req={"functionName": "worker", "s3Bucket": "releases-1111", "s3Key": "app.zip"}),
    rec("decrypt", "2026-11-05T10:09:00Z", SESSION, "kms.amazonaws.com", "Decrypt",
        req={"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
        resources=[{"accountId": ACCT, "type": "AWS::KMS::Key", "ARN": KMS_KEY}]),
    rec("describe", "2026-11-05T10:10:00Z", SESSION, "ec2.amazonaws.com", "DescribeInstances",
        req={"instancesSet": {}, "filterSet": {}}),
    rec("secret", "2026-11-05T10:11:00Z", SESSION, "secretsmanager.amazonaws.com", "GetSecretValue",
        req={"secretId": "prod/db"}),
    rec("sqs", "2026-11-05T10:12:00Z", SESSION, "sqs.amazonaws.com", "SendMessage",
        req={"queueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCT}/deploys"}, category="Data"),
    rec("transact", "2026-11-05T10:13:00Z", SESSION, "dynamodb.amazonaws.com", "TransactWriteItems",
        category="Data"),
    rec("select", "2026-11-05T10:14:00Z", SESSION, "s3.amazonaws.com", "SelectObjectContent",
        req={"bucketName": "artifacts-1111", "key": "builds/42/manifest.csv"},
        resources=s3("artifacts-1111", "builds/42/manifest.csv"), category="Data"),
    rec("frob", "2026-11-05T10:15:00Z", SESSION, "frobnicator.amazonaws.com", "Frobnicate"),
    # Denied: an attempt, not use.
    rec("denied", "2026-11-05T10:16:00Z", SESSION, "iam.amazonaws.com", "CreateUser", req={"userName": "x"},
        error=("AccessDenied", f"User: arn:aws:sts::{ACCT}:assumed-role/deployer/ci-run is not authorized to "
               f"perform: iam:CreateUser on resource: arn:aws:iam::{ACCT}:user/x because no identity-based "
               "policy allows the iam:CreateUser action")),
    rec("get42b", "2026-11-05T10:17:00Z", SESSION, "s3.amazonaws.com", "GetObject",
        req={"bucketName": "artifacts-1111", "key": "builds/42/app.zip.sha256"},
        resources=s3("artifacts-1111", "builds/42/app.zip.sha256"), category="Data"),
]

with open(os.path.join(HERE, "deployer.json"), "w") as f:
    json.dump({"Records": records}, f, indent=1, sort_keys=True)
    f.write("\n")
