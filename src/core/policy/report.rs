//! The least-privilege report of a profile in a scope, as `trailhound policy --json` prints it and exports embed
//! it: the generated policy, the used actions with their evidence, the calls left unmapped or needing no
//! permission, and (with `--compare`) the comparison with an existing document. The schema is in the README
//! ("Least privilege from observed use"); every string goes out through `text::json::Inert`.

use super::actions::{Basis, UnknownReason};
use super::compare::{Comparison, compare};
use super::document::{DocumentSource, LoadedPolicy, PolicyDocument};
use super::generate::{generate, resource_patterns};
use super::usage::{OtherCall, Usage, UsageCounts, usage};
use crate::core::behavior::{BehaviorIndex, ProfileJson, Selection};
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::{Scope, ScopeJson, rfc3339};
use serde::Serialize;

/// IAM's size limit for a customer managed policy, in characters without whitespace.
pub const MANAGED_POLICY_LIMIT: usize = 6_144;

/// One used action in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionJson {
    /// `service:Action`.
    pub action: String,
    /// `listed` or `same-name` (`docs/policy.md` §2).
    pub basis: Basis,
    /// Successful calls that needed it.
    pub calls: u64,
    /// First call, RFC 3339.
    pub first_seen: String,
    /// Last call, RFC 3339.
    pub last_seen: String,
    /// The calls that needed it, `eventSource eventName`.
    pub apis: Vec<String>,
    /// The resource patterns granted (`["*"]` when the records do not name them all).
    pub resources: Vec<String>,
}

/// A call whose actions are unknown, or that needs no permission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallJson {
    /// `eventSource`.
    pub event_source: String,
    /// `eventName`.
    pub event_name: String,
    /// Why unknown (`service`, `call`, `contents`, `malformed`); absent for calls needing no permission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnknownReason>,
    /// Successful calls.
    pub calls: u64,
    /// First call, RFC 3339.
    pub first_seen: String,
    /// Last call, RFC 3339.
    pub last_seen: String,
}

/// Where the compared document came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComparedJson {
    /// The file as given.
    pub file: String,
    /// `policy`, `get-role-policy` or `get-policy-version` output.
    pub form: &'static str,
    /// The comparison.
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// The report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyReport {
    /// The profile.
    pub profile: ProfileJson,
    /// The scope.
    pub scope: ScopeJson,
    /// IAM principals whose calls the policy covers (several for an origin through its chain).
    pub principals: Vec<String>,
    /// Counts of the events considered.
    pub counts: UsageCounts,
    /// The generated policy.
    pub policy: PolicyDocument,
    /// Its size in characters without whitespace (IAM's measure; managed policies allow 6,144).
    pub policy_characters: usize,
    /// Used actions, sorted.
    pub actions: Vec<ActionJson>,
    /// Calls whose actions are unknown: not in the policy.
    pub unmapped: Vec<CallJson>,
    /// Calls that need no permission.
    pub no_permission: Vec<CallJson>,
    /// The comparison, with `--compare`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared: Option<ComparedJson>,
}

/// Why a call is unmapped, for people (the CLI's table and the TUI's Policy tab).
pub fn reason_label(r: UnknownReason) -> &'static str {
    match r {
        UnknownReason::Service => "service not in the mapping",
        UnknownReason::Call => "call not in the service's list",
        UnknownReason::Contents => "actions depend on the request's contents",
        UnknownReason::Malformed => "not a plain API name",
    }
}

fn time(t: i64) -> String {
    if t == i64::MAX || t == i64::MIN {
        String::new()
    } else {
        rfc3339(t)
    }
}

fn call(c: &OtherCall) -> CallJson {
    CallJson {
        event_source: c.event_source.clone(),
        event_name: c.event_name.clone(),
        reason: c.reason,
        calls: c.calls,
        first_seen: time(c.first_seen),
        last_seen: time(c.last_seen),
    }
}

/// The input form's name.
pub fn form_name(source: &DocumentSource) -> &'static str {
    match source {
        DocumentSource::Plain => "policy",
        DocumentSource::InlinePolicy { .. } => "get-role-policy",
        DocumentSource::PolicyVersion { .. } => "get-policy-version",
    }
}

/// Characters of the compact JSON outside strings' whitespace: IAM counts the document without whitespace.
fn characters(doc: &PolicyDocument) -> usize {
    serde_json::to_string(doc)
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).count())
        .unwrap_or(0)
}

/// The report of `usage`, compared with `compare_with` (file name and document) when given.
pub fn report_of(sel: &Selection, u: &Usage, compare_with: Option<(&str, &LoadedPolicy)>) -> PolicyReport {
    let policy = generate(u);
    PolicyReport {
        profile: sel.json(),
        scope: u.scope.into(),
        principals: u.principals.clone(),
        counts: u.counts,
        policy_characters: characters(&policy),
        policy,
        actions: u
            .actions
            .iter()
            .map(|a| ActionJson {
                action: a.action.clone(),
                basis: a.basis,
                calls: a.calls,
                first_seen: time(a.first_seen),
                last_seen: time(a.last_seen),
                apis: a.apis.iter().map(|(s, n)| format!("{s} {n}")).collect(),
                resources: resource_patterns(a),
            })
            .collect(),
        unmapped: u.unmapped.iter().map(call).collect(),
        no_permission: u.no_permission.iter().map(call).collect(),
        compared: compare_with.map(|(file, loaded)| ComparedJson {
            file: file.to_owned(),
            form: form_name(&loaded.source),
            comparison: compare(&loaded.document, u),
        }),
    }
}

/// The whole analysis: the profile's use in `scope` and its report.
pub fn policy_report(
    sel: &Selection,
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    scope: Scope,
    compare_with: Option<(&str, &LoadedPolicy)>,
) -> PolicyReport {
    report_of(sel, &usage(sel, store, graph, ix, scope), compare_with)
}
