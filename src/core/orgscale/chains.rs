//! What the next part of the plan needs, read from the records fetched so far: the temporary access keys seen
//! in use whose creating event has not been fetched (the next chain round looks for them), and the principals
//! on the chains of the named ones (the baseline fetches their history).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::plan::{ORIGIN_EVENTS, Principal};

fn str_at<'a>(rec: &'a Map<String, Value>, path: &[&str]) -> Option<&'a str> {
    let (last, inner) = path.split_last()?;
    let mut o = rec;
    for p in inner {
        o = o.get(*p)?.as_object()?;
    }
    o.get(*last)?.as_str()
}

fn used_key(rec: &Map<String, Value>) -> Option<&str> {
    str_at(rec, &["userIdentity", "accessKeyId"])
}

/// The access key an origin event hands out (`responseElements.credentials.accessKeyId`).
fn created_key(rec: &Map<String, Value>) -> Option<&str> {
    let name = str_at(rec, &["eventName"])?;
    if !ORIGIN_EVENTS.contains(&name) {
        return None;
    }
    str_at(rec, &["responseElements", "credentials", "accessKeyId"])
}

/// A temporary key's text as the chain round may search for it (`ASIA` + upper-case letters and digits).
fn searchable(key: &str) -> bool {
    key.len() >= 16 && key.len() <= 128 && key.starts_with("ASIA") && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Temporary keys used in `records` and not created by any of them, minus those already looked for; sorted.
pub fn unresolved_keys(records: &[Map<String, Value>], asked: &BTreeSet<String>) -> Vec<String> {
    let created: BTreeSet<&str> = records.iter().filter_map(created_key).collect();
    let used: BTreeSet<&str> = records.iter().filter_map(used_key).collect();
    used.into_iter()
        .filter(|k| searchable(k) && !created.contains(k) && !asked.contains(*k))
        .map(str::to_string)
        .collect()
}

/// Whether `rec` was made by principal `p`.
fn made_by(rec: &Map<String, Value>, p: &Principal) -> bool {
    let ui = |f: &str| str_at(rec, &["userIdentity", f]);
    match p {
        Principal::AccessKey(k) => ui("accessKeyId") == Some(k.as_str()),
        Principal::PrincipalId(id) => ui("principalId") == Some(id.as_str()),
        Principal::Arn(a) => ui("arn") == Some(a.as_str()),
        Principal::Role(r) => {
            str_at(rec, &["userIdentity", "sessionContext", "sessionIssuer", "arn"]) == Some(r.as_str())
        }
        Principal::Identity { role_arn, session_name } => {
            str_at(rec, &["userIdentity", "sessionContext", "sessionIssuer", "arn"]) == Some(role_arn.as_str())
                && ui("principalId").and_then(|p| p.rsplit_once(':')).map(|(_, s)| s) == Some(session_name.as_str())
        }
    }
}

/// Who made `rec`, as a principal whose history a baseline can fetch: the role of a session, an IAM user's or
/// other identity's ARN, else its principal id.
fn maker(rec: &Map<String, Value>) -> Option<Principal> {
    if let Some(role) = str_at(rec, &["userIdentity", "sessionContext", "sessionIssuer", "arn"])
        && role.contains(":role/")
    {
        return Some(Principal::Role(role.to_string()));
    }
    if let Some(arn) = str_at(rec, &["userIdentity", "arn"]) {
        return Some(Principal::Arn(arn.to_string()));
    }
    str_at(rec, &["userIdentity", "principalId"]).map(|p| Principal::PrincipalId(p.to_string()))
}

/// The named principals and everyone on their chains in `records`: for each principal, the roles and users
/// behind its sessions, then whoever created those sessions (the origin event's caller), until nothing new.
/// Also the accounts those principals acted in. Sorted, deterministic.
pub fn chain_principals(records: &[Map<String, Value>], named: &[Principal]) -> (Vec<Principal>, Vec<String>) {
    let mut out: BTreeSet<Principal> = named.iter().cloned().collect();
    let mut accounts = BTreeSet::new();
    let creator_of = |key: &str| records.iter().find(|r| created_key(r) == Some(key));
    let mut frontier: Vec<Principal> = named.to_vec();
    while let Some(p) = frontier.pop() {
        for rec in records.iter().filter(|r| made_by(r, &p)) {
            if let Some(a) = str_at(rec, &["recipientAccountId"]) {
                accounts.insert(a.to_string());
            }
            let mut next = Vec::new();
            if let Some(m) = maker(rec) {
                next.push(m);
            }
            if let Some(origin) = used_key(rec).and_then(creator_of)
                && let Some(m) = maker(origin)
            {
                next.push(m);
            }
            for n in next {
                if out.insert(n.clone()) {
                    frontier.push(n);
                }
            }
        }
    }
    for p in &out {
        if let Some(a) = p.account() {
            accounts.insert(a.to_string());
        }
    }
    (out.into_iter().collect(), accounts.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn records() -> Vec<Map<String, Value>> {
        vec![
            // bob (IAM user) assumes Admin, handing out ASIAADMIN...
            rec(json!({"eventName": "AssumeRole", "recipientAccountId": "111122223333",
                "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/bob", "accessKeyId": "AKIABOB0000000000001"},
                "responseElements": {"credentials": {"accessKeyId": "ASIAADMIN00000000001"}}})),
            // the Admin session acts
            rec(json!({"eventName": "ListBuckets", "recipientAccountId": "111122223333",
                "userIdentity": {"type": "AssumedRole", "principalId": "AROAADMIN:bob", "accessKeyId": "ASIAADMIN00000000001",
                    "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::111122223333:role/Admin"}}}})),
            // a session whose creation is not here
            rec(json!({"eventName": "GetObject", "recipientAccountId": "444455556666",
                "userIdentity": {"type": "AssumedRole", "accessKeyId": "ASIAOLD0000000000009",
                    "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::444455556666:role/Old"}}}})),
        ]
    }

    #[test]
    fn keys_without_their_creation_are_unresolved() {
        let r = records();
        assert_eq!(unresolved_keys(&r, &BTreeSet::new()), ["ASIAOLD0000000000009"]);
        let asked = BTreeSet::from(["ASIAOLD0000000000009".to_string()]);
        assert!(unresolved_keys(&r, &asked).is_empty());
    }

    #[test]
    fn chains_lead_from_a_session_to_its_role_and_origin() {
        let (p, accounts) = chain_principals(&records(), &[Principal::AccessKey("ASIAADMIN00000000001".into())]);
        assert_eq!(
            p,
            [
                Principal::AccessKey("ASIAADMIN00000000001".into()),
                Principal::Role("arn:aws:iam::111122223333:role/Admin".into()),
                Principal::Arn("arn:aws:iam::111122223333:user/bob".into()),
            ]
        );
        assert_eq!(accounts, ["111122223333"]);
    }
}
