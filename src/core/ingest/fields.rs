//! What a record's fields become beyond plain strings: the assumption an STS call describes and the main
//! resource a call touched (ARNs built the way Access Analyzer and the evidence views name resources).

use super::record::{RawRecord, RequestParameters};
use crate::core::model::{AssumeKind, Assumption, AssumptionContext, Interner, MAX_TAGS, Sym};

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
        context: rp.map(|rp| context_of(s, rp)).unwrap_or_default(),
    }
}

/// Session tags, AssumeRoot's target and task policy, and the first provided context of an STS call
/// (`docs/identity-context.md`). Tags without a key are not tags and are left out; lists stop at [`MAX_TAGS`].
fn context_of(s: &mut Interner, rp: &RequestParameters) -> AssumptionContext {
    let mut pairs = |it: &mut dyn Iterator<Item = (Option<&str>, Option<&str>)>| -> Box<[(Sym, Sym)]> {
        it.filter_map(|(k, v)| Some((s.intern(k.filter(|k| !k.is_empty())?), intern_opt(s, v))))
            .take(MAX_TAGS)
            .collect()
    };
    let mut tags = pairs(
        &mut rp
            .tags
            .get()
            .into_iter()
            .flatten()
            .filter_map(|t| t.get())
            .map(|t| (t.key.as_deref(), t.value.as_deref())),
    );
    if tags.is_empty()
        && let Some(m) = rp.principal_tags.get()
    {
        tags = pairs(&mut m.0.iter().map(|(k, v)| (Some(k.as_ref()), v.as_deref())));
    }
    let incoming = rp
        .incoming_transitive_tags
        .get()
        .map(|m| pairs(&mut m.0.iter().map(|(k, v)| (Some(k.as_ref()), v.as_deref()))));
    AssumptionContext {
        tags,
        transitive_keys: rp
            .transitive_tag_keys
            .get()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_deref().filter(|k| !k.is_empty()))
            .take(MAX_TAGS)
            .map(|k| s.intern(k))
            .collect(),
        incoming_tags: incoming,
        target_principal: intern_opt(s, rp.target_principal.as_deref()),
        task_policy_arn: intern_opt(s, rp.task_policy_arn.get().and_then(|p| p.arn.as_deref())),
        context_provider: intern_opt(
            s,
            rp.provided_contexts
                .get()
                .into_iter()
                .flatten()
                .find_map(|c| c.get().and_then(|c| c.provider_arn.as_deref())),
        ),
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
