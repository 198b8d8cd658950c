//! The names of what is loaded, per entity kind (session keys, access keys, roles, users, accounts, source IPs,
//! finding ids), sorted, for completing what an analyst types. Built once per load in one pass over the store,
//! so completing `:ip 198.` looks up a sorted list instead of scanning every event.

use crate::core::entity::EntityKind;
use crate::core::model::{IdentityType, Store, Sym};
use std::collections::BTreeSet;

/// Sorted, distinct, non-empty names per kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadedNames {
    sessions: Vec<String>,
    keys: Vec<String>,
    roles: Vec<String>,
    principals: Vec<String>,
    accounts: Vec<String>,
    ips: Vec<String>,
    findings: Vec<String>,
}

impl LoadedNames {
    /// Index the names in `store` (one pass over its events, identities, assumptions and findings). The kinds are
    /// independent and built two at a time; a kind's distinct symbols are marked in a bit set over the symbols (a
    /// 10-million-event store's addresses are a pass over every event), then their strings sorted.
    pub fn build(store: &Store) -> LoadedNames {
        let sorted = |syms: &mut dyn Iterator<Item = Sym>| -> Vec<String> {
            let mut seen = vec![0u64; store.strings.len().div_ceil(64)];
            let mut names: Vec<&str> = Vec::new();
            for s in syms.filter(|s| s.is_some()) {
                let (word, bit) = (s.0 as usize / 64, 1u64 << (s.0 % 64));
                if let Some(w) = seen.get_mut(word).filter(|w| **w & bit == 0) {
                    *w |= bit;
                    names.push(store.s(s));
                }
            }
            // Distinct symbols name distinct strings, so sorting is enough.
            names.sort_unstable();
            names
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let ids = &store.identities;
        let role_issuers = ids
            .iter()
            .filter(|i| i.issuer_type.is_some() && store.s(i.issuer_type) == "Role")
            .map(|i| i.issuer_arn);
        let ((ips, sessions), ((keys, roles), (principals, (accounts, findings)))) = rayon::join(
            || {
                rayon::join(
                    || sorted(&mut store.events.iter().map(|e| e.source_ip)),
                    || sorted(&mut store.assumptions.iter().map(|a| a.new_access_key)),
                )
            },
            || {
                rayon::join(
                    || {
                        (
                            sorted(&mut ids.iter().map(|i| i.access_key_id)),
                            sorted(&mut store.assumptions.iter().map(|a| a.role_arn).chain(role_issuers)),
                        )
                    },
                    || {
                        (
                            sorted(
                                &mut ids
                                    .iter()
                                    .filter(|i| i.kind != IdentityType::AssumedRole)
                                    .map(|i| i.arn),
                            ),
                            (sorted(&mut ids.iter().map(|i| i.account_id)), {
                                let set: BTreeSet<&str> = store
                                    .findings
                                    .iter()
                                    .map(|f| f.id.as_str())
                                    .filter(|s| !s.is_empty())
                                    .collect();
                                set.into_iter().map(str::to_string).collect()
                            }),
                        )
                    },
                )
            },
        );
        LoadedNames {
            sessions,
            keys,
            roles,
            principals,
            accounts,
            ips,
            findings,
        }
    }

    /// Every loaded name of `kind` (sorted). Kinds without a list (events, cases, …) have none.
    pub fn all(&self, kind: EntityKind) -> &[String] {
        match kind {
            EntityKind::Session => &self.sessions,
            EntityKind::AccessKey => &self.keys,
            EntityKind::Role => &self.roles,
            EntityKind::Principal => &self.principals,
            EntityKind::Account => &self.accounts,
            EntityKind::Ip => &self.ips,
            EntityKind::Finding => &self.findings,
            _ => &[],
        }
    }

    /// The names of `kind` starting with `prefix` (a binary search, then the contiguous run).
    pub fn with_prefix(&self, kind: EntityKind, prefix: &str) -> &[String] {
        let all = self.all(kind);
        let from = all.partition_point(|n| n.as_str() < prefix);
        let len = all[from..].partition_point(|n| n.starts_with(prefix));
        &all[from..from + len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_lookup_is_the_contiguous_run_of_the_sorted_list() {
        let names = LoadedNames {
            ips: vec![
                "10.0.0.1".into(),
                "198.51.100.23".into(),
                "198.51.100.7".into(),
                "203.0.113.77".into(),
            ],
            ..Default::default()
        };
        assert_eq!(names.with_prefix(EntityKind::Ip, "198."), &names.ips[1..3]);
        assert_eq!(names.with_prefix(EntityKind::Ip, ""), &names.ips[..]);
        assert!(names.with_prefix(EntityKind::Ip, "199").is_empty());
        assert!(names.with_prefix(EntityKind::Ip, "203.0.113.77x").is_empty());
        assert!(names.with_prefix(EntityKind::Event, "").is_empty());
    }
}
