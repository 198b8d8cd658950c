//! Which finding form a JSON document is, and dispatch to the service parsers. Content decides, never the file
//! name: GuardDuty objects (either casing), `{"Findings":[…]}` / `{"findings":[…]}` lists (GuardDuty, Access
//! Analyzer or ASFF, decided per element), `{"finding":…}`, EventBridge envelopes, and top-level arrays of any of
//! these. CloudTrail forms and unrelated JSON are [`FindingsParse::NotFindings`].

use super::error::FindingError;
use super::fields::{get, string};
use super::{FindingsParse, Form, access_analyzer, guardduty};
use serde_json::Value;

/// Classify and parse one JSON document (a whole file's value, one JSON line, or one element of a top-level
/// array). Never panics; recursion is bounded (arrays and envelopes nest at most two levels).
pub fn parse_document(doc: &Value) -> FindingsParse {
    document(doc, 0)
}

fn document(doc: &Value, depth: u8) -> FindingsParse {
    match doc {
        Value::Array(items) if depth == 0 => top_array(items),
        Value::Object(_) => object(doc, depth),
        _ => FindingsParse::NotFindings,
    }
}

fn skipped(reason: String) -> FindingsParse {
    FindingsParse::Parsed {
        findings: Vec::new(),
        errors: vec![(None, reason)],
    }
}

fn object(doc: &Value, depth: u8) -> FindingsParse {
    if let Some(dt) = doc.get("detail-type").and_then(Value::as_str) {
        return eventbridge(doc, dt, depth);
    }
    // CloudTrail in any of its forms is ingest's business, never a finding.
    if ["Records", "eventVersion", "eventName", "CloudTrailEvent", "Events"]
        .iter()
        .any(|k| doc.get(*k).is_some())
    {
        return FindingsParse::NotFindings;
    }
    for key in ["Findings", "findings"] {
        if let Some(Value::Array(items)) = doc.get(key) {
            return list(items);
        }
    }
    if let Some(f) = doc.get("finding").filter(|f| f.is_object()) {
        let form = v2_or_v1(f);
        return one(access_analyzer::parse(f, form, None));
    }
    for key in ["FindingIds", "findingIds"] {
        if let Some(Value::Array(ids)) = doc.get(key) {
            return skipped(format!(
                "GuardDuty list-findings output: {} finding id(s) but no findings; fetch them with \
                 `aws guardduty get-findings --finding-ids …`",
                ids.len()
            ));
        }
    }
    if let Some(Value::Array(a)) = doc.get("analyzers") {
        return skipped(format!(
            "Access Analyzer list-analyzers output: {} analyzer(s), not findings; use \
             `aws accessanalyzer list-findings-v2 --analyzer-arn …`",
            a.len()
        ));
    }
    match element(doc) {
        Some(r) => one(r),
        None => FindingsParse::NotFindings,
    }
}

fn v2_or_v1(v: &Value) -> Form {
    if get(v, "findingType").is_some() || get(v, "findingDetails").is_some() {
        Form::AccessAnalyzerV2
    } else {
        Form::AccessAnalyzerV1
    }
}

/// One candidate finding: `None` when it is no finding form at all.
fn element(v: &Value) -> Option<Result<super::Finding, FindingError>> {
    if is_asff(v) {
        let product = string(v, "ProductArn").unwrap_or_default();
        return Some(if product.contains("access-analyzer") {
            access_analyzer::parse_asff(v)
        } else if product.contains("guardduty") {
            super::guardduty_asff::parse(v)
        } else {
            Err(FindingError::UnsupportedProduct(product))
        });
    }
    if guardduty::looks_like(v) {
        return Some(guardduty::parse(v));
    }
    if access_analyzer::is_preview(v) {
        return Some(Err(FindingError::AccessPreview));
    }
    if access_analyzer::looks_like(v) {
        return Some(access_analyzer::parse(v, v2_or_v1(v), None));
    }
    None
}

fn is_asff(v: &Value) -> bool {
    v.get("SchemaVersion")
        .and_then(Value::as_str)
        .is_some_and(|s| s.starts_with("2018-10-08"))
        && v.get("ProductArn").is_some()
}

fn one(r: Result<super::Finding, FindingError>) -> FindingsParse {
    match r {
        Ok(f) => FindingsParse::Parsed {
            findings: vec![f],
            errors: Vec::new(),
        },
        Err(e) => skipped(e.to_string()),
    }
}

/// The elements of a findings list: each decided by its own content.
fn list(items: &[Value]) -> FindingsParse {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for (i, it) in items.iter().enumerate() {
        match element(it) {
            Some(Ok(f)) => findings.push(f),
            Some(Err(e)) => errors.push((Some(i), e.to_string())),
            None => errors.push((Some(i), "not a GuardDuty or Access Analyzer finding".to_string())),
        }
    }
    FindingsParse::Parsed { findings, errors }
}

/// A bare top-level array: findings only if at least one element is a finding form.
fn top_array(items: &[Value]) -> FindingsParse {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let mut recognised = false;
    let mut unrecognised = Vec::new();
    for (i, it) in items.iter().enumerate() {
        match document(it, 1) {
            FindingsParse::NotFindings => unrecognised.push(i),
            FindingsParse::Parsed { findings: f, errors: e } => {
                recognised = true;
                findings.extend(f);
                errors.extend(e.into_iter().map(|(_, msg)| (Some(i), msg)));
            }
        }
    }
    if !recognised {
        return FindingsParse::NotFindings;
    }
    for i in unrecognised {
        errors.push((Some(i), "not a GuardDuty or Access Analyzer finding".to_string()));
    }
    errors.sort_by_key(|(i, _)| *i);
    FindingsParse::Parsed { findings, errors }
}

fn eventbridge(doc: &Value, detail_type: &str, depth: u8) -> FindingsParse {
    let detail = doc.get("detail").filter(|d| d.is_object());
    let region = doc.get("region").and_then(Value::as_str);
    let need_detail = |r: fn(&Value) -> FindingsParse| match detail {
        Some(d) => r(d),
        None => skipped(format!("EventBridge \"{detail_type}\" event without a detail object")),
    };
    match detail_type {
        "GuardDuty Finding" => need_detail(|d| one(guardduty::parse(d))),
        "Access Analyzer Finding" | "Unused Access Finding for IAM entities" | "Internal Access Finding" => {
            match detail {
                Some(d) => one(
                    access_analyzer::parse(d, Form::AccessAnalyzerEvent, region).map(|mut f| {
                        // The envelope's `resources` names the analyzer that reported it.
                        if let Some(d) = f.access.as_mut().filter(|d| d.analyzer_arn.is_none()) {
                            d.analyzer_arn = doc
                                .get("resources")
                                .and_then(Value::as_array)
                                .and_then(|r| {
                                    r.iter()
                                        .filter_map(Value::as_str)
                                        .find(|a| a.contains(":access-analyzer:"))
                                })
                                .map(str::to_string);
                        }
                        f
                    }),
                ),
                None => skipped(format!("EventBridge \"{detail_type}\" event without a detail object")),
            }
        }
        "Access Preview State Change" => skipped(
            "Access Analyzer \"Access Preview State Change\" event: about a proposed policy, not a finding".into(),
        ),
        t if t.starts_with("Security Hub Findings") && depth < 2 => {
            match detail.and_then(|d| d.get("findings")).and_then(Value::as_array) {
                Some(items) => list(items),
                None => skipped(format!("EventBridge \"{t}\" event without detail.findings")),
            }
        }
        _ => FindingsParse::NotFindings,
    }
}
