//! Root sessions (`docs/identity-context.md` §3): centralized root access (`sts:AssumeRoot`) and root sign-ins.
//!
//! An `AssumeRoot` call from the management (or IAM delegated-admin) account returns a short session (at most
//! [`MAX_ROOT_SESSION_SECS`]) scoped by a root-task policy; the member account logs its calls as `Root` with the
//! returned key, so they join the session by that key like any other (`build`). The session's origin is
//! therefore the management-account principal that called `AssumeRoot`. This module reads the call's target and
//! task policy; it does not link anything itself.

use super::{SessionGraph, SessionId};
use crate::core::model::{AssumeKind, Store, Sym};

/// STS's upper bound on an `AssumeRoot` session.
pub const MAX_ROOT_SESSION_SECS: u32 = 900;

/// The account an `AssumeRoot` target names: the account id itself, or the account of a principal ARN.
pub fn target_account(target: &str) -> Option<&str> {
    if target.len() == 12 && target.bytes().all(|b| b.is_ascii_digit()) {
        return Some(target);
    }
    super::origin::arn_account(target)
}

/// The task a root-task policy ARN names (`arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy` →
/// `S3UnlockBucketPolicy`), or the ARN as given when it is not one.
pub fn task_name(policy_arn: &str) -> &str {
    policy_arn
        .split_once(":policy/root-task/")
        .map_or(policy_arn, |(_, t)| t)
}

/// What an `AssumeRoot` call asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootTask {
    /// `targetPrincipal`: the member account id or principal ARN.
    pub target_principal: Sym,
    /// `taskPolicyArn.arn`.
    pub task_policy_arn: Sym,
    /// `durationSeconds` as requested; 0 when not given (STS then uses its default, at most 900).
    pub duration_seconds: u32,
    /// When the session was issued, epoch seconds.
    pub issued: i64,
}

impl RootTask {
    /// The latest moment its credentials are valid: the requested duration (STS's default when none), never
    /// past [`MAX_ROOT_SESSION_SECS`].
    pub fn expires_by(&self) -> i64 {
        let secs = match self.duration_seconds {
            0 => MAX_ROOT_SESSION_SECS,
            d => d.min(MAX_ROOT_SESSION_SECS),
        };
        self.issued.saturating_add(i64::from(secs))
    }
}

/// The root task session `s` was created for, when an `AssumeRoot` call created it.
pub fn root_task(g: &SessionGraph, store: &Store, s: SessionId) -> Option<RootTask> {
    let e = g.edge(g.session(s).created_by?);
    let a = store.assumption(&store.events[e.event as usize])?;
    (a.kind == AssumeKind::AssumeRoot).then_some(RootTask {
        target_principal: a.context.target_principal,
        task_policy_arn: a.context.task_policy_arn,
        duration_seconds: a.duration_seconds,
        issued: e.time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_tasks_read_as_documented() {
        assert_eq!(target_account("222222222222"), Some("222222222222"));
        assert_eq!(target_account("arn:aws:iam::222222222222:root"), Some("222222222222"));
        assert_eq!(target_account("2222"), None);
        assert_eq!(
            task_name("arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"),
            "S3UnlockBucketPolicy"
        );
        assert_eq!(task_name("arn:aws:iam::1:policy/Other"), "arn:aws:iam::1:policy/Other");
    }
}
