#!/usr/bin/env python3
"""Writes the geo-fence scenario (tests/data/geofence/trail.json) and its policy (corporate-fence.json).

The story, told by hand (addresses placed by the demo GeoIP databases, src/demo/geoip.rs: 192.0.2.0/24 Ashburn US,
198.51.100.0/26 Bellevue US, 203.0.113.0/24 Frankfurt DE, 2001:db8:a::/48 Bellevue US, 2001:db8:f::/48 Frankfurt
DE; 198.51.100.200 is in no database):

Account 111122223333 allows its role Ops to be used only from the corporate egress 192.0.2.0/24 and the IPv6
egress 2001:db8:a::/48, or through the VPC endpoint vpce-0abc; people may connect only from the US.

- 09:00 IAM user sara assumes Ops (session "sara", key ASIAOPSSARA000000001) from the egress 192.0.2.50.
- 09:01 the session lists buckets from 192.0.2.50 (inside).
- 09:05, 09:06 the same key lists buckets and reads a bucket ACL from 203.0.113.66 (Frankfurt): allowed from
  outside — the fence failed.
- 09:07 the key calls GetCallerIdentity from 2001:db8:f::5 (Frankfurt, IPv6): allowed from outside.
- 09:08 CloudFormation creates a DynamoDB table with the session's credentials (invokedBy and source
  cloudformation.amazonaws.com): a call on the principal's behalf, kept apart.
- 09:09 the key calls GetCallerIdentity from 10.0.5.5 through the endpoint vpce-0abc (inside by the policy's
  endpoint; a private address no country fence can place).
- 09:10 the key lists buckets from 2001:db8:a::9 (Bellevue US, IPv6 egress): inside.
- 10:00-10:02 IAM user li tries ListRoles, ListUsers (AccessDenied) and DescribeInstances
  (Client.UnauthorizedOperation) from 203.0.113.67 (Frankfurt): denied — enforcement working.
- 10:03 li lists buckets from 198.51.100.10 (Bellevue US): inside.
- 11:00 IAM user kim lists buckets from 198.51.100.200, an address no database places: unknown, never a guess.
- 12:00 IAM user ann lists buckets from 198.51.100.10: inside, not reported.

Run: python3 tests/data/geofence/make.py (deterministic; the JSON files are committed).
"""
import json
import os
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ACCT = "111122223333"
OPS = f"arn:aws:iam::{ACCT}:role/Ops"
OPS_ID = "AROAOPS0000000000001"
SARA_KEY = "ASIAOPSSARA000000001"


def eid(tag):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "trailhound-geofence/" + tag))


def user(name, key, pid):
    return {"type": "IAMUser", "principalId": pid, "arn": f"arn:aws:iam::{ACCT}:user/{name}",
            "accountId": ACCT, "accessKeyId": key, "userName": name}


def sara_session(invoked_by=None):
    i = {"type": "AssumedRole", "principalId": f"{OPS_ID}:sara",
         "arn": f"arn:aws:sts::{ACCT}:assumed-role/Ops/sara", "accountId": ACCT, "accessKeyId": SARA_KEY,
         "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": OPS_ID, "arn": OPS,
                                              "accountId": ACCT, "userName": "Ops"},
                            "attributes": {"creationDate": "2026-11-05T09:00:00Z", "mfaAuthenticated": "false"}}}
    if invoked_by:
        i["invokedBy"] = invoked_by
    return i


def event(tag, time, source, name, ident, ip, error=None, extra=None):
    e = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": f"2026-11-05T{time}Z",
         "eventSource": source, "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip,
         "userAgent": "aws-cli/2.15.30 Python/3.11.8", "requestParameters": None, "responseElements": None,
         "eventID": eid(tag), "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCT,
         "eventCategory": "Management", "readOnly": True}
    if error:
        e["errorCode"] = error
        e["errorMessage"] = f"User is not authorized to perform: {name}"
    e.update(extra or {})
    return e


SARA = user("sara", "AKIASARA000000000001", "AIDASARA000000000001")
LI = user("li", "AKIALI00000000000001", "AIDALI00000000000001")
KIM = user("kim", "AKIAKIM0000000000001", "AIDAKIM0000000000001")
ANN = user("ann", "AKIAANN0000000000001", "AIDAANN0000000000001")

records = [
    event("assume", "09:00:00", "sts.amazonaws.com", "AssumeRole", SARA, "192.0.2.50", extra={
        "readOnly": False,
        "requestParameters": {"roleArn": OPS, "roleSessionName": "sara"},
        "responseElements": {
            "credentials": {"accessKeyId": SARA_KEY, "expiration": "2026-11-05T10:00:00Z",
                            "sessionToken": "IQoJEXAMPLE"},
            "assumedRoleUser": {"assumedRoleId": f"{OPS_ID}:sara",
                                "arn": f"arn:aws:sts::{ACCT}:assumed-role/Ops/sara"}}}),
    event("sara-egress", "09:01:00", "s3.amazonaws.com", "ListBuckets", sara_session(), "192.0.2.50"),
    event("sara-fra-1", "09:05:00", "s3.amazonaws.com", "ListBuckets", sara_session(), "203.0.113.66"),
    event("sara-fra-2", "09:06:00", "s3.amazonaws.com", "GetBucketAcl", sara_session(), "203.0.113.66"),
    event("sara-fra-v6", "09:07:00", "sts.amazonaws.com", "GetCallerIdentity", sara_session(), "2001:db8:f::5"),
    event("sara-cfn", "09:08:00", "dynamodb.amazonaws.com", "CreateTable",
          sara_session("cloudformation.amazonaws.com"), "cloudformation.amazonaws.com",
          extra={"readOnly": False, "userAgent": "cloudformation.amazonaws.com"}),
    event("sara-vpce", "09:09:00", "sts.amazonaws.com", "GetCallerIdentity", sara_session(), "10.0.5.5",
          extra={"vpcEndpointId": "vpce-0abc"}),
    event("sara-egress-v6", "09:10:00", "s3.amazonaws.com", "ListBuckets", sara_session(), "2001:db8:a::9"),
    event("li-1", "10:00:00", "iam.amazonaws.com", "ListRoles", LI, "203.0.113.67", error="AccessDenied"),
    event("li-2", "10:01:00", "iam.amazonaws.com", "ListUsers", LI, "203.0.113.67", error="AccessDenied"),
    event("li-3", "10:02:00", "ec2.amazonaws.com", "DescribeInstances", LI, "203.0.113.67",
          error="Client.UnauthorizedOperation"),
    event("li-home", "10:03:00", "s3.amazonaws.com", "ListBuckets", LI, "198.51.100.10"),
    event("kim", "11:00:00", "s3.amazonaws.com", "ListBuckets", KIM, "198.51.100.200"),
    event("ann", "12:00:00", "s3.amazonaws.com", "ListBuckets", ANN, "198.51.100.10"),
]

policy = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "DenyOutsideCorporateEgress",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {
            "NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8:a::/48"]},
            "StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-0abc"},
            "Bool": {"aws:ViaAWSService": "false"},
        },
    }],
}

with open(os.path.join(HERE, "trail.json"), "w") as f:
    json.dump({"Records": records}, f, indent=1, sort_keys=True)
    f.write("\n")
with open(os.path.join(HERE, "corporate-fence.json"), "w") as f:
    json.dump(policy, f, indent=1, sort_keys=True)
    f.write("\n")
