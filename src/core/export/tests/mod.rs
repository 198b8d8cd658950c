//! Export tests: goldens on a small store shaped like the sample case (sara's sessions), semantic checks of
//! the evidence and links, and hostile strings through every format.

mod fixture;

use super::*;
use crate::core::case::{Case, Verdict};
use crate::core::entity::EntityRef;
use crate::core::model::*;
use crate::core::time::Scope;
use fixture::{ANSI, HOSTILE, sample_store, session, t};

/// A case with notes on sara's sessions, stamped with fixed author and time so output is reproducible.
fn sample_case(dir: &std::path::Path) -> Case {
    let mut case = Case::create(dir, &[]).unwrap();
    case.set_author("analyst");
    case.set_fixed_time(Some(t("2026-11-06T09:00:00Z")));
    case.set_scope(Some(Scope::from_observed(
        t("2026-11-05T14:12:07Z"),
        t("2026-11-05T14:48:53Z"),
    )))
    .unwrap();
    let admin = session("ASIASARAADMIN0000001");
    let demo = session("ASIADEMOROLE10000001");
    case.add_note(
        &EntityRef::Case,
        "Opened from GuardDuty finding 5ac5b1a1f0e2d3c4b5a6978877665544.",
    )
    .unwrap();
    case.add_note(
        &admin,
        "sara's admin session: stopped demo-trail-2 at 14:12.\nThen chained into DemoRole1.",
    )
    .unwrap();
    let n = case.add_note(&demo, "RunInstances t3.xlarge").unwrap();
    case.edit_note(
        n,
        "RunInstances t3.xlarge; AttachRolePolicy denied; trust policy opened to 999988887777.",
    )
    .unwrap();
    case.star(&admin).unwrap();
    case.star(&demo).unwrap();
    case.star(&EntityRef::Event("a0ed971f-389f-406a-9fcf-000000000006".into()))
        .unwrap();
    case.tag(&demo, "persistence").unwrap();
    case.set_verdict(&demo, Verdict::Suspicious).unwrap();
    case.set_verdict(&demo, Verdict::Malicious).unwrap();
    case.set_verdict(&admin, Verdict::Suspicious).unwrap();
    case
}

fn snapshot(case: &Case) -> CaseSnapshot {
    let mut snap = CaseSnapshot::read(case).unwrap();
    snap.dir = "cases/sara".into();
    snap.created = Some(t("2026-11-06T08:00:00Z"));
    snap
}

struct TestChains;
impl Enrichment for TestChains {
    fn chain(&self, _s: &Store, e: &EntityRef) -> Option<report::Chain> {
        use report::{Chain, ChainEdge, ChainNode};
        let node = |kind: &str, label: &str| ChainNode {
            kind: kind.into(),
            label: label.into(),
            entity: None,
        };
        (e == &session("ASIADEMOROLE10000001")).then(|| Chain {
            nodes: vec![
                node("principal", "sara (Identity Center)"),
                node("session", "AWSReservedSSO_AdministratorAccess / sara"),
                node("session", "DemoRole1 / sara"),
                node("hostile", HOSTILE),
            ],
            edges: vec![
                ChainEdge {
                    from: 0,
                    to: 1,
                    label: "AssumeRoleWithSAML".into(),
                    rule: "exact".into(),
                },
                ChainEdge {
                    from: 1,
                    to: 2,
                    label: "AssumeRole".into(),
                    rule: "exact".into(),
                },
                ChainEdge {
                    from: 2,
                    to: 3,
                    label: HOSTILE.into(),
                    rule: "name+time".into(),
                },
                ChainEdge {
                    from: 2,
                    to: 99,
                    label: "dangling".into(),
                    rule: "exact".into(),
                },
            ],
        })
    }
    fn highlights(&self, _s: &Store, e: &EntityRef, _sc: Option<Scope>) -> Option<Vec<report::Highlight>> {
        (e == &session("ASIADEMOROLE10000001")).then(|| {
            vec![report::Highlight {
                category: "new API call".into(),
                value: "ec2:RunInstances".into(),
                detail: "0 calls in the 45-day baseline".into(),
            }]
        })
    }
    fn place(&self, ip: &str) -> Option<String> {
        (ip == "198.51.100.23").then(|| "Bellevue, WA, US".to_string())
    }
}

#[test]
fn sara_sessions_evidence_and_links() {
    let tmp = tempfile::tempdir().unwrap();
    let case = sample_case(tmp.path());
    let store = sample_store();
    let r = build(&snapshot(&case), &store, &TestChains, &ReportOptions::default());
    let names: Vec<&str> = r.entities.iter().map(|e| e.entity.as_str()).collect();
    assert_eq!(
        names,
        [
            "session:ASIASARAADMIN0000001",
            "session:ASIADEMOROLE10000001",
            "event:a0ed971f-389f-406a-9fcf-000000000006"
        ]
    );
    let admin = &r.entities[0];
    let apis: Vec<&str> = admin.evidence.iter().map(|e| e.api.as_str()).collect();
    // The SAML assumption that created it, and the calls it signed; DemoRole1's calls are not hers.
    assert_eq!(
        apis,
        ["sts:AssumeRoleWithSAML", "cloudtrail:StopLogging", "sts:AssumeRole"]
    );
    assert_eq!(
        admin.detective_url.as_deref(),
        Some(
            "https://console.aws.amazon.com/detective/home?region=us-east-1#entities/AwsRoleSession/AROAADMINSSOEXAMPLE01:sara?scopeStart=1793887200&scopeEnd=1793890800"
        )
    );
    assert_eq!(admin.verdict.as_ref().unwrap().verdict, "suspicious");
    let demo = &r.entities[1];
    let apis: Vec<(&str, &str)> = demo
        .evidence
        .iter()
        .map(|e| (e.api.as_str(), e.result.as_str()))
        .collect();
    // 16:10 DescribeInstances is outside the 14:00–15:00 scope.
    assert_eq!(
        apis,
        [
            ("sts:AssumeRole", "success"),
            ("ec2:RunInstances", "success"),
            ("iam:AttachRolePolicy", "AccessDenied"),
            ("iam:UpdateAssumeRolePolicy", "success")
        ]
    );
    assert_eq!(demo.evidence_total, 4);
    assert_eq!(demo.tags, ["persistence"]);
    assert_eq!(demo.verdict_history.len(), 2);
    assert_eq!(demo.notes[0].rev, 2);
    assert!(
        demo.evidence
            .iter()
            .any(|e| e.starred && e.api == "iam:UpdateAssumeRolePolicy")
    );
    assert_eq!(demo.evidence[1].place.as_deref(), Some("Bellevue, WA, US"));
    // The AssumeRole is evidence for both sessions, listed once in the timeline.
    let hop = r.timeline.iter().find(|e| e.api == "sts:AssumeRole").unwrap();
    assert_eq!(
        hop.entities,
        ["session:ASIASARAADMIN0000001", "session:ASIADEMOROLE10000001"]
    );
    assert_eq!(r.timeline.len(), 6);
    assert!(r.timeline.windows(2).all(|w| w[0].time <= w[1].time));
    assert_eq!(r.case_notes.len(), 1);

    let capped = build(
        &snapshot(&case),
        &store,
        &NoEnrichment,
        &ReportOptions {
            max_events_per_entity: 2,
            ..Default::default()
        },
    );
    assert_eq!(
        (capped.entities[1].evidence.len(), capped.entities[1].evidence_total),
        (2, 4)
    );
    assert!(capped.entities[1].chain.is_none());
    let md = markdown::render(&capped);
    assert!(md.contains("Not computed for this report (session graph not available)"));
    assert!(md.contains("#### Evidence events (2 of 4)"));
}

#[test]
fn golden_exports() {
    let tmp = tempfile::tempdir().unwrap();
    let case = sample_case(tmp.path());
    let mut store = sample_store();
    store
        .events
        .retain(|e| store.strings.resolve(e.source_ip) != "203.0.113.77");
    let gd = serde_json::json!({
        "id": "5ac5b1a1f0e2d3c4b5a6978877665544", "schemaVersion": "2.0", "accountId": "111122223333",
        "region": "us-east-1", "type": "Stealth:IAMUser/CloudTrailLoggingDisabled", "severity": 2.0,
        "title": "AWS CloudTrail trail demo-trail-2 was disabled.", "createdAt": "2026-11-05T14:20:00.000Z",
        "updatedAt": "2026-11-05T14:50:00.000Z",
        "resource": {"resourceType": "AccessKey", "accessKeyDetails": {"accessKeyId": "ASIASARAADMIN0000001",
            "principalId": "AROAADMINSSOEXAMPLE01:sara", "userType": "AssumedRole"}},
        "service": {"serviceName": "guardduty", "eventFirstSeen": "2026-11-05T14:12:07.000Z",
            "eventLastSeen": "2026-11-05T14:48:53.000Z", "count": 1, "archived": false}
    });
    match crate::core::findings::parse_document(&gd) {
        crate::core::findings::FindingsParse::Parsed { findings, .. } => store.findings.extend(findings),
        crate::core::findings::FindingsParse::NotFindings => panic!("fixture is a GuardDuty finding"),
    }
    let opts = ReportOptions {
        generated: Some(t("2026-11-06T10:00:00Z")),
        ..Default::default()
    };
    let r = build(&snapshot(&case), &store, &TestChains, &opts);
    insta::assert_snapshot!("sample_md", render(&r, Format::Markdown));
    insta::assert_snapshot!("sample_json", render(&r, Format::Json));
    insta::assert_snapshot!("sample_csv", render(&r, Format::Csv));
    insta::assert_snapshot!("sample_jsonl", render(&r, Format::JsonLines));
}

fn assert_clean(out: &str, what: &str) {
    for (n, line) in out.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        assert!(
            !line.chars().any(crate::core::text::is_hazard),
            "{what} line {n} has a raw hazard: {line:?}"
        );
    }
}

#[test]
fn hostile_strings_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let case = sample_case(tmp.path());
    let ua = EntityRef::UserAgent(HOSTILE.to_string());
    case.star(&ua).unwrap();
    case.tag(&ua, HOSTILE.lines().next().unwrap()).unwrap();
    case.add_note(&ua, HOSTILE).unwrap();
    // The largest note a case accepts.
    let big = format!(
        "{}{}",
        HOSTILE,
        "A".repeat(crate::core::case::MAX_NOTE_BYTES - HOSTILE.len())
    );
    case.add_note(&session("ASIASARAADMIN0000001"), &big).unwrap();
    let store = sample_store();
    let r = build(&snapshot(&case), &store, &TestChains, &ReportOptions::default());
    let hostile_row = r
        .timeline
        .iter()
        .find(|e| e.user_agent == HOSTILE)
        .expect("hostile event is evidence");
    assert!(!hostile_row.starred && hostile_row.entities.contains(&ua.to_string()));

    let md = render(&r, Format::Markdown);
    assert_clean(&md, "markdown");
    let (before, rest) = md.split_once("```mermaid\n").unwrap();
    let after = rest.split_once("```\n").unwrap().1;
    for text in [before, after] {
        assert!(!text.contains("[click](http"), "markdown link injected");
        assert!(!text.contains("```"), "code fence injected");
    }
    for (i, c) in md.char_indices() {
        if c == '<' {
            assert!(md[..i].ends_with('\\'), "raw HTML: unescaped < at {i}");
        }
    }
    // Mermaid: each node/edge line has exactly the quotes we put there.
    let mermaid: Vec<&str> = md
        .split("```mermaid\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap()
        .lines()
        .skip(1)
        .collect();
    assert_eq!(mermaid.len(), 4 + 3, "{mermaid:?}");
    for l in &mermaid {
        assert_eq!(l.matches('"').count(), 2, "{l}");
        assert!(!l.contains('`') && !l.contains('<'), "{l}");
        let label_pipes = l.matches('|').count();
        assert!(label_pipes == 0 || (l.contains("-->|\"") && label_pipes == 2), "{l}");
    }
    // Table rows never break: every evidence table line has the same cell count.
    for l in md.lines().filter(|l| l.starts_with("| 2026-")) {
        let cells = l.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 9, "{l}");
    }

    let json = render(&r, Format::Json);
    assert_clean(&json, "json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    let notes = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["notes"].as_array().unwrap().clone());
    let texts: Vec<String> = notes.map(|n| n["text"].as_str().unwrap().to_string()).collect();
    assert!(texts.contains(&HOSTILE.to_string()), "JSON keeps analyst text exactly");
    assert!(texts.contains(&big));

    let csv = render(&r, Format::Csv);
    assert_clean(&csv, "csv");
    let records: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(records.len(), r.timeline.len() + 1, "a cell broke a record");
    assert!(!csv.contains('\n') || csv.matches('\n').count() == records.len());
    let ua_cell = records.iter().find(|l| l.contains("gnp.exe")).unwrap();
    assert!(ua_cell.contains("\"'=cmd|' /C calc'!A0"), "{ua_cell}");
    for rec in &records {
        // Outside quotes, no field starts with a formula trigger.
        for field in rec.split(',') {
            assert!(!field.starts_with(['=', '+', '-', '@']), "{field} in {rec}");
        }
    }

    let jsonl = render(&r, Format::JsonLines);
    assert_clean(&jsonl, "jsonl");
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(lines.len(), r.timeline.len());
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["message"].is_string() && v["timestamp_desc"] == "Event Time");
        assert!(crate::core::time::parse_epoch(v["datetime"].as_str().unwrap()).is_some());
    }
    assert!(
        lines
            .iter()
            .any(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["user_agent"] == HOSTILE),
        "JSON lines keep log values exactly"
    );
    let _ = ANSI;
}

#[test]
fn empty_case_and_store_render() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::create(tmp.path(), &[]).unwrap();
    let opts = ReportOptions {
        data_warning: Some("no inputs".into()),
        ..Default::default()
    };
    let r = build(&snapshot(&case), &Store::default(), &NoEnrichment, &opts);
    let md = render(&r, Format::Markdown);
    assert!(md.contains("_No starred, noted, tagged or judged entities._"));
    assert!(md.contains("**Warning:** no inputs"));
    assert_eq!(render(&r, Format::Csv).lines().count(), 1);
    assert_eq!(render(&r, Format::JsonLines), "");
}
