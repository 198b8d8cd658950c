//! The denied-calls section of a report: `core::policy::denied` run on a marked entity's profile (the profile the
//! behaviour highlights judge), keeping the counts and the policy type → action → resource tree.

use super::highlights::profile_of;
use super::report::DeniedSection;
use crate::core::behavior::{self, BehaviorIndex};
use crate::core::entity::EntityRef;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::policy::denied::{self, DeniedConfig};
use crate::core::time::Scope;

/// The section for `entity` in `scope` (else the profile's active hours); `None` when it is not a profile or not in
/// the loaded data.
pub fn section(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    entity: &EntityRef,
    scope: Option<Scope>,
) -> Option<DeniedSection> {
    let profile = profile_of(store, graph, entity)?;
    let sel = behavior::select(&profile, store, graph, ix).ok()?;
    let scope = scope.or_else(|| denied::default_scope(&sel, ix))?;
    let cfg = DeniedConfig {
        max_calls: 0,
        ..Default::default()
    };
    let r = denied::denied(&sel, store, graph, ix, scope, &cfg);
    Some(DeniedSection {
        scope: r.scope,
        calls_in_scope: r.calls_in_scope,
        counts: r.counts,
        bursts: r.bursts,
        by_policy_type: r.by_policy_type,
    })
}
