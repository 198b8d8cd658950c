//! Which of the plan's queries can run at the same time, and how a query is split so that they can, without
//! changing what comes back: every split here is a partition of one query's predicate into disjoint-or-overlapping
//! pieces whose union is exactly the original (the principal filter is an `OR` over principals and the account
//! filter an `IN` over accounts, so a (principals × accounts) rectangle is the union of smaller rectangles that
//! cover it). Records fetched twice are the same events and the ingest keeps one of each (`eventID`).
//!
//! - The named principals' baseline in their own accounts does not depend on the chain rounds: it starts with the
//!   scope query. Once the chains close, the rest of the full baseline (everyone on the chains × every account
//!   they acted in) is two rectangles: the new principals × all those accounts, and the named principals × the
//!   accounts that are new.
//! - A chain round over several accounts is split per account when the table is partitioned by account (each
//!   piece then reads only its own partitions, so the split costs no more bytes than the whole; elsewhere every
//!   piece would read every partition again, so it is not split).
//!
//! `src/aws/plan_run/mod.rs` runs the pieces concurrently, at most `--query-concurrency` at once (docs/org-scale.md).

use std::collections::BTreeSet;

use super::layout::Layout;
use super::plan::Principal;

/// The accounts of the named principals that name one (an ARN's account), sorted: the baseline over them can
/// start at once. Empty when none names an account (the baseline then waits for the chains, which find them).
pub fn early_baseline_accounts(named: &[Principal]) -> Vec<String> {
    named
        .iter()
        .filter_map(|p| p.account().map(String::from))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// What is left of the full baseline `all_principals × all_accounts` once `named × early_accounts` has run: the
/// principals found on the chains × every account, and the named principals × the accounts found on the chains.
/// Each piece is (principals, accounts), both non-empty, in that order. `all_principals` holds `named` and
/// `all_accounts` holds `early_accounts` (`core::orgscale::chains::chain_principals` makes them so).
pub fn baseline_rest(
    named: &[Principal],
    early_accounts: &[String],
    all_principals: &[Principal],
    all_accounts: &[String],
) -> Vec<(Vec<Principal>, Vec<String>)> {
    let new_principals: Vec<Principal> = all_principals.iter().filter(|p| !named.contains(p)).cloned().collect();
    let new_accounts: Vec<String> = all_accounts
        .iter()
        .filter(|a| !early_accounts.contains(a))
        .cloned()
        .collect();
    let mut out = Vec::new();
    if !new_principals.is_empty() && !all_accounts.is_empty() {
        out.push((new_principals, all_accounts.to_vec()));
    }
    if !new_accounts.is_empty() {
        out.push((named.to_vec(), new_accounts));
    }
    out
}

/// The account sets one chain round runs as: one per account where the layout prunes accounts and several are in
/// scope, else the round whole (`None`: every account).
pub fn chain_account_sets(layout: &Layout, accounts: Option<&[String]>) -> Vec<Option<Vec<String>>> {
    match accounts {
        Some(list) if layout.account.is_some() && list.len() > 1 => {
            list.iter().map(|a| Some(vec![a.clone()])).collect()
        }
        other => vec![other.map(<[String]>::to_vec)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(account: &str, name: &str) -> Principal {
        Principal::Role(format!("arn:aws:iam::{account}:role/{name}"))
    }

    /// Every (principal, account) pair of the full baseline is covered by the early piece or the rest, and no
    /// piece reaches outside it.
    #[test]
    fn the_early_baseline_and_the_rest_cover_exactly_the_full_baseline() {
        let named = vec![
            role("111122223333", "audit"),
            Principal::AccessKey("ASIAEXAMPLE000000001".into()),
        ];
        let early = early_baseline_accounts(&named);
        assert_eq!(early, ["111122223333"]);
        let mut all_p = named.clone();
        all_p.push(role("999988887777", "vendor"));
        all_p.sort();
        let all_a: Vec<String> = vec!["111122223333".into(), "999988887777".into()];
        let rest = baseline_rest(&named, &early, &all_p, &all_a);
        assert_eq!(rest.len(), 2);
        let mut covered = BTreeSet::new();
        for p in &named {
            for a in &early {
                covered.insert((p.clone(), a.clone()));
            }
        }
        for (ps, accs) in &rest {
            for p in ps {
                for a in accs {
                    assert!(
                        all_p.contains(p) && all_a.contains(a),
                        "outside the full baseline: {p:?} {a}"
                    );
                    covered.insert((p.clone(), a.clone()));
                }
            }
        }
        let full: BTreeSet<_> = all_p
            .iter()
            .flat_map(|p| all_a.iter().map(move |a| (p.clone(), a.clone())))
            .collect();
        assert_eq!(covered, full);
        // Nothing found on the chains: nothing left.
        assert!(baseline_rest(&named, &early, &named, &early).is_empty());
        // No named account: nothing starts early.
        assert!(early_baseline_accounts(&[Principal::AccessKey("ASIAEXAMPLE000000001".into())]).is_empty());
    }

    #[test]
    fn chain_rounds_split_per_account_only_where_accounts_are_partitions() {
        let org = Layout::from_partition_keys(["account", "region", "timestamp"]);
        let projection = Layout::from_partition_keys(["timestamp"]);
        let two: Vec<String> = vec!["111122223333".into(), "444455556666".into()];
        assert_eq!(
            chain_account_sets(&org, Some(&two)),
            [Some(vec![two[0].clone()]), Some(vec![two[1].clone()])]
        );
        assert_eq!(chain_account_sets(&projection, Some(&two)), [Some(two.clone())]);
        assert_eq!(chain_account_sets(&org, None), [None]);
        assert_eq!(chain_account_sets(&org, Some(&two[..1])), [Some(vec![two[0].clone()])]);
    }
}
