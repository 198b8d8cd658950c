//! Access denied, explained: every denied call of a profile in a scope, read into what its message states (policy
//! type, explicit or implicit, action, resource, policy ARN, principal) and counted by policy type → action →
//! resource with first and last seen, plus the profile's bursts of denials (README "Denied").
//!
//! A call is denied by its `errorCode` (`codes`), never by its message; the message is only read for what it states
//! (`message`, through the phrase table `phrases`) and anything unrecognised stays "not stated" with the raw text.
//! An action the message does not name is not mapped from the event name here: the call keeps its eventSource and
//! eventName. Reads the profile's events through `core::behavior::select` (the same selection `behavior` and
//! `volume` use) and the messages ingest kept (`Store::denial_messages`). Pure and deterministic; no output here.

pub mod burst;
pub mod codes;
pub mod message;
pub mod phrases;
mod report;
#[cfg(test)]
mod tests;

pub use burst::{Burst, BurstRule};
pub use message::{Explanation, MessageForm, explain};
pub use phrases::{DenyKind, PolicyType};
pub use report::{
    ActionNode, Counts, DeniedCall, DeniedConfig, DeniedReport, DeniedRules, ResourceFrom, ResourceNode, TypeNode,
    denied,
};

use crate::core::behavior::{BehaviorIndex, Selection};
use crate::core::model::Store;
use crate::core::time::Scope;

/// The scope used when none is given: every hour the profile was active (its first to last call, widened to whole
/// hours), since a denial an hour before the last activity matters as much as one in it. `None`: no events.
pub fn default_scope(sel: &Selection, ix: &BehaviorIndex) -> Option<Scope> {
    Some(Scope::from_observed(sel.first_time(ix)?, sel.last_time(ix)?))
}

/// The explanation of event `i` when it is a denied call (`None` otherwise): what the TUI's event detail shows
/// beside the raw record.
pub fn explain_event(store: &Store, i: usize) -> Option<(MessageForm, Explanation)> {
    let e = store.events.get(i)?;
    if e.error_code.is_none() || !codes::is_denial_code(store.s(e.error_code)) {
        return None;
    }
    Some(explain(store.denial_message(e)))
}
