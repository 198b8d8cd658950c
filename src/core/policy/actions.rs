//! Which IAM actions a CloudTrail call needed: the `eventSource` / `eventName` → action mapping, read once from the
//! compiled-in data file `actions.txt` (its grammar is in its header, its sources in `docs/policy.md` §2). Three
//! kinds of knowledge: a service's IAM prefix (which differs from the event source host for some services), calls
//! listed one by one (S3, the exceptions of other services), and the documented general rule that an API's action
//! has its name, applied only to services the data file marks `same-name`. Everything else is
//! [`ActionLookup::Unknown`]: listed, never invented. Event names that are not plain API names (anything but ASCII
//! letters and digits) are unknown too, so hostile text never becomes an action.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The data file.
const DATA: &str = include_str!("actions.txt");

/// Why a call's actions are known, for readers who want to check a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The call is listed in the data file.
    Listed,
    /// The service's actions carry their API names (`docs/policy.md` §2).
    SameName,
}

/// Why a call's actions are not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownReason {
    /// The event source is not in the data file.
    Service,
    /// The service is listed call by call and this call is not among them.
    Call,
    /// The actions depend on request contents the record does not carry (DynamoDB transactions, PartiQL).
    Contents,
    /// The event name is not a plain API name (empty, or other characters than ASCII letters and digits).
    Malformed,
}

/// What a call needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionLookup {
    /// These IAM actions (`service:Action`), at least one.
    Actions {
        /// The actions, in data-file order.
        actions: Vec<String>,
        /// Why they are known.
        basis: Basis,
    },
    /// No permission is needed (or the call is authorised by something other than the caller's policies).
    NoPermission,
    /// Not known.
    Unknown(UnknownReason),
}

/// How a service's calls map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    SameName,
    Listed,
}

/// A listed call.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Listed {
    Actions(Vec<String>),
    None,
    Unknown,
}

/// The parsed data file.
#[derive(Default, Debug)]
struct Table {
    services: HashMap<String, (String, Rule)>,
    versioned: Vec<String>,
    calls: HashMap<(String, String), Listed>,
}

/// A data-file line that does not follow the grammar; a test parses the compiled-in file, so this never reaches
/// a user.
#[derive(Debug, PartialEq, Eq)]
struct BadLine(usize);

fn parse(data: &str) -> Result<Table, BadLine> {
    let mut t = Table::default();
    for (n, line) in data.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["service", host, prefix, rule] => {
                let rule = match *rule {
                    "same-name" => Rule::SameName,
                    "listed" => Rule::Listed,
                    _ => return Err(BadLine(n + 1)),
                };
                t.services.insert((*host).to_owned(), ((*prefix).to_owned(), rule));
            }
            ["versioned", host] => t.versioned.push((*host).to_owned()),
            ["call", host, name, what] => {
                let listed = match *what {
                    "none" => Listed::None,
                    "unknown" => Listed::Unknown,
                    list => {
                        let actions: Vec<String> = list.split(',').map(str::to_owned).collect();
                        if actions.iter().any(|a| !is_action(a)) {
                            return Err(BadLine(n + 1));
                        }
                        Listed::Actions(actions)
                    }
                };
                if !t.services.contains_key(*host) {
                    return Err(BadLine(n + 1));
                }
                t.calls.insert(((*host).to_owned(), (*name).to_owned()), listed);
            }
            _ => return Err(BadLine(n + 1)),
        }
    }
    Ok(t)
}

/// `prefix:Name` with a prefix of lowercase letters, digits and `-`, and a name of ASCII letters and digits.
fn is_action(a: &str) -> bool {
    a.split_once(':').is_some_and(|(p, n)| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && is_api_name(n)
    })
}

/// A plain API name: ASCII letters and digits, starting with a letter.
fn is_api_name(n: &str) -> bool {
    n.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) && n.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    // The file is compiled in and a unit test parses it: an error here is a build defect, shown as an empty table
    // (every call unknown) rather than a panic.
    TABLE.get_or_init(|| parse(DATA).unwrap_or_default())
}

/// `name` without a Lambda-style API version suffix (`GetFunction20150331v2` → `GetFunction`): the suffix must
/// start with an 8-digit date and hold only digits, `v` and `_`.
fn strip_version(name: &str) -> &str {
    let cut = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == 'v' || c == '_');
    let suffix = &name[cut.len()..];
    // A name that itself ends in 'v' would lose it: put back anything before the first digit.
    let start = suffix.find(|c: char| c.is_ascii_digit()).unwrap_or(suffix.len());
    let (cut, suffix) = name.split_at(cut.len() + start);
    if suffix.len() >= 8 && suffix.as_bytes()[..8].iter().all(u8::is_ascii_digit) {
        cut
    } else {
        name
    }
}

/// The IAM service prefix of an event source, when the data file knows the service.
pub fn service_prefix(event_source: &str) -> Option<&'static str> {
    table().services.get(event_source).map(|(p, _)| p.as_str())
}

/// The IAM actions a successful call of `event_name` on `event_source` needed.
pub fn lookup(event_source: &str, event_name: &str) -> ActionLookup {
    let t = table();
    if !is_api_name(event_name) {
        return ActionLookup::Unknown(UnknownReason::Malformed);
    }
    let Some((prefix, rule)) = t.services.get(event_source) else {
        return ActionLookup::Unknown(UnknownReason::Service);
    };
    let name = if t.versioned.iter().any(|h| h == event_source) {
        strip_version(event_name)
    } else {
        event_name
    };
    match t.calls.get(&(event_source.to_owned(), name.to_owned())) {
        Some(Listed::Actions(a)) => ActionLookup::Actions {
            actions: a.clone(),
            basis: Basis::Listed,
        },
        Some(Listed::None) => ActionLookup::NoPermission,
        Some(Listed::Unknown) => ActionLookup::Unknown(UnknownReason::Contents),
        None => match rule {
            Rule::SameName => ActionLookup::Actions {
                actions: vec![format!("{prefix}:{name}")],
                basis: Basis::SameName,
            },
            Rule::Listed => ActionLookup::Unknown(UnknownReason::Call),
        },
    }
}

impl ActionLookup {
    /// Why the actions are known, when they are.
    pub fn basis(&self) -> Option<Basis> {
        match self {
            ActionLookup::Actions { basis, .. } => Some(*basis),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(source: &str, name: &str) -> Vec<String> {
        match lookup(source, name) {
            ActionLookup::Actions { actions, .. } => actions,
            other => panic!("{source} {name}: {other:?}"),
        }
    }

    #[test]
    fn the_data_file_parses_completely() {
        let t = parse(DATA).unwrap();
        assert!(t.services.len() > 30, "{}", t.services.len());
        assert!(t.calls.len() > 80, "{}", t.calls.len());
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        assert_eq!(parse("service a.amazonaws.com a sometimes").unwrap_err(), BadLine(1));
        assert_eq!(parse("# c\ncall x.amazonaws.com Foo x:Foo").unwrap_err(), BadLine(2));
        assert_eq!(
            parse("service x.amazonaws.com x listed\ncall x.amazonaws.com Foo x:Fo-o").unwrap_err(),
            BadLine(2)
        );
    }

    #[test]
    fn prefixes_that_differ_from_the_event_source_host() {
        assert_eq!(
            actions("monitoring.amazonaws.com", "GetMetricData"),
            ["cloudwatch:GetMetricData"]
        );
        assert_eq!(
            actions("streams.dynamodb.amazonaws.com", "GetRecords"),
            ["dynamodb:GetRecords"]
        );
        assert_eq!(actions("tagging.amazonaws.com", "GetResources"), ["tag:GetResources"]);
        assert_eq!(actions("runtime.lex.amazonaws.com", "PostText"), ["lex:PostText"]);
        assert_eq!(
            actions("appstream2.amazonaws.com", "CreateFleet"),
            ["appstream:CreateFleet"]
        );
        assert_eq!(service_prefix("monitoring.amazonaws.com"), Some("cloudwatch"));
    }

    #[test]
    fn s3_api_names_that_are_not_action_names() {
        assert_eq!(actions("s3.amazonaws.com", "ListObjects"), ["s3:ListBucket"]);
        assert_eq!(actions("s3.amazonaws.com", "ListObjectsV2"), ["s3:ListBucket"]);
        assert_eq!(actions("s3.amazonaws.com", "HeadBucket"), ["s3:ListBucket"]);
        assert_eq!(actions("s3.amazonaws.com", "ListBuckets"), ["s3:ListAllMyBuckets"]);
        assert_eq!(actions("s3.amazonaws.com", "HeadObject"), ["s3:GetObject"]);
        assert_eq!(actions("s3.amazonaws.com", "GetObject"), ["s3:GetObject"]);
        assert_eq!(actions("s3.amazonaws.com", "DeleteObjects"), ["s3:DeleteObject"]);
        assert_eq!(
            actions("s3.amazonaws.com", "ListObjectVersions"),
            ["s3:ListBucketVersions"]
        );
        assert_eq!(
            actions("s3.amazonaws.com", "GetBucketEncryption"),
            ["s3:GetEncryptionConfiguration"]
        );
        assert_eq!(
            actions("s3.amazonaws.com", "PutBucketReplication"),
            ["s3:PutReplicationConfiguration", "iam:PassRole"]
        );
        assert_eq!(lookup("s3.amazonaws.com", "ListObjects").basis(), Some(Basis::Listed));
    }

    #[test]
    fn calls_that_need_several_actions() {
        assert_eq!(
            actions("s3.amazonaws.com", "CopyObject"),
            ["s3:GetObject", "s3:PutObject"]
        );
        assert_eq!(
            actions("kms.amazonaws.com", "ReEncrypt"),
            ["kms:ReEncryptFrom", "kms:ReEncryptTo"]
        );
    }

    #[test]
    fn versioned_lambda_names() {
        assert_eq!(
            actions("lambda.amazonaws.com", "CreateFunction20150331"),
            ["lambda:CreateFunction"]
        );
        assert_eq!(
            actions("lambda.amazonaws.com", "GetFunction20150331v2"),
            ["lambda:GetFunction"]
        );
        assert_eq!(
            actions("lambda.amazonaws.com", "PutFunctionConcurrency20171031"),
            ["lambda:PutFunctionConcurrency"]
        );
        assert_eq!(
            actions("lambda.amazonaws.com", "ListFunctions20150331"),
            ["lambda:ListFunctions"]
        );
        assert_eq!(actions("lambda.amazonaws.com", "Invoke"), ["lambda:InvokeFunction"]);
        // Not a date: kept as written.
        assert_eq!(strip_version("Foo2v"), "Foo2v");
        assert_eq!(strip_version("Dev20150331"), "Dev");
        // Only Lambda's names are versioned.
        assert_eq!(actions("ec2.amazonaws.com", "Foo20150331"), ["ec2:Foo20150331"]);
    }

    #[test]
    fn calls_that_need_no_permission() {
        assert_eq!(
            lookup("sts.amazonaws.com", "GetCallerIdentity"),
            ActionLookup::NoPermission
        );
        assert_eq!(
            lookup("sts.amazonaws.com", "GetSessionToken"),
            ActionLookup::NoPermission
        );
        assert_eq!(
            lookup("signin.amazonaws.com", "ConsoleLogin"),
            ActionLookup::NoPermission
        );
        assert_eq!(
            lookup("dynamodb.amazonaws.com", "DescribeEndpoints"),
            ActionLookup::NoPermission
        );
    }

    #[test]
    fn same_name_services() {
        assert_eq!(actions("sts.amazonaws.com", "AssumeRole"), ["sts:AssumeRole"]);
        assert_eq!(actions("iam.amazonaws.com", "CreateAccessKey"), ["iam:CreateAccessKey"]);
        assert_eq!(
            lookup("iam.amazonaws.com", "CreateAccessKey").basis(),
            Some(Basis::SameName)
        );
    }

    #[test]
    fn unknown_is_never_invented() {
        assert_eq!(
            lookup("example.amazonaws.com", "DoThing"),
            ActionLookup::Unknown(UnknownReason::Service)
        );
        assert_eq!(
            lookup("s3.amazonaws.com", "SelectObjectContent"),
            ActionLookup::Unknown(UnknownReason::Call)
        );
        assert_eq!(
            lookup("signin.amazonaws.com", "Something"),
            ActionLookup::Unknown(UnknownReason::Call)
        );
        assert_eq!(
            lookup("dynamodb.amazonaws.com", "TransactWriteItems"),
            ActionLookup::Unknown(UnknownReason::Contents)
        );
        for hostile in [
            "",
            "Get\u{1b}[31m",
            "Get\u{202e}Object",
            "Get Object",
            "s3:GetObject",
            "9Lives",
        ] {
            assert_eq!(
                lookup("iam.amazonaws.com", hostile),
                ActionLookup::Unknown(UnknownReason::Malformed),
                "{hostile:?}"
            );
        }
    }
}
