//! The investigation section of a report: `core::investigate` run on a marked entity's profile (the profile the
//! behaviour highlights and the denied section judge) in the report's scope, else the hour of its last activity.
//! Reports carry no intel lists, so `not_checked` says addresses were only checked against GuardDuty's lists.

use super::highlights::profile_of;
use crate::core::behavior::{self, BehaviorIndex};
use crate::core::entity::EntityRef;
use crate::core::geo::GeoDb;
use crate::core::graph::SessionGraph;
use crate::core::investigate::{self, Inputs, Investigation};
use crate::core::model::Store;
use crate::core::rules::Detections;
use crate::core::time::Scope;

/// The section for `entity`; `None` when it is not a profile or not in the loaded data.
pub fn section(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    detections: Option<&Detections>,
    entity: &EntityRef,
    scope: Option<Scope>,
) -> Option<Investigation> {
    let profile = profile_of(store, graph, entity)?;
    let sel = behavior::select(&profile, store, graph, ix).ok()?;
    let scope = scope.or_else(|| investigate::default_scope(&sel, ix))?;
    let inputs = Inputs {
        store,
        graph,
        ix,
        geo,
        detections,
        intel: None,
    };
    Some(investigate::investigate(&inputs, &sel, scope))
}
