//! GuardDuty's threat-intelligence details of a finding: which threat list named the remote address (and the
//! threat names), read from the finding as loaded (`Finding::raw`) in every form GuardDuty writes them —
//! `service.evidence.threatIntelligenceDetails[].{threatListName, threatNames}` and the older
//! `service.additionalInfo` (`threatListName`, an object or a JSON string in `value`); keys in any casing, so the
//! API's PascalCase and the console's camelCase both read (`docs/domain.md` §4). Nothing here
//! decides what a listing means; the investigation reports it as GuardDuty's.

use super::{Finding, FindingAction, Source};
use serde::Serialize;
use serde_json::Value;

/// One threat list naming a finding's remote address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThreatIntel {
    /// The list's name (`ProofPoint`, `TorNodes`, a custom list), as GuardDuty wrote it.
    pub threat_list_name: Option<String>,
    /// The threat names the list gives, if any.
    pub threat_names: Vec<String>,
}

fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The threat lists of a GuardDuty finding (empty for other findings and when none is named).
pub fn threat_intel(f: &Finding) -> Vec<ThreatIntel> {
    if f.source != Source::GuardDuty {
        return Vec::new();
    }
    let Ok(root) = serde_json::from_str::<Value>(&f.raw) else {
        return Vec::new();
    };
    let Some(service) = get(&root, "service") else {
        return Vec::new();
    };
    let mut out: Vec<ThreatIntel> = Vec::new();
    let mut push = |t: ThreatIntel| {
        if (t.threat_list_name.is_some() || !t.threat_names.is_empty()) && !out.contains(&t) {
            out.push(t);
        }
    };
    if let Some(details) = get(service, "evidence")
        .and_then(|e| get(e, "threatIntelligenceDetails"))
        .and_then(Value::as_array)
    {
        for d in details {
            push(ThreatIntel {
                threat_list_name: text(get(d, "threatListName")),
                threat_names: get(d, "threatNames")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|n| text(Some(n))).collect())
                    .unwrap_or_default(),
            });
        }
    }
    if let Some(info) = get(service, "additionalInfo") {
        let parsed;
        let info = match get(info, "value").and_then(Value::as_str) {
            Some(s) => {
                parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
                &parsed
            }
            None => info,
        };
        let name = text(get(info, "threatListName"));
        let names = text(get(info, "threatName")).into_iter().collect();
        push(ThreatIntel {
            threat_list_name: name,
            threat_names: names,
        });
    }
    out
}

/// The remote addresses a GuardDuty finding's action names (API caller, connection peer, port probers).
pub fn remote_addresses(f: &Finding) -> Vec<&str> {
    let mut out = Vec::new();
    match &f.action {
        Some(FindingAction::ApiCall(a)) => out.extend(a.remote_ip.as_ref().and_then(|r| r.ip.as_deref())),
        Some(FindingAction::NetworkConnection(a)) => out.extend(a.remote_ip.as_ref().and_then(|r| r.ip.as_deref())),
        Some(FindingAction::PortProbe(a)) => out.extend(
            a.probes
                .iter()
                .filter_map(|p| p.remote_ip.as_ref().and_then(|r| r.ip.as_deref())),
        ),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::findings::{FindingsParse, parse_document};

    fn finding(service: &str) -> Finding {
        let doc = format!(
            r#"{{"findings":[{{"id":"f1","type":"Recon:IAMUser/MaliciousIPCaller","severity":5,"accountId":"111122223333",
            "region":"us-east-1","createdAt":"2026-11-05T16:03:15Z","updatedAt":"2026-11-05T16:13:48Z",
            "resource":{{"resourceType":"AccessKey"}},"service":{service}}}]}}"#
        );
        let v: Value = serde_json::from_str(&doc).unwrap();
        match parse_document(&v) {
            FindingsParse::Parsed { mut findings, .. } => findings.remove(0),
            FindingsParse::NotFindings => panic!("not findings"),
        }
    }

    #[test]
    fn evidence_details_and_additional_info_both_read_in_any_casing() {
        let f = finding(
            r#"{"Evidence":{"ThreatIntelligenceDetails":[{"ThreatListName":"TorNodes","ThreatNames":["tor-exit"]}]},
               "additionalInfo":{"value":"{\"threatListName\":\"ProofPoint\"}","type":"default"}}"#,
        );
        let t = threat_intel(&f);
        assert_eq!(
            t,
            vec![
                ThreatIntel {
                    threat_list_name: Some("TorNodes".into()),
                    threat_names: vec!["tor-exit".into()]
                },
                ThreatIntel {
                    threat_list_name: Some("ProofPoint".into()),
                    threat_names: vec![]
                }
            ]
        );
    }

    #[test]
    fn no_list_named_is_no_threat_intel() {
        assert!(threat_intel(&finding(r#"{"additionalInfo":{"value":"{}","type":"default"}}"#)).is_empty());
        assert!(threat_intel(&finding(r#"{"additionalInfo":{"value":"not json"}}"#)).is_empty());
    }
}
