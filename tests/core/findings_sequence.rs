//! GuardDuty attack sequences (Extended Threat Detection), on hand-made findings modelled on the documented shape
//! (`docs/domain.md` §4.1) in the three forms ingest accepts (`tests/data/attack-sequence/`: the API form, the
//! EventBridge event, the Security Hub ASFF), and their signals linked into the sample case's CloudTrail. The
//! finding tells the sample's last act (samples/SCENARIO.md): the outside vendor's session `ASIAVENDORAUDIT00001`
//! from 203.0.113.77 reads `prod-customer-data` 40 times (`GetObject`) and lists roles once (`ListRoles`).

use serde_json::json;
use trailhound::core::entity::EntityRef;
use trailhound::core::findings::pivots::{SignalMatch, signal_evidence};
use trailhound::core::findings::sequence::{MAX_SIGNALS, SignalType};
use trailhound::core::findings::{Finding, FindingsParse, dedup, parse_document};
use trailhound::core::graph::{OriginKind, SessionGraph};
use trailhound::core::groups::{GroupOptions, JoinKind, groups};
use trailhound::core::ingest::load_paths;
use trailhound::core::time::parse_epoch;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/attack-sequence");
const ID: &str = "a1c5b1a5f6a7b8c9d0e1f2a3b4c5d6e7";
const RECON: &str = "8ec5b1a2c3d4e5f60718293a4b5c6d7e";

fn one(file: &str) -> Finding {
    let text = std::fs::read_to_string(format!("{DATA}/{file}")).unwrap();
    match parse_document(&serde_json::from_str(&text).unwrap()) {
        FindingsParse::Parsed { mut findings, errors } => {
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(findings.len(), 1);
            findings.remove(0)
        }
        FindingsParse::NotFindings => panic!("{file}: not findings"),
    }
}

fn t(s: &str) -> Option<i64> {
    parse_epoch(s)
}

#[test]
fn every_form_reads_the_same_sequence() {
    let api = one("guardduty.json");
    let eb = one("eventbridge.json");
    let asff = one("asff.json");
    for f in [&api, &eb, &asff] {
        assert_eq!(f.id, ID);
        assert_eq!(f.finding_type, "AttackSequence:IAM/CompromisedCredentials");
        let s = f.sequence.as_ref().expect("a sequence");
        assert_eq!(s.uid.as_deref(), Some("seq-7d1c0e3a"));
        // Sorted by first observation; the three at 16:00:00 keep the document's order.
        let names: Vec<_> = s.signals.iter().map(|x| x.name.as_deref().unwrap()).collect();
        assert_eq!(
            names,
            [
                "GetObject",
                "iam:ListRoles",
                "ListBuckets",
                "Recon:IAMUser/MaliciousIPCaller"
            ]
        );
        let types: Vec<_> = s.signals.iter().map(|x| x.signal_type).collect();
        assert_eq!(
            types,
            [
                SignalType::S3DataEvents,
                SignalType::CloudTrail,
                SignalType::CloudTrail,
                SignalType::Finding
            ]
        );
        let get = &s.signals[0];
        assert_eq!(get.first_seen, t("2026-11-05T16:00:00Z"));
        assert_eq!(get.last_seen, t("2026-11-05T16:30:00Z"));
        assert_eq!(get.count, Some(40));
        assert_eq!(get.actor_ids, ["actor-1"]);
        assert_eq!(get.resource_uids, ["arn:aws:s3:::prod-customer-data"]);
        assert_eq!(get.indicators[0].key, "HIGH_RISK_API");
        let a = s.actor("actor-1").unwrap();
        assert_eq!(a.credential_uid.as_deref(), Some("ASIAVENDORAUDIT00001"));
        assert_eq!(a.user_uid.as_deref(), Some("AROAVENDORAUDITEXMPL:audit"));
        assert_eq!(
            a.session_issuer.as_deref(),
            Some("arn:aws:iam::111122223333:role/vendor-audit")
        );
        assert_eq!(a.session_created, t("2026-11-05T16:02:44Z"));
        assert_eq!(a.mfa_status.as_deref(), Some("DISABLED"));
        let e = s.endpoint("endpoint-1").unwrap();
        assert_eq!(e.ip.as_deref(), Some("203.0.113.77"));
        assert_eq!(e.asn.as_deref(), Some("64503"));
        assert_eq!(e.city.as_deref(), Some("Frankfurt am Main"));
        let keys: Vec<_> = s.indicators.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["HIGH_RISK_API", "MALICIOUS_IP", "ATTACK_TACTIC"]);
    }
    // The GuardDuty forms carry the resources and the description; Security Hub's Sequence has neither.
    assert_eq!(api.sequence, eb.sequence);
    assert_eq!(api.sequence.as_ref().unwrap().resources.len(), 1);
    let asff_seq = asff.sequence.as_ref().unwrap();
    assert!(asff_seq.resources.is_empty() && asff_seq.description.is_none());
    assert_eq!(asff_seq.signals, api.sequence.as_ref().unwrap().signals);
}

#[test]
fn actors_endpoints_and_resources_become_entities() {
    let f = one("guardduty.json");
    let e = f.entities();
    let has = |s: &str, rel: &str| {
        let want: EntityRef = s.parse().unwrap();
        e.iter().any(|x| x.entity == want && x.relation == rel)
    };
    // The finding's own resource names the key first; the sequence adds what only it says.
    assert!(
        has("session:ASIAVENDORAUDIT00001", "access key (role session)"),
        "{e:?}"
    );
    assert!(has("ip:203.0.113.77", "sequence endpoint"), "{e:?}");
    assert!(
        has("resource:arn:aws:s3:::prod-customer-data", "sequence resource"),
        "{e:?}"
    );
    let ip = e
        .iter()
        .find(|x| x.entity == EntityRef::Ip("203.0.113.77".into()))
        .unwrap();
    assert_eq!(
        ip.geo.as_ref().unwrap().asn_org.as_deref(),
        Some("Example Hosting GmbH")
    );
    // The actor's session issuer is the role (the same entity the key's userName already named).
    assert_eq!(
        e.iter()
            .filter(|x| x.entity == EntityRef::Role("arn:aws:iam::111122223333:role/vendor-audit".into()))
            .count(),
        1
    );
}

#[test]
fn each_signal_links_to_the_sample_events_and_the_vendor_session_behind_them() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case");
    let mut store = load_paths(&[sample.to_string(), format!("{DATA}/guardduty.json")]);
    dedup(&mut store.findings);
    let graph = SessionGraph::build(&store);
    let f = store.findings.iter().find(|f| f.id == ID).unwrap().clone();
    let ev = signal_evidence(&store, &graph, &f, &store.findings);
    assert_eq!(ev.len(), 4);
    // GetObject: the vendor read prod-customer-data 40 times (SCENARIO.md), all by its key.
    assert_eq!(ev[0].basis, SignalMatch::ActorApiTime);
    assert_eq!(ev[0].total, 40);
    assert!(ev[0].events.iter().all(|x| x.event_name == "GetObject"));
    assert!(
        ev[0]
            .events
            .iter()
            .all(|x| x.access_key_id.as_deref() == Some("ASIAVENDORAUDIT00001"))
    );
    assert_eq!(ev[0].sessions.len(), 1);
    let origin = ev[0].sessions[0].origin.as_ref().unwrap();
    assert_eq!(origin.origin.kind, OriginKind::AwsAccount);
    assert_eq!(origin.origin.account.as_deref(), Some("999988887777"));
    // `iam:ListRoles` names the API with its service prefix: one call.
    assert_eq!(ev[1].basis, SignalMatch::ActorApiTime);
    assert_eq!(ev[1].total, 1);
    assert_eq!(ev[1].events[0].event_name, "ListRoles");
    // An actor id the sequence does not list: nothing to link on, nothing guessed.
    assert_eq!(ev[2].basis, SignalMatch::Unlinked);
    assert_eq!(ev[2].total, 0);
    // The FINDING signal names the loaded recon finding; its events are the actor's in its window.
    assert_eq!(ev[3].finding.as_deref(), Some(RECON));
    assert_eq!(ev[3].basis, SignalMatch::ActorTime);
    assert!(
        ev[3].total > 40,
        "GetObject ×40 and ListRoles fall in 16:03:15–16:13:48: {}",
        ev[3].total
    );
    // And the sequence joins the sample's incident through the vendor's key.
    let gs = groups(&store, &graph, &store.findings, GroupOptions::default());
    let g = gs.iter().find(|g| g.contains(ID)).unwrap();
    assert!(
        g.contains(RECON) && g.contains("5ac5b1a1f0e2d3c4b5a6978877665544"),
        "{g:?}"
    );
    assert_eq!(g.severity.value, 9.0, "the attack sequence is the highest member");
    assert!(g.joins.iter().any(|j| j.kind == JoinKind::AccessKey
        && j.entity == EntityRef::Session("ASIAVENDORAUDIT00001".into())
        && [j.a.as_str(), j.b.as_str()].contains(&ID)));
}

#[test]
fn hostile_sequences_are_capped_and_never_panic() {
    let signals: Vec<_> = (0..5000)
        .map(|i| {
            json!({"uid": format!("s{i}"), "type": "QUANTUM_LOGS", "name": {"x": 1}, "actorIds": "a",
            "firstSeenAt": -5, "count": "many", "signalIndicators": [{"values": ["no key"]}]})
        })
        .collect();
    let doc = json!({"id": "x", "type": "AttackSequence:S3/CompromisedData", "severity": 9,
        "service": {"detection": {"sequence": {
            "signals": signals, "actors": [{"user": "nobody"}, {"id": "a", "user": [1], "session": "s"}],
            "endpoints": [{"id": "e", "ip": "\u{1b}[31m1.2.3.4", "port": 70000}], "resources": "no",
            "sequenceIndicators": {"key": "x"}}}}});
    let FindingsParse::Parsed { findings, .. } = parse_document(&doc) else {
        panic!()
    };
    let s = findings[0].sequence.as_ref().unwrap();
    assert_eq!(s.signals.len(), MAX_SIGNALS);
    assert_eq!(s.dropped, 5000 - MAX_SIGNALS);
    assert!(
        s.signals
            .iter()
            .all(|x| x.signal_type == SignalType::Other && x.first_seen.is_none())
    );
    assert_eq!(s.signals[0].actor_ids, ["a"], "a lone string is a one-element list");
    assert!(
        s.signals[0].indicators.is_empty(),
        "an indicator without a key is dropped"
    );
    assert_eq!(s.actors.len(), 1, "an actor without an id is dropped");
    assert_eq!(s.endpoints[0].port, None);
    assert!(s.resources.is_empty() && s.indicators.is_empty());
}
