//! `trailhound geofence` end to end on the hand-written scenario of `tests/data/geofence` (its story is in
//! `make.py` there): the golden JSON for the flag fence is written out below by hand from that story and the demo
//! GeoIP databases' ranges (`src/demo/geoip.rs`), never copied from the output; the policy fence with `--role`;
//! a profile narrowing; bad fences refused; and hostile logs and policies that must come out inert.

use crate::support::hostile::{HS, raw_hazard};
use serde_json::{Value, json};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/geofence");
const GEOIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case/geoip");
const OPS: &str = "arn:aws:iam::111122223333:role/Ops";

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("TRAILHOUND_GEOIP")
        .env_remove("TRAILHOUND_CASE")
        .env("XDG_CONFIG_HOME", "/nonexistent/trailhound-test-config")
        .output()
        .expect("run trailhound")
}

fn review(extra: &[&str]) -> Value {
    let trail = format!("{DATA}/trail.json");
    let mut args = vec!["geofence", "-i", &trail, "--geoip", GEOIP, "--json"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    // The databases' paths depend on the checkout; what they are is checked once here.
    let geo = v["geolocation"].as_str().unwrap().to_string();
    assert!(geo.contains("Demo-City.mmdb") && geo.contains("Demo-ASN.mmdb"), "{geo}");
    v["geolocation"] = Value::Null;
    v
}

fn frankfurt(address: &str, why: &str) -> Value {
    json!({
        "standing": "outside", "why": why, "address": address, "address_class": "public",
        "country": "DE", "country_name": "Germany", "city": "Frankfurt am Main",
        "asn": 64503, "as_org": "Example Hosting GmbH", "vpc_endpoint": null,
    })
}

fn merge(mut base: Value, more: Value) -> Value {
    for (k, v) in more.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

const DE: &str = "not in an allowed block; country DE is not allowed";

/// Fence: people from the US, or the egress 192.0.2.0/24. Every principal is covered.
#[test]
fn golden_flag_fence() {
    let v = review(&["--allow-countries", "US", "--allow-cidrs", "192.0.2.0/24"]);
    let sara_row = |address: &str, allowed: u64, first: &str, last: &str, event: &str| {
        merge(
            frankfurt(address, DE),
            json!({"session": "ASIAOPSSARA000000001", "origin": "iam-user sara", "allowed": allowed, "denied": 0,
                   "first_seen": first, "last_seen": last, "first_event": event}),
        )
    };
    let expected = json!({
        "fence": {
            "source": {"kind": "flags"}, "countries": ["US"], "cidrs": ["192.0.2.0/24"], "vpcs": [],
            "vpc_endpoints": [], "service_calls_exempt": true, "roles": [], "notes": []
        },
        "scope": null,
        "profile": null,
        "geolocation": null,
        // 14 records: inside are the assumption and 09:01 from the egress, 09:10 from Bellevue over IPv6, li's
        // 10:03 and ann's 12:00 from Bellevue; outside and allowed sara's 09:05, 09:06, 09:07; denied li's three;
        // unknown the endpoint call and kim's; on her behalf CloudFormation's table.
        "totals": {"covered": 14, "not_covered": 0, "inside": 5, "allowed_outside": 3, "denied_outside": 3,
                   "unknown": 2, "on_behalf": 1},
        "principals": [
            {
                "principal": {"kind": "session-identity", "label": "Ops / sara",
                              "entity": "identity:arn:aws:iam::111122223333:role/Ops#sara",
                              "session": "ASIAOPSSARA000000001", "account": "111122223333"},
                "severity": "critical", "allowed_outside": 3, "denied_outside": 0, "unknown": 1,
                "first_seen": "2026-11-05T09:05:00Z", "last_seen": "2026-11-05T09:09:00Z",
                "sources": [
                    sara_row("203.0.113.66", 2, "2026-11-05T09:05:00Z", "2026-11-05T09:06:00Z",
                             "5d779395-5b5c-59e7-aa2b-ddb06db45a5c"),
                    sara_row("2001:db8:f::5", 1, "2026-11-05T09:07:00Z", "2026-11-05T09:07:00Z",
                             "488156e5-0ed7-5d31-aa25-8377c2c36dea"),
                    // The endpoint call: no VPC condition in this fence, so its private address is judged, and
                    // no country can be given to it.
                    {"standing": "unknown", "why": "not in an allowed block; no country for a private address",
                     "address": "10.0.5.5", "address_class": "private", "country": null, "country_name": null,
                     "city": null, "asn": null, "as_org": null, "vpc_endpoint": null,
                     "session": "ASIAOPSSARA000000001", "origin": "iam-user sara", "allowed": 1, "denied": 0,
                     "first_seen": "2026-11-05T09:09:00Z", "last_seen": "2026-11-05T09:09:00Z",
                     "first_event": "cfab702f-25f2-5d29-981d-1fcfc340f687"}
                ],
                "on_behalf": [{"service": "cloudformation.amazonaws.com", "allowed": 1, "denied": 0,
                               "first_seen": "2026-11-05T09:08:00Z", "last_seen": "2026-11-05T09:08:00Z"}]
            },
            {
                "principal": {"kind": "origin", "origin_kind": "iam-user", "label": "iam-user li",
                              "entity": "principal:arn:aws:iam::111122223333:user/li", "account": "111122223333"},
                "severity": "enforced", "allowed_outside": 0, "denied_outside": 3, "unknown": 0,
                "first_seen": "2026-11-05T10:00:00Z", "last_seen": "2026-11-05T10:02:00Z",
                "sources": [merge(frankfurt("203.0.113.67", DE), json!({
                    "session": null, "origin": "iam-user li", "allowed": 0, "denied": 3,
                    "first_seen": "2026-11-05T10:00:00Z", "last_seen": "2026-11-05T10:02:00Z",
                    "first_event": "c19b3164-4516-5507-a0ef-92b971909177"}))],
                "on_behalf": []
            },
            {
                "principal": {"kind": "origin", "origin_kind": "iam-user", "label": "iam-user kim",
                              "entity": "principal:arn:aws:iam::111122223333:user/kim", "account": "111122223333"},
                "severity": "unknown", "allowed_outside": 0, "denied_outside": 0, "unknown": 1,
                "first_seen": "2026-11-05T11:00:00Z", "last_seen": "2026-11-05T11:00:00Z",
                "sources": [{"standing": "unknown", "why": "not in an allowed block; no geolocation for the address",
                             "address": "198.51.100.200", "address_class": "public", "country": null,
                             "country_name": null, "city": null, "asn": null, "as_org": null, "vpc_endpoint": null,
                             "session": null, "origin": "iam-user kim", "allowed": 1, "denied": 0,
                             "first_seen": "2026-11-05T11:00:00Z", "last_seen": "2026-11-05T11:00:00Z",
                             "first_event": "c6db824d-1c85-5cd3-b257-473c76513ccf"}],
                "on_behalf": []
            }
        ]
    });
    assert_eq!(v, expected, "{}", serde_json::to_string_pretty(&v).unwrap());
}

/// The corporate policy (Deny NotIpAddress 192.0.2.0/24 + 2001:db8:a::/48 unless through vpce-0abc, service
/// calls exempt) attached to Ops only: li, kim, ann and sara's own assumption are not covered; the endpoint call
/// and the IPv6 egress call are inside; the two Frankfurt addresses are the breach.
#[test]
fn policy_fence_for_one_role() {
    let policy = format!("{DATA}/corporate-fence.json");
    let v = review(&["--policy", &policy, "--role", OPS]);
    assert_eq!(
        v["fence"],
        json!({"source": {"kind": "policy", "file": policy}, "countries": [],
               "cidrs": ["192.0.2.0/24", "2001:db8:a::/48"], "vpcs": [], "vpc_endpoints": ["vpce-0abc"],
               "service_calls_exempt": true, "roles": [OPS], "notes": []})
    );
    assert_eq!(
        v["totals"],
        json!({"covered": 7, "not_covered": 7, "inside": 3, "allowed_outside": 3, "denied_outside": 0,
               "unknown": 0, "on_behalf": 1})
    );
    let ps = v["principals"].as_array().unwrap();
    assert_eq!(ps.len(), 1, "{v}");
    let addresses: Vec<&str> = ps[0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["203.0.113.66", "2001:db8:f::5"]);
    assert_eq!(ps[0]["sources"][0]["why"], "not in an allowed block");
    assert_eq!(ps[0]["severity"], "critical");
}

/// A fence on the endpoint alone: the endpoint call is inside, every address call outside; a fence on a VPC id
/// (which CloudTrail does not record) leaves the endpoint call unknown.
#[test]
fn vpc_conditions_judge_endpoint_calls() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, cond: &str| {
        let p = dir.path().join(name);
        std::fs::write(
            &p,
            format!(r#"{{"Statement":{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"StringNotEquals":{{{cond}}},"Bool":{{"aws:ViaAWSService":"false"}}}}}}}}"#),
        )
        .unwrap();
        p.display().to_string()
    };
    let vpce = write("vpce.json", r#""aws:SourceVpce":"vpce-0abc""#);
    let v = review(&["--policy", &vpce, "--role", OPS]);
    assert_eq!(v["totals"]["inside"], 1, "{v}");
    assert_eq!(v["totals"]["allowed_outside"], 5, "{v}");
    let vpc = write("vpc.json", r#""aws:SourceVpc":"vpc-1111""#);
    let v = review(&["--policy", &vpc, "--role", OPS]);
    let unknown: Vec<&Value> = v["principals"][0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["standing"] == "unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{v}");
    assert_eq!(unknown[0]["vpc_endpoint"], "vpce-0abc");
    assert_eq!(
        unknown[0]["why"],
        "through vpce-0abc: CloudTrail does not record its VPC"
    );
}

/// Narrowed to li's profile and a scope that ends before kim's call: only li is reported.
#[test]
fn profile_and_scope_narrow_the_review() {
    let v = review(&[
        "principal:arn:aws:iam::111122223333:user/li",
        "--allow-countries",
        "US",
        "--scope",
        "2026-11-05T00:00:00Z..2026-11-05T10:30:00Z",
    ]);
    assert_eq!(v["profile"]["entity"], "principal:arn:aws:iam::111122223333:user/li");
    assert_eq!(
        v["scope"],
        json!({"from": "2026-11-05T00:00:00Z", "to": "2026-11-05T10:30:00Z"})
    );
    assert_eq!(v["totals"]["covered"], 4, "{v}");
    let labels: Vec<&str> = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["principal"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["iam-user li"]);
}

#[test]
fn no_or_bad_fence_is_an_error() {
    let trail = format!("{DATA}/trail.json");
    for (args, says) in [
        (vec![], "give the fence"),
        (vec!["--allow-countries", "USA"], "not a country code"),
        (vec!["--allow-cidrs", "10.0.0.0/33"], "not an IPv4 or IPv6 address"),
        (vec!["--policy", "/nonexistent/policy.json"], "/nonexistent/policy.json"),
    ] {
        let mut a = vec!["geofence", "-i", &trail];
        a.extend(args);
        let out = run(&a);
        assert_eq!(out.status.code(), Some(2), "{a:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{a:?}: {err}");
    }
}

fn assert_inert(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| raw_hazard(c)) {
        panic!("{what}: raw U+{:04X} at byte {i}", c as u32);
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("FAKE"),
            "{what}: a hostile line break started a line: {line:?}"
        );
    }
}

/// Names, addresses, endpoint ids, services and the policy's Sid and values carry terminal escapes, bidi
/// overrides and line breaks: text and JSON stay inert, and JSON keeps the exact strings.
#[test]
fn hostile_logs_and_policy_come_out_inert() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{DATA}/trail.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    for r in v["Records"].as_array_mut().unwrap() {
        if r["sourceIPAddress"] == "203.0.113.67" {
            r["sourceIPAddress"] = Value::String(format!("203.0.113.67{HS}"));
        }
        if r["sourceIPAddress"] == "10.0.5.5" {
            r["vpcEndpointId"] = Value::String(format!("vpce-{HS}"));
        }
        if r["userIdentity"]["invokedBy"].is_string() {
            r["userIdentity"]["invokedBy"] = Value::String(format!("cfn{HS}"));
        }
    }
    // Sara's name in every string (ARNs, principal ids, session names) so the graph still links her session.
    fn rename(v: &mut Value) {
        match v {
            Value::String(s) => *s = s.replace("sara", &format!("sara{HS}")),
            Value::Array(a) => a.iter_mut().for_each(rename),
            Value::Object(o) => o.values_mut().for_each(rename),
            _ => {}
        }
    }
    rename(&mut v);
    let hostile = serde_json::to_string(&v).unwrap();
    let trail = dir.path().join("trail.json");
    std::fs::write(&trail, hostile).unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        serde_json::to_string(&json!({"Statement": [
            {"Sid": format!("Fence{HS}"), "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"},
                           "StringNotEquals": {"aws:SourceVpce": format!("vpce-{HS}")},
                           "StringLike": {format!("aws:PrincipalTag/{HS}"): "x"}}},
            {"Sid": format!("Block{HS}"), "Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}}
        ]}))
        .unwrap(),
    )
    .unwrap();
    let (t, p) = (trail.display().to_string(), policy.display().to_string());
    for json_out in [false, true] {
        let mut args = vec![
            "geofence",
            "-i",
            &t,
            "--geoip",
            GEOIP,
            "--policy",
            &p,
            "--allow-countries",
            "US",
        ];
        if json_out {
            args.push("--json");
        }
        let out = run(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_inert("stdout", &stdout);
        assert_inert("stderr", &String::from_utf8(out.stderr).unwrap());
        if json_out {
            let r: Value = serde_json::from_str(&stdout).unwrap();
            let labels: Vec<&str> = r["principals"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["principal"]["label"].as_str().unwrap())
                .collect();
            assert!(labels.contains(&format!("Ops / sara{HS}").as_str()), "{labels:?}");
            let notes = r["fence"]["notes"].to_string();
            assert!(notes.contains("Block"), "{notes}");
            let sources: Vec<&Value> = r["principals"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["sources"].as_array().unwrap())
                .collect();
            assert!(
                sources
                    .iter()
                    .any(|s| s["address"].as_str() == Some(&format!("203.0.113.67{HS}"))),
                "the hostile address comes back exactly in JSON"
            );
            assert!(
                r["fence"]["vpc_endpoints"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e.as_str() == Some(&format!("vpce-{HS}"))),
            );
        }
    }
    // A hostile value as a flag is refused with an inert message.
    let out = run(&["geofence", "-i", &t, "--allow-cidrs", &format!("1.2.3.4{HS}")]);
    assert_eq!(out.status.code(), Some(2));
    assert_inert("error", &String::from_utf8(out.stderr).unwrap());
}

/// `trailhound export` with a fence: the JSON report carries the review (the command's own shape) and the
/// Markdown report a section naming the breach; without a fence there is neither.
#[test]
fn exports_include_the_review_when_a_fence_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let case_s = case.display().to_string();
    let trail = format!("{DATA}/trail.json");
    assert!(run(&["case", "new", "--case", &case_s]).status.success());
    let export = |format: &str, fence: bool| {
        let mut a = vec![
            "export", "--case", &case_s, "-i", &trail, "--geoip", GEOIP, "--format", format,
        ];
        if fence {
            a.extend(["--allow-countries", "US", "--allow-cidrs", "192.0.2.0/24"]);
        }
        let out = run(&a);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: Value = serde_json::from_str(&export("json", true)).unwrap();
    assert_eq!(json["geofence"]["totals"]["allowed_outside"], 3);
    assert_eq!(json["geofence"]["principals"][0]["principal"]["label"], "Ops / sara");
    let md = export("md", true);
    assert!(md.contains("## Geo-fence review"), "{md}");
    assert!(
        md.contains("| **allowed from outside** | Ops / sara | 203.0.113.66 | DE Frankfurt am Main | AS64503 Example Hosting GmbH | 2 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("| Ops / sara | cloudformation.amazonaws.com | 1 | 0 |"),
        "{md}"
    );
    let plain: Value = serde_json::from_str(&export("json", false)).unwrap();
    assert!(plain.get("geofence").is_none());
    assert!(!export("md", false).contains("Geo-fence"));
}
