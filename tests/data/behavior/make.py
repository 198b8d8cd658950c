#!/usr/bin/env python3
"""Writes the behaviour-analytics scenario files (tests/data/behavior/*.json.gz).

Real-format CloudTrail (`{"Records": [...]}`) telling three small stories; the expectations live in
tests/core/behavior_scenarios.rs, written from the stories below, never copied from trailhound's output.
Addresses are the documentation ranges that `demo::geoip::write_demo_geoip` places: 198.51.100.0/26 Bellevue WA
(AS64501), 198.51.100.32/27 Seattle, 192.0.2.0/24 Ashburn VA (AS64502), 203.0.113.0/24 Frankfurt DE (AS64503).
Run: python3 tests/data/behavior/make.py  (deterministic; the JSON files are committed).
"""
import datetime as dt
import gzip
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ACCT = "111122223333"
SSO_ROLE = (f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/"
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef")
SSO_ID = "AROAADMINSSOEXAMPLE01"
PROVIDER = f"arn:aws:iam::{ACCT}:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"
CLI = "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off"
BELLEVUE, BELLEVUE2, ASHBURN, FRANKFURT, SEATTLE = (
    "198.51.100.23", "198.51.100.24", "192.0.2.10", "203.0.113.77", "198.51.100.40")


def eid(tag):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trailhound-behavior/" + tag))


def ts(d, secs):
    return (dt.datetime.combine(d, dt.time(0, 0)) + dt.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%SZ")


def saml_user(name):
    return {"type": "SAMLUser", "principalId": f"Zm9vYmFyRXhhbXBsZQ==:{name}", "userName": name,
            "identityProvider": "Zm9vYmFyRXhhbXBsZQ=="}


def assumed(key, role_arn, role_id, session, created):
    role_name = role_arn.rsplit("/", 1)[1]
    return {"type": "AssumedRole", "principalId": f"{role_id}:{session}",
            "arn": f"arn:aws:sts::{ACCT}:assumed-role/{role_name}/{session}", "accountId": ACCT,
            "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": role_id, "arn": role_arn,
                                                 "accountId": ACCT, "userName": role_name},
                               "attributes": {"creationDate": created, "mfaAuthenticated": "false"}}}


def rec(tag, t, ident, source, name, ip, ua=CLI, req=None, resp=None, error=None, read_only=False,
        resources=None):
    r = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": t, "eventSource": source,
         "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": ua,
         "requestParameters": req, "responseElements": resp, "requestID": eid(tag + "/req"),
         "eventID": eid(tag), "readOnly": read_only, "eventType": "AwsApiCall", "managementEvent": True,
         "recipientAccountId": ACCT, "eventCategory": "Management"}
    if error:
        r["errorCode"] = error
        r["errorMessage"] = "User is not authorized to perform this operation"
        r["responseElements"] = None
    if resources:
        r["resources"] = resources
    return r


class Person:
    """An Identity Center user signing in to a permission-set role and calling things with the session."""

    def __init__(self, name, role=SSO_ROLE, role_id=SSO_ID):
        self.name, self.role, self.role_id, self.n, self.recs = name, role, role_id, 0, []

    def sign_in(self, t, ip, ua="aws-internal/3 aws-sdk-java/1.12.716"):
        self.n += 1
        key = f"ASIA{self.name.upper()[:4]:X<4}{self.n:012d}"
        tag = f"{self.name}/{self.n}"
        resp = {"credentials": {"accessKeyId": key, "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
                                "expiration": t},
                "assumedRoleUser": {"assumedRoleId": f"{self.role_id}:{self.name}",
                                    "arn": f"arn:aws:sts::{ACCT}:assumed-role/{self.role.rsplit('/', 1)[1]}/{self.name}"}}
        req = {"roleArn": self.role, "roleSessionName": self.name, "durationSeconds": 43200,
               "principalArn": PROVIDER}
        self.recs.append(rec(tag + "/saml", t, saml_user(self.name), "sts.amazonaws.com", "AssumeRoleWithSAML",
                             ip, ua=ua, req=req, resp=resp))
        self.key, self.created, self.calls = key, t, 0
        return key

    def call(self, t, source, name, ip, ua=CLI, bucket=None, error=None):
        self.calls += 1
        req = {"bucketName": bucket, "key": f"exports/{self.calls}.csv"} if bucket else None
        res = [{"ARN": f"arn:aws:s3:::{bucket}", "accountId": ACCT, "type": "AWS::S3::Bucket"}] if bucket else None
        self.recs.append(rec(f"{self.name}/{self.n}/{self.calls}", t,
                             assumed(self.key, self.role, self.role_id, self.name, self.created), source, name, ip,
                             ua=ua, req=req, error=error, read_only=True, resources=res))


def business_days(first, last):
    d = first
    while d <= last:
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


HISTORY = (dt.date(2026, 9, 14), dt.date(2026, 11, 4))
INCIDENT = dt.date(2026, 11, 5)


def sara_history(p):
    """Sara's normal life: Bellevue mornings (16:00Z), Ashburn on Wednesday evenings (22:00Z, 6 h later — a
    plausible flight, never impossible travel). The same calls every day, all in one hour."""
    for d in business_days(*HISTORY):
        ip = BELLEVUE if d.day % 2 else BELLEVUE2
        p.sign_in(ts(d, 16 * 3600), ip)
        for k in range(12):
            p.call(ts(d, 16 * 3600 + 300 + 60 * k), "ec2.amazonaws.com", "DescribeInstances", ip)
        for k in range(3):
            p.call(ts(d, 16 * 3600 + 1200 + 60 * k), "s3.amazonaws.com", "GetObject", ip, bucket="prod-reports")
        p.call(ts(d, 16 * 3600 + 1500), "s3.amazonaws.com", "ListBuckets", ip)
        if d.weekday() == 2:
            p.call(ts(d, 22 * 3600), "ec2.amazonaws.com", "DescribeInstances", ASHBURN)


def write(name, description, recs):
    recs.sort(key=lambda r: (r["eventTime"], r["eventID"]))
    # Gzip as CloudTrail delivers to S3; mtime 0 keeps the bytes reproducible.
    body = json.dumps({"Records": recs}, separators=(",", ":")).encode()
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(gzip.compress(body, mtime=0))
    print(f"{name}: {len(recs)} records — {description}")


def spike():
    sara = Person("sara")
    sara_history(sara)
    # Incident: sara signs in from Bellevue as usual and lists instances; four minutes later her session's key is
    # used from Frankfurt by a script: new country, new AS, new user agent, 40 GetObject, one new API.
    sara.sign_in(ts(INCIDENT, 14 * 3600 + 312), BELLEVUE)
    for k in range(12):
        sara.call(ts(INCIDENT, 14 * 3600 + 360 + 10 * k), "ec2.amazonaws.com", "DescribeInstances", BELLEVUE)
    py = "python-requests/2.31.0"
    for k in range(40):
        sara.call(ts(INCIDENT, 14 * 3600 + 600 + 45 * k), "s3.amazonaws.com", "GetObject", FRANKFURT, ua=py,
                  bucket="prod-customer-data")
    sara.call(ts(INCIDENT, 14 * 3600 + 2500), "iam.amazonaws.com", "ListUsers", FRANKFURT, ua=py)
    sara.call(ts(INCIDENT, 14 * 3600 + 2510), "iam.amazonaws.com", "ListUsers", FRANKFURT, ua=py,
              error="AccessDenied")
    write("spike.json.gz", "sara's session used from Frankfurt with python-requests and a GetObject spike", sara.recs)


def travel():
    sara, alex = Person("sara"), Person("alex")
    sara_history(sara)
    # Alex lives in Frankfurt and uses the same role: a role profile must not make sara travel to him.
    for d in business_days(*HISTORY):
        alex.sign_in(ts(d, 8 * 3600), FRANKFURT)
        alex.call(ts(d, 8 * 3600 + 300), "ec2.amazonaws.com", "DescribeInstances", FRANKFURT)
    alex.sign_in(ts(INCIDENT, 14 * 3600 + 60), FRANKFURT)
    alex.call(ts(INCIDENT, 14 * 3600 + 700), "ec2.amazonaws.com", "DescribeInstances", FRANKFURT)
    # Sara: one session from Bellevue 14:05–14:10, a second sign-in (new session, same identity) from Frankfurt at
    # 14:40: 8 170 km in 30 minutes.
    sara.sign_in(ts(INCIDENT, 14 * 3600 + 300), BELLEVUE)
    sara.call(ts(INCIDENT, 14 * 3600 + 600), "ec2.amazonaws.com", "DescribeInstances", BELLEVUE)
    sara.sign_in(ts(INCIDENT, 14 * 3600 + 2400), FRANKFURT)
    sara.call(ts(INCIDENT, 14 * 3600 + 2460), "s3.amazonaws.com", "ListBuckets", FRANKFURT)
    write("travel.json.gz", "two sessions of sara, Bellevue then Frankfurt 30 minutes later; alex in Frankfurt",
          sara.recs + alex.recs)


def training():
    # A new engineer: first sign-in five days before the scope, from Seattle; in the scope from Frankfurt with a
    # new tool and new calls. Too little history to call anything new.
    omar = Person("omar")
    for d in [dt.date(2026, 10, 31), dt.date(2026, 11, 2), dt.date(2026, 11, 3)]:
        omar.sign_in(ts(d, 17 * 3600), SEATTLE)
        omar.call(ts(d, 17 * 3600 + 120), "ec2.amazonaws.com", "DescribeInstances", SEATTLE)
    omar.sign_in(ts(INCIDENT, 14 * 3600 + 100), FRANKFURT, ua="Boto3/1.34.0 Python/3.12.1")
    for k in range(30):
        omar.call(ts(INCIDENT, 14 * 3600 + 200 + 20 * k), "s3.amazonaws.com", "GetObject", FRANKFURT,
                  ua="Boto3/1.34.0 Python/3.12.1", bucket="prod-customer-data")
    write("training.json.gz", "omar: five days of history, then Frankfurt with Boto3", omar.recs)


if __name__ == "__main__":
    spike()
    travel()
    training()
