//! Recommended actions specific to what was found, each with the exact AWS CLI command prefilled from the logs
//! (`docs/investigate.md` §5): re-enable a trail a call stopped, restore a role's trust policy as it was before the
//! change (the previous `UpdateAssumeRolePolicy` or `CreateRole` document in the logs — else the command is not
//! prefilled and the action says the document is not in the logs), detach a policy attached to a role, delete the
//! keys created for a user, deactivate a long-term key that signed the calls, and revoke the active sessions of the
//! roles involved with an `aws:TokenIssueTime` deny policy. A value is never invented: what the logs do not hold is
//! named in `not_prefilled`. Every value goes through `shell::quote`.

use super::events::{EventRef, Gathered, Via};
use super::shell::quote;
use crate::core::graph::{SessionGraph, Signer, arn_account};
use crate::core::ingest::raw_values;
use crate::core::model::{IdentityType, Store, Sym};
use crate::core::time::rfc3339;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The policy name the AWS console uses for "Revoke active sessions".
pub const REVOKE_POLICY_NAME: &str = "AWSRevokeOlderSessions";

/// What to do, with the values it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Remedy {
    /// `StopLogging` stopped a trail: start it again.
    ReenableTrail {
        /// The trail's name or ARN, as the call gave it.
        trail: String,
        /// The trail's home region (from its ARN, else the call's region).
        region: String,
    },
    /// `UpdateAssumeRolePolicy` changed a role's trust policy: put the previous one back.
    RestoreTrustPolicy {
        /// The role's name.
        role_name: String,
        /// The role's account.
        account: String,
        /// The trust policy before the change, when the logs hold it.
        previous_document: Option<String>,
        /// The event that set `previous_document`.
        previous_event_id: Option<String>,
    },
    /// `AttachRolePolicy` attached a managed policy to a role: detach it.
    DetachRolePolicy {
        /// The role's name.
        role_name: String,
        /// The role's account.
        account: String,
        /// The policy ARN the call attached.
        policy_arn: Option<String>,
    },
    /// An access key was created for a user the investigation created or for whom it created keys: delete it.
    DeleteAccessKey {
        /// The user; `None` when the record names none (a `CreateAccessKey` without `userName` creates a key for
        /// the calling IAM user, and the caller was not one).
        user_name: Option<String>,
        /// The key, when the logs hold its id.
        access_key_id: Option<String>,
    },
    /// A long-term access key signed the calls: deactivate it.
    DeactivateAccessKey {
        /// The key's user, when the records name one.
        user_name: Option<String>,
        /// The key.
        access_key_id: String,
    },
    /// Sessions of a role made the calls: deny every session of it issued up to the latest one seen.
    RevokeRoleSessions {
        /// The role's name.
        role_name: String,
        /// The role's account.
        account: String,
        /// Sessions issued before this time are denied (RFC 3339 UTC): one second after the latest session of
        /// the role among the investigation's events was issued.
        issued_before: String,
        /// IAM Identity Center owns the role (`AWSReservedSSO_…`): IAM refuses changes to it.
        identity_center: bool,
    },
}

/// One recommended action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    /// What to do and its values.
    pub remedy: Remedy,
    /// Why, in one sentence.
    pub why: String,
    /// The command, every value shell-quoted; `None` when a value is missing or unsafe (see `not_prefilled`).
    pub command: Option<String>,
    /// What kept the command from being prefilled.
    pub not_prefilled: Option<String>,
    /// The events that call for it.
    pub evidence: Vec<EventRef>,
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// `--flag 'value'` pairs into a command, or why a value cannot be placed.
fn command(base: &str, args: &[(&str, &str)]) -> Result<String, String> {
    let mut out = base.to_string();
    for (flag, v) in args {
        let q = quote(v).map_err(|e| format!("the value for {flag} {e}: not placed in a command"))?;
        out.push(' ');
        out.push_str(flag);
        out.push(' ');
        out.push_str(&q);
    }
    Ok(out)
}

fn finish(remedy: Remedy, why: String, built: Result<String, String>, evidence: Vec<EventRef>) -> Action {
    let (command, not_prefilled) = match built {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(e)),
    };
    Action {
        remedy,
        why,
        command,
        not_prefilled,
        evidence,
    }
}

fn field<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// The actions the gathered events call for. `revoke`: whether the severity calls for revoking sessions and
/// deactivating keys.
/// `grants`: policy writes outside the gathered events that granted access the profile used (their trust changes
/// are restored too).
pub fn recommend(store: &Store, graph: &SessionGraph, g: &Gathered, grants: &[u32], revoke: bool) -> Vec<Action> {
    let sym = |s: &str| store.strings.get(s).unwrap_or(Sym::NONE);
    let (stop, update_trust, attach, create_user, create_key, create_role, start) = (
        sym("StopLogging"),
        sym("UpdateAssumeRolePolicy"),
        sym("AttachRolePolicy"),
        sym("CreateUser"),
        sym("CreateAccessKey"),
        sym("CreateRole"),
        sym("StartLogging"),
    );
    let ok = |i: u32, name: Sym| {
        let e = &store.events[i as usize];
        name.is_some() && e.event_name == name && !e.failed()
    };
    let evref = |i: u32, via: Via| EventRef::of(store, graph, i, via);
    let mut out = Vec::new();

    // Raw records needed: attach (policy ARN), user and key creations (names, key ids), trust changes are read
    // below with their predecessors.
    let wanted: Vec<u32> = g
        .events
        .iter()
        .filter(|(i, _)| ok(*i, attach) || ok(*i, create_user) || ok(*i, create_key))
        .map(|e| e.0)
        .collect();
    let raw: BTreeMap<u32, Result<Value, String>> = raw_values(store, &wanted)
        .into_iter()
        .map(|(i, v)| (i, v.map_err(|e| e.to_string())))
        .collect();

    for &(i, via) in &g.events {
        let e = &store.events[i as usize];
        if ok(i, stop) {
            let trail = store.s(e.resource).to_string();
            let region = trail
                .strip_prefix("arn:")
                .and_then(|a| a.split(':').nth(2))
                .filter(|r| !r.is_empty())
                .unwrap_or(store.s(e.region))
                .to_string();
            // A later successful StartLogging of the same trail (none when the name was never logged).
            let restarted = if start.is_none() {
                None
            } else {
                store.events[i as usize + 1..]
                    .iter()
                    .find(|x| x.event_name == start && x.resource == e.resource && !x.failed())
            };
            let why = match restarted {
                Some(x) => format!(
                    "StopLogging stopped the trail at {}; a later StartLogging at {} started it again (check it is still logging)",
                    rfc3339(e.time),
                    rfc3339(x.time)
                ),
                None => format!(
                    "StopLogging stopped the trail at {}; no later StartLogging of it is in the logs",
                    rfc3339(e.time)
                ),
            };
            let built = if trail.is_empty() {
                Err("the StopLogging record names no trail".to_string())
            } else {
                command(
                    "aws cloudtrail start-logging",
                    &[("--name", &trail), ("--region", &region)],
                )
            };
            out.push(finish(
                Remedy::ReenableTrail { trail, region },
                why,
                built,
                vec![evref(i, via)],
            ));
        }
    }

    // Trust policy changes: one action per role, restoring the policy before its first change in the scope.
    let mut trust_roles: Vec<Sym> = Vec::new();
    let mut trust_events: Vec<(u32, Via)> = g.events.clone();
    trust_events.extend(grants.iter().map(|&i| (i, Via::Grant)));
    for &(i, via) in &trust_events {
        let e = &store.events[i as usize];
        if !ok(i, update_trust) || e.resource.is_none() || trust_roles.contains(&e.resource) {
            continue;
        }
        trust_roles.push(e.resource);
        let arn = store.s(e.resource);
        let (name, account) = (role_name(arn).to_string(), arn_account(arn).unwrap_or("").to_string());
        let before = store.events[..i as usize]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, x)| {
                x.resource == e.resource
                    && !x.failed()
                    && (x.event_name == update_trust || (create_role.is_some() && x.event_name == create_role))
            })
            .map(|(k, _)| k as u32);
        let (doc, doc_event, missing) = match before {
            None => (
                None,
                None,
                format!(
                    "the trust policy before {} is not in the loaded logs (no earlier UpdateAssumeRolePolicy or CreateRole of the role): take it from AWS Config or a backup",
                    rfc3339(e.time)
                ),
            ),
            Some(k) => {
                let x = &store.events[k as usize];
                let path: &[&str] = if x.event_name == create_role {
                    &["requestParameters", "assumeRolePolicyDocument"]
                } else {
                    &["requestParameters", "policyDocument"]
                };
                match raw_values(store, &[k]).pop().map(|(_, v)| v) {
                    Some(Ok(v)) => match field(&v, path) {
                        Some(d) => (Some(d.to_string()), Some(store.event_id_string(x)), String::new()),
                        None => (
                            None,
                            Some(store.event_id_string(x)),
                            format!("the earlier {} record holds no policy document", store.s(x.event_name)),
                        ),
                    },
                    Some(Err(err)) => (
                        None,
                        Some(store.event_id_string(x)),
                        format!(
                            "the earlier {} record could not be read again: {err}",
                            store.s(x.event_name)
                        ),
                    ),
                    None => (None, None, "the earlier record could not be read again".to_string()),
                }
            }
        };
        let built = match &doc {
            Some(d) => command(
                "aws iam update-assume-role-policy",
                &[("--role-name", &name), ("--policy-document", d)],
            ),
            None => Err(missing),
        };
        let why = format!(
            "UpdateAssumeRolePolicy changed the trust policy of {name} at {} (account {account})",
            rfc3339(e.time)
        );
        out.push(finish(
            Remedy::RestoreTrustPolicy {
                role_name: name,
                account,
                previous_document: doc,
                previous_event_id: doc_event,
            },
            why,
            built,
            vec![evref(i, via)],
        ));
    }

    for &(i, via) in &g.events {
        if !ok(i, attach) {
            continue;
        }
        let e = &store.events[i as usize];
        let arn = store.s(e.resource);
        let (name, account) = (role_name(arn).to_string(), arn_account(arn).unwrap_or("").to_string());
        let policy = match raw.get(&i) {
            Some(Ok(v)) => Ok(field(v, &["requestParameters", "policyArn"]).map(str::to_string)),
            Some(Err(err)) => Err(format!("the record could not be read again: {err}")),
            None => Err("the record could not be read again".to_string()),
        };
        let built = match &policy {
            Ok(Some(p)) => command(
                "aws iam detach-role-policy",
                &[("--role-name", &name), ("--policy-arn", p)],
            ),
            Ok(None) => Err("the AttachRolePolicy record names no policy ARN".to_string()),
            Err(e) => Err(e.clone()),
        };
        let policy_arn = policy.ok().flatten();
        let why = format!(
            "AttachRolePolicy attached {} to {name} at {}",
            policy_arn.as_deref().unwrap_or("a policy"),
            rfc3339(e.time)
        );
        out.push(finish(
            Remedy::DetachRolePolicy {
                role_name: name,
                account,
                policy_arn,
            },
            why,
            built,
            vec![evref(i, via)],
        ));
    }

    // Users created by the investigation, and keys created by it or for those users anywhere in the logs.
    let mut users: Vec<(String, u32, Via)> = Vec::new();
    for &(i, via) in &g.events {
        if ok(i, create_user)
            && let Some(Ok(v)) = raw.get(&i)
            && let Some(u) = field(v, &["requestParameters", "userName"])
        {
            users.push((u.to_string(), i, via));
        }
    }
    let mut key_events: Vec<(u32, Via)> = g.events.iter().copied().filter(|(i, _)| ok(*i, create_key)).collect();
    if !users.is_empty() && create_key.is_some() {
        let later: Vec<u32> = store
            .events
            .iter()
            .enumerate()
            .filter(|(k, x)| x.event_name == create_key && !x.failed() && !g.contains(*k as u32))
            .map(|(k, _)| k as u32)
            .collect();
        for (k, v) in raw_values(store, &later) {
            let user = v
                .ok()
                .and_then(|v| field(&v, &["requestParameters", "userName"]).map(str::to_string));
            if user.is_some_and(|u| users.iter().any(|x| x.0 == u)) {
                key_events.push((k, Via::Chain));
            }
        }
    }
    let mut key_raw = raw.clone();
    let extra: Vec<u32> = key_events
        .iter()
        .map(|e| e.0)
        .filter(|k| !key_raw.contains_key(k))
        .collect();
    key_raw.extend(
        raw_values(store, &extra)
            .into_iter()
            .map(|(k, v)| (k, v.map_err(|e| e.to_string()))),
    );
    let mut keyed_users: Vec<String> = Vec::new();
    for (k, via) in key_events {
        let x = &store.events[k as usize];
        let v = key_raw.get(&k).and_then(|v| v.as_ref().ok());
        let user = v
            .and_then(|v| field(v, &["responseElements", "accessKey", "userName"]))
            .or_else(|| v.and_then(|v| field(v, &["requestParameters", "userName"])))
            .map(str::to_string)
            .or_else(|| {
                // Without userName the key is the calling IAM user's own.
                let id = store.identity(x);
                (id.kind == IdentityType::IamUser)
                    .then(|| store.strings.opt(id.user_name).map(str::to_string))
                    .flatten()
            });
        let key = v
            .and_then(|v| field(v, &["responseElements", "accessKey", "accessKeyId"]))
            .map(str::to_string);
        if let Some(u) = &user {
            keyed_users.push(u.clone());
        }
        let built = match (&user, &key) {
            (Some(u), Some(id)) => command(
                "aws iam delete-access-key",
                &[("--user-name", u), ("--access-key-id", id)],
            ),
            (None, _) => Err(match key_raw.get(&k) {
                Some(Err(e)) => format!("the CreateAccessKey record could not be read again: {e}"),
                _ => "the CreateAccessKey record names no user and its caller is not an IAM user".to_string(),
            }),
            (Some(_), None) => {
                Err("the CreateAccessKey record holds no key id (responseElements not logged)".to_string())
            }
        };
        let why = format!(
            "CreateAccessKey created a key for {} at {}",
            user.as_deref().unwrap_or("a user the record does not name"),
            rfc3339(x.time)
        );
        out.push(finish(
            Remedy::DeleteAccessKey {
                user_name: user,
                access_key_id: key,
            },
            why,
            built,
            vec![evref(k, via)],
        ));
    }
    for (user, i, via) in users {
        if keyed_users.contains(&user) {
            continue;
        }
        out.push(finish(
            Remedy::DeleteAccessKey {
                user_name: Some(user.clone()),
                access_key_id: None,
            },
            format!(
                "CreateUser created {user} at {}; no CreateAccessKey for it is in the loaded logs",
                rfc3339(store.events[i as usize].time)
            ),
            Err(format!(
                "no key id of {user} is in the logs: list its keys with aws iam list-access-keys"
            )),
            vec![evref(i, via)],
        ));
    }

    if revoke {
        out.extend(revocations(store, graph, g));
    }
    out
}

/// Deactivate long-term keys and revoke role sessions that signed the investigation's calls.
fn revocations(store: &Store, graph: &SessionGraph, g: &Gathered) -> Vec<Action> {
    let mut out = Vec::new();
    // Long-term keys (AKIA…) that signed the profile's or the chain's calls.
    let mut keys: BTreeMap<&str, (Option<&str>, u32, Via)> = BTreeMap::new();
    // Role → (latest session issue time, latest event, via).
    let mut roles: BTreeMap<&str, (i64, u32, Via)> = BTreeMap::new();
    for &(i, via) in &g.events {
        if via == Via::Assumption {
            continue;
        }
        let e = &store.events[i as usize];
        match graph.signer.get(i as usize) {
            Some(Signer::Session(s)) => {
                let x = graph.session(*s);
                let Some(role) = store.strings.opt(x.role_arn) else {
                    continue;
                };
                let issued = x.created_by.map(|e| graph.edge(e).time).unwrap_or(x.first_seen);
                let r = roles.entry(role).or_insert((issued, i, via));
                if issued > r.0 {
                    r.0 = issued;
                }
                r.1 = i;
            }
            _ => {
                let id = store.identity(e);
                if let Some(k) = store.strings.opt(id.access_key_id).filter(|k| k.starts_with("AKIA")) {
                    // Only an IAM user's record names the key's user; a root key has none to name.
                    let user = (id.kind == IdentityType::IamUser)
                        .then(|| store.strings.opt(id.user_name))
                        .flatten();
                    keys.insert(k, (user, i, via));
                }
            }
        }
    }
    for (key, (user, i, via)) in keys {
        let built = match user {
            Some(u) => command(
                "aws iam update-access-key",
                &[("--user-name", u), ("--access-key-id", key), ("--status", "Inactive")],
            ),
            None => Err("the records name no user for this key (a root key is deleted from the root user's security credentials page)".to_string()),
        };
        out.push(finish(
            Remedy::DeactivateAccessKey {
                user_name: user.map(str::to_string),
                access_key_id: key.to_string(),
            },
            format!("the long-term key {key} signed the investigated calls"),
            built,
            vec![EventRef::of(store, graph, i, via)],
        ));
    }
    for (role, (issued, i, via)) in roles {
        let name = role_name(role).to_string();
        let account = arn_account(role).unwrap_or("").to_string();
        let before = rfc3339(issued + 1);
        let identity_center = name.starts_with("AWSReservedSSO_");
        // The time is rfc3339's own output (digits, '-', ':', 'T', 'Z'): nothing in it needs JSON escaping.
        let document = format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],\"Condition\":{{\"DateLessThan\":{{\"aws:TokenIssueTime\":\"{before}\"}}}}}}]}}"
        );
        let built = if identity_center {
            Err("IAM Identity Center owns this role and IAM refuses changes to it: add the same deny to the permission set's inline policy (aws sso-admin put-inline-policy-to-permission-set needs the instance and permission set ARNs, which the logs do not hold) and provision it, or disable the user".to_string())
        } else {
            command(
                "aws iam put-role-policy",
                &[
                    ("--role-name", &name),
                    ("--policy-name", REVOKE_POLICY_NAME),
                    ("--policy-document", &document),
                ],
            )
        };
        out.push(finish(
            Remedy::RevokeRoleSessions {
                role_name: name,
                account,
                issued_before: before.clone(),
                identity_center,
            },
            format!(
                "sessions of {role} made the investigated calls; the latest was issued at {}",
                rfc3339(issued)
            ),
            built,
            vec![EventRef::of(store, graph, i, via)],
        ));
    }
    out
}
