//! Every fixed identifier of the sample organisation (samples/SCENARIO.md): accounts, roles, people, keys, IPs,
//! user agents and the time frame. Nothing here is random, so tests and docs can name these values.

use crate::core::time::days_from_civil;

pub const ORG_ID: &str = "o-demo1234567";
pub const PROD: &str = "111122223333";
pub const DEV: &str = "444455556666";
pub const TOOLING: &str = "777788889999";
pub const VENDOR: &str = "999988887777";
/// Accounts whose logs are written, by index (a record's recipient account is an index into this).
pub const ACCOUNTS: [&str; 3] = [PROD, DEV, TOOLING];
pub const REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];
pub const US_EAST_1: u8 = 0;
pub const US_WEST_2: u8 = 1;
pub const EU_WEST_1: u8 = 2;

pub fn account_index(account: &str) -> u8 {
    ACCOUNTS.iter().position(|a| *a == account).unwrap_or(0) as u8
}

pub const TRAIL_BUCKET: &str = "aws-cloudtrail-logs-o-demo1234567";
pub const DEMO_TRAIL_2: &str = "arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2";
pub const SSO_PROVIDER: &str = "arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE";
pub const SSO_NAME_QUALIFIER: &str = "c2FyYWRlbW9pZGNlbnRlcg0K1a2b3c4=";
pub const IDC_STORE: &str = "d-9067230c03";
pub const GH_SUBJECT: &str = "repo:example/shop:ref:refs/heads/main";

/// An IAM role of the sample organisation.
#[derive(Debug)]
pub struct RoleDef {
    pub account: &'static str,
    pub path: &'static str,
    pub name: &'static str,
    pub id: &'static str,
}

impl RoleDef {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:role{}{}", self.account, self.path, self.name)
    }
    pub fn session_arn(&self, session: &str) -> String {
        format!("arn:aws:sts::{}:assumed-role/{}/{}", self.account, self.name, session)
    }
}

const SSO_PATH: &str = "/aws-reserved/sso.amazonaws.com/";
pub static ADMIN_SSO: RoleDef = RoleDef {
    account: PROD,
    path: SSO_PATH,
    name: "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
    id: "AROAADMINSSOEXAMPLE01",
};
pub static DEMO_ROLE1: RoleDef = RoleDef {
    account: PROD,
    path: "/",
    name: "DemoRole1",
    id: "AROADEMOROLE1EXAMPLE",
};
pub static VENDOR_AUDIT: RoleDef = RoleDef {
    account: PROD,
    path: "/",
    name: "vendor-audit",
    id: "AROAVENDORAUDITEXMPL",
};
pub static RO_SSO_PROD: RoleDef = RoleDef {
    account: PROD,
    path: SSO_PATH,
    name: "AWSReservedSSO_ReadOnlyAccess_fedcba9876543210",
    id: "AROAREADONLYPRODEXMPL",
};
pub static RO_SSO_DEV: RoleDef = RoleDef {
    account: DEV,
    path: SSO_PATH,
    name: "AWSReservedSSO_ReadOnlyAccess_fedcba9876543210",
    id: "AROAREADONLYDEVEXAMPL",
};
pub static WEB_APP: RoleDef = RoleDef {
    account: DEV,
    path: "/",
    name: "web-app-role",
    id: "AROAWEBAPPROLEEXAMPLE",
};
pub static ORDERS: RoleDef = RoleDef {
    account: DEV,
    path: "/service-role/",
    name: "orders-processor-role",
    id: "AROAORDERSPROCEXAMPL",
};
pub static GHA_DEPLOY: RoleDef = RoleDef {
    account: TOOLING,
    path: "/",
    name: "gha-deploy",
    id: "AROAGHADEPLOYEXAMPLE",
};
pub static DEPLOYER_DEV: RoleDef = RoleDef {
    account: DEV,
    path: "/",
    name: "deployer",
    id: "AROADEPLOYERDEVEXAMP",
};
pub static DEPLOYER_PROD: RoleDef = RoleDef {
    account: PROD,
    path: "/",
    name: "deployer",
    id: "AROADEPLOYERPRODEXAM",
};
pub static DEV_ADMIN: RoleDef = RoleDef {
    account: DEV,
    path: "/",
    name: "dev-admin",
    id: "AROADEVADMINEXAMPLE1",
};
pub static CONFIG_PROD: RoleDef = RoleDef {
    account: PROD,
    path: "/aws-service-role/config.amazonaws.com/",
    name: "AWSServiceRoleForConfig",
    id: "AROACONFIGPRODEXAMPL",
};
pub static CONFIG_DEV: RoleDef = RoleDef {
    account: DEV,
    path: "/aws-service-role/config.amazonaws.com/",
    name: "AWSServiceRoleForConfig",
    id: "AROACONFIGDEVEXAMPLE",
};
pub static CONFIG_TOOLING: RoleDef = RoleDef {
    account: TOOLING,
    path: "/aws-service-role/config.amazonaws.com/",
    name: "AWSServiceRoleForConfig",
    id: "AROACONFIGTOOLEXAMPL",
};

// Fixed keys and principals of the story.
pub const SARA_INCIDENT_KEY: &str = "ASIASARAADMIN0000001";
pub const DEMO_ROLE1_INCIDENT_KEY: &str = "ASIADEMOROLE10000001";
pub const VENDOR_KEY: &str = "ASIAVENDORAUDIT00001";
pub const VENDOR_PRINCIPAL: &str = "AIDAVENDOREXAMPLE0001";
pub const VENDOR_IP: &str = "203.0.113.77";
pub const LI_KEY: &str = "AKIALIEXAMPLE0000001";
pub const LI_PRINCIPAL: &str = "AIDALIEXAMPLE0000001";
pub const FIRST_INSTANCE: &str = "i-0a1b2c3d4e5f60001";

// Addresses (documentation ranges; the demo geolocation database covers exactly these).
pub const SARA_HOME_IPS: [&str; 2] = ["198.51.100.23", "198.51.100.24"];
pub const SARA_ASHBURN_IP: &str = "192.0.2.10";
pub const ALEX_IP: &str = "198.51.100.40";
pub const LI_IP: &str = "198.51.100.45";
/// Seattle addresses for the extra engineers added at high event counts.
pub fn engineer_ip(n: u16) -> String {
    format!("198.51.100.{}", 33 + (n % 30))
}
/// GitHub-hosted runners, placed in the "Example Cloud Ashburn" range.
pub fn runner_ip(n: u64) -> String {
    format!("192.0.2.{}", 100 + (n % 100))
}
pub fn instance_id(n: u16) -> String {
    format!("i-0a1b2c3d4e5f6{:04x}", u32::from(n) + 1)
}
pub fn instance_ip(n: u16) -> String {
    format!("10.0.{}.{}", 1 + n / 200, 15 + n % 200)
}

// User agents.
pub const UA_CLI: &str = "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off";
pub const UA_CLI_ALEX: &str = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off";
pub const UA_BROWSER: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36";
pub const UA_BROWSER_LI: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:119.0) Gecko/20100101 Firefox/119.0";
pub const UA_INTERNAL: &str = "AWS Internal";
pub const UA_SIGNIN: &str = "signin.amazonaws.com";
pub const UA_PYTHON_REQUESTS: &str = "python-requests/2.31.0";
pub const UA_BOTO3: &str = "Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.1.77 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.51";
pub const UA_JAVA_SDK: &str = "aws-sdk-java/2.25.11 Linux/6.1.79-99.164.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/legacy";
pub const UA_LAMBDA: &str =
    "aws-sdk-nodejs/3.515.0 linux/v20.11.1 exec-env/AWS_Lambda_nodejs20.x lang/js md/nodejs#20.11.1 api/s3#3.515.0";
pub const UA_GHA: &str =
    "aws-sdk-nodejs/3.515.0 linux/v20.11.1 configure-aws-credentials-for-github-actions lang/js md/nodejs#20.11.1";
pub const UA_GHA_DEPLOY: &str = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-azure exe/x86_64.ubuntu.22 prompt/off command/cloudformation.deploy";

/// Epoch seconds of a UTC civil time.
pub fn at(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
}
/// First day of history (2026-09-14) as days since the epoch; the incident day is 2026-11-05.
pub fn first_day() -> i64 {
    days_from_civil(2026, 9, 14)
}
pub fn incident_day() -> i64 {
    days_from_civil(2026, 11, 5)
}
/// Monday..Friday.
pub fn is_business_day(day: i64) -> bool {
    // 1970-01-01 was a Thursday.
    let weekday = (day + 3).rem_euclid(7); // 0 = Monday
    weekday < 5
}
/// UTC offset of the US Pacific coast in hours (daylight time ends 2026-11-01).
pub fn pacific_offset(day: i64) -> i64 {
    if day < days_from_civil(2026, 11, 1) { -7 } else { -8 }
}
