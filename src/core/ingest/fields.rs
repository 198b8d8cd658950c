//! What a record's fields become beyond plain strings: the assumption an STS call describes and the main
//! resource a call touched (ARNs built the way Access Analyzer and the evidence views name resources).

use super::record::RawRecord;
use crate::core::model::{AssumeKind, Assumption, Interner, Sym};

pub fn intern_opt(s: &mut Interner, v: Option<&str>) -> Sym {
    match v {
        Some(v) => s.intern(v),
        None => Sym::NONE,
    }
}

pub fn assumption_of(s: &mut Interner, r: &RawRecord, kind: AssumeKind, event: u32) -> Assumption {
    let rp = r.request_parameters.get();
    let re = r.response_elements.get();
    let session_name = match kind {
        AssumeKind::GetFederationToken => rp.and_then(|x| x.name.as_deref()),
        _ => rp.and_then(|x| x.role_session_name.as_deref()),
    };
    let (assumed_id, assumed_arn) = match kind {
        AssumeKind::GetFederationToken => {
            let fu = re.and_then(|e| e.federated_user.get());
            (
                fu.and_then(|f| f.federated_user_id.as_deref()),
                fu.and_then(|f| f.arn.as_deref()),
            )
        }
        _ => {
            let au = re.and_then(|e| e.assumed_role_user.get());
            (
                au.and_then(|a| a.assumed_role_id.as_deref()),
                au.and_then(|a| a.arn.as_deref()),
            )
        }
    };
    let source_identity = rp
        .and_then(|x| x.source_identity.as_deref())
        .or_else(|| re.and_then(|e| e.source_identity.as_deref()));
    let provider = rp
        .and_then(|x| x.principal_arn.as_deref())
        .or_else(|| re.and_then(|e| e.provider.as_deref()));
    Assumption {
        event,
        kind,
        role_arn: intern_opt(s, rp.and_then(|x| x.role_arn.as_deref())),
        session_name: intern_opt(s, session_name),
        source_identity: intern_opt(s, source_identity),
        duration_seconds: rp.and_then(|x| x.duration_seconds.0).unwrap_or(0).min(u32::MAX as u64) as u32,
        new_access_key: intern_opt(
            s,
            re.and_then(|e| e.credentials.get())
                .and_then(|c| c.access_key_id.as_deref()),
        ),
        assumed_role_id: intern_opt(s, assumed_id),
        assumed_role_arn: intern_opt(s, assumed_arn),
        provider: intern_opt(s, provider),
    }
}

/// The main resource of a call: the first `resources[].ARN`, else a well-known request parameter. IAM role
/// names become path-less role ARNs in the recipient account (role names are unique per account).
pub fn resource_of(r: &RawRecord, source: &str, account: &str) -> Option<String> {
    if let Some(arn) = r
        .resources
        .get()
        .and_then(|v| v.iter().find_map(|x| x.get().and_then(|x| x.arn.as_deref())))
    {
        return Some(arn.to_string());
    }
    let rp = r.request_parameters.get()?;
    if let Some(b) = rp.bucket_name.as_deref() {
        return Some(format!("arn:aws:s3:::{b}"));
    }
    if let Some(n) = rp.role_name.as_deref()
        && source == "iam.amazonaws.com"
    {
        return Some(if account.is_empty() {
            n.to_string()
        } else {
            format!("arn:aws:iam::{account}:role/{n}")
        });
    }
    // RDS snapshots: the ARN form Access Analyzer names them by (ids alone are only unique per account/region).
    let region = r.aws_region.as_deref().unwrap_or("");
    for (id, kind) in [
        (&rp.db_snapshot_identifier, "snapshot"),
        (&rp.db_cluster_snapshot_identifier, "cluster-snapshot"),
    ] {
        if let Some(id) = id.as_deref() {
            return Some(if id.starts_with("arn:") || account.is_empty() || region.is_empty() {
                id.to_string()
            } else {
                format!("arn:aws:rds:{region}:{account}:{kind}:{id}")
            });
        }
    }
    for v in [
        &rp.resource_arn,
        &rp.topic_arn,
        &rp.queue_url,
        &rp.secret_id,
        &rp.key_id,
        &rp.function_name,
        &rp.repository_name,
        &rp.file_system_id,
        &rp.snapshot_id,
        &rp.image_id,
    ] {
        if let Some(s) = v.as_deref() {
            return Some(s.to_string());
        }
    }
    if matches!(source, "cloudtrail.amazonaws.com" | "ssm.amazonaws.com") {
        return rp.name.as_deref().map(str::to_string);
    }
    if source == "iam.amazonaws.com" {
        return rp.user_name.as_deref().map(|n| {
            if account.is_empty() {
                n.to_string()
            } else {
                format!("arn:aws:iam::{account}:user/{n}")
            }
        });
    }
    None
}
