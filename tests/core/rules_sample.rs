//! The built-in rules on the bundled sample case (`samples/SCENARIO.md`): what happened on the incident day is hit,
//! by the rules a responder expects, and attributed to the right session and origin — sara behind her own and her
//! DemoRole1 sessions, the outside account behind the vendor-audit session and its bulk download.

use std::collections::BTreeMap;
use trailhound::core::dataset::Dataset;
use trailhound::core::graph::{OriginKind, Signer};
use trailhound::core::ingest::load_paths;
use trailhound::core::rules::attribute;

/// (event name, signing key) → rule titles, for the incident day's hits.
fn incident_hits(data: &Dataset) -> BTreeMap<(String, String), Vec<String>> {
    let store = data.store();
    let d = data.detections();
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for h in d.hits() {
        let ev = &store.events[h.event as usize];
        if !(1_793_887_200..1_793_898_000).contains(&ev.time) {
            continue; // 2026-11-05 14:00 .. 17:00 UTC
        }
        let key = store.s(store.identity(ev).access_key_id).to_string();
        out.entry((store.s(ev.event_name).to_string(), key))
            .or_default()
            .push(d.rule(h.rule).title.clone());
    }
    out
}

#[test]
fn saras_stoplogging_and_policy_changes_and_the_outside_accounts_calls_are_hit_and_attributed() {
    let data = Dataset::from_store(load_paths(&[crate::support::sample_case()]));
    let store = data.store();
    let g = data.graph();
    let hits = incident_hits(&data);
    let titles = |name: &str, key: &str| {
        hits.get(&(name.to_string(), key.to_string()))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        titles("StopLogging", "ASIASARAADMIN0000001"),
        ["CloudTrail logging stopped or trail deleted"]
    );
    let mut attach = titles("AttachRolePolicy", "ASIADEMOROLE10000001");
    attach.sort();
    // The denied AdministratorAccess attempt and the successful ReadOnlyAccess attachment on vendor-audit.
    assert_eq!(
        attach,
        [
            "Administrator policy attached",
            "IAM policy attached or written",
            "IAM policy attached or written"
        ]
    );
    assert_eq!(
        titles("UpdateAssumeRolePolicy", "ASIADEMOROLE10000001"),
        ["Role trust policy lets another account assume the role"]
    );
    // The outside account's AssumeRole is signed with no key of ours: the caller is the account.
    let vendor_assume: Vec<u32> = data
        .detections()
        .hits()
        .iter()
        .filter(|h| {
            let ev = &store.events[h.event as usize];
            store.s(ev.event_name) == "AssumeRole" && store.s(store.identity(ev).account_id) == "999988887777"
        })
        .map(|h| h.event)
        .collect();
    assert_eq!(vendor_assume.len(), 1);

    // Attribution: sara (Identity Center) behind both her sessions; the account 999988887777 behind the vendor's.
    let sara = (0..g.origins.len() as u32)
        .find(|&o| store.strings.opt(g.origin(o).name) == Some("sara"))
        .unwrap();
    for (name, key, chain_root) in [
        ("StopLogging", "ASIASARAADMIN0000001", "ASIASARAADMIN0000001"),
        ("UpdateAssumeRolePolicy", "ASIADEMOROLE10000001", "ASIASARAADMIN0000001"),
    ] {
        let e = data
            .detections()
            .hits()
            .iter()
            .map(|h| h.event)
            .find(|&e| {
                let ev = &store.events[e as usize];
                store.s(ev.event_name) == name && store.s(store.identity(ev).access_key_id) == key
            })
            .unwrap();
        let a = attribute(g, e);
        assert_eq!(a.origin, Some(sara), "{name}");
        assert!(!a.weak);
        assert_eq!(
            store.s(g.session(a.chain_root.unwrap()).access_key),
            chain_root,
            "{name}"
        );
        let Signer::Session(s) = a.signer else {
            panic!("{name} is signed by a session")
        };
        assert_eq!(store.s(g.session(s).access_key), key);
    }
    let a = attribute(g, vendor_assume[0]);
    let o = g.origin(a.origin.unwrap());
    assert_eq!((o.kind, store.s(o.account)), (OriginKind::AwsAccount, "999988887777"));
}

#[test]
fn the_outside_accounts_bulk_download_is_one_correlation_grouped_by_its_origin() {
    let data = Dataset::from_store(load_paths(&[crate::support::sample_case()]));
    let store = data.store();
    let g = data.graph();
    let d = data.detections();
    let bulk: Vec<_> = d
        .correlations()
        .iter()
        .filter(|c| d.correlation_rule(c.correlation).title == "Bulk S3 download by one origin")
        .collect();
    assert_eq!(bulk.len(), 1, "{bulk:#?}");
    let c = bulk[0];
    assert_eq!(c.events.len(), 40, "the vendor's 40 GetObject calls");
    assert_eq!(c.group.len(), 1);
    assert_eq!(c.group[0].1.describe(store, g), "999988887777");
    for &e in &c.events {
        let ev = &store.events[e as usize];
        assert_eq!(store.s(ev.event_name), "GetObject");
        assert_eq!(store.s(store.identity(ev).access_key_id), "ASIAVENDORAUDIT00001");
    }
    // Nothing else in the sample is a discovery burst or a mass deletion.
    let titles: Vec<&str> = d
        .correlations()
        .iter()
        .map(|c| d.correlation_rule(c.correlation).title.as_str())
        .collect();
    assert_eq!(titles, ["Bulk S3 download by one origin"]);
}
