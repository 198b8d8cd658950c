//! The API calls the demo organisation makes: service, name, read-only flag, data-event flag, and realistic
//! request parameters, response elements and error texts for each.

use serde_json::{Value, json};

use super::ids::{self, DEMO_ROLE1, VENDOR_AUDIT};
use super::plan::{Actor, Session};
use super::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    DescribeInstances,
    RunInstances,
    DescribeSecurityGroups,
    DescribeVolumes,
    ListBuckets,
    GetObject,
    PutObject,
    DescribeTrails,
    LookupEvents,
    StopLogging,
    GetCallerIdentity,
    ListRoles,
    GetRole,
    AttachRolePolicy,
    UpdateAssumeRolePolicy,
    FilterLogEvents,
    GetParameter,
    Decrypt,
    DescribeStacks,
    CreateChangeSet,
    ExecuteChangeSet,
    DescribeStackEvents,
    UpdateFunctionCode,
    GetFunction,
    ListFunctions,
}

impl Api {
    pub fn source(self) -> &'static str {
        use Api::*;
        match self {
            DescribeInstances | RunInstances | DescribeSecurityGroups | DescribeVolumes => "ec2.amazonaws.com",
            ListBuckets | GetObject | PutObject => "s3.amazonaws.com",
            DescribeTrails | LookupEvents | StopLogging => "cloudtrail.amazonaws.com",
            GetCallerIdentity => "sts.amazonaws.com",
            ListRoles | GetRole | AttachRolePolicy | UpdateAssumeRolePolicy => "iam.amazonaws.com",
            FilterLogEvents => "logs.amazonaws.com",
            GetParameter => "ssm.amazonaws.com",
            Decrypt => "kms.amazonaws.com",
            DescribeStacks | CreateChangeSet | ExecuteChangeSet | DescribeStackEvents => "cloudformation.amazonaws.com",
            UpdateFunctionCode | GetFunction | ListFunctions => "lambda.amazonaws.com",
        }
    }

    pub fn name(self) -> &'static str {
        use Api::*;
        match self {
            DescribeInstances => "DescribeInstances",
            RunInstances => "RunInstances",
            DescribeSecurityGroups => "DescribeSecurityGroups",
            DescribeVolumes => "DescribeVolumes",
            ListBuckets => "ListBuckets",
            GetObject => "GetObject",
            PutObject => "PutObject",
            DescribeTrails => "DescribeTrails",
            LookupEvents => "LookupEvents",
            StopLogging => "StopLogging",
            GetCallerIdentity => "GetCallerIdentity",
            ListRoles => "ListRoles",
            GetRole => "GetRole",
            AttachRolePolicy => "AttachRolePolicy",
            UpdateAssumeRolePolicy => "UpdateAssumeRolePolicy",
            FilterLogEvents => "FilterLogEvents",
            GetParameter => "GetParameter",
            Decrypt => "Decrypt",
            DescribeStacks => "DescribeStacks",
            CreateChangeSet => "CreateChangeSet",
            ExecuteChangeSet => "ExecuteChangeSet",
            DescribeStackEvents => "DescribeStackEvents",
            UpdateFunctionCode => "UpdateFunctionCode20150331v2",
            GetFunction => "GetFunction20150331v2",
            ListFunctions => "ListFunctions20150331",
        }
    }

    pub fn read_only(self) -> bool {
        use Api::*;
        !matches!(
            self,
            RunInstances
                | PutObject
                | StopLogging
                | AttachRolePolicy
                | UpdateAssumeRolePolicy
                | CreateChangeSet
                | ExecuteChangeSet
                | UpdateFunctionCode
        )
    }

    /// S3 object-level calls are data events (`managementEvent: false`, category `Data`).
    pub fn is_data_event(self) -> bool {
        matches!(self, Api::GetObject | Api::PutObject)
    }

    /// IAM is a global service whose events are logged in us-east-1.
    pub fn is_global(self) -> bool {
        self.source() == "iam.amazonaws.com"
    }

    /// `(errorCode, errorMessage)` for a failed call by `caller_arn`.
    pub fn error(self, caller_arn: &str, resource: &str) -> (&'static str, String) {
        let action = format!(
            "{}:{}",
            self.source().trim_end_matches(".amazonaws.com"),
            self.iam_action()
        );
        match self {
            Api::GetObject => ("NoSuchKey", "The specified key does not exist.".to_string()),
            Api::LookupEvents => ("ThrottlingException", "Rate exceeded".to_string()),
            _ if self.source() == "ec2.amazonaws.com" => (
                "Client.UnauthorizedOperation",
                format!(
                    "You are not authorized to perform this operation. User: {caller_arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
                ),
            ),
            _ => (
                "AccessDenied",
                format!(
                    "User: {caller_arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
                ),
            ),
        }
    }

    fn iam_action(self) -> &'static str {
        match self {
            Api::UpdateFunctionCode => "UpdateFunctionCode",
            Api::GetFunction => "GetFunction",
            Api::ListFunctions => "ListFunctions",
            other => other.name(),
        }
    }
}

/// What a call touched, for `requestParameters` / `responseElements` / `resources`.
pub struct Payload {
    pub request: Value,
    pub response: Value,
    /// The resource named in an AccessDenied message.
    pub resource: String,
}

fn bucket_for(actor: Actor, rng: &mut Rng) -> &'static str {
    match actor {
        Actor::Vendor => "prod-customer-data",
        Actor::Instance(_) => "web-app-assets-444455556666",
        Actor::Lambda => "orders-archive-444455556666",
        Actor::Deployer | Actor::Gha => "deploy-artifacts-777788889999",
        _ => {
            const BUCKETS: [&str; 3] = ["prod-customer-data", "prod-reports", "web-app-assets-444455556666"];
            BUCKETS.get(rng.below(3) as usize).copied().unwrap_or("prod-reports")
        }
    }
}

/// Request parameters and response elements of one call. `variant` selects the story's exact values.
pub fn payload(api: Api, variant: u8, s: &Session, region: &str, t: i64, rng: &mut Rng) -> Payload {
    let account = s.account();
    let none = |request: Value, resource: String| Payload {
        request,
        response: Value::Null,
        resource,
    };
    match api {
        Api::DescribeInstances => none(
            json!({"instancesSet": {}, "filterSet": {}, "includeAllInstances": false}),
            "*".into(),
        ),
        Api::RunInstances => {
            let id = format!("i-0{}", rng.hex(16));
            Payload {
                request: json!({
                    "instancesSet": {"items": [{"imageId": "ami-0fff1b9a61dec8a5f", "minCount": 1, "maxCount": 1}]},
                    "instanceType": "t3.xlarge",
                    "blockDeviceMapping": {},
                    "monitoring": {"enabled": false},
                    "disableApiTermination": false,
                    "disableApiStop": false,
                    "clientToken": rng.uuid(),
                }),
                response: json!({
                    "requestId": rng.uuid(),
                    "reservationId": format!("r-0{}", rng.hex(16)),
                    "ownerId": account,
                    "groupSet": {},
                    "instancesSet": {"items": [{
                        "instanceId": id,
                        "imageId": "ami-0fff1b9a61dec8a5f",
                        "currentInstanceBootMode": "legacy-bios",
                        "instanceState": {"code": 0, "name": "pending"},
                        "instanceType": "t3.xlarge",
                        "launchTime": super::clock::iso(t),
                        "placement": {"availabilityZone": format!("{region}a"), "tenancy": "default"},
                        "privateIpAddress": "10.0.1.200",
                    }]},
                }),
                resource: format!("arn:aws:ec2:{region}:{account}:instance/*"),
            }
        }
        Api::DescribeSecurityGroups => none(
            json!({"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}}),
            "*".into(),
        ),
        Api::DescribeVolumes => none(json!({"volumeSet": {}, "filterSet": {}}), "*".into()),
        Api::ListBuckets => none(json!({"Host": "s3.amazonaws.com"}), "*".into()),
        Api::GetObject | Api::PutObject => {
            let bucket = bucket_for(s.actor, rng);
            let key = match s.actor {
                Actor::Vendor => format!("exports/customers-{:04}.csv", rng.below(10_000)),
                Actor::Deployer | Actor::Gha => format!("shop/{}/template.yaml", rng.hex(12)),
                _ => format!("data/{}/{}.json", rng.below(100), rng.hex(8)),
            };
            let resource = format!("arn:aws:s3:::{bucket}/{key}");
            Payload {
                request: json!({"bucketName": bucket, "Host": format!("{bucket}.s3.{region}.amazonaws.com"), "key": key}),
                response: Value::Null,
                resource,
            }
        }
        Api::DescribeTrails => none(json!({"includeShadowTrails": true}), "*".into()),
        Api::LookupEvents => none(
            json!({"maxResults": 50, "lookupAttributes": [{"attributeKey": "EventName", "attributeValue": "ConsoleLogin"}]}),
            "*".into(),
        ),
        Api::StopLogging => none(json!({"name": ids::DEMO_TRAIL_2}), ids::DEMO_TRAIL_2.into()),
        Api::GetCallerIdentity => none(Value::Null, "*".into()),
        Api::ListRoles => none(Value::Null, format!("arn:aws:iam::{account}:role/")),
        Api::GetRole => none(
            json!({"roleName": "deployer"}),
            format!("arn:aws:iam::{account}:role/deployer"),
        ),
        Api::AttachRolePolicy => {
            let (role, policy) = if variant == 0 {
                (DEMO_ROLE1.name, "arn:aws:iam::aws:policy/AdministratorAccess")
            } else {
                (VENDOR_AUDIT.name, "arn:aws:iam::aws:policy/ReadOnlyAccess")
            };
            none(json!({"roleName": role, "policyArn": policy}), format!("role {role}"))
        }
        Api::UpdateAssumeRolePolicy => {
            let doc = format!(
                "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"arn:aws:iam::{}:root\"}},\"Action\":\"sts:AssumeRole\"}}]}}",
                ids::VENDOR
            );
            none(
                json!({"roleName": VENDOR_AUDIT.name, "policyDocument": doc}),
                VENDOR_AUDIT.arn(),
            )
        }
        Api::FilterLogEvents => none(
            json!({"logGroupName": "/aws/lambda/orders-processor", "startTime": (t - 3600) * 1000, "filterPattern": "ERROR"}),
            format!("arn:aws:logs:{region}:{account}:log-group:/aws/lambda/orders-processor"),
        ),
        Api::GetParameter => none(
            json!({"name": "/web-app/prod/db-password", "withDecryption": true}),
            format!("arn:aws:ssm:{region}:{account}:parameter/web-app/prod/db-password"),
        ),
        Api::Decrypt => none(
            json!({"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"PARAMETER_ARN": format!("arn:aws:ssm:{region}:{account}:parameter/web-app/prod/db-password")}}),
            format!("arn:aws:kms:{region}:{account}:key/3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"),
        ),
        Api::DescribeStacks | Api::DescribeStackEvents => none(
            json!({"stackName": "shop-service"}),
            format!("arn:aws:cloudformation:{region}:{account}:stack/shop-service/*"),
        ),
        Api::CreateChangeSet => {
            let cs = format!("gha-{}", rng.below(9_000_000_000) + 1_000_000_000);
            Payload {
                request: json!({"stackName": "shop-service", "templateURL": format!("https://deploy-artifacts-777788889999.s3.amazonaws.com/shop/{}/template.yaml", rng.hex(12)), "capabilities": ["CAPABILITY_IAM"], "changeSetName": cs, "changeSetType": "UPDATE"}),
                response: json!({"id": format!("arn:aws:cloudformation:{region}:{account}:changeSet/{cs}/{}", rng.uuid()), "stackId": format!("arn:aws:cloudformation:{region}:{account}:stack/shop-service/4c1b6a30-6f2e-11f0-9e2b-0a1b2c3d4e5f")}),
                resource: format!("arn:aws:cloudformation:{region}:{account}:stack/shop-service/*"),
            }
        }
        Api::ExecuteChangeSet => none(
            json!({"changeSetName": format!("gha-{}", rng.below(9_000_000_000) + 1_000_000_000), "stackName": "shop-service"}),
            format!("arn:aws:cloudformation:{region}:{account}:stack/shop-service/*"),
        ),
        Api::UpdateFunctionCode => {
            let f = format!("arn:aws:lambda:{region}:{account}:function:orders-processor");
            Payload {
                request: json!({"functionName": "orders-processor", "s3Bucket": "deploy-artifacts-777788889999", "s3Key": format!("shop/{}/orders.zip", rng.hex(12)), "publish": true}),
                response: json!({"functionName": "orders-processor", "functionArn": f, "runtime": "nodejs20.x", "role": ids::ORDERS.arn(), "handler": "index.handler", "codeSize": 48_211 + rng.below(4096), "version": (1 + rng.below(400)).to_string(), "lastUpdateStatus": "InProgress", "state": "Active"}),
                resource: f,
            }
        }
        Api::GetFunction => none(
            json!({"functionName": "orders-processor"}),
            format!("arn:aws:lambda:{region}:{account}:function:orders-processor"),
        ),
        Api::ListFunctions => none(Value::Null, "*".into()),
    }
}
