//! Behaviour analytics on the scenario files of `tests/data/behavior/` (written by its `make.py`, stories told
//! there) with the demo geolocation databases: new country / AS / user agent and a GetObject spike, impossible
//! travel between two sessions of one person (and not between two people), and a profile in training.

use std::path::{Path, PathBuf};
use trailhound::core::behavior::{self, BehaviorConfig, BehaviorIndex, BehaviorReport, Profile, VolumeReport};
use trailhound::core::geo::GeoDb;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::load_paths;
use trailhound::core::model::Store;
use trailhound::core::time::Scope;

const SSO_ROLE: &str =
    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";

fn data(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior")).join(name)
}

fn geo() -> (tempfile::TempDir, GeoDb) {
    let dir = tempfile::tempdir().unwrap();
    trailhound::demo::geoip::write_demo_geoip(dir.path()).unwrap();
    let db = GeoDb::open_dir(dir.path()).unwrap();
    (dir, db)
}

struct Case {
    store: Store,
    graph: SessionGraph,
    ix: BehaviorIndex,
}

fn load(path: &Path) -> Case {
    let store = load_paths(&[path]);
    assert!(store.report.errors.is_empty(), "{:?}", store.report.errors);
    let graph = SessionGraph::build(&store);
    let ix = BehaviorIndex::build(&store, &graph);
    Case { store, graph, ix }
}

fn scope() -> Scope {
    Scope::parse("2026-11-05T14:00:00Z..2026-11-05T15:00:00Z").unwrap()
}

fn report(c: &Case, geo: &GeoDb, profile: &str) -> BehaviorReport {
    let p = Profile::parse(profile, &c.store, &c.graph).unwrap();
    let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
    behavior::behavior(
        &sel,
        &c.store,
        &c.graph,
        &c.ix,
        geo,
        scope(),
        &BehaviorConfig::default(),
    )
}

fn volume(c: &Case, geo: &GeoDb, profile: &str, bucket: Option<i64>) -> VolumeReport {
    volume_with(c, geo, profile, bucket, &behavior::DrillOptions::default())
}

fn volume_with(
    c: &Case,
    geo: &GeoDb,
    profile: &str,
    bucket: Option<i64>,
    drill: &behavior::DrillOptions,
) -> VolumeReport {
    let p = Profile::parse(profile, &c.store, &c.graph).unwrap();
    let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
    behavior::volume(
        &sel,
        &c.store,
        &c.ix,
        geo,
        scope(),
        &BehaviorConfig::default(),
        bucket,
        drill,
    )
    .unwrap()
}

#[test]
fn stolen_session_used_from_a_new_country_with_a_new_tool_and_a_getobject_spike() {
    let c = load(&data("spike.json.gz"));
    let (_dir, geo) = geo();
    let r = report(&c, &geo, &format!("identity:{SSO_ROLE}#sara"));
    assert_eq!(r.profile.kind, "identity");
    assert!(!r.baseline.in_training, "{:?}", r.baseline);
    // First sign-in 2026-09-14T16:00Z, scope 2026-11-05T14:00Z: 51 whole days.
    assert_eq!(r.baseline.days_of_history, 51);
    assert_eq!(r.baseline.from, "2026-09-21T14:00:00Z");

    let new: Vec<&str> = r.new_geolocations.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(new, ["Frankfurt am Main, Hesse, Germany"]);
    let fra = &r.new_geolocations[0];
    assert_eq!(
        (fra.country_code.as_deref(), fra.scope_count, fra.baseline_count),
        (Some("DE"), 42, 0)
    );
    assert_eq!(fra.first_seen, "2026-11-05T14:10:00Z");
    assert_eq!(fra.addresses, ["203.0.113.77"]);
    let known: Vec<&str> = r.known_geolocations.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(
        known,
        [
            "Bellevue, Washington, United States",
            "Ashburn, Virginia, United States"
        ]
    );
    let bel = &r.known_geolocations[0];
    // 12 DescribeInstances in the scope from Bellevue (the sign-in itself is signed by the SAML user, not by
    // the session identity).
    assert_eq!(bel.scope_count, 12);
    assert_eq!(bel.addresses, ["198.51.100.23", "198.51.100.24"]);

    assert_eq!(r.new_asos.len(), 1);
    assert_eq!(
        (r.new_asos[0].asn, r.new_asos[0].org.as_str()),
        (64503, "Example Hosting GmbH")
    );
    let known_as: Vec<u32> = r.known_asos.iter().map(|a| a.asn).collect();
    assert_eq!(known_as, [64501, 64502]);

    assert_eq!(r.new_user_agents.len(), 1, "{:?}", r.new_user_agents);
    let ua = &r.new_user_agents[0];
    assert_eq!(ua.user_agent, "python-requests/2.31.0");
    assert_eq!(ua.family, "python-requests");
    assert!(!ua.family_known);
    assert_eq!(ua.scope_count, 42);

    let apis: Vec<(&str, &str, u64, u64)> = r
        .new_api_calls
        .iter()
        .map(|a| (a.service.as_str(), a.api.as_str(), a.scope_success, a.scope_failure))
        .collect();
    assert_eq!(apis, [("iam", "ListUsers", 1, 1)]);

    // GetObject: 3 per baseline day, all in one hour → typical 3 per active window, max 3; 40 in the scope.
    assert_eq!(r.increased_volume.len(), 1, "{:?}", r.increased_volume);
    let g = &r.increased_volume[0];
    assert_eq!((g.api.as_str(), g.scope_count, g.baseline_max), ("GetObject", 40, 3));
    assert_eq!(g.typical_rate, 3.0);
    assert_eq!(g.ratio, 10.0);
    assert_eq!(g.baseline_windows, 45 * 24);
    assert_eq!(g.baseline_count, 3 * g.active_windows);
    assert!(g.baseline_rate < 0.2, "{}", g.baseline_rate);
    // DescribeInstances: 12 in the scope, 12 on every baseline day. Its mean over all hours is ~0.4 per hour, so a
    // mean-based rule would flag it; the typical busy hour (12) does not.
    assert!(!r.increased_volume.iter().any(|v| v.api == "DescribeInstances"));

    // Bellevue at 14:07:50, Frankfurt at 14:10:00.
    assert_eq!(r.impossible_travel.len(), 1, "{:?}", r.impossible_travel);
    let t = &r.impossible_travel[0];
    assert_eq!(
        (t.start.ip.as_str(), t.end.ip.as_str()),
        ("198.51.100.23", "203.0.113.77")
    );
    assert_eq!(
        (t.start.time.as_str(), t.end.time.as_str()),
        ("2026-11-05T14:07:50Z", "2026-11-05T14:10:00Z")
    );
    assert!((t.distance_km - 8160.0).abs() < 60.0, "{}", t.distance_km);
    assert!(t.speed_kmh > 200_000.0);
    assert!(t.origin.contains("sara"), "{}", t.origin);
    assert!(r.geolocation.starts_with("City: "), "{}", r.geolocation);
}

#[test]
fn spike_volume_series_and_drilldowns() {
    let c = load(&data("spike.json.gz"));
    let (_dir, geo) = geo();
    let v = volume(&c, &geo, &format!("identity:{SSO_ROLE}#sara"), None);
    // Scope 1 h ± 2 h of context = 5 h in 5-minute buckets.
    assert_eq!(v.bucket_seconds, 300);
    assert_eq!(v.buckets.len(), 60);
    assert_eq!(v.from, "2026-11-05T12:00:00Z");
    assert_eq!(v.buckets.iter().filter(|b| b.in_scope).count(), 12);
    assert_eq!(v.buckets[24].start, "2026-11-05T14:00:00Z");
    assert!(v.buckets[24].in_scope && !v.buckets[23].in_scope);
    let (ok, bad): (u64, u64) = v
        .buckets
        .iter()
        .filter(|b| b.in_scope)
        .fold((0, 0), |a, b| (a.0 + b.success, a.1 + b.failure));
    assert_eq!((ok, bad), (53, 1));
    // Outside the scope: nothing that day before 14:05, nothing after.
    assert!(
        v.buckets
            .iter()
            .filter(|b| !b.in_scope)
            .all(|b| b.success + b.failure == 0)
    );
    // Baseline: 17 calls a business day + Wednesday evening, over 45 days of 5-minute buckets.
    assert!(
        v.baseline_per_bucket > 0.0 && v.baseline_per_bucket < 0.1,
        "{}",
        v.baseline_per_bucket
    );

    let top = &v.by_ip[0];
    assert_eq!(top.key, "203.0.113.77");
    assert_eq!(top.label.as_deref(), Some("Frankfurt am Main, Hesse, Germany"));
    assert_eq!((top.success, top.failure), (41, 1));
    assert_eq!(top.children[0].key, "s3:GetObject");
    assert_eq!(top.children[0].success, 40);
    let caller = &top.children[0].children[0];
    assert_eq!(caller.key, "ASIASARA000000000039");

    let s3 = v.by_api.iter().find(|n| n.key == "s3").unwrap();
    assert_eq!(s3.label.as_deref(), Some("s3.amazonaws.com"));
    assert_eq!(s3.children[0].key, "GetObject");
    assert_eq!(s3.children[0].children[0].key, "203.0.113.77");
    let keys: Vec<&str> = v.by_access_key.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, ["ASIASARA000000000039"]);
    let res = v
        .by_resource
        .iter()
        .find(|n| n.key == "arn:aws:s3:::prod-customer-data")
        .unwrap();
    assert_eq!(res.success, 40);

    // Filtering keeps the path to a match; sorting by failures puts the denied call's address first.
    let sara = format!("identity:{SSO_ROLE}#sara");
    let drill = |sort, filter: Option<&str>| behavior::DrillOptions {
        sort,
        filter: filter.map(String::from),
        limit: None,
    };
    let f = volume_with(
        &c,
        &geo,
        &sara,
        None,
        &drill(behavior::DrillSort::Total, Some("listusers")),
    )
    .by_ip;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].children.len(), 1);
    let s = volume_with(&c, &geo, &sara, None, &drill(behavior::DrillSort::Failure, None)).by_api;
    assert_eq!(s[0].key, "iam");

    let hourly = volume(&c, &geo, &format!("identity:{SSO_ROLE}#sara"), Some(3600));
    assert_eq!(hourly.buckets.len(), 5);
    assert_eq!(hourly.buckets[2].success + hourly.buckets[2].failure, 54);
}

#[test]
fn impossible_travel_between_two_sessions_of_one_person_not_between_two_people() {
    let c = load(&data("travel.json.gz"));
    let (_dir, geo) = geo();
    // The Frankfurt sign-in (14:40:00) is signed by sara the SAML user. Travel is judged per origin over all her
    // activity, so every profile she touches (her identity, her principal, the role) shows the same pair, ending
    // with that sign-in.
    for (profile, end) in [
        (format!("identity:{SSO_ROLE}#sara"), "2026-11-05T14:40:00Z"),
        // The graph keeps sara's sign-in records (SAML user) and the sessions she started (Identity Center user)
        // as two origins with one principal id; by name or by principal id, the profile and the traveller are one.
        (
            "principal:Zm9vYmFyRXhhbXBsZQ==:sara".to_string(),
            "2026-11-05T14:40:00Z",
        ),
        ("principal:sara".to_string(), "2026-11-05T14:40:00Z"),
        (format!("role:{SSO_ROLE}"), "2026-11-05T14:40:00Z"),
    ] {
        let r = report(&c, &geo, &profile);
        assert_eq!(r.impossible_travel.len(), 1, "{profile}: {:?}", r.impossible_travel);
        let t = &r.impossible_travel[0];
        assert!(t.origin.contains("sara"), "{profile}: {}", t.origin);
        assert_eq!(t.start.place, "Bellevue, Washington, United States");
        assert_eq!(t.end.place, "Frankfurt am Main, Hesse, Germany");
        // Last Bellevue call 14:10:00 with the first session.
        assert_eq!(
            (t.start.time.as_str(), t.end.time.as_str()),
            ("2026-11-05T14:10:00Z", end),
            "{profile}"
        );
        assert!((t.speed_kmh - t.distance_km / t.hours_between).abs() < t.speed_kmh * 0.01);
        assert!(t.start.caller.starts_with("ASIASARA"));
        assert_ne!(t.start.caller, t.end.caller);
    }
    // Asked by one session's key, the question is still sara's: the key is judged as her session identity, so
    // the travel shows, with the asked session's endpoint (the Bellevue call at 14:10) marked.
    let one = report(&c, &geo, "session:ASIASARA000000000039");
    assert_eq!(one.profile.kind, "identity");
    assert_eq!(one.profile.asked.as_deref(), Some("session:ASIASARA000000000039"));
    assert_eq!(one.impossible_travel.len(), 1, "{:?}", one.impossible_travel);
    assert_eq!(one.impossible_travel[0].asked_session_count, Some(1));
    // Alex in Frankfurt and sara in Bellevue at the same time in one role are two people, not a traveller.
    let alex = report(&c, &geo, &format!("identity:{SSO_ROLE}#alex"));
    assert!(alex.impossible_travel.is_empty());
    // For sara Frankfurt is new; for the role (alex lives there) it is known.
    let sara = report(&c, &geo, &format!("identity:{SSO_ROLE}#sara"));
    assert_eq!(sara.new_geolocations.len(), 1);
    let role = report(&c, &geo, &format!("role:{SSO_ROLE}"));
    assert!(role.new_geolocations.is_empty(), "{:?}", role.new_geolocations);
    assert!(
        role.known_geolocations
            .iter()
            .any(|g| g.city.as_deref() == Some("Frankfurt am Main"))
    );
}

#[test]
fn too_little_history_is_in_training_and_calls_nothing_new() {
    let c = load(&data("training.json.gz"));
    let (_dir, geo) = geo();
    let r = report(&c, &geo, &format!("identity:{SSO_ROLE}#omar"));
    assert!(r.baseline.in_training);
    // First sign-in 2026-10-31T17:00Z: 4 whole days before the scope start.
    assert_eq!(r.baseline.days_of_history, 4);
    assert_eq!(r.baseline.note.as_deref(), Some("in training: 4 days of history"));
    assert!(r.new_geolocations.is_empty());
    assert!(r.new_api_calls.is_empty());
    assert!(r.increased_volume.is_empty());
    assert!(r.new_asos.is_empty());
    assert!(r.new_user_agents.is_empty());
    // What is known is still shown: Seattle from the days before.
    let known: Vec<&str> = r.known_geolocations.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(known, ["Seattle, Washington, United States"]);
    // With a shorter training period the same data is judged: Frankfurt, Boto3 and GetObject are new.
    let p = Profile::parse(&format!("identity:{SSO_ROLE}#omar"), &c.store, &c.graph).unwrap();
    let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
    let cfg = BehaviorConfig {
        min_history_days: 3,
        ..Default::default()
    };
    let judged = behavior::behavior(&sel, &c.store, &c.graph, &c.ix, &geo, scope(), &cfg);
    assert!(!judged.baseline.in_training);
    assert_eq!(judged.new_geolocations.len(), 1);
    assert_eq!(judged.new_user_agents[0].family, "Boto3");
    assert!(judged.new_api_calls.iter().any(|a| a.api == "GetObject"));
}

#[test]
fn without_databases_nothing_is_placed_or_new_geographically() {
    let c = load(&data("spike.json.gz"));
    let r = report(&c, &GeoDb::empty(), &format!("identity:{SSO_ROLE}#sara"));
    assert!(r.geolocation.contains("unavailable"), "{}", r.geolocation);
    assert!(r.new_geolocations.is_empty() && r.known_geolocations.is_empty());
    assert!(r.new_asos.is_empty() && r.impossible_travel.is_empty());
    let unplaced = r
        .unplaced_sources
        .iter()
        .find(|u| u.label == "public, not in the City database")
        .unwrap();
    assert_eq!(unplaced.scope_count, 54);
    // The rest of the analysis does not depend on geolocation.
    assert_eq!(r.new_user_agents.len(), 1);
    assert_eq!(r.increased_volume.len(), 1);
}

#[test]
fn profiles_parse_and_select() {
    let c = load(&data("travel.json.gz"));
    let parse = |s: &str| Profile::parse(s, &c.store, &c.graph);
    assert_eq!(
        parse("AROAADMINSSOEXAMPLE01:sara").unwrap(),
        Profile::SessionIdentity {
            role_arn: SSO_ROLE.into(),
            session_name: "sara".into()
        }
    );
    assert_eq!(
        parse("ASIASARA000000000001").unwrap(),
        Profile::Session {
            access_key: "ASIASARA000000000001".into()
        }
    );
    assert_eq!(
        parse("203.0.113.77").unwrap(),
        Profile::Ip {
            addr: "203.0.113.77".into()
        }
    );
    assert_eq!(
        parse("ip:2001:db8::1").unwrap(),
        Profile::Ip {
            addr: "2001:db8::1".into()
        }
    );
    assert_eq!(
        parse("111122223333").unwrap(),
        Profile::Account {
            id: "111122223333".into()
        }
    );
    assert_eq!(
        parse("ua:python-requests/2.31.0").unwrap(),
        Profile::UserAgent {
            ua: "python-requests/2.31.0".into()
        }
    );
    assert!(parse("finding:abc").is_err());
    assert!(parse("nonsense").is_err());
    let sel = |s: &str| behavior::select(&parse(s).unwrap(), &c.store, &c.graph, &c.ix);
    // Every event from Frankfurt: alex's 39 sign-ins + 39 calls, sara's sign-in + ListBuckets.
    assert_eq!(sel("ip:203.0.113.77").unwrap().events_total(), 80);
    assert_eq!(sel("111122223333").unwrap().events_total(), c.store.events.len());
    let sara = sel(&format!("identity:{SSO_ROLE}#sara")).unwrap();
    assert_eq!(sara.sessions.len(), 40);
    // Role by name (one account) resolves; unknown things are errors, not empty answers.
    assert!(sel("role:AWSReservedSSO_AdministratorAccess_0123456789abcdef").is_ok());
    assert!(sel("ip:192.0.2.99").is_err());
    assert!(sel("session:ASIANOTLOADED0000001").is_err());
}

#[test]
fn hostile_records_do_not_panic_or_change_the_answer() {
    // sara's spike case plus records with absurd times, addresses that are not addresses, escape sequences and
    // huge strings, signed with sara's incident key and by nobody.
    let dir = tempfile::tempdir().unwrap();
    let key = "ASIASARA000000000039";
    let ident = serde_json::json!({"type": "AssumedRole", "principalId": "AROAADMINSSOEXAMPLE01:sara",
        "arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/sara",
        "accountId": "111122223333", "accessKeyId": key});
    let mut recs = Vec::new();
    for (n, (t, ip, ua)) in [
        ("0001-01-01T00:00:00Z", "035.249.253.232", "\u{1b}[31mevil\u{202e}"),
        ("9999-12-31T23:59:59Z", "::ffff:10.0.0.1", ""),
        ("1970-01-01T00:00:00Z", "AWS Internal", "x"),
        ("2026-11-05T14:30:00Z", "not an ip", &"A".repeat(100_000)),
    ]
    .into_iter()
    .enumerate()
    {
        recs.push(
            serde_json::json!({"eventVersion": "1.09", "userIdentity": ident, "eventTime": t,
            "eventSource": "s3.amazonaws.com", "eventName": "GetObject", "awsRegion": "us-east-1",
            "sourceIPAddress": ip, "userAgent": ua, "eventID": format!("00000000-0000-4000-8000-00000000000{n}"),
            "eventType": "AwsApiCall", "recipientAccountId": "111122223333"}),
        );
        recs.push(serde_json::json!({"eventTime": t, "eventSource": "", "eventName": "",
            "sourceIPAddress": ip, "eventID": format!("00000000-0000-4000-8000-00000000010{n}")}));
    }
    let path = dir.path().join("hostile.json");
    std::fs::write(
        &path,
        serde_json::to_vec(&serde_json::json!({"Records": recs})).unwrap(),
    )
    .unwrap();
    let store = load_paths(&[data("spike.json.gz"), path]);
    let graph = SessionGraph::build(&store);
    let ix = BehaviorIndex::build(&store, &graph);
    let c = Case { store, graph, ix };
    let (_dir, geo) = geo();
    let r = report(&c, &geo, &format!("identity:{SSO_ROLE}#sara"));
    // The extra GetObject inside the scope comes from an invalid address: counted, never placed.
    assert_eq!(r.increased_volume[0].scope_count, 41);
    assert_eq!(r.new_geolocations.len(), 1);
    assert!(r.unplaced_sources.iter().any(|u| u.label == "invalid"));
    assert_eq!(r.impossible_travel.len(), 1);
    // Extreme scopes and every profile kind of the loaded data run without panicking.
    let everything = Scope::new(i64::MIN, i64::MAX);
    for text in [
        format!("identity:{SSO_ROLE}#sara"),
        "account:111122223333".into(),
        "ip:035.249.253.232".into(),
        "ip:not an ip".into(),
        "principal:sara".into(),
        format!("ua:{}", "A".repeat(100_000)),
    ] {
        let p = Profile::parse(&text, &c.store, &c.graph).unwrap();
        let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
        for scope in [scope(), everything, Scope::new(-62_135_596_800, 253_402_300_799)] {
            let _ = behavior::behavior(&sel, &c.store, &c.graph, &c.ix, &geo, scope, &BehaviorConfig::default());
            let _ = behavior::volume(
                &sel,
                &c.store,
                &c.ix,
                &geo,
                scope,
                &BehaviorConfig::default(),
                None,
                &Default::default(),
            );
            let _ = behavior::volume(
                &sel,
                &c.store,
                &c.ix,
                &geo,
                scope,
                &BehaviorConfig::default(),
                Some(1),
                &Default::default(),
            );
        }
    }
}

const WEB_IDENTITY: &str = "identity:arn:aws:iam::111122223333:role/web-app-role#i-0a1b2c3d4e5f60001";
/// The key EC2 issued at 12:00 on the day of the incident (the 143rd six-hour credential since 2026-10-01).
const WEB_KEY: &str = "ASIAWEBAPP0000000143";

#[test]
fn an_instance_session_key_is_judged_as_its_session_identity_with_its_calls_marked() {
    let c = load(&data("instance.json.gz"));
    let (_dir, geo) = geo();
    for asked in [WEB_KEY.to_string(), format!("session:{WEB_KEY}")] {
        let r = report(&c, &geo, &asked);
        // Judged as web-app-role#i-0a1b…: 143 sessions since 2026-10-01T00:00Z, 35 whole days before the scope.
        assert_eq!(r.profile.kind, "identity", "{asked}");
        assert_eq!(r.profile.entity, WEB_IDENTITY);
        assert_eq!(r.profile.sessions, 143);
        assert_eq!(r.profile.asked.as_deref(), Some(format!("session:{WEB_KEY}").as_str()));
        assert!(!r.baseline.in_training, "{:?}", r.baseline);
        assert_eq!(r.baseline.days_of_history, 35);
        // Frankfurt, its AS and the AWS CLI are new; all five calls from there are the asked key's.
        let new: Vec<(&str, Option<u64>)> = r
            .new_geolocations
            .iter()
            .map(|g| (g.label.as_str(), g.asked_session_count))
            .collect();
        assert_eq!(new, [("Frankfurt am Main, Hesse, Germany", Some(5))]);
        let ashburn = r
            .known_geolocations
            .iter()
            .find(|g| g.label.starts_with("Ashburn"))
            .expect("Ashburn known");
        // 14:10 ReceiveMessage and 14:11 PutObject by the instance itself.
        assert_eq!((ashburn.scope_count, ashburn.asked_session_count), (2, Some(2)));
        let asos: Vec<(u32, Option<u64>)> = r.new_asos.iter().map(|a| (a.asn, a.asked_session_count)).collect();
        assert_eq!(asos, [(64503, Some(5))]);
        assert_eq!(r.new_user_agents.len(), 1);
        assert!(r.new_user_agents[0].user_agent.starts_with("aws-cli/2"));
        assert_eq!(r.new_user_agents[0].asked_session_count, Some(5));
        let mut apis: Vec<(&str, u64, Option<u64>)> = r
            .new_api_calls
            .iter()
            .map(|a| (a.api.as_str(), a.scope_success, a.asked_session_count))
            .collect();
        apis.sort();
        assert_eq!(
            apis,
            [
                ("GetCallerIdentity", 1, Some(1)),
                ("GetObject", 3, Some(3)),
                ("ListBuckets", 1, Some(1))
            ]
        );
    }
    // Asked by the principal id, the same identity is judged, and no session is marked.
    let by_id = report(&c, &geo, "AROAWEBAPPEXAMPLE001:i-0a1b2c3d4e5f60001");
    assert_eq!(by_id.profile.entity, WEB_IDENTITY);
    assert_eq!(by_id.profile.asked, None);
    assert_eq!(by_id.new_geolocations.len(), 1);
    assert_eq!(by_id.new_geolocations[0].asked_session_count, None);
    assert_eq!(by_id.new_api_calls.len(), 3);
}

/// Mia's two sessions on the incident day: ReadOnly in 111122223333 (Bellevue), Admin in 444455556666 (Frankfurt).
const MIA_RO_KEY: &str = "ASIAMIAX111100000026";
const MIA_ADMIN_KEY: &str = "ASIAMIAX444400000027";
const RO_ROLE: &str =
    "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnlyAccess_1111111111111111";
const ADMIN_ROLE: &str =
    "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_2222222222222222";

#[test]
fn an_identity_center_user_on_two_continents_travels_whichever_session_or_profile_is_asked() {
    let c = load(&data("continents.json.gz"));
    let (_dir, geo) = geo();
    for (profile, asked) in [
        (MIA_RO_KEY.to_string(), Some(1)),
        // The Admin session's first call (14:36) is after the pair's end (her 14:35 sign-in record): no endpoint is
        // that session's own, and the row says so.
        (MIA_ADMIN_KEY.to_string(), Some(0)),
        (format!("identity:{RO_ROLE}#mia"), None),
        (format!("identity:{ADMIN_ROLE}#mia"), None),
        ("principal:mia".to_string(), None),
        // The account where she landed, and the Admin role: both profiles the traveller touches.
        ("account:444455556666".to_string(), None),
        (format!("role:{ADMIN_ROLE}"), None),
    ] {
        let r = report(&c, &geo, &profile);
        assert_eq!(r.impossible_travel.len(), 1, "{profile}: {:?}", r.impossible_travel);
        let t = &r.impossible_travel[0];
        assert!(t.origin.contains("mia"), "{profile}: {}", t.origin);
        assert_eq!(t.start.place, "Bellevue, Washington, United States", "{profile}");
        assert_eq!(t.end.place, "Frankfurt am Main, Hesse, Germany", "{profile}");
        // Last Bellevue call 14:10 (ReadOnly), first Frankfurt activity of hers 14:35 (the Admin sign-in is signed by
        // the SAML user: her own record) — 25 minutes.
        assert_eq!(t.start.time, "2026-11-05T14:10:00Z", "{profile}");
        assert_eq!(t.end.time, "2026-11-05T14:35:00Z", "{profile}");
        assert_eq!(t.start.caller, MIA_RO_KEY, "{profile}");
        assert_eq!(t.asked_session_count, asked, "{profile}");
    }
    // Noah works from Frankfurt in the same permission set at the same time: he never travels, and his presence
    // does not make mia travel to Frankfurt on his profile.
    let noah = report(&c, &geo, &format!("identity:{ADMIN_ROLE}#noah"));
    assert!(noah.impossible_travel.is_empty(), "{:?}", noah.impossible_travel);
}

#[test]
fn a_session_is_outside_a_window_when_its_span_misses_it_and_a_window_keeps_what_is_in_it() {
    let c = load(&data("travel.json.gz"));
    let n = c.store.events.len() as u32;
    assert!(c.graph.sessions.len() > 2, "the scenario has several sessions");
    // Every edge that matters: each session's first and last event, one either side, and the ends of the table.
    let mut edges = vec![0, n, n + 1];
    for s in &c.graph.sessions {
        for &i in [s.events.first(), s.events.last()].into_iter().flatten() {
            edges.extend([i.saturating_sub(1), i, i + 1]);
        }
    }
    edges.sort_unstable();
    edges.dedup();
    let mut outside = 0;
    for (k, s) in c.graph.sessions.iter().enumerate() {
        for &lo in &edges {
            for &hi in edges.iter().filter(|&&h| h >= lo) {
                let inside: Vec<u32> = s.events.iter().copied().filter(|&i| i >= lo && i < hi).collect();
                // Outside: every event before the window or every one after it (a window falling between two
                // events of the session is not outside: its part is then empty).
                let all_before = s.events.iter().all(|&i| i < lo);
                let all_after = s.events.iter().all(|&i| i >= hi);
                let out = c.ix.session_outside(k as u32, lo, hi);
                assert_eq!(out, all_before || all_after, "session {k} [{lo}, {hi})");
                assert!(!out || inside.is_empty());
                outside += usize::from(out);
                let part = behavior::Part::new(&s.events, c.ix.rows_of_session(k as u32));
                let w = part.window(lo, hi);
                assert_eq!(w.events, inside.as_slice(), "session {k} [{lo}, {hi})");
                assert_eq!(w.rows.map(<[_]>::len), Some(inside.len()));
            }
        }
    }
    assert!(outside > 0, "some windows miss a session");
    // A profile's parts (sessions, windowed by the index's spans) keep exactly their events in each window.
    let p = Profile::parse(&format!("identity:{SSO_ROLE}#sara"), &c.store, &c.graph).unwrap();
    let sel = behavior::select(&p, &c.store, &c.graph, &c.ix).unwrap();
    assert!(sel.parts.len() > 1 && sel.parts.len() == sel.sessions.len());
    for &lo in &edges {
        for &hi in edges.iter().filter(|&&h| h >= lo) {
            for (w, &s) in sel.window(lo, hi).zip(&sel.sessions) {
                let events = &c.graph.sessions[s as usize].events;
                let inside: Vec<u32> = events.iter().copied().filter(|&i| i >= lo && i < hi).collect();
                assert_eq!(w.events, inside.as_slice(), "session {s} [{lo}, {hi})");
                let rows: Vec<i64> = w.rows.unwrap().iter().map(|r| r.time).collect();
                let times: Vec<i64> = inside.iter().map(|&i| c.ix.rows[i as usize].time).collect();
                assert_eq!(rows, times);
            }
        }
    }
}
