//! The one way data is loaded: inputs in, a [`Dataset`] out — the event store, and on first use the session
//! graph, the behaviour index, the geolocation databases, the index of loaded names, the finding groups and the
//! rule hits built over it.
//!
//! Every command and the TUI go through [`Dataset::load`], so they agree on what was loaded, how geolocation
//! databases are found (one [`SearchPath::with_inputs`] order) and which finding locations supplement them. The
//! derived parts are built lazily (a `trace` never pays for the behaviour index) and at most once, so a
//! `Dataset` is shared read-only as `Arc<Dataset>`. Each dataset carries a [`Dataset::generation`], unique in the
//! process, that caches (the TUI's view models) key on instead of pointer identity.
//!
//! This module does not parse, link or analyse: it only decides what is built from what, once.

use crate::core::behavior::{self, BehaviorIndex};
use crate::core::broker::{BrokerAnalysis, BrokerContext};
use crate::core::geo::{GeoDb, SearchPath};
use crate::core::graph::{RoleProfile, SessionGraph, SessionId, Trace};
use crate::core::groups::{self, FindingGroup, GroupOptions};
use crate::core::ingest::{self, LoadOptions, Progress};
use crate::core::model::Store;
use crate::core::names::LoadedNames;
use crate::core::rules::{self, Detections, RuleSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// How to load a dataset: where to look for geolocation databases and the ingest limits.
#[derive(Clone, Debug, Default)]
pub struct DatasetOptions {
    /// A folder of MaxMind City/ASN databases named by the user (`--geoip DIR`); searched first.
    pub geoip: Option<PathBuf>,
    /// Ingest limits (largest decompressed file) and the load window.
    pub load: LoadOptions,
    /// A case's index: the inputs are loaded through it (read instead of parsed when they did not change; built or
    /// brought up to date when they did, if the case is writable).
    pub index: Option<crate::core::index::CaseIndex>,
}

/// Loaded inputs and everything derived from them. Built once, then read-only.
pub struct Dataset {
    generation: u64,
    inputs: Vec<PathBuf>,
    /// Where geolocation databases are looked for; `None`: none are (data assembled in memory).
    geo_search: Option<SearchPath>,
    store: Store,
    graph: OnceLock<SessionGraph>,
    behavior: OnceLock<BehaviorIndex>,
    geo: OnceLock<GeoDb>,
    names: OnceLock<LoadedNames>,
    groups: OnceLock<Vec<FindingGroup>>,
    /// Broker roles and request logs (`--broker-role`, `--broker-log`, the case's broker settings).
    broker_context: BrokerContext,
    broker: OnceLock<BrokerAnalysis>,
    /// The rules evaluated by [`Dataset::detections`]; `None`: the built-in set.
    rules: Option<Arc<RuleSet>>,
    detections: OnceLock<Detections>,
}

/// The next generation number: 0 is never handed out, so a cache initialised to 0 never matches real data.
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset::from_store(Store::default())
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("generation", &self.generation)
            .field("inputs", &self.inputs)
            .field("events", &self.store.events.len())
            .field("findings", &self.store.findings.len())
            .finish()
    }
}

impl Dataset {
    /// Load every CloudTrail record and finding under `inputs` (files or folders, any mix), reporting progress
    /// after each file. Bad files and records are in `store().report`, never fatal.
    pub fn load(inputs: &[PathBuf], opts: &DatasetOptions, progress: &(dyn Fn(Progress) + Sync)) -> Dataset {
        let store = match &opts.index {
            Some(at) => crate::core::index::load(at, inputs, &opts.load, progress),
            None => ingest::load(inputs, &opts.load, progress),
        };
        Dataset {
            inputs: inputs.to_vec(),
            geo_search: Some(SearchPath::with_inputs(opts.geoip.as_deref(), inputs)),
            ..Dataset::from_store(store)
        }
    }

    /// A dataset over an already built store (tests, benchmarks, data assembled in memory). No geolocation
    /// databases are searched for (only finding locations are known) unless [`Dataset::with_geo`] supplies them, so
    /// the result does not depend on the machine's configuration.
    pub fn from_store(store: Store) -> Dataset {
        Dataset {
            generation: next_generation(),
            inputs: Vec::new(),
            geo_search: None,
            store,
            graph: OnceLock::new(),
            behavior: OnceLock::new(),
            geo: OnceLock::new(),
            names: OnceLock::new(),
            groups: OnceLock::new(),
            broker_context: BrokerContext::default(),
            broker: OnceLock::new(),
            rules: None,
            detections: OnceLock::new(),
        }
    }

    /// Use this broker context (roles and read request logs) for the broker overlay.
    pub fn with_brokers(self, context: BrokerContext) -> Dataset {
        Dataset {
            broker_context: context,
            broker: OnceLock::new(),
            ..self
        }
    }

    /// Evaluate these rules (the built-in set plus the user's, see `core::rules`) instead of the built-in set.
    pub fn with_rules(self, rules: Arc<RuleSet>) -> Dataset {
        Dataset {
            rules: Some(rules),
            detections: OnceLock::new(),
            ..self
        }
    }

    /// Use these geolocation databases instead of searching for them (tests with their own `.mmdb` files).
    /// Finding locations are added as on the searched path.
    pub fn with_geo(self, mut geo: GeoDb) -> Dataset {
        behavior::add_finding_locations(&mut geo, behavior::finding_locations(&self.store.findings));
        let cell = OnceLock::new();
        let _ = cell.set(geo);
        Dataset { geo: cell, ..self }
    }

    /// Unique in the process for each dataset built; never 0.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The inputs as given (empty for [`Dataset::from_store`]).
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }

    /// Events, identities, assumptions, findings and the ingest report.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The session graph (built on first use).
    pub fn graph(&self) -> &SessionGraph {
        self.graph.get_or_init(|| SessionGraph::build(&self.store))
    }

    /// The behaviour index: baselines, new behaviour and volume (built on first use, with the graph).
    pub fn behavior(&self) -> &BehaviorIndex {
        self.behavior.get_or_init(|| {
            // The index's store-only part (its longest) is built while the graph is, when the graph is not built
            // yet: at 10 M events each takes over a second of one core.
            let (graph, part) = rayon::join(|| self.graph(), || behavior::StorePart::build(&self.store));
            BehaviorIndex::with_store_part(part, &self.store, graph)
        })
    }

    /// The behaviour index's drill-down keys (what the volume drill-downs count by), numbered on first use: they are
    /// not part of the first views (the terminal numbers them after its first frame, before the rules).
    pub fn drill_keys(&self) -> &behavior::Combos {
        self.behavior().combos(&self.store, self.graph())
    }

    /// Geolocation: the databases found on the one search path (`--geoip`, `$TRAILHOUND_GEOIP`, each input
    /// folder's `geoip/`, the config dir, the system folders), supplemented by the locations GuardDuty findings
    /// report for the addresses they name. Opened on first use.
    pub fn geo(&self) -> &GeoDb {
        self.geo.get_or_init(|| {
            let mut geo = match &self.geo_search {
                Some(search) => GeoDb::discover_in(search),
                None => GeoDb::empty(),
            };
            behavior::add_finding_locations(&mut geo, behavior::finding_locations(&self.store.findings));
            geo
        })
    }

    /// The loaded names per entity kind (session keys, roles, IPs, …), sorted: what an analyst's typing
    /// completes from (built on first use, one pass over the store).
    pub fn names(&self) -> &LoadedNames {
        self.names.get_or_init(|| LoadedNames::build(&self.store))
    }

    /// The findings grouped into incidents with the default window (built on first use, with the graph).
    pub fn groups(&self) -> &[FindingGroup] {
        self.groups
            .get_or_init(|| groups::groups(&self.store, self.graph(), &self.store.findings, GroupOptions::default()))
    }

    /// The elevated-access broker overlay (built on first use, with the graph); empty without broker context.
    pub fn brokers(&self) -> &BrokerAnalysis {
        self.broker
            .get_or_init(|| BrokerAnalysis::build(&self.store, self.graph(), self.broker_context.clone()))
    }

    /// `trace` of session `s` within `scope`, with what the broker context says about it.
    pub fn trace(&self, s: SessionId, scope: crate::core::time::Scope) -> Trace {
        let mut t = self.graph().trace(&self.store, s, scope);
        self.brokers().annotate_trace(&self.store, self.graph(), s, &mut t);
        t
    }

    /// The role profile of `role` within `scope`, with what the broker context says about it.
    pub fn role_profile(&self, role: &str, scope: crate::core::time::Scope) -> RoleProfile {
        let mut p = self.graph().role_profile(&self.store, role, scope);
        self.brokers().annotate_role(&self.store, self.graph(), role, &mut p);
        p
    }

    /// The rule set's hits and correlations over everything loaded (evaluated on first use, with the graph), so
    /// views and pivots never evaluate again.
    pub fn detections(&self) -> &Detections {
        self.detections.get_or_init(|| {
            let rules = self.rules.clone().unwrap_or_else(rules::builtin);
            rules::evaluate(&self.store, self.graph(), rules)
        })
    }

    /// The rule hits if they have been evaluated, without waiting: the terminal evaluates the rules after its first
    /// frame of data, and until then a view says they are being evaluated instead of showing no hits.
    pub fn detections_ready(&self) -> Option<&Detections> {
        self.detections.get()
    }

    /// Build every derived part the first views read (the findings list, the day summary, profiles, the
    /// completions): all but the rule evaluation, the slowest part, and the volume drill-downs' keys, which
    /// [`Dataset::build_later`] adds.
    ///
    /// The parts are built two at a time: beside the session graph, the loaded names and geolocation (which need
    /// nothing else) and then the behaviour index's store-only part; after it, the rest of the behaviour index,
    /// then the finding groups beside the brokers.
    pub fn build_first(&self) {
        // Nothing that waits for the graph is handed to the other core before the graph is built: a worker blocked
        // on it would hold up the behaviour index's store-only part, which is meant to be built beside it.
        rayon::join(
            || {
                self.behavior();
                rayon::join(
                    || {
                        self.groups();
                    },
                    || {
                        self.brokers();
                    },
                );
            },
            || {
                self.names();
                self.geo();
            },
        );
    }

    /// What the first views leave for later: the drill-down keys (0.7–1.0 s at 10 M events), then the rules. One
    /// after the other, so a volume view waits for the keys alone; side by side, the keys' core held up the
    /// rules' (at 10 M, their hits joined the list 13.8–15.9 s after the first frame, against 13.9–14.3 s).
    pub fn build_later(&self) {
        self.drill_keys();
        self.detections();
    }

    /// Build every derived part now (a background loader does this so the views do not wait).
    pub fn build_all(&self) {
        self.build_first();
        self.build_later();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generations_are_unique_and_never_zero() {
        let a = Dataset::default();
        let b = Dataset::default();
        assert_ne!(a.generation(), 0);
        assert_ne!(a.generation(), b.generation());
    }

    #[test]
    fn derived_parts_are_built_once() {
        let d = Dataset::default();
        let g1: *const SessionGraph = d.graph();
        let g2: *const SessionGraph = d.graph();
        assert_eq!(g1, g2);
        d.build_all();
        assert_eq!(g1, d.graph() as *const SessionGraph);
    }

    #[test]
    fn the_first_views_parts_leave_the_rules_for_later() {
        let d = Dataset::default();
        d.build_first();
        assert!(d.detections_ready().is_none());
        let hits: *const Detections = d.detections();
        assert_eq!(d.detections_ready().map(|x| x as *const Detections), Some(hits));
        d.build_all();
        assert_eq!(d.detections() as *const Detections, hits);
    }

    #[test]
    fn geo_comes_from_the_one_search_path() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/case/geoip");
        let opts = DatasetOptions {
            geoip: Some(dir.clone()),
            ..Default::default()
        };
        let d = Dataset::load(&[], &opts, &|_| {});
        let described = d.geo().describe();
        assert!(described.contains("Demo-City.mmdb"), "{described}");
        assert!(described.contains("Demo-ASN.mmdb"), "{described}");
        // Replacing the databases skips the search entirely.
        let d = Dataset::load(&[], &opts, &|_| {}).with_geo(GeoDb::empty());
        assert!(!d.geo().describe().contains("Demo-City"));
    }
}
