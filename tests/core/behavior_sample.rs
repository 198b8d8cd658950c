//! Behaviour analytics on the bundled sample case (`samples/case`, facts in `samples/SCENARIO.md`): in the
//! StopLogging finding's scope sara is where she always is, and her DemoRole1 identity makes three API calls it
//! never made before; the outside vendor's calls later that day come from a new country, AS and tool.

use trailhound::core::behavior::{self, BehaviorConfig, BehaviorIndex, BehaviorReport, Profile};
use trailhound::core::geo::GeoDb;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::load_paths;
use trailhound::core::model::Store;
use trailhound::core::time::Scope;

const ADMIN: &str =
    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
const DEMO: &str = "arn:aws:iam::111122223333:role/DemoRole1";
const STOP_LOGGING: &str = "5ac5b1a1f0e2d3c4b5a6978877665544";

struct Case {
    store: Store,
    graph: SessionGraph,
    ix: BehaviorIndex,
    geo: GeoDb,
}

fn case() -> Case {
    let dir = crate::support::sample_case();
    let store = load_paths(&[&dir]);
    let graph = SessionGraph::build(&store);
    let ix = BehaviorIndex::build(&store, &graph);
    let mut geo = GeoDb::open_dir(&dir.join("geoip")).expect("samples/case/geoip");
    behavior::add_finding_locations(&mut geo, behavior::finding_locations(&store.findings));
    Case { store, graph, ix, geo }
}

fn finding_scope(c: &Case) -> Scope {
    c.store
        .findings
        .iter()
        .find(|f| f.id == STOP_LOGGING)
        .expect("the StopLogging finding is loaded")
        .scope()
}

fn report(c: &Case, profile: &str, scope: Scope) -> BehaviorReport {
    let p = Profile::parse(profile, &c.store, &c.graph).unwrap();
    let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
    behavior::behavior(
        &sel,
        &c.store,
        &c.graph,
        &c.ix,
        &c.geo,
        scope,
        &BehaviorConfig::default(),
    )
}

fn labels(rows: &[behavior::GeoRow]) -> Vec<&str> {
    rows.iter().map(|g| g.label.as_str()).collect()
}

#[test]
fn sara_is_where_she_always_is_in_the_findings_scope() {
    let c = case();
    let scope = finding_scope(&c);
    assert_eq!(
        (scope.from, scope.to),
        Scope::parse("2026-11-05T14:00:00Z..2026-11-05T15:00:00Z")
            .map(|s| (s.from, s.to))
            .unwrap()
    );
    for profile in [
        format!("identity:{ADMIN}#sara"),
        format!("identity:{DEMO}#sara"),
        "principal:sara".to_string(),
    ] {
        let r = report(&c, &profile, scope);
        assert!(!r.baseline.in_training, "{profile}: {:?}", r.baseline);
        assert!(r.new_geolocations.is_empty(), "{profile}: {:?}", r.new_geolocations);
        assert!(r.new_asos.is_empty(), "{profile}: {:?}", r.new_asos);
        assert!(r.impossible_travel.is_empty(), "{profile}: {:?}", r.impossible_travel);
        let known = labels(&r.known_geolocations);
        assert!(
            known.contains(&"Bellevue, Washington, United States"),
            "{profile}: {known:?}"
        );
        assert!(
            known.contains(&"Ashburn, Virginia, United States"),
            "{profile}: {known:?}"
        );
        // Her activity in the scope is from Bellevue.
        let bellevue = r
            .known_geolocations
            .iter()
            .find(|g| g.city.as_deref() == Some("Bellevue"))
            .unwrap();
        assert!(bellevue.scope_count > 0, "{profile}");
    }
}

#[test]
fn demorole1_sara_shows_the_api_calls_new_to_that_identity() {
    let c = case();
    let scope = finding_scope(&c);
    let r = report(&c, &format!("identity:{DEMO}#sara"), scope);
    let mut new: Vec<(&str, &str)> = r
        .new_api_calls
        .iter()
        .map(|a| (a.service.as_str(), a.api.as_str()))
        .collect();
    new.sort();
    assert_eq!(
        new,
        [
            ("ec2", "RunInstances"),
            ("iam", "AttachRolePolicy"),
            ("iam", "UpdateAssumeRolePolicy")
        ]
    );
    let attach = r.new_api_calls.iter().find(|a| a.api == "AttachRolePolicy").unwrap();
    assert_eq!((attach.scope_success, attach.scope_failure), (1, 1));
    assert_eq!(attach.first_seen, "2026-11-05T14:31:02Z");
    // DescribeInstances is what she always does there.
    assert!(!r.new_api_calls.iter().any(|a| a.api == "DescribeInstances"));
    // The AdministratorAccess identity: StopLogging is new for it, DemoRole1's calls are not its own.
    let admin = report(&c, &format!("identity:{ADMIN}#sara"), scope);
    assert!(admin.new_api_calls.iter().any(|a| a.api == "StopLogging"));
    assert!(!admin.new_api_calls.iter().any(|a| a.api == "RunInstances"));

    let p = Profile::parse(&format!("identity:{DEMO}#sara"), &c.store, &c.graph).unwrap();
    let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
    let v = behavior::volume(
        &sel,
        &c.store,
        &c.ix,
        &c.geo,
        scope,
        &BehaviorConfig::default(),
        None,
        &Default::default(),
    )
    .unwrap();
    let iam = v.by_api.iter().find(|n| n.key == "iam").unwrap();
    let attach = iam.children.iter().find(|n| n.key == "AttachRolePolicy").unwrap();
    assert_eq!((attach.success, attach.failure), (1, 1));
    assert_eq!(attach.children[0].children[0].key, "ASIADEMOROLE10000001");
    let in_scope: u64 = v
        .buckets
        .iter()
        .filter(|b| b.in_scope)
        .map(|b| b.success + b.failure)
        .sum();
    assert_eq!(in_scope, v.by_ip.iter().map(|n| n.success + n.failure).sum::<u64>());
}

#[test]
fn the_vendor_comes_from_a_new_country_as_and_tool_for_the_account() {
    let c = case();
    let scope = Scope::parse("2026-11-05T16:00:00Z..2026-11-05T17:00:00Z").unwrap();
    let r = report(&c, "account:111122223333", scope);
    assert!(!r.baseline.in_training);
    assert_eq!(labels(&r.new_geolocations), ["Frankfurt am Main, Hesse, Germany"]);
    assert_eq!(r.new_geolocations[0].addresses, ["203.0.113.77"]);
    assert!(r.new_asos.iter().any(|a| a.asn == 64503));
    assert!(
        r.new_user_agents
            .iter()
            .any(|u| u.user_agent == "python-requests/2.31.0"),
        "{:?}",
        r.new_user_agents
    );
    // The vendor's own session has no history at all.
    let vendor = report(&c, "session:ASIAVENDORAUDIT00001", scope);
    assert!(vendor.baseline.in_training);
    assert_eq!(vendor.baseline.days_of_history, 0);
    assert!(vendor.new_geolocations.is_empty() && vendor.new_api_calls.is_empty());
}
