//! The least-privilege policy of a [`Usage`]: one `Allow` statement per service and per distinct resource list
//! within it (so no action is granted on another action's resources), `Sid` from the service prefix, actions and
//! resources sorted, so the same use always gives the same bytes. Resources are the ARNs the records name, S3
//! objects widened to their key's folder (`bucket/logs/2024/*`; a bucket with more than [`MAX_S3_PREFIXES`]
//! folders for one action becomes `bucket/*`), or `*` when any call of the action named none (`docs/policy.md`
//! §4).

use super::document::{ActionSpec, CURRENT_VERSION, Effect, PolicyDocument, ResourceSpec, Statement};
use super::resource::{Target, Targets, is_s3_object_action};
use super::usage::{ActionUse, Usage};
use std::collections::{BTreeMap, BTreeSet};

/// Folders of one bucket above which an S3 object action gets `bucket/*`.
pub const MAX_S3_PREFIXES: usize = 10;

/// The resource patterns one action needs, sorted; `["*"]` when the records do not name them all.
pub fn resource_patterns(u: &ActionUse) -> Vec<String> {
    let Some(targets) = &u.targets else {
        return vec!["*".to_owned()];
    };
    if targets.is_empty() {
        return vec!["*".to_owned()];
    }
    let mut t: BTreeSet<Target> = if is_s3_object_action(&u.action) {
        s3_folders(targets)
    } else {
        targets.iter().cloned().collect()
    };
    // A pattern `p*` covers every other target that starts with `p`.
    let wide: Vec<Target> = t.iter().filter(|x| x.suffix == Some("*")).cloned().collect();
    t.retain(|x| !wide.iter().any(|w| w != x && x.literal.starts_with(&w.literal)));
    t.iter()
        .map(Target::pattern)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// One bucket's object targets folded to folders: `None` once there are more than [`MAX_S3_PREFIXES`].
type Folders<'a> = Option<BTreeSet<(&'a str, Option<&'static str>)>>;

/// Exact S3 object ARNs widened to their folder (`b/k/x` → `b/k/*`; a key without `/` stays exact), and a bucket
/// with too many folders to `b/*`. Folders are slices of the targets' text until kept: an identity's hundreds of
/// thousands of objects cost no allocation each.
fn s3_folders(targets: &Targets) -> BTreeSet<Target> {
    let mut out = BTreeSet::new();
    // `arn:…:s3:::bucket/` → its folders
    let mut by_bucket: BTreeMap<&str, Folders> = BTreeMap::new();
    for t in targets {
        let l = t.literal.as_str();
        let Some(head_len) = memchr::memmem::find(l.as_bytes(), b":s3:::").and_then(|h| {
            let rest = &l[h + 6..];
            Some(h + 6 + rest.find('/')? + 1)
        }) else {
            out.insert(t.clone());
            continue;
        };
        let (head, key) = l.split_at(head_len);
        let folder = match (t.suffix, key.rfind('/')) {
            (None, Some(i)) => (&l[..head_len + i + 1], Some("*")),
            _ => (l, t.suffix),
        };
        let slot = by_bucket.entry(head).or_insert_with(|| Some(BTreeSet::new()));
        if let Some(set) = slot {
            set.insert(folder);
            if set.len() > MAX_S3_PREFIXES {
                *slot = None;
            }
        }
    }
    for (head, folders) in by_bucket {
        match folders {
            None => {
                out.insert(Target {
                    literal: head.to_owned(),
                    suffix: Some("*"),
                });
            }
            Some(set) => out.extend(set.into_iter().map(|(literal, suffix)| Target {
                literal: literal.to_owned(),
                suffix,
            })),
        }
    }
    out
}

/// The `Sid` of a service prefix: its dash-separated words capitalised (`access-analyzer` → `AccessAnalyzer`,
/// `s3` → `S3`); only ASCII letters and digits, as IAM requires.
pub fn service_sid(prefix: &str) -> String {
    prefix
        .split('-')
        .map(|w| {
            let mut c = w.chars().filter(char::is_ascii_alphanumeric);
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + &c.collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The policy granting exactly the used actions.
pub fn generate(usage: &Usage) -> PolicyDocument {
    // service → resource list → actions
    let mut groups: BTreeMap<&str, BTreeMap<Vec<String>, BTreeSet<&str>>> = BTreeMap::new();
    for u in &usage.actions {
        let service = u.action.split_once(':').map_or(u.action.as_str(), |(s, _)| s);
        groups
            .entry(service)
            .or_default()
            .entry(resource_patterns(u))
            .or_default()
            .insert(&u.action);
    }
    let mut statements = Vec::new();
    for (service, by_resources) in groups {
        // Statements of one service in the order of their first action, so adding a resource does not reorder.
        let mut list: Vec<(Vec<String>, BTreeSet<&str>)> = by_resources.into_iter().collect();
        list.sort_by(|a, b| a.1.iter().next().cmp(&b.1.iter().next()));
        let sid = service_sid(service);
        let several = list.len() > 1;
        for (n, (resources, actions)) in list.into_iter().enumerate() {
            statements.push(Statement {
                sid: Some(if several {
                    format!("{sid}Part{}", n + 1)
                } else {
                    sid.clone()
                }),
                effect: Effect::Allow,
                action: ActionSpec::Action(actions.into_iter().map(str::to_owned).collect()),
                resource: Some(ResourceSpec::Resource(resources)),
                principal: None,
                conditions: Vec::new(),
            });
        }
    }
    PolicyDocument {
        version: Some(CURRENT_VERSION.to_owned()),
        id: None,
        statements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::policy::actions::Basis;

    fn used(action: &str, targets: Option<&[(&str, Option<&'static str>)]>) -> ActionUse {
        ActionUse {
            action: action.into(),
            basis: Basis::Listed,
            calls: 1,
            first_seen: 0,
            last_seen: 0,
            apis: BTreeSet::new(),
            targets: targets.map(|t| {
                t.iter()
                    .map(|&(l, s)| Target {
                        literal: l.into(),
                        suffix: s,
                    })
                    .collect()
            }),
            events: vec![],
        }
    }

    #[test]
    fn s3_objects_widen_to_their_folder() {
        let u = used(
            "s3:GetObject",
            Some(&[
                ("arn:aws:s3:::b/logs/2024/a.gz", None),
                ("arn:aws:s3:::b/logs/2024/b.gz", None),
                ("arn:aws:s3:::b/top.txt", None),
                ("arn:aws:s3:::c/x/y", None),
            ]),
        );
        assert_eq!(
            resource_patterns(&u),
            [
                "arn:aws:s3:::b/logs/2024/*",
                "arn:aws:s3:::b/top.txt",
                "arn:aws:s3:::c/x/*"
            ]
        );
    }

    #[test]
    fn a_bucket_with_many_folders_becomes_the_bucket() {
        let names: Vec<String> = (0..=MAX_S3_PREFIXES)
            .map(|i| format!("arn:aws:s3:::b/d{i}/o"))
            .collect();
        let t: Vec<(&str, Option<&'static str>)> = names.iter().map(|n| (n.as_str(), None)).collect();
        assert_eq!(resource_patterns(&used("s3:PutObject", Some(&t))), ["arn:aws:s3:::b/*"]);
        // At the limit the folders stay, each once however many objects it holds; another bucket is counted apart.
        let mut t: Vec<(&str, Option<&'static str>)> = t[..MAX_S3_PREFIXES].to_vec();
        let more: Vec<String> = (0..3).map(|i| format!("arn:aws:s3:::b/d0/p{i}")).collect();
        t.extend(more.iter().map(|n| (n.as_str(), None)));
        t.push(("arn:aws:s3:::c/d0/o", None));
        let p = resource_patterns(&used("s3:PutObject", Some(&t)));
        assert_eq!(p.len(), MAX_S3_PREFIXES + 1, "{p:?}");
        assert!(p.contains(&"arn:aws:s3:::b/d9/*".to_owned()) && p.contains(&"arn:aws:s3:::c/d0/*".to_owned()));
    }

    #[test]
    fn a_wide_pattern_absorbs_what_it_covers() {
        let u = used(
            "s3:GetObject",
            Some(&[("arn:aws:s3:::b/", Some("*")), ("arn:aws:s3:::b/k/x", None)]),
        );
        assert_eq!(resource_patterns(&u), ["arn:aws:s3:::b/*"]);
    }

    #[test]
    fn unnamed_resources_give_star_and_wildcards_are_escaped() {
        assert_eq!(resource_patterns(&used("ec2:DescribeInstances", None)), ["*"]);
        let u = used("s3:ListBucket", Some(&[("arn:aws:s3:::we*rd", None)]));
        assert_eq!(resource_patterns(&u), ["arn:aws:s3:::we${*}rd"]);
    }

    #[test]
    fn sids() {
        assert_eq!(service_sid("s3"), "S3");
        assert_eq!(service_sid("access-analyzer"), "AccessAnalyzer");
        assert_eq!(service_sid("elasticloadbalancing"), "Elasticloadbalancing");
    }

    #[test]
    fn one_statement_per_service_and_resource_list() {
        let usage = Usage {
            scope: crate::core::time::Scope::ALL,
            actions: vec![
                used("s3:GetObject", Some(&[("arn:aws:s3:::b/k", None)])),
                used("s3:ListBucket", Some(&[("arn:aws:s3:::b", None)])),
                used("sts:GetAccessKeyInfo", None),
                used("sts:DecodeAuthorizationMessage", None),
            ],
            unmapped: vec![],
            no_permission: vec![],
            principals: vec![],
            counts: Default::default(),
        };
        let text = crate::core::text::json::to_string(&generate(&usage)).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"Version":"2012-10-17","Statement":["#,
                r#"{"Sid":"S3Part1","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/k"]},"#,
                r#"{"Sid":"S3Part2","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"]},"#,
                r#"{"Sid":"Sts","Effect":"Allow","Action":["sts:DecodeAuthorizationMessage","sts:GetAccessKeyInfo"],"Resource":["*"]}"#,
                "]}"
            )
        );
    }
}
