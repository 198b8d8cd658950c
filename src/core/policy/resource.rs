//! Which resource ARN a call's action applied to, from the main resource ingest kept for the event (the first
//! `resources[].ARN`, else a request parameter: `core::ingest::fields::resource_of`), and how a generated policy
//! names it. Rules (`docs/policy.md` §4): an ARN is kept only when its service is the action's (or a role ARN for
//! `sts:AssumeRole…`); names and ids become ARNs for SQS queue URLs, KMS key ids, Lambda function names and
//! Secrets Manager secret names; S3 bucket and object ARNs are fitted to the action's level. Anything else is
//! `None`: the policy then says `*`, never a guessed ARN.

/// The partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// S3 actions that apply to objects (the rest apply to buckets or to no resource).
const S3_OBJECT_ACTIONS: &[&str] = &[
    "GetObject",
    "GetObjectVersion",
    "GetObjectAcl",
    "PutObjectAcl",
    "GetObjectTagging",
    "PutObjectTagging",
    "DeleteObjectTagging",
    "GetObjectAttributes",
    "PutObject",
    "DeleteObject",
    "RestoreObject",
    "AbortMultipartUpload",
    "ListMultipartUploadParts",
];

/// A resource a call applied to: a literal ARN, or a literal ARN prefix followed by a wildcard suffix when the
/// record names only part of it (a Secrets Manager secret by name; an S3 object action on a bucket).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    /// The literal part, raw (not escaped).
    pub literal: String,
    /// The wildcard suffix that completes it (`*`, `-??????`), or `None` for an exact ARN.
    pub suffix: Option<&'static str>,
}

impl Target {
    fn exact(arn: impl Into<String>) -> Target {
        Target {
            literal: arn.into(),
            suffix: None,
        }
    }
    /// The IAM pattern naming it: the literal with `*`, `?`, `$` escaped, then the suffix.
    pub fn pattern(&self) -> String {
        let mut p = super::pattern::escape_literal(&self.literal);
        p.push_str(self.suffix.unwrap_or(""));
        p
    }
}

/// The distinct targets of one action, in the order they were first added (their strings were allocated in that
/// order, so walking them reads memory forwards: the largest identity of a 10 M-event case has 774 K, and walking
/// a hash set's order was a cache miss each); whoever prints them sorts what it prints. Equality is a set's.
pub type Targets = indexmap::IndexSet<Target, foldhash::fast::RandomState>;

/// Actions that apply to no resource (`Resource: "*"` only), where a record's resource must not be used.
const NO_RESOURCE: &[&str] = &["s3:ListAllMyBuckets", "s3:CreateBucket"];

/// The resource `action` (`service:Name`) applied to, given the event's main resource and the event's region and
/// recipient account; `None` when the record does not say.
pub fn resource_arn(action: &str, resource: &str, region: &str, account: &str) -> Option<Target> {
    let (service, name) = action.split_once(':')?;
    if resource.is_empty() || NO_RESOURCE.contains(&action) {
        return None;
    }
    if resource.starts_with("arn:") {
        let arn_service = resource.split(':').nth(2)?;
        if service == "s3" && arn_service == "s3" {
            return Some(s3_fit(name, resource));
        }
        let ok = arn_service == service || (service == "sts" && arn_service == "iam" && resource.contains(":role/"));
        return ok.then(|| Target::exact(resource));
    }
    if region.is_empty() || account.is_empty() {
        return None;
    }
    let p = partition(region);
    let plain = |s: &str| !s.is_empty() && !s.contains([':', '/', '*', '?']) && !s.chars().any(char::is_whitespace);
    match service {
        "sqs" => {
            // https://sqs.<region>.amazonaws.com/<account>/<name> (also the legacy queue.amazonaws.com host)
            let path = resource
                .strip_prefix("https://")
                .or_else(|| resource.strip_prefix("http://"))?;
            let mut parts = path.split('/');
            let host = parts.next()?;
            let (acct, name) = (parts.next()?, parts.next()?);
            if parts.next().is_some() || !acct.bytes().all(|b| b.is_ascii_digit()) || acct.len() != 12 || !plain(name) {
                return None;
            }
            let host_region = host
                .strip_prefix("sqs.")
                .and_then(|h| h.split('.').next())
                .unwrap_or(region);
            Some(Target::exact(format!(
                "arn:{}:sqs:{host_region}:{acct}:{name}",
                partition(host_region)
            )))
        }
        "kms" => {
            // A key id (UUID or multi-Region mrk-…); an alias names a key without saying which.
            let is_key = resource.len() >= 32 && resource.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
                || resource.starts_with("mrk-") && resource[4..].bytes().all(|b| b.is_ascii_hexdigit());
            is_key.then(|| Target::exact(format!("arn:{p}:kms:{region}:{account}:key/{resource}")))
        }
        "lambda" => {
            plain(resource).then(|| Target::exact(format!("arn:{p}:lambda:{region}:{account}:function:{resource}")))
        }
        "secretsmanager" => {
            // A secret's ARN ends in '-' and six random characters: its name matches it with `-??????`. Names
            // may hold '/' (`prod/db`).
            let name_ok = resource.split('/').all(plain);
            name_ok.then(|| Target {
                literal: format!("arn:{p}:secretsmanager:{region}:{account}:secret:{resource}"),
                suffix: Some("-??????"),
            })
        }
        _ => None,
    }
}

/// An S3 ARN fitted to the action's level: an object action on a bucket ARN applies to `bucket/*`; a bucket
/// action on an object ARN applies to the bucket.
fn s3_fit(name: &str, arn: &str) -> Target {
    let object_action = S3_OBJECT_ACTIONS.contains(&name);
    let Some((head, rest)) = arn.split_once(":s3:::") else {
        return Target::exact(arn);
    };
    match (object_action, rest.split_once('/')) {
        (true, Some(_)) | (false, None) => Target::exact(arn),
        (true, None) => Target {
            literal: format!("{head}:s3:::{rest}/"),
            suffix: Some("*"),
        },
        (false, Some((bucket, _))) => Target::exact(format!("{head}:s3:::{bucket}")),
    }
}

/// Whether `action` is an S3 object action (its resources are objects, `arn:aws:s3:::bucket/key`).
pub fn is_s3_object_action(action: &str) -> bool {
    action
        .strip_prefix("s3:")
        .is_some_and(|n| S3_OBJECT_ACTIONS.contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: &str = "eu-west-1";

    fn pat(action: &str, resource: &str) -> Option<String> {
        resource_arn(action, resource, R, A).map(|t| t.pattern())
    }
    const A: &str = "111122223333";

    #[test]
    fn arns_of_the_actions_service_are_kept() {
        let key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(
            resource_arn("kms:Decrypt", key, R, A).map(|t| t.pattern()).as_deref(),
            Some(key)
        );
        assert_eq!(
            resource_arn("sts:AssumeRole", "arn:aws:iam::444455556666:role/deploy", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:iam::444455556666:role/deploy")
        );
        // A record's resource of another service says nothing about this action's resource.
        assert_eq!(resource_arn("iam:PassRole", "arn:aws:s3:::bucket", R, A), None);
        assert_eq!(resource_arn("s3:ListAllMyBuckets", "arn:aws:s3:::bucket", R, A), None);
    }

    #[test]
    fn s3_arns_fit_the_action_level() {
        assert_eq!(
            resource_arn("s3:GetObject", "arn:aws:s3:::b/k/x.txt", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:s3:::b/k/x.txt")
        );
        assert_eq!(
            resource_arn("s3:GetObject", "arn:aws:s3:::b", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:s3:::b/*")
        );
        assert_eq!(
            resource_arn("s3:ListBucket", "arn:aws:s3:::b/k/x.txt", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:s3:::b")
        );
        assert_eq!(
            resource_arn("s3:ListBucket", "arn:aws:s3:::b", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:s3:::b")
        );
        assert!(is_s3_object_action("s3:PutObject"));
        assert!(!is_s3_object_action("s3:ListBucket"));
    }

    #[test]
    fn names_and_ids_become_arns() {
        assert_eq!(
            resource_arn(
                "sqs:SendMessage",
                "https://sqs.us-east-2.amazonaws.com/444455556666/jobs",
                R,
                A
            )
            .map(|t| t.pattern())
            .as_deref(),
            Some("arn:aws:sqs:us-east-2:444455556666:jobs")
        );
        assert_eq!(
            resource_arn("kms:Decrypt", "1234abcd-12ab-34cd-56ef-1234567890ab", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        );
        assert_eq!(resource_arn("kms:Decrypt", "alias/app", R, A), None);
        assert_eq!(
            resource_arn("lambda:GetFunction", "worker", R, A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws:lambda:eu-west-1:111122223333:function:worker")
        );
        assert_eq!(
            pat("secretsmanager:GetSecretValue", "prod/db"),
            Some("arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-??????".into())
        );
        assert_eq!(
            pat("secretsmanager:GetSecretValue", "a*b"),
            None,
            "wildcards in a name are not guessed at"
        );
        assert_eq!(
            resource_arn("lambda:GetFunction", "worker", "cn-north-1", A)
                .map(|t| t.pattern())
                .as_deref(),
            Some("arn:aws-cn:lambda:cn-north-1:111122223333:function:worker")
        );
        assert_eq!(resource_arn("ec2:RunInstances", "ami-12345678", R, A), None);
        assert_eq!(resource_arn("lambda:GetFunction", "worker", "", A), None);
    }
}
