//! An existing policy against observed use: for each used action whether this document grants it (every resource
//! the records name, or at action level when they name none), denies it, or grants it only under conditions this
//! comparison does not evaluate; which granted action patterns went unused; which wildcards (`s3:Get*`, `*`,
//! `NotAction`, `Resource: "*"`) are broader than the use needs. Only this one document is considered: a used
//! action it does not grant came from elsewhere (another identity policy, a group, a resource-based policy), and
//! SCPs, permission boundaries and session policies are not evaluated. What is not evaluated is said in
//! [`Comparison::not_evaluated`] (`docs/policy.md` §5).

use super::document::{ActionSpec, Effect, PolicyDocument, ResourceSpec, Statement};
use super::pattern::{Match, action_matches, has_wildcard, resource_matches};
use super::resource::Target;
use super::usage::Usage;
use serde::Serialize;

/// What this document says about one used action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// An unconditional `Allow` covers it on every resource the records name, and no `Deny` matches.
    Granted,
    /// Only statements with conditions (not evaluated), or patterns that cannot be evaluated, cover it.
    Conditional,
    /// No `Allow` covers it: the permission must come from another policy.
    NotGranted,
    /// An unconditional `Deny` covers it, yet the call succeeded: this document was not in force as written, or
    /// the deny's resource was not the one the record names.
    Denied,
}

/// One used action judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UsedVerdict {
    /// `service:Action`.
    pub action: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Statements that allow it (`Sid`, or `#index` when the statement has none).
    pub allowed_by: Vec<String>,
    /// Statements that deny it.
    pub denied_by: Vec<String>,
    /// Why the verdict is not plain (conditions, unnamed resources, policy variables), for people.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How a granted pattern relates to the use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrantKind {
    /// A literal action that was not used.
    UnusedAction,
    /// A wildcard that covers no used action.
    UnusedWildcard,
    /// A wildcard that covers used actions and more: `needed` lists the used ones.
    BroaderWildcard,
    /// `NotAction` in an `Allow`: every action except the listed ones; `needed` lists the used ones.
    NotAction,
    /// `Resource: "*"` (or `NotResource`) for used actions whose resources the records name: `needed` lists them.
    BroaderResource,
}

/// One granted pattern that the use does not need in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// The statement (`Sid`, or `#index`).
    pub statement: String,
    /// The pattern as written (for `not-action`, the excluded patterns joined with `, `).
    pub pattern: String,
    /// How it relates to the use.
    pub kind: GrantKind,
    /// What the use needs of it (used actions, or resources for `broader-resource`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed: Vec<String>,
}

/// The comparison of one document with a usage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Every used action with its verdict, sorted by action.
    pub used: Vec<UsedVerdict>,
    /// Used actions this document does not grant: they must come from another policy.
    pub not_granted: Vec<String>,
    /// Granted patterns the use does not need in full, in statement order.
    pub grants: Vec<Grant>,
    /// What this comparison does not evaluate.
    pub not_evaluated: Vec<String>,
}

/// The name of statement `i` in messages.
fn statement_name(s: &Statement, i: usize) -> String {
    s.sid
        .clone()
        .filter(|x| !x.is_empty())
        .unwrap_or_else(|| format!("#{i}"))
}

/// Whether a statement's action element covers `action`.
fn covers_action(s: &Statement, action: &str) -> bool {
    match &s.action {
        ActionSpec::Action(p) => p.iter().any(|p| action_matches(p, action)),
        ActionSpec::NotAction(p) => !p.iter().any(|p| action_matches(p, action)),
    }
}

/// Whether a statement's resource element covers a target: `Yes`, `No`, or `NotEvaluable` (a policy variable, or a
/// target the record names only by prefix that the pattern does not cover whole).
fn covers_target(s: &Statement, t: &Target) -> Match {
    let one = |p: &str| -> Match {
        if p == "*" {
            return Match::Yes;
        }
        match t.suffix {
            None => resource_matches(p, &t.literal),
            // Only `*`-ended patterns whose head covers the literal cover a prefix target for sure.
            Some(_) => match p.strip_suffix('*') {
                Some(head)
                    if resource_matches(&format!("{head}*"), &t.literal) == Match::Yes && !head.contains('*') =>
                {
                    Match::Yes
                }
                _ => Match::NotEvaluable,
            },
        }
    };
    let any = |ps: &[String]| {
        let mut out = Match::No;
        for p in ps {
            match one(p) {
                Match::Yes => return Match::Yes,
                Match::NotEvaluable => out = Match::NotEvaluable,
                Match::No => {}
            }
        }
        out
    };
    match &s.resource {
        // Identity-based statements need a resource element; one without it is judged at action level.
        None => Match::Yes,
        Some(ResourceSpec::Resource(p)) => any(p),
        Some(ResourceSpec::NotResource(p)) => match any(p) {
            Match::Yes => Match::No,
            Match::No => Match::Yes,
            Match::NotEvaluable => Match::NotEvaluable,
        },
    }
}

/// Whether a statement covers the action on "some unnamed resource": only a resource element that is `*` (or
/// absent) covers it for sure.
fn covers_unnamed(s: &Statement) -> Match {
    match &s.resource {
        None => Match::Yes,
        Some(ResourceSpec::Resource(p)) if p.iter().any(|p| p == "*") => Match::Yes,
        Some(_) => Match::NotEvaluable,
    }
}

/// Compare `doc` with `usage`.
pub fn compare(doc: &PolicyDocument, usage: &Usage) -> Comparison {
    let mut used = Vec::new();
    for u in &usage.actions {
        let mut v = UsedVerdict {
            action: u.action.clone(),
            verdict: Verdict::NotGranted,
            allowed_by: vec![],
            denied_by: vec![],
            notes: vec![],
        };
        // Per target, the best allow: 2 = unconditional, 1 = conditional or not evaluable, 0 = none.
        let targets: Vec<Option<&Target>> = match &u.targets {
            Some(t) if !t.is_empty() => t.iter().map(Some).collect(),
            _ => vec![None],
        };
        let mut best = vec![0u8; targets.len()];
        let mut deny = 0u8;
        for (i, s) in doc.statements.iter().enumerate() {
            if !covers_action(s, &u.action) {
                continue;
            }
            let conditional = !s.conditions.is_empty();
            let mut hit = false;
            for (k, t) in targets.iter().enumerate() {
                let m = match t {
                    Some(t) => covers_target(s, t),
                    None => covers_unnamed(s),
                };
                let level = match (m, conditional) {
                    (Match::No, _) => 0,
                    (Match::Yes, false) => 2,
                    _ => 1,
                };
                if level > 0 {
                    hit = true;
                }
                match s.effect {
                    Effect::Allow => best[k] = best[k].max(level),
                    Effect::Deny => deny = deny.max(level),
                }
            }
            if hit {
                match s.effect {
                    Effect::Allow => v.allowed_by.push(statement_name(s, i)),
                    Effect::Deny => v.denied_by.push(statement_name(s, i)),
                }
            }
        }
        let allow = best.iter().copied().min().unwrap_or(0);
        v.verdict = match (deny, allow) {
            (2, _) => Verdict::Denied,
            (_, 0) => Verdict::NotGranted,
            (1, _) | (_, 1) => Verdict::Conditional,
            _ => Verdict::Granted,
        };
        if u.targets.as_ref().is_none_or(|t| t.is_empty()) {
            v.notes
                .push("the records name no resource for some calls: judged at action level".to_owned());
        }
        if v.verdict == Verdict::Conditional {
            v.notes
                .push("covered only by statements with conditions or patterns not evaluated".to_owned());
        }
        if deny == 1 && v.verdict != Verdict::Denied {
            v.notes
                .push("a Deny with conditions (not evaluated) also covers it".to_owned());
        }
        if v.verdict == Verdict::NotGranted && best.iter().any(|&b| b > 0) {
            v.notes
                .push("granted on some of the resources used, not on all".to_owned());
        }
        used.push(v);
    }
    let not_granted = used
        .iter()
        .filter(|v| v.verdict == Verdict::NotGranted)
        .map(|v| v.action.clone())
        .collect();
    Comparison {
        used,
        not_granted,
        grants: grants(doc, usage),
        not_evaluated: not_evaluated(doc),
    }
}

/// Granted patterns the use does not need in full.
fn grants(doc: &PolicyDocument, usage: &Usage) -> Vec<Grant> {
    let mut out = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        if s.effect != Effect::Allow {
            continue;
        }
        let name = statement_name(s, i);
        let covered = |p: &str| -> Vec<String> {
            usage
                .actions
                .iter()
                .filter(|u| action_matches(p, &u.action))
                .map(|u| u.action.clone())
                .collect()
        };
        match &s.action {
            ActionSpec::Action(patterns) => {
                for p in patterns {
                    let needed = covered(p);
                    let kind = match (has_wildcard(p), needed.is_empty()) {
                        (false, true) => GrantKind::UnusedAction,
                        (false, false) => continue,
                        (true, true) => GrantKind::UnusedWildcard,
                        (true, false) => GrantKind::BroaderWildcard,
                    };
                    out.push(Grant {
                        statement: name.clone(),
                        pattern: p.clone(),
                        kind,
                        needed,
                    });
                }
            }
            ActionSpec::NotAction(patterns) => {
                let needed = usage
                    .actions
                    .iter()
                    .filter(|u| covers_action(s, &u.action))
                    .map(|u| u.action.clone())
                    .collect();
                out.push(Grant {
                    statement: name.clone(),
                    pattern: patterns.join(", "),
                    kind: GrantKind::NotAction,
                    needed,
                });
            }
        }
        // Resource "*" or NotResource where every covered used action has named resources.
        let wide = match &s.resource {
            Some(ResourceSpec::Resource(p)) => p.iter().any(|p| p == "*"),
            Some(ResourceSpec::NotResource(_)) => true,
            None => false,
        };
        if wide {
            let covered: Vec<_> = usage.actions.iter().filter(|u| covers_action(s, &u.action)).collect();
            let named = !covered.is_empty()
                && covered
                    .iter()
                    .all(|u| u.targets.as_ref().is_some_and(|t| !t.is_empty()));
            if named {
                let needed = covered
                    .iter()
                    .flat_map(|u| u.targets.iter().flatten().map(Target::pattern))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let pattern = match &s.resource {
                    Some(ResourceSpec::NotResource(p)) => format!("NotResource {}", p.join(", ")),
                    _ => "*".to_owned(),
                };
                out.push(Grant {
                    statement: name,
                    pattern,
                    kind: GrantKind::BroaderResource,
                    needed,
                });
            }
        }
    }
    out
}

/// What this comparison does not evaluate, for this document.
fn not_evaluated(doc: &PolicyDocument) -> Vec<String> {
    let mut out = vec![
        "only this document: other identity policies, groups, resource-based policies, SCPs, RCPs, permission boundaries and session policies are not considered".to_owned(),
    ];
    let with_conditions: Vec<String> = doc
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.conditions.is_empty())
        .map(|(i, s)| statement_name(s, i))
        .collect();
    if !with_conditions.is_empty() {
        out.push(format!(
            "conditions are not evaluated (statements {}): what they cover is reported as conditional",
            with_conditions.join(", ")
        ));
    }
    if doc.statements.iter().any(|s| s.principal.is_some()) {
        out.push("Principal / NotPrincipal are not evaluated (a resource-based or trust policy)".to_owned());
    }
    let variables = doc.statements.iter().any(|s| {
        s.resource.as_ref().is_some_and(|r| {
            r.patterns()
                .iter()
                .any(|p| p.contains("${") && resource_matches(p, "") == Match::NotEvaluable)
        })
    });
    if variables {
        out.push("resource patterns with policy variables (${aws:username}, …) are not evaluated".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::policy::actions::Basis;
    use crate::core::policy::usage::ActionUse;
    use std::collections::BTreeSet;

    fn used(action: &str, arns: &[&str]) -> ActionUse {
        ActionUse {
            action: action.into(),
            basis: Basis::SameName,
            calls: 1,
            first_seen: 0,
            last_seen: 0,
            apis: BTreeSet::new(),
            targets: if arns.is_empty() {
                None
            } else {
                Some(
                    arns.iter()
                        .map(|a| Target {
                            literal: (*a).into(),
                            suffix: None,
                        })
                        .collect(),
                )
            },
            events: vec![],
        }
    }

    fn usage(actions: Vec<ActionUse>) -> Usage {
        Usage {
            scope: crate::core::time::Scope::ALL,
            actions,
            unmapped: vec![],
            no_permission: vec![],
            principals: vec![],
            counts: Default::default(),
        }
    }

    fn verdicts(c: &Comparison) -> Vec<(&str, Verdict)> {
        c.used.iter().map(|v| (v.action.as_str(), v.verdict)).collect()
    }

    #[test]
    fn wildcards_deny_and_not_action() {
        let doc = PolicyDocument::parse(
            r#"{"Version": "2012-10-17", "Statement": [
              {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket", "s3:PutObject"], "Resource": "*"},
              {"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
              {"Sid": "Most", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*",
               "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}"#,
        )
        .unwrap();
        let u = usage(vec![
            used("s3:GetObject", &["arn:aws:s3:::b/k"]),
            used("iam:CreateUser", &[]),
            used("ec2:RunInstances", &[]),
            used("organizations:ListAccounts", &[]),
        ]);
        let c = compare(&doc, &u);
        assert_eq!(
            verdicts(&c),
            [
                ("s3:GetObject", Verdict::Granted),
                ("iam:CreateUser", Verdict::Denied),
                ("ec2:RunInstances", Verdict::Conditional),
                ("organizations:ListAccounts", Verdict::NotGranted),
            ]
        );
        assert_eq!(c.not_granted, ["organizations:ListAccounts"]);
        assert_eq!(c.used[0].allowed_by, ["Read", "Most"]);
        assert_eq!(c.used[1].denied_by, ["NoIam"]);
        let g: Vec<(&str, &str, GrantKind, Vec<String>)> = c
            .grants
            .iter()
            .map(|g| (g.statement.as_str(), g.pattern.as_str(), g.kind, g.needed.clone()))
            .collect();
        assert_eq!(
            g,
            [
                (
                    "Read",
                    "s3:Get*",
                    GrantKind::BroaderWildcard,
                    vec!["s3:GetObject".to_owned()]
                ),
                ("Read", "s3:ListBucket", GrantKind::UnusedAction, vec![]),
                ("Read", "s3:PutObject", GrantKind::UnusedAction, vec![]),
                (
                    "Read",
                    "*",
                    GrantKind::BroaderResource,
                    vec!["arn:aws:s3:::b/k".to_owned()]
                ),
                (
                    "Most",
                    "iam:*, organizations:*",
                    GrantKind::NotAction,
                    vec!["s3:GetObject".to_owned(), "ec2:RunInstances".to_owned()]
                ),
            ]
        );
        assert!(
            c.not_evaluated
                .iter()
                .any(|n| n.contains("conditions are not evaluated (statements Most)"))
        );
    }

    #[test]
    fn resources_are_checked_when_the_records_name_them() {
        let doc = PolicyDocument::parse(
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/logs/*"},
                              {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::${aws:username}"}]}"#,
        )
        .unwrap();
        let c = compare(
            &doc,
            &usage(vec![
                used("s3:GetObject", &["arn:aws:s3:::b/logs/x", "arn:aws:s3:::b/secret/y"]),
                used("s3:ListBucket", &["arn:aws:s3:::b"]),
            ]),
        );
        assert_eq!(
            verdicts(&c),
            [
                ("s3:GetObject", Verdict::NotGranted),
                ("s3:ListBucket", Verdict::Conditional)
            ]
        );
        assert!(c.used[0].notes.iter().any(|n| n.contains("not on all")));
        assert!(c.not_evaluated.iter().any(|n| n.contains("policy variables")));
        // An unnamed resource is covered for sure only by "*".
        let c = compare(&doc, &usage(vec![used("s3:GetObject", &[])]));
        assert_eq!(verdicts(&c), [("s3:GetObject", Verdict::Conditional)]);
    }

    #[test]
    fn a_star_grant_with_nothing_used_is_an_unused_wildcard() {
        let doc =
            PolicyDocument::parse(r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#).unwrap();
        let c = compare(&doc, &usage(vec![]));
        assert_eq!(c.grants.len(), 1);
        assert_eq!(c.grants[0].kind, GrantKind::UnusedWildcard);
    }
}
