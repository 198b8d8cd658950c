//! Reading a policy document from the three input forms (module `document`'s documentation), statement by
//! statement, with errors that name the statement and field.

use super::*;
use serde_json::{Map, Value};

impl PolicyDocument {
    /// Parse a policy document from its JSON text (only the plain form; see [`parse_policy_input`]).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::Json {
            context: "the input",
            message: e.to_string(),
        })?;
        Self::from_value(&value)
    }

    /// Read a policy document from parsed JSON.
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        let obj = value
            .as_object()
            .ok_or_else(|| PolicyError::NotAPolicy(": the JSON is not an object".to_owned()))?;
        let version = match obj.get("Version") {
            None => None,
            Some(Value::String(v)) if v == CURRENT_VERSION || v == LEGACY_VERSION => Some(v.clone()),
            Some(Value::String(v)) => return Err(PolicyError::Version(shown(v))),
            Some(_) => {
                return Err(PolicyError::TopLevel {
                    field: "Version",
                    expected: "a string",
                });
            }
        };
        let id = match obj.get("Id") {
            None => None,
            Some(Value::String(v)) => Some(v.clone()),
            Some(_) => {
                return Err(PolicyError::TopLevel {
                    field: "Id",
                    expected: "a string",
                });
            }
        };
        let statements = match obj.get("Statement") {
            None => return Err(PolicyError::NotAPolicy(": no Statement".to_owned())),
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, s)| statement(i, s))
                .collect::<Result<Vec<_>, _>>()?,
            Some(s @ Value::Object(_)) => vec![statement(0, s)?],
            Some(_) => {
                return Err(PolicyError::TopLevel {
                    field: "Statement",
                    expected: "an object or an array of objects",
                });
            }
        };
        Ok(PolicyDocument {
            version,
            id,
            statements,
        })
    }
}

/// Read any of the accepted input forms (see the module documentation) from its JSON text.
pub fn parse_policy_input(text: &str) -> Result<LoadedPolicy, PolicyError> {
    // A byte-order mark is what some editors and PowerShell redirections write first.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::Json {
        context: "the input",
        message: e.to_string(),
    })?;
    let Some(obj) = value.as_object() else {
        return Err(PolicyError::NotAPolicy(": the JSON is not an object".to_owned()));
    };
    if obj.contains_key("Statement") {
        return Ok(LoadedPolicy {
            source: DocumentSource::Plain,
            document: PolicyDocument::from_value(&value)?,
        });
    }
    if let Some(doc) = obj.get("PolicyDocument") {
        let (document, url_encoded) = embedded(doc, "PolicyDocument")?;
        let owner = ["RoleName", "UserName", "GroupName"]
            .iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_str))
            .map(str::to_owned);
        let policy_name = obj.get("PolicyName").and_then(Value::as_str).map(str::to_owned);
        return Ok(LoadedPolicy {
            source: DocumentSource::InlinePolicy {
                owner,
                policy_name,
                url_encoded,
            },
            document,
        });
    }
    if let Some(version) = obj.get("PolicyVersion") {
        let Some(version) = version.as_object() else {
            return Err(PolicyError::TopLevel {
                field: "PolicyVersion",
                expected: "an object",
            });
        };
        let Some(doc) = version.get("Document") else {
            return Err(PolicyError::NotAPolicy(": PolicyVersion has no Document".to_owned()));
        };
        let (document, url_encoded) = embedded(doc, "PolicyVersion.Document")?;
        let version_id = version.get("VersionId").and_then(Value::as_str).map(str::to_owned);
        let is_default = version.get("IsDefaultVersion").and_then(Value::as_bool);
        return Ok(LoadedPolicy {
            source: DocumentSource::PolicyVersion {
                version_id,
                is_default,
                url_encoded,
            },
            document,
        });
    }
    Err(PolicyError::NotAPolicy(String::new()))
}

/// A document embedded in API output: an object, or a string holding JSON, URL-encoded (as the IAM API returns
/// it, RFC 3986 percent escapes) or not. Returns the document and whether it was URL-encoded.
fn embedded(doc: &Value, context: &'static str) -> Result<(PolicyDocument, bool), PolicyError> {
    match doc {
        Value::Object(_) => Ok((PolicyDocument::from_value(doc)?, false)),
        Value::String(s) => {
            let trimmed = s.trim_start();
            let (json, url_encoded) = if trimmed.starts_with('{') {
                (std::borrow::Cow::Borrowed(s.as_str()), false)
            } else {
                let decoded = percent_encoding::percent_decode_str(s)
                    .decode_utf8()
                    .map_err(|_| PolicyError::UrlEncoding(context))?;
                // RFC 3986, as IAM documents it: a space is %20 and '+' is itself (IAM names may hold '+').
                (std::borrow::Cow::Owned(decoded.into_owned()), true)
            };
            let value: Value = serde_json::from_str(&json).map_err(|e| PolicyError::Json {
                context,
                message: e.to_string(),
            })?;
            Ok((PolicyDocument::from_value(&value)?, url_encoded))
        }
        _ => Err(PolicyError::TopLevel {
            field: context,
            expected: "an object or a (URL-encoded) JSON string",
        }),
    }
}

/// Read statement `index`.
fn statement(index: usize, value: &Value) -> Result<Statement, PolicyError> {
    let err = |sid: &Option<String>, problem: String| PolicyError::Statement {
        index,
        sid: sid
            .as_deref()
            .map(|s| format!(" (Sid {})", shown(s)))
            .unwrap_or_default(),
        problem,
    };
    let Some(obj) = value.as_object() else {
        return Err(err(&None, "not an object".to_owned()));
    };
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(err(&None, "Sid must be a string".to_owned())),
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(Value::String(e)) => {
            return Err(err(
                &sid,
                format!("Effect {} is neither \"Allow\" nor \"Deny\"", shown(e)),
            ));
        }
        Some(_) => return Err(err(&sid, "Effect must be a string".to_owned())),
        None => return Err(err(&sid, "no Effect".to_owned())),
    };
    let action = match either(obj, "Action", "NotAction").map_err(|p| err(&sid, p))? {
        Some((true, list)) => ActionSpec::Action(list),
        Some((false, list)) => ActionSpec::NotAction(list),
        None => return Err(err(&sid, "no Action or NotAction".to_owned())),
    };
    let resource = match either(obj, "Resource", "NotResource").map_err(|p| err(&sid, p))? {
        Some((true, list)) => Some(ResourceSpec::Resource(list)),
        Some((false, list)) => Some(ResourceSpec::NotResource(list)),
        None => None,
    };
    let principal = principal_spec(obj).map_err(|p| err(&sid, p))?;
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(c) => conditions(c).map_err(|p| err(&sid, p))?,
    };
    for key in obj.keys() {
        if !KNOWN_STATEMENT_KEYS.contains(&key.as_str()) {
            return Err(err(&sid, format!("unknown field {}", shown(key))));
        }
    }
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
    })
}

/// The statement elements of the IAM JSON policy grammar (`docs/policy.md` §1).
const KNOWN_STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

/// The list under `positive` or `negative` (never both): `Some((true, …))` for `positive`.
fn either(
    obj: &Map<String, Value>,
    positive: &'static str,
    negative: &'static str,
) -> Result<Option<(bool, Vec<String>)>, String> {
    match (obj.get(positive), obj.get(negative)) {
        (Some(_), Some(_)) => Err(format!("both {positive} and {negative}")),
        (Some(v), None) => Ok(Some((true, string_list(v).ok_or_else(|| list_problem(positive))?))),
        (None, Some(v)) => Ok(Some((false, string_list(v).ok_or_else(|| list_problem(negative))?))),
        (None, None) => Ok(None),
    }
}

/// The message for a field that is not a string or array of strings.
fn list_problem(field: &str) -> String {
    format!("{field} must be a string or a non-empty array of strings")
}

/// A string or a non-empty array of strings.
fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items.iter().map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => None,
    }
}

/// `Principal` / `NotPrincipal`.
fn principal_spec(obj: &Map<String, Value>) -> Result<Option<PrincipalSpec>, String> {
    let read = |field: &str, v: &Value| -> Result<Principals, String> {
        match v {
            Value::String(s) if s == "*" => Ok(Principals::Any),
            Value::Object(types) => types
                .iter()
                .map(|(kind, ids)| {
                    string_list(ids).map(|ids| (kind.clone(), ids)).ok_or_else(|| {
                        format!(
                            "{field} {} must be a string or a non-empty array of strings",
                            shown(kind)
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|mut types| {
                    types.sort_by(|a, b| a.0.cmp(&b.0));
                    Principals::Typed(types)
                }),
            _ => Err(format!("{field} must be \"*\" or an object of principal types")),
        }
    };
    match (obj.get("Principal"), obj.get("NotPrincipal")) {
        (Some(_), Some(_)) => Err("both Principal and NotPrincipal".to_owned()),
        (Some(v), None) => read("Principal", v).map(|p| Some(PrincipalSpec::Principal(p))),
        (None, Some(v)) => read("NotPrincipal", v).map(|p| Some(PrincipalSpec::NotPrincipal(p))),
        (None, None) => Ok(None),
    }
}

/// A `Condition` block: operator → key → a value or an array of values (strings, booleans or numbers).
fn conditions(value: &Value) -> Result<Vec<Condition>, String> {
    let Some(ops) = value.as_object() else {
        return Err("Condition must be an object of operators".to_owned());
    };
    let mut out = Vec::new();
    for (operator, keys) in ops {
        let Some(keys) = keys.as_object() else {
            return Err(format!(
                "Condition operator {} must map condition keys to values",
                shown(operator)
            ));
        };
        for (key, values) in keys {
            let values = condition_values(values).ok_or_else(|| {
                format!(
                    "Condition {} {} must be a value or an array of values",
                    shown(operator),
                    shown(key)
                )
            })?;
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    out.sort_by(|a, b| (&a.operator, &a.key).cmp(&(&b.operator, &b.key)));
    Ok(out)
}

/// A scalar or an array of scalars, as strings.
fn condition_values(value: &Value) -> Option<Vec<String>> {
    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        v => scalar(v).map(|s| vec![s]),
    }
}
