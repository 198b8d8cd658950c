//! One loaded event as the Sigma engine sees it: kept fields from the store, everything else from the raw record
//! when it has been read, and in the first pass (no raw record) a note that the rule asked for more.
//!
//! This module only answers field look-ups; deciding when to read raw records is `eval`'s.

use super::fields::{Answer, Kept};
use crate::core::model::{Event, Store};
use rsigma_eval::event::{EventValue, JsonEvent};
use serde_json::Value;
use std::borrow::Cow;
use std::cell::Cell;

/// An event under evaluation.
pub(super) struct RuleEvent<'a> {
    store: &'a Store,
    ev: &'a Event,
    /// The raw record; `None` in the first pass.
    raw: Option<JsonEvent<'a>>,
    /// In the first pass: the kept fields the rule's answer may depend on (its memo key); asking for another is
    /// asking for more than the key holds.
    allowed: &'a [Kept],
    /// Set when the answer needed something only the raw record has.
    asked_raw: Cell<bool>,
}

impl<'a> RuleEvent<'a> {
    /// The first pass: the store only.
    pub(super) fn probe(store: &'a Store, ev: &'a Event, allowed: &'a [Kept]) -> Self {
        RuleEvent {
            store,
            ev,
            raw: None,
            allowed,
            asked_raw: Cell::new(false),
        }
    }

    /// The second pass: the store and the raw record.
    pub(super) fn full(store: &'a Store, ev: &'a Event, raw: &'a Value) -> Self {
        RuleEvent {
            store,
            ev,
            raw: Some(JsonEvent::borrow(raw)),
            allowed: &[],
            asked_raw: Cell::new(false),
        }
    }

    /// Whether the answer so far needed the raw record (always false in the second pass).
    pub(super) fn asked_raw(&self) -> bool {
        self.asked_raw.get()
    }

    fn need_raw(&self) -> Option<&JsonEvent<'a>> {
        if self.raw.is_none() {
            self.asked_raw.set(true);
        }
        self.raw.as_ref()
    }
}

impl rsigma_eval::Event for RuleEvent<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        if let Some(k) = Kept::of_path(path)
            && (self.raw.is_some() || self.allowed.contains(&k))
        {
            match k.value(self.store, self.ev) {
                Answer::Str(s) => return Some(EventValue::Str(Cow::Borrowed(s))),
                Answer::Bool(b) => return Some(EventValue::Bool(b)),
                Answer::Absent => return None,
                Answer::Raw => {}
            }
        }
        self.need_raw()?.get_field(path)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.need_raw().is_some_and(|r| r.any_string_value(pred))
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.need_raw().map(|r| r.all_string_values()).unwrap_or_default()
    }

    fn to_json(&self) -> Value {
        self.need_raw().map(|r| r.to_json()).unwrap_or(Value::Null)
    }
}
