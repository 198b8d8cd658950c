//! The IAM policy document: `Version`, `Statement` (one object or an array), and per statement `Sid`, `Effect`,
//! `Action`/`NotAction`, `Resource`/`NotResource`, `Principal`/`NotPrincipal` and `Condition` (operator → key →
//! one value or an array), read from the three forms an analyst has at hand: a plain policy document, the output
//! of `aws iam get-role-policy` (also `get-user-policy` / `get-group-policy`) whose `PolicyDocument` is an object
//! or, as the IAM API returns it, a URL-encoded string, and the output of `aws iam get-policy-version` whose
//! document is `PolicyVersion.Document`. The grammar followed is the IAM JSON policy reference (`docs/policy.md`
//! §1). This module only reads and writes documents; what a document allows is decided elsewhere
//! (`core::policy::compare`). Errors name the statement and field, never echo unbounded input, and show input
//! text only through [`crate::core::text::visible`]. The model is here; reading the input forms is `read`, writing
//! in the IAM element order is `write`.

use serde::Serialize;
use std::fmt;

mod read;
mod write;

pub use read::parse_policy_input;

/// The policy language version written by [`PolicyDocument::new`]; the current one.
pub const CURRENT_VERSION: &str = "2012-10-17";
/// The older language version that IAM still accepts (no policy variables).
pub const LEGACY_VERSION: &str = "2008-10-17";

/// A parsed IAM policy document. Statement order is the order written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `Version`, when written (IAM treats a missing one as [`LEGACY_VERSION`]).
    pub version: Option<String>,
    /// `Id`, when written.
    pub id: Option<String>,
    /// The statements, in document order (a single statement object becomes a list of one).
    pub statements: Vec<Statement>,
}

/// `Effect` of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// Which actions a statement is about: `Action` lists those it covers, `NotAction` those it covers all but.
/// Entries are as written (`s3:GetObject`, `s3:Get*`, `*`); IAM matches them case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionSpec {
    /// `Action`: the statement applies to these patterns.
    Action(Vec<String>),
    /// `NotAction`: the statement applies to every action except these patterns.
    NotAction(Vec<String>),
}

impl ActionSpec {
    /// The patterns, whichever form.
    pub fn patterns(&self) -> &[String] {
        match self {
            ActionSpec::Action(p) | ActionSpec::NotAction(p) => p,
        }
    }
}

/// Which resources a statement is about; entries are ARN patterns as written (`*` and `?` wildcards).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceSpec {
    /// `Resource`: these ARN patterns.
    Resource(Vec<String>),
    /// `NotResource`: every resource except these patterns.
    NotResource(Vec<String>),
}

impl ResourceSpec {
    /// The patterns, whichever form.
    pub fn patterns(&self) -> &[String] {
        match self {
            ResourceSpec::Resource(p) | ResourceSpec::NotResource(p) => p,
        }
    }
}

/// The principals named by `Principal` / `NotPrincipal` (resource-based and trust policies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone (anonymous included).
    Any,
    /// Principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) → identifiers in written order; types
    /// sorted by name (JSON object order carries no meaning).
    Typed(Vec<(String, Vec<String>)>),
}

/// `Principal` or `NotPrincipal` of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `Principal`: the statement applies to these principals.
    Principal(Principals),
    /// `NotPrincipal`: the statement applies to everyone except these principals.
    NotPrincipal(Principals),
}

/// One condition: an operator, a condition key and the values the key is compared with. A `Condition` block is a
/// list of these sorted by operator, then key (JSON object order carries no meaning) (`{"IpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}` is one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written, qualifiers included (`StringEquals`, `ForAnyValue:StringLike`,
    /// `IpAddressIfExists`, `Null`).
    pub operator: String,
    /// The condition key as written (`aws:SourceIp`); IAM compares keys case-insensitively.
    pub key: String,
    /// The values; JSON booleans and numbers become their JSON text (`true`, `10`).
    pub values: Vec<String>,
}

impl Condition {
    /// The operator without its set qualifier (`ForAnyValue:`/`ForAllValues:`) and `IfExists` suffix:
    /// `ForAnyValue:StringLikeIfExists` → `StringLike`.
    pub fn base_operator(&self) -> &str {
        let op = self.operator.as_str();
        let op = op
            .strip_prefix("ForAnyValue:")
            .or_else(|| op.strip_prefix("ForAllValues:"))
            .unwrap_or(op);
        op.strip_suffix("IfExists").unwrap_or(op)
    }

    /// Whether the operator carries the `IfExists` suffix (a missing key then matches).
    pub fn if_exists(&self) -> bool {
        self.operator.ends_with("IfExists")
    }

    /// Whether this condition is on `key`, compared case-insensitively as IAM does.
    pub fn is_on(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }
}

/// One statement of a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`, when written.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub action: ActionSpec,
    /// `Resource` or `NotResource`; absent in trust policies.
    pub resource: Option<ResourceSpec>,
    /// `Principal` or `NotPrincipal`; absent in identity-based policies.
    pub principal: Option<PrincipalSpec>,
    /// The `Condition` block flattened to (operator, key, values), sorted by operator then key; empty when there
    /// is none.
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// The conditions on `key` (case-insensitive), whatever their operator.
    pub fn conditions_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Condition> + 'a {
        self.conditions.iter().filter(move |c| c.is_on(key))
    }
}

/// Where a document came from: which of the accepted input forms it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentSource {
    /// A policy document on its own.
    Plain,
    /// Output of `aws iam get-role-policy` (or `get-user-policy` / `get-group-policy`): an inline policy.
    InlinePolicy {
        /// `RoleName`, `UserName` or `GroupName`, when present.
        owner: Option<String>,
        /// `PolicyName`, when present.
        policy_name: Option<String>,
        /// Whether `PolicyDocument` was a URL-encoded string (as the IAM API returns it) rather than an object.
        url_encoded: bool,
    },
    /// Output of `aws iam get-policy-version`: one version of a managed policy.
    PolicyVersion {
        /// `VersionId` (`v3`), when present.
        version_id: Option<String>,
        /// `IsDefaultVersion`, when present.
        is_default: Option<bool>,
        /// Whether `Document` was a URL-encoded string rather than an object.
        url_encoded: bool,
    },
}

/// A document and the input form it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedPolicy {
    /// The input form.
    pub source: DocumentSource,
    /// The document.
    pub document: PolicyDocument,
}

/// Why a text is not a policy document. Messages name the statement (0-based, as in the JSON array) and field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text (or the decoded `PolicyDocument` string) is not JSON; serde_json's message with line and column.
    #[error("{context} is not JSON: {message}")]
    Json {
        /// `the input` or `PolicyDocument` / `PolicyVersion.Document`.
        context: &'static str,
        /// serde_json's message.
        message: String,
    },
    /// A URL-encoded document whose percent escapes do not decode to UTF-8.
    #[error("{0} is a string but not URL-encoded UTF-8 JSON")]
    UrlEncoding(&'static str),
    /// The JSON is not an object or has none of the accepted shapes.
    #[error(
        "not a policy: expected a policy document (with Statement), `aws iam get-role-policy` output (PolicyDocument) or `aws iam get-policy-version` output (PolicyVersion.Document){0}"
    )]
    NotAPolicy(String),
    /// `Version` is neither of the two language versions.
    #[error("Version {0} is not {CURRENT_VERSION} or {LEGACY_VERSION}")]
    Version(String),
    /// A top-level field has the wrong type.
    #[error("{field} must be {expected}")]
    TopLevel {
        /// The field name.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A statement is malformed.
    #[error("statement {index}{sid}: {problem}")]
    Statement {
        /// 0-based index in `Statement`.
        index: usize,
        /// ` (Sid …)` when the statement has a readable Sid, else empty.
        sid: String,
        /// What is wrong.
        problem: String,
    },
}

/// How much of an input-derived string an error message shows.
const SHOWN: usize = 60;

/// `text` made visible and cut to [`SHOWN`] characters, quoted, for an error message.
fn shown(text: &str) -> String {
    let cut: String = text.chars().take(SHOWN).collect();
    let more = if text.chars().nth(SHOWN).is_some() { "…" } else { "" };
    format!("\"{}{more}\"", crate::core::text::visible(&cut))
}

impl PolicyDocument {
    /// An empty document of the current language version.
    pub fn new() -> Self {
        PolicyDocument {
            version: Some(CURRENT_VERSION.to_owned()),
            id: None,
            statements: Vec::new(),
        }
    }
}

impl Default for PolicyDocument {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"],
         "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]},
        {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:iam::111122223333:role/x",
         "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.7/32"]},
                       "Bool": {"aws:ViaAWSService": false}, "NumericLessThan": {"s3:max-keys": 10}}}
      ]
    }"#;

    #[test]
    fn plain_document_with_every_list_form() {
        let loaded = parse_policy_input(PLAIN).unwrap();
        assert_eq!(loaded.source, DocumentSource::Plain);
        let doc = loaded.document;
        assert_eq!(doc.version.as_deref(), Some("2012-10-17"));
        assert_eq!(doc.statements.len(), 2);
        let read = &doc.statements[0];
        assert_eq!(read.sid.as_deref(), Some("Read"));
        assert_eq!(read.effect, Effect::Allow);
        assert_eq!(
            read.action,
            ActionSpec::Action(vec!["s3:GetObject".into(), "s3:List*".into()])
        );
        assert_eq!(
            read.resource,
            Some(ResourceSpec::Resource(vec![
                "arn:aws:s3:::bucket".into(),
                "arn:aws:s3:::bucket/*".into()
            ]))
        );
        let deny = &doc.statements[1];
        assert_eq!(deny.effect, Effect::Deny);
        assert_eq!(deny.action, ActionSpec::NotAction(vec!["iam:*".into()]));
        assert_eq!(
            deny.resource,
            Some(ResourceSpec::NotResource(vec![
                "arn:aws:iam::111122223333:role/x".into()
            ]))
        );
        let ip: Vec<_> = deny.conditions_on("AWS:SOURCEIP").collect();
        assert_eq!(ip.len(), 1);
        assert_eq!(ip[0].operator, "NotIpAddress");
        assert_eq!(ip[0].values, ["192.0.2.0/24", "203.0.113.7/32"]);
        let via: Vec<_> = deny.conditions_on("aws:ViaAWSService").collect();
        assert_eq!(via[0].values, ["false"]);
        assert_eq!(deny.conditions_on("s3:max-keys").next().unwrap().values, ["10"]);
    }

    #[test]
    fn a_single_statement_object_is_a_list_of_one() {
        let doc =
            PolicyDocument::parse(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#).unwrap();
        assert_eq!(doc.version, None);
        assert_eq!(doc.statements.len(), 1);
        assert_eq!(doc.statements[0].action, ActionSpec::Action(vec!["*".into()]));
    }

    #[test]
    fn get_role_policy_output_with_an_object_document() {
        let text = r#"{"RoleName": "deployer", "PolicyName": "inline",
            "PolicyDocument": {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "lambda:GetFunction", "Resource": "*"}]}}"#;
        let loaded = parse_policy_input(text).unwrap();
        assert_eq!(
            loaded.source,
            DocumentSource::InlinePolicy {
                owner: Some("deployer".into()),
                policy_name: Some("inline".into()),
                url_encoded: false
            }
        );
        assert_eq!(
            loaded.document.statements[0].action,
            ActionSpec::Action(vec!["lambda:GetFunction".into()])
        );
    }

    #[test]
    fn get_role_policy_output_with_a_url_encoded_document() {
        // What the IAM API itself returns (RFC 3986 encoding), written by hand from the JSON above.
        let text = r#"{"RoleName": "deployer", "PolicyName": "inline", "PolicyDocument":
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Ab%2Fa%20b+c%2B%22%7D%5D%7D"}"#;
        let loaded = parse_policy_input(text).unwrap();
        assert!(matches!(
            loaded.source,
            DocumentSource::InlinePolicy { url_encoded: true, .. }
        ));
        let st = &loaded.document.statements[0];
        assert_eq!(st.action, ActionSpec::Action(vec!["s3:GetObject".into()]));
        assert_eq!(
            st.resource,
            Some(ResourceSpec::Resource(vec!["arn:aws:s3:::b/a b+c+".into()]))
        );
    }

    #[test]
    fn get_policy_version_output() {
        let text = r#"{"PolicyVersion": {"Document": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]},
            "VersionId": "v3", "IsDefaultVersion": true, "CreateDate": "2024-01-01T00:00:00Z"}}"#;
        let loaded = parse_policy_input(text).unwrap();
        assert_eq!(
            loaded.source,
            DocumentSource::PolicyVersion {
                version_id: Some("v3".into()),
                is_default: Some(true),
                url_encoded: false
            }
        );
        assert_eq!(
            loaded.document.statements[0].action,
            ActionSpec::Action(vec!["ec2:Describe*".into()])
        );
    }

    #[test]
    fn a_json_string_document_is_read_without_decoding() {
        let text = r#"{"PolicyVersion": {"Document": "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}"}}"#;
        let loaded = parse_policy_input(text).unwrap();
        assert!(matches!(
            loaded.source,
            DocumentSource::PolicyVersion { url_encoded: false, .. }
        ));
        assert_eq!(loaded.document.statements[0].effect, Effect::Deny);
    }

    #[test]
    fn trust_policy_principals() {
        let doc = PolicyDocument::parse(
            r#"{"Statement": [
              {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
              {"Effect": "Deny", "NotPrincipal": "*", "Action": "sts:AssumeRole"}]}"#,
        )
        .unwrap();
        assert_eq!(
            doc.statements[0].principal,
            Some(PrincipalSpec::Principal(Principals::Typed(vec![
                ("AWS".into(), vec!["arn:aws:iam::111122223333:root".into()]),
                ("Service".into(), vec!["ec2.amazonaws.com".into()]),
            ])))
        );
        assert_eq!(
            doc.statements[1].principal,
            Some(PrincipalSpec::NotPrincipal(Principals::Any))
        );
        assert_eq!(doc.statements[0].resource, None);
    }

    #[test]
    fn operator_qualifiers() {
        let c = Condition {
            operator: "ForAnyValue:StringLikeIfExists".into(),
            key: "k".into(),
            values: vec![],
        };
        assert_eq!(c.base_operator(), "StringLike");
        assert!(c.if_exists());
        let c = Condition {
            operator: "IpAddress".into(),
            key: "k".into(),
            values: vec![],
        };
        assert_eq!(c.base_operator(), "IpAddress");
        assert!(!c.if_exists());
    }

    fn error_of(text: &str) -> String {
        parse_policy_input(text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(error_of("{").starts_with("the input is not JSON: "));
        assert!(error_of("[]").contains("the JSON is not an object"));
        assert!(error_of(r#"{"Foo": 1}"#).starts_with("not a policy: expected a policy document"));
        assert_eq!(
            error_of(r#"{"Version": "2020-01-01", "Statement": []}"#),
            "Version \"2020-01-01\" is not 2012-10-17 or 2008-10-17"
        );
        assert_eq!(
            error_of(
                r#"{"Statement": [{"Effect": "Allow", "Action": "*"}, {"Sid": "B", "Effect": "Permit", "Action": "*"}]}"#
            ),
            "statement 1 (Sid \"B\"): Effect \"Permit\" is neither \"Allow\" nor \"Deny\""
        );
        assert_eq!(
            error_of(r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]}"#),
            "statement 0: both Action and NotAction"
        );
        assert_eq!(
            error_of(r#"{"Statement": [{"Effect": "Allow"}]}"#),
            "statement 0: no Action or NotAction"
        );
        assert_eq!(
            error_of(r#"{"Statement": [{"Effect": "Allow", "Action": []}]}"#),
            "statement 0: Action must be a string or a non-empty array of strings"
        );
        assert_eq!(
            error_of(r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Bool": true}}]}"#),
            "statement 0: Condition operator \"Bool\" must map condition keys to values"
        );
        assert_eq!(
            error_of(r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resorce": "*"}]}"#),
            "statement 0: unknown field \"Resorce\""
        );
        assert!(error_of(r#"{"PolicyDocument": "%7B%22Statement"}"#).starts_with("PolicyDocument is not JSON: "));
        assert_eq!(
            error_of(r#"{"PolicyDocument": "%FF%FE"}"#),
            "PolicyDocument is a string but not URL-encoded UTF-8 JSON"
        );
        assert!(error_of(r#"{"PolicyVersion": {"VersionId": "v1"}}"#).contains("PolicyVersion has no Document"));
    }

    #[test]
    fn hostile_text_in_errors_is_made_visible_and_cut() {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow\u001b[31m\u202e{}", "Action": "*"}}]}}"#,
            "x".repeat(10_000)
        );
        let message = error_of(&text);
        assert!(!crate::core::text::has_hazard(&message), "{message:?}");
        assert!(message.len() < 300, "{}", message.len());
    }

    #[test]
    fn writing_is_iam_order_and_round_trips() {
        let doc = parse_policy_input(PLAIN).unwrap().document;
        let text = crate::core::text::json::to_string(&doc).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"Version":"2012-10-17","Statement":["#,
                r#"{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]},"#,
                r#"{"Effect":"Deny","NotAction":["iam:*"],"NotResource":["arn:aws:iam::111122223333:role/x"],"Condition":{"#,
                r#""Bool":{"aws:ViaAWSService":["false"]},"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.7/32"]},"NumericLessThan":{"s3:max-keys":["10"]}}}"#,
                "]}"
            )
        );
        assert_eq!(PolicyDocument::parse(&text).unwrap(), doc);
    }
}
