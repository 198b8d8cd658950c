//! Writing a policy document: the IAM element order (Version, Id, Statement; Sid, Effect, Principal, Action, Resource,
//! Condition), lists always as arrays, so the same document always gives the same bytes. Write through `text::json`.

use super::*;
use serde::ser::{SerializeMap, Serializer};

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(v) = &self.version {
            map.serialize_entry("Version", v)?;
        }
        if let Some(id) = &self.id {
            map.serialize_entry("Id", id)?;
        }
        map.serialize_entry("Statement", &self.statements)?;
        map.end()
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(sid) = &self.sid {
            map.serialize_entry("Sid", sid)?;
        }
        map.serialize_entry("Effect", &self.effect)?;
        match &self.principal {
            Some(PrincipalSpec::Principal(p)) => map.serialize_entry("Principal", p)?,
            Some(PrincipalSpec::NotPrincipal(p)) => map.serialize_entry("NotPrincipal", p)?,
            None => {}
        }
        match &self.action {
            ActionSpec::Action(a) => map.serialize_entry("Action", a)?,
            ActionSpec::NotAction(a) => map.serialize_entry("NotAction", a)?,
        }
        match &self.resource {
            Some(ResourceSpec::Resource(r)) => map.serialize_entry("Resource", r)?,
            Some(ResourceSpec::NotResource(r)) => map.serialize_entry("NotResource", r)?,
            None => {}
        }
        if !self.conditions.is_empty() {
            map.serialize_entry("Condition", &ConditionBlock(&self.conditions))?;
        }
        map.end()
    }
}

impl Serialize for Principals {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principals::Any => serializer.serialize_str("*"),
            Principals::Typed(types) => {
                let mut map = serializer.serialize_map(Some(types.len()))?;
                for (kind, ids) in types {
                    map.serialize_entry(kind, ids)?;
                }
                map.end()
            }
        }
    }
}

/// The flattened conditions regrouped as operator → key → values, operators in list order.
struct ConditionBlock<'a>(&'a [Condition]);

impl Serialize for ConditionBlock<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut operators: Vec<&str> = Vec::new();
        for c in self.0 {
            if !operators.contains(&c.operator.as_str()) {
                operators.push(&c.operator);
            }
        }
        let mut map = serializer.serialize_map(Some(operators.len()))?;
        for op in operators {
            map.serialize_entry(op, &KeysOf(self.0, op))?;
        }
        map.end()
    }
}

/// The keys and values of one operator.
struct KeysOf<'a>(&'a [Condition], &'a str);

impl Serialize for KeysOf<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for c in self.0.iter().filter(|c| c.operator == self.1) {
            map.serialize_entry(&c.key, &c.values)?;
        }
        map.end()
    }
}
