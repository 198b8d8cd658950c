#!/usr/bin/env python3
"""Writes the behaviour-analytics scenario files (tests/data/behavior/*.json.gz).

Real-format CloudTrail (`{"Records": [...]}`) telling three small stories; the expectations live in
tests/core/behavior_scenarios.rs, written from the stories below, never copied from trailhound's output.
Two more stories (issue: behaviour judged at the session-identity and origin level): `instance.json.gz`, an EC2
instance role with weeks of history whose current session key is used from Frankfurt; `continents.json.gz`, an
Identity Center user whose two sessions in two accounts are on two continents 25 minutes apart.
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


def assumed(key, role_arn, role_id, session, created, acct=ACCT):
    role_name = role_arn.rsplit("/", 1)[1]
    return {"type": "AssumedRole", "principalId": f"{role_id}:{session}",
            "arn": f"arn:aws:sts::{acct}:assumed-role/{role_name}/{session}", "accountId": acct,
            "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": role_id, "arn": role_arn,
                                                 "accountId": acct, "userName": role_name},
                               "attributes": {"creationDate": created, "mfaAuthenticated": "false"}}}


def rec(tag, t, ident, source, name, ip, ua=CLI, req=None, resp=None, error=None, read_only=False,
        resources=None, acct=ACCT):
    r = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": t, "eventSource": source,
         "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": ua,
         "requestParameters": req, "responseElements": resp, "requestID": eid(tag + "/req"),
         "eventID": eid(tag), "readOnly": read_only, "eventType": "AwsApiCall", "managementEvent": True,
         "recipientAccountId": acct, "eventCategory": "Management"}
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


WEB_ROLE = f"arn:aws:iam::{ACCT}:role/web-app-role"
WEB_ID = "AROAWEBAPPEXAMPLE001"
INSTANCE = "i-0a1b2c3d4e5f60001"
SDK = "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64"


def instance():
    """EC2 gives instance i-0a1b… fresh credentials for web-app-role every 6 hours (AssumeRole by the EC2 service,
    session name = instance id). From 2026-10-01 the instance, always from its address in Ashburn with the Go SDK,
    reads queue messages and writes objects. On 2026-11-05 at 12:00 the current credentials are issued; the instance
    goes on as usual, and from 14:20 the same key is used from Frankfurt with the AWS CLI: GetCallerIdentity,
    ListBuckets, then GetObject from the orders bucket — what GuardDuty's InstanceCredentialExfiltration finding
    names by that key."""
    svc = {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}
    recs, n = [], 0
    d, end = dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 5, 12)
    key = None
    while d <= end:
        n += 1
        key = f"ASIAWEBAPP{n:010d}"
        t = d.strftime("%Y-%m-%dT%H:%M:%SZ")
        exp = (d + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
        req = {"roleArn": WEB_ROLE, "roleSessionName": INSTANCE, "durationSeconds": 21600}
        resp = {"credentials": {"accessKeyId": key, "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN", "expiration": exp},
                "assumedRoleUser": {"assumedRoleId": f"{WEB_ID}:{INSTANCE}",
                                    "arn": f"arn:aws:sts::{ACCT}:assumed-role/web-app-role/{INSTANCE}"}}
        recs.append(rec(f"web/{n}/assume", t, svc, "sts.amazonaws.com", "AssumeRole", "ec2.amazonaws.com",
                        ua="ec2.amazonaws.com", req=req, resp=resp))
        me = assumed(key, WEB_ROLE, WEB_ID, INSTANCE, t)
        # Two calls an hour for the six hours the credentials are current (the last block stops at 14:00 on the 5th).
        for h in range(6):
            at = d + dt.timedelta(hours=h, minutes=10)
            if at >= dt.datetime(2026, 11, 5, 15):
                break
            recs.append(rec(f"web/{n}/{h}/recv", at.strftime("%Y-%m-%dT%H:%M:%SZ"), me, "sqs.amazonaws.com",
                            "ReceiveMessage", ASHBURN, ua=SDK, read_only=True))
            recs.append(rec(f"web/{n}/{h}/put", (at + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), me,
                            "s3.amazonaws.com", "PutObject", ASHBURN, ua=SDK, req={"bucketName": "orders"},
                            resources=[{"ARN": "arn:aws:s3:::orders", "accountId": ACCT, "type": "AWS::S3::Bucket"}]))
        d += dt.timedelta(hours=6)
    # The incident, with the key issued at 12:00 on the 5th.
    me = assumed(key, WEB_ROLE, WEB_ID, INSTANCE, "2026-11-05T12:00:00Z")
    recs.append(rec("web/x/gci", "2026-11-05T14:20:00Z", me, "sts.amazonaws.com", "GetCallerIdentity", FRANKFURT,
                    read_only=True))
    recs.append(rec("web/x/lb", "2026-11-05T14:21:00Z", me, "s3.amazonaws.com", "ListBuckets", FRANKFURT,
                    read_only=True))
    for k in range(3):
        recs.append(rec(f"web/x/get{k}", f"2026-11-05T14:2{2 + k}:00Z", me, "s3.amazonaws.com", "GetObject", FRANKFURT,
                        read_only=True, req={"bucketName": "orders"},
                        resources=[{"ARN": "arn:aws:s3:::orders", "accountId": ACCT, "type": "AWS::S3::Bucket"}]))
    write("instance.json.gz", f"web-app-role sessions of {INSTANCE} since 2026-10-01; the last key ({key}) used "
          "from Frankfurt", recs)


OTHER = "444455556666"
RO_ROLE = (f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/"
           "AWSReservedSSO_ReadOnlyAccess_1111111111111111")
ADMIN_ROLE = (f"arn:aws:iam::{OTHER}:role/aws-reserved/sso.amazonaws.com/"
              "AWSReservedSSO_AdministratorAccess_2222222222222222")


class SsoUser(Person):
    """An Identity Center user who signs in to permission sets in different accounts (one SAML user, many roles)."""

    def __init__(self, name):
        super().__init__(name)
        self.acct = ACCT

    def sign_in_to(self, t, ip, role, role_id, acct):
        self.role, self.role_id, self.acct = role, role_id, acct
        self.n += 1
        key = f"ASIA{self.name.upper()[:4]:X<4}{acct[:4]}{self.n:08d}"
        tag = f"{self.name}/{self.n}"
        role_name = role.rsplit("/", 1)[1]
        resp = {"credentials": {"accessKeyId": key, "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN", "expiration": t},
                "assumedRoleUser": {"assumedRoleId": f"{role_id}:{self.name}",
                                    "arn": f"arn:aws:sts::{acct}:assumed-role/{role_name}/{self.name}"}}
        provider = f"arn:aws:iam::{acct}:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"
        req = {"roleArn": role, "roleSessionName": self.name, "durationSeconds": 3600, "principalArn": provider}
        self.recs.append(rec(tag + "/saml", t, saml_user(self.name), "sts.amazonaws.com", "AssumeRoleWithSAML",
                             ip, ua="aws-internal/3 aws-sdk-java/1.12.716", req=req, resp=resp, acct=acct))
        self.key, self.created, self.calls = key, t, 0
        return key

    def call_in(self, t, source, name, ip):
        self.calls += 1
        self.recs.append(rec(f"{self.name}/{self.n}/{self.calls}", t,
                             assumed(self.key, self.role, self.role_id, self.name, self.created, acct=self.acct),
                             source, name, ip, read_only=True, acct=self.acct))


def continents():
    """Mia (Identity Center) reads in the ReadOnly permission set of 111122223333 from Bellevue at 14:05–14:10, and
    25 minutes later her Admin permission set in 444455556666 is used from Frankfurt (8 170 km: impossible). Two
    sessions, two roles, two accounts, one person. Noah, another user, works from Frankfurt in the same Admin
    permission set at the same time: he travels nowhere and does not make mia travel."""
    mia, noah = SsoUser("mia"), SsoUser("noah")
    for d in business_days(dt.date(2026, 10, 1), HISTORY[1]):
        mia.sign_in_to(ts(d, 16 * 3600), BELLEVUE, RO_ROLE, "AROAREADONLYEXAMPLE1", ACCT)
        mia.call_in(ts(d, 16 * 3600 + 300), "ec2.amazonaws.com", "DescribeInstances", BELLEVUE)
        noah.sign_in_to(ts(d, 8 * 3600), FRANKFURT, ADMIN_ROLE, "AROAADMINOTHEREXAMP1", OTHER)
        noah.call_in(ts(d, 8 * 3600 + 300), "iam.amazonaws.com", "ListRoles", FRANKFURT)
    mia.sign_in_to(ts(INCIDENT, 14 * 3600 + 300), BELLEVUE, RO_ROLE, "AROAREADONLYEXAMPLE1", ACCT)
    mia.call_in(ts(INCIDENT, 14 * 3600 + 600), "ec2.amazonaws.com", "DescribeInstances", BELLEVUE)
    noah.sign_in_to(ts(INCIDENT, 14 * 3600 + 1200), FRANKFURT, ADMIN_ROLE, "AROAADMINOTHEREXAMP1", OTHER)
    noah.call_in(ts(INCIDENT, 14 * 3600 + 1260), "iam.amazonaws.com", "ListRoles", FRANKFURT)
    mia.sign_in_to(ts(INCIDENT, 14 * 3600 + 2100), FRANKFURT, ADMIN_ROLE, "AROAADMINOTHEREXAMP1", OTHER)
    mia.call_in(ts(INCIDENT, 14 * 3600 + 2160), "iam.amazonaws.com", "CreateAccessKey", FRANKFURT)
    write("continents.json.gz", "mia: ReadOnly in 111122223333 from Bellevue, Admin in 444455556666 from Frankfurt "
          "25 minutes later; noah in Frankfurt", mia.recs + noah.recs)


if __name__ == "__main__":
    spike()
    travel()
    training()
    instance()
    continents()
