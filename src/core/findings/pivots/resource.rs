//! Matching a finding's resource (an ARN) against what CloudTrail events name: the full ARN, another ARN of the
//! same resource (role ARNs with or without a path), a queue URL, or only the name (`roleName`, `bucketName`,
//! `keyId`…), in which case the account of the log must be the resource's account (role names repeat across
//! accounts; bucket names are global).

/// A finding's resource reduced to what events can name it by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceKey {
    /// The resource ARN as the finding gives it.
    pub arn: String,
    /// ARN service (`iam`, `s3`, `kms`, `sqs`…).
    pub service: String,
    /// Empty for S3 buckets.
    pub account: String,
    /// The short name or id events use (`vendor-audit`, `my-bucket`, the key id, the queue name…).
    pub name: String,
    /// `role`, `user`, `bucket`, `key`, … (first word of the ARN's resource part).
    pub kind: String,
}

impl ResourceKey {
    /// The parts of `arn` that events name the resource by; `None` when it is not an ARN (`arn:partition:service:region:account:resource`).
    pub(crate) fn from_arn(arn: &str) -> Option<ResourceKey> {
        let mut parts = arn.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let _partition = parts.next()?;
        let service = parts.next()?.to_string();
        let _region = parts.next()?;
        let account = parts.next()?.to_string();
        let res = parts.next()?;
        let (kind, name) = split_resource(&service, res);
        if name.is_empty() {
            return None;
        }
        Some(ResourceKey {
            arn: arn.to_string(),
            service,
            account,
            name,
            kind,
        })
    }

    /// The CloudTrail `eventSource` of calls on this resource.
    pub fn event_source(&self) -> String {
        format!("{}.amazonaws.com", self.service)
    }

    /// Does an event's resource text (`Event.resource`) name this resource? `log_account` is the account whose
    /// log holds the event.
    pub fn matches(&self, text: &str, log_account: &str) -> bool {
        if text.is_empty() {
            return false;
        }
        if text == self.arn {
            return true;
        }
        if text.starts_with("arn:") {
            return match ResourceKey::from_arn(text) {
                Some(o) => {
                    o.service == self.service
                        && o.kind == self.kind
                        && self.same_name(&o.name)
                        && (self.account.is_empty() || o.account.is_empty() || o.account == self.account)
                }
                None => false,
            };
        }
        if let Some(rest) = text.strip_prefix("https://") {
            // SQS queue URL: https://sqs.<region>.amazonaws.com/<account>/<name>
            let mut segs = rest.rsplit('/');
            let (name, acct) = (segs.next().unwrap_or(""), segs.next().unwrap_or(""));
            return self.service == "sqs" && name == self.name && acct == self.account;
        }
        let account_ok = self.account.is_empty() || log_account.is_empty() || log_account == self.account;
        self.same_name(text) && account_ok
    }

    fn same_name(&self, name: &str) -> bool {
        if name == self.name {
            return true;
        }
        // Secrets Manager ARNs end in `-` + 6 random characters that the secret's name does not have.
        self.service == "secretsmanager"
            && self
                .name
                .rsplit_once('-')
                .is_some_and(|(base, suffix)| suffix.len() == 6 && base == name)
    }
}

/// (kind, short name) of an ARN's resource part for the services Access Analyzer covers.
fn split_resource(service: &str, res: &str) -> (String, String) {
    if service == "s3" {
        // `bucket` or `bucket/key…`: the bucket is what policies attach to.
        let bucket = res.split('/').next().unwrap_or("");
        return ("bucket".into(), bucket.to_string());
    }
    if matches!(service, "sqs" | "sns") {
        return (service.into(), res.to_string());
    }
    if service == "lambda" {
        // function:name[:qualifier]
        let mut p = res.split(':');
        let kind = p.next().unwrap_or("").to_string();
        return (kind, p.next().unwrap_or("").to_string());
    }
    if service == "secretsmanager" || service == "rds" {
        let (kind, name) = res.split_once(':').unwrap_or(("", res));
        return (kind.into(), name.to_string());
    }
    // role/path/name, key/<id>, repository/name, file-system/fs-…, snapshot/snap-…, table/name
    match res.split_once('/') {
        Some((kind, rest)) => (kind.to_string(), rest.rsplit('/').next().unwrap_or(rest).to_string()),
        None => match res.split_once(':') {
            Some((kind, rest)) => (kind.to_string(), rest.to_string()),
            None => (String::new(), res.to_string()),
        },
    }
}

/// Events that write the resource policies Access Analyzer evaluates (`docs/domain.md` §5). Versioned Lambda names
/// (`AddPermission20150331v2`) match by prefix.
pub fn is_policy_write(event_name: &str) -> bool {
    const EXACT: &[&str] = &[
        "CreateRole",
        "UpdateAssumeRolePolicy",
        "PutBucketPolicy",
        "DeleteBucketPolicy",
        "PutBucketAcl",
        "CreateBucket",
        "DeleteBucketPublicAccessBlock",
        "DeletePublicAccessBlock",
        "PutBucketPublicAccessBlock",
        "PutPublicAccessBlock",
        "PutAccessPointPolicy",
        "PutMultiRegionAccessPointPolicy",
        "CreateKey",
        "PutKeyPolicy",
        "CreateGrant",
        "CreateQueue",
        "SetQueueAttributes",
        "CreateTopic",
        "SetTopicAttributes",
        "PutResourcePolicy",
        "CreateSecret",
        "SetRepositoryPolicy",
        "PutFileSystemPolicy",
        "ModifySnapshotAttribute",
        "ModifyDBSnapshotAttribute",
        "ModifyDBClusterSnapshotAttribute",
        "SetVaultAccessPolicy",
    ];
    EXACT.contains(&event_name)
        || event_name.starts_with("AddPermission")
        || event_name.starts_with("AddLayerVersionPermission")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_matches_by_arn_path_or_name_in_its_account() {
        let k = ResourceKey::from_arn("arn:aws:iam::111122223333:role/vendor-audit").unwrap();
        assert_eq!((k.kind.as_str(), k.name.as_str()), ("role", "vendor-audit"));
        assert!(k.matches("arn:aws:iam::111122223333:role/vendor-audit", ""));
        assert!(k.matches("arn:aws:iam::111122223333:role/team/vendor-audit", ""));
        assert!(k.matches("vendor-audit", "111122223333"));
        assert!(!k.matches("vendor-audit", "444455556666"));
        assert!(!k.matches("arn:aws:iam::444455556666:role/vendor-audit", ""));
        assert!(!k.matches("arn:aws:iam::111122223333:user/vendor-audit", ""));
        assert!(!k.matches("vendor-audit-2", "111122223333"));
        assert!(!k.matches("", "111122223333"));
    }

    #[test]
    fn other_resource_forms() {
        let b = ResourceKey::from_arn("arn:aws:s3:::my-bucket").unwrap();
        assert!(b.matches("my-bucket", "999988887777"));
        assert!(b.matches("arn:aws:s3:::my-bucket/some/key", ""));
        let q = ResourceKey::from_arn("arn:aws:sqs:us-east-1:111122223333:jobs").unwrap();
        assert!(q.matches("https://sqs.us-east-1.amazonaws.com/111122223333/jobs", ""));
        assert!(!q.matches("https://sqs.us-east-1.amazonaws.com/444455556666/jobs", ""));
        let s = ResourceKey::from_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbCdEf").unwrap();
        assert!(s.matches("db-pass", "111122223333"));
        let f = ResourceKey::from_arn("arn:aws:lambda:us-east-1:111122223333:function:orders:prod").unwrap();
        assert!(f.matches("orders", "111122223333"));
        assert_eq!(ResourceKey::from_arn("not an arn"), None);
        assert_eq!(ResourceKey::from_arn("arn:aws:iam::1:role/"), None);
    }

    #[test]
    fn policy_write_names() {
        assert!(is_policy_write("UpdateAssumeRolePolicy"));
        assert!(is_policy_write("AddPermission20150331v2"));
        assert!(!is_policy_write("AttachRolePolicy"));
        assert!(!is_policy_write("GetBucketPolicy"));
    }
}
