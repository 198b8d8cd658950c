//! The identity context of a session as the CLI, TUI and exports show it (`trace` / `role` JSON): effective
//! session tags with their source, tag issues on a hop, the Identity Center user and permission set, the root
//! task. Names resolved; every field that says *how* something was tied carries its link kind and confidence
//! (`docs/identity-context.md` §4). Data without this context produces none of these fields.

use super::identity_center::permission_set;
use super::root::{root_task, task_name};
use super::tags::{TagIssueKind, TagSource};
use super::{Caller, Confidence, SessionGraph, SessionId};
use crate::core::model::{Store, Sym};
use crate::core::time::rfc3339;
use serde::Serialize;

/// One effective session tag.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TagView {
    /// The tag key.
    pub key: String,
    /// The tag value (empty string for an empty value).
    pub value: String,
    /// Where it came from.
    pub source: TagSource,
    /// Whether it passes on to sessions this one starts.
    pub transitive: bool,
    /// `exact` when a record states it, `derived` when STS's chaining rule carried it.
    pub confidence: Confidence,
}

/// A tag issue on the hop that created a session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TagIssueView {
    /// What was seen.
    pub kind: TagIssueKind,
    /// The tag key.
    pub key: String,
    /// The caller's value (`new-value`: the role's last earlier value); `None` when it had none.
    pub was: Option<String>,
    /// This session's value; `None` for a dropped tag.
    pub now: Option<String>,
}

/// The Identity Center side of a session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct IdentityCenterView {
    /// The permission set behind an `AWSReservedSSO_<PermissionSet>_<hash>` role (`derived` from AWS's naming).
    pub permission_set: Option<String>,
    /// The user id(s) the session's own calls carry in `onBehalfOf.userId`; empty when the calls name none.
    pub users: Vec<IcUserView>,
}

/// An Identity Center user tied to a session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct IcUserView {
    /// `onBehalfOf.userId`.
    pub user_id: String,
    /// `onBehalfOf.identityStoreArn`.
    pub identity_store_arn: Option<String>,
    /// The user's name from the Identity Center records with the same user id (sign-in, portal), if loaded.
    pub user_name: Option<String>,
    /// How the user was tied to the session.
    pub link: UserLink,
    /// Always `exact`.
    pub confidence: Confidence,
}

/// How an Identity Center user is tied to a session.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum UserLink {
    /// The session's own calls carry the user id in `userIdentity.onBehalfOf.userId` (exact).
    OnBehalfOf,
}

/// An `AssumeRoot` session's task.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RootView {
    /// `targetPrincipal` as requested: the member account id or principal ARN.
    pub target_principal: Option<String>,
    /// The root-task policy ARN scoping the session.
    pub task_policy_arn: Option<String>,
    /// The task it names (`S3UnlockBucketPolicy`, …).
    pub task: Option<String>,
    /// `durationSeconds` as requested (0: STS default); sessions last at most 900 seconds.
    pub duration_seconds: u32,
    /// When the credentials expire at the latest, RFC 3339 UTC.
    pub expires_by: String,
    /// The principal that called AssumeRoot (the caller's session ARN or the origin's ARN), when known.
    pub issued_by: Option<String>,
}

fn opt(store: &Store, s: Sym) -> Option<String> {
    store.strings.opt(s).map(str::to_string)
}

impl SessionGraph {
    /// The effective tags of session `s`.
    pub fn tag_views(&self, store: &Store, s: SessionId) -> Vec<TagView> {
        self.tags
            .of(s)
            .iter()
            .map(|t| TagView {
                key: store.s(t.key).to_string(),
                value: store.s(t.value).to_string(),
                source: t.source,
                transitive: t.transitive,
                confidence: if t.source == TagSource::Chain {
                    Confidence::Derived
                } else {
                    Confidence::Exact
                },
            })
            .collect()
    }

    /// The tag issues on the hop that created session `s`.
    pub fn tag_issue_views(&self, store: &Store, s: SessionId) -> Vec<TagIssueView> {
        self.tags
            .issues(s)
            .iter()
            .map(|i| TagIssueView {
                kind: i.kind,
                key: store.s(i.key).to_string(),
                was: opt(store, i.was),
                now: opt(store, i.now),
            })
            .collect()
    }

    /// The Identity Center side of session `s`, when its role is a permission-set role or its calls name a user.
    pub fn identity_center_view(&self, store: &Store, s: SessionId) -> Option<IdentityCenterView> {
        let set = permission_set(store.s(self.session(s).role_arn)).map(str::to_string);
        let users: Vec<IcUserView> = self
            .on_behalf
            .of(s)
            .iter()
            .map(|u| IcUserView {
                user_id: store.s(u.user_id).to_string(),
                identity_store_arn: opt(store, u.identity_store),
                user_name: self
                    .origins
                    .iter()
                    .find(|o| o.user_id == u.user_id)
                    .and_then(|o| opt(store, o.name))
                    .filter(|n| n != store.s(u.user_id)),
                link: UserLink::OnBehalfOf,
                confidence: Confidence::Exact,
            })
            .collect();
        (set.is_some() || !users.is_empty()).then_some(IdentityCenterView {
            permission_set: set,
            users,
        })
    }

    /// The root task of session `s`, when `AssumeRoot` created it.
    pub fn root_view(&self, store: &Store, s: SessionId) -> Option<RootView> {
        let t = root_task(self, store, s)?;
        let e = self.edge(self.session(s).created_by?);
        let issued_by = match e.caller {
            Caller::Session(p) => opt(store, self.session(p).arn),
            Caller::Origin(o) => opt(store, self.origin(o).arn),
        };
        Some(RootView {
            target_principal: opt(store, t.target_principal),
            task_policy_arn: opt(store, t.task_policy_arn),
            task: store.strings.opt(t.task_policy_arn).map(|p| task_name(p).to_string()),
            duration_seconds: t.duration_seconds,
            expires_by: rfc3339(t.expires_by()),
            issued_by,
        })
    }

    /// Warnings for the trace: tag issues along the chain, a root session's task and calls past its limit.
    pub(super) fn context_flags(&self, store: &Store, path: &[SessionId], flags: &mut Vec<String>) {
        for &s in path {
            let at = store
                .strings
                .opt(self.session(s).access_key)
                .unwrap_or("a session without key");
            for i in self.tag_issue_views(store, s) {
                let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
                flags.push(match i.kind {
                    TagIssueKind::TransitiveChanged => format!(
                        "transitive tag {} changed from {} to {} at {at}",
                        i.key,
                        v(&i.was),
                        v(&i.now)
                    ),
                    TagIssueKind::TransitiveDropped => {
                        format!("transitive tag {}={} dropped at {at}", i.key, v(&i.was))
                    }
                    TagIssueKind::Retagged => format!(
                        "caller with {}={} tagged the session it started {}={} at {at}",
                        i.key,
                        v(&i.was),
                        i.key,
                        v(&i.now)
                    ),
                    TagIssueKind::NewValue => format!(
                        "tag value {}={} never seen before for this role (last: {}) at {at}",
                        i.key,
                        v(&i.now),
                        v(&i.was)
                    ),
                });
            }
        }
        let Some(&s) = path.last() else { return };
        if let Some(r) = self.root_view(store, s) {
            flags.push(format!(
                "root session (AssumeRoot) in {} for task {}, issued by {}",
                r.target_principal.as_deref().unwrap_or("an unnamed account"),
                r.task.as_deref().unwrap_or("(no task policy logged)"),
                r.issued_by.as_deref().unwrap_or("an unknown principal")
            ));
            let x = self.session(s);
            let limit = root_task(self, store, s).map_or(i64::MAX, |t| t.expires_by());
            if !x.events.is_empty() && x.last_seen > limit {
                flags.push(format!(
                    "calls after the root session expired at {} (last {})",
                    r.expires_by,
                    rfc3339(x.last_seen)
                ));
            }
        }
        if self.on_behalf.of(s).len() > 1 {
            flags.push("calls of this session name more than one Identity Center user id".into());
        }
    }
}
