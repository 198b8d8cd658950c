//! View models: what a view shows, computed once per change of data, spec, tab, drill-down or scope — never per
//! frame and, in the terminal, never in key handling (the runtime runs [`compute`] on a blocking task). A large
//! table's filtered, sorted order is computed the same way ([`compute_order`]).

use super::{
    api_volume, behavior, chain, denied, event, events, finding, findings, geofence, group, investigation, marked,
    notes, policy, profile, rule, rule_hits, select, summary, volume,
};
use crate::core::dataset::Dataset;
use crate::core::model::Store;
use crate::core::time::Scope;
use crate::tui::app::{App, ViewModel};
use crate::tui::marks::Marks;
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::widgets::table::{self, TableSource};
use std::sync::Arc;

/// Everything a view model is computed from. The loaded data is shared as `Arc<Dataset>`, so a request can be
/// handed to a background task as is.
#[derive(Clone)]
pub struct ModelRequest {
    pub key: u64,
    /// [`view_key`]: which view the model shows, whether or not the rules' hits have joined it.
    pub view: u64,
    pub data: Arc<Dataset>,
    pub notes: Option<Result<Vec<crate::core::case::Note>, String>>,
    /// Stars and verdicts (the Notes view's columns).
    pub marks: Option<Marks>,
    pub spec: ViewSpec,
    pub tab: Option<Tab>,
    pub drill: usize,
    pub scope: Scope,
    /// The fence given on the command line (the geo-fence view's default).
    pub fence: Option<Arc<crate::core::policy::fence::Fence>>,
    /// The events table's `:rule` filter.
    pub rule: Option<rule_hits::RuleFilter>,
}

/// Which state the top view's model must be computed for: its view ([`view_key`]) and whether the rules' hits
/// are in.
pub fn model_key(app: &App) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view_key(app).hash(&mut h);
    // The rules are evaluated after the first frame: their arrival changes the views that show hits.
    app.data.detections_ready().is_some().hash(&mut h);
    // Zero is the key of "no model yet" (`ViewModel::default`).
    h.finish().max(1)
}

/// Which view the top view's model shows: [`model_key`] but for the rules' readiness. The rules' hits only add
/// to a view (rows, a Rules cell, lines), so while they join it the previous model of the same view stays on screen
/// and keys act on what is shown; a model of another view (spec, tab, drill, scope, `:rule` filter, marks, data,
/// or the Notes view's notes) is never shown or acted on.
pub fn view_key(app: &App) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        app.spec(),
        app.top().tab,
        app.top().drill,
        app.scope.scope,
        &app.top().rule,
    )
        .hash(&mut h);
    // Only the Notes view's model reads the notes (`request`): a new read of the case's notes changes it, an edit
    // keeps the count but changes a revision. Other views are not recomputed for an autosaved note.
    if app.spec() == &ViewSpec::Notes {
        app.notes
            .as_ref()
            .map(|n| n.as_ref().map(|v| v.len()).map_err(|e| e.len()))
            .hash(&mut h);
        if let Some(Ok(notes)) = &app.notes {
            notes.iter().for_each(|n| (n.id, n.rev).hash(&mut h));
        }
    }
    // A star or verdict changes the Notes view's columns and every other table's Mark column (its filter too). No
    // marks read yet and none in the case look the same (a case's first write reads them).
    app.marks.as_ref().filter(|m| **m != Marks::default()).hash(&mut h);
    // The command line's fence is set once at start; hashed so a model never outlives a different one.
    app.fence.as_ref().map(|f| f.to_text()).hash(&mut h);
    // Data is replaced wholesale on load: its generation tells a new load from the old one.
    app.data.generation().hash(&mut h);
    h.finish().max(1)
}

pub fn request(app: &App) -> ModelRequest {
    ModelRequest {
        key: model_key(app),
        view: view_key(app),
        data: Arc::clone(&app.data),
        notes: if app.spec() == &ViewSpec::Notes {
            app.notes.clone()
        } else {
            None
        },
        marks: if app.spec() == &ViewSpec::Notes {
            app.marks.clone()
        } else {
            None
        },
        spec: app.spec().clone(),
        tab: app.tab(),
        drill: app.top().drill,
        scope: app.scope.scope,
        fence: app.fence.clone(),
        rule: app.top().rule.clone(),
    }
}

/// Is the top view's model the one its current state needs?
pub fn model_ready(app: &App) -> bool {
    app.top().model.key == model_key(app)
}

/// Is the top view's model one to show and act on: the one it needs, or the same view's before the rules' hits
/// joined it ([`view_key`]) while that one is computed.
pub fn model_shown(app: &App) -> bool {
    let m = &app.top().model;
    m.key == model_key(app) || (m.key != 0 && m.view == view_key(app))
}

/// Make the top view's model current. Synchronous by default (headless tests, benchmarks); with
/// `app.defer_models` (the terminal runtime) a request is left in `app.pending_model` for a background task, so an
/// expensive profile (an account over weeks) never blocks key handling. Meanwhile a model of another view is
/// cleared (the view says "computing…"); the same view's, from before the rules' hits joined it, stays shown.
pub fn prepare(app: &mut App) {
    let key = model_key(app);
    if app.top().model.key == key {
        return;
    }
    if app.defer_models {
        if !model_shown(app) {
            app.top_mut().model = Default::default();
        }
        if app.requested_model != Some(key) {
            app.requested_model = Some(key);
            app.pending_model = Some(request(app));
        }
        return;
    }
    let m = compute(&request(app));
    app.top_mut().model = Arc::new(m);
}

/// Compute a view model (pure; runs on a background task in the terminal runtime).
pub fn compute(r: &ModelRequest) -> ViewModel {
    let (store, graph, scope, spec, tab) = (r.data.store(), r.data.graph(), r.scope, &r.spec, r.tab);
    let items = select::events(store, graph, spec, scope);
    let failed = items
        .iter()
        .filter(|&&i| store.events.get(i as usize).is_some_and(|e| e.failed()))
        .count();
    let mut m = ViewModel {
        key: r.key,
        view: r.view,
        items,
        failed,
        ..ViewModel::default()
    };
    // Behaviour analytics need a bounded window: "everything loaded" is the loaded range in whole hours.
    let bscope = || match (store.events.first(), store.events.last()) {
        (Some(a), Some(b)) if scope == Scope::ALL => Scope::from_observed(a.time, b.time),
        _ => scope,
    };
    match spec {
        ViewSpec::Findings => {
            m.header = findings::counts(store);
            // The list is the first view: it does not wait for the rules (evaluated after the first frame); their
            // rows join it when they are ready (the model key changes then).
            match r.data.detections_ready() {
                Some(d) => {
                    let tally = crate::core::rules::tally(store, graph, d, (scope != Scope::ALL).then_some(scope));
                    m.header.push(findings::detection_counts(store, d, &tally, scope));
                    m.rows = Some(findings::detection_rows(store, graph, d, &tally, scope));
                }
                None => m.header.push(rule_hits::pending_line()),
            }
        }
        ViewSpec::Rule(id) => {
            // Reached from a rule row or a restored place: waiting for the evaluation is right here (a
            // background task).
            let d = r.data.detections();
            m.items = rule::events(store, d, id, scope);
            m.header = rule::header(store, graph, d, id, scope);
        }
        ViewSpec::Finding(id) => {
            m.header = finding::details(store, id);
            let mut rows = finding::entities(store, graph, id);
            if let Some(g) = group::of(r.data.groups(), id) {
                rows.rows.push(group::pivot_row(g, id));
            }
            m.rows = Some(rows);
        }
        ViewSpec::Event(i) => {
            m.header = event::title(store, *i);
            m.header.extend(denied::explanation(store, *i));
            m.rules = match r.data.detections_ready() {
                Some(d) => rule::event_lines(store, graph, d, *i as u32),
                None => vec![rule_hits::pending_line()],
            };
        }
        ViewSpec::Chain(k) => {
            let c = chain::build(store, graph, r.data.brokers(), k);
            m.rows = Some(chain::rows(&c));
            m.chain = Some(c);
        }
        ViewSpec::Notes => m.rows = Some(notes::rows(r.notes.as_ref(), r.marks.as_ref())),
        ViewSpec::Group(id) => {
            let g = group::of(r.data.groups(), id);
            m.items = group::events(store, graph, g, scope);
            m.failed = m
                .items
                .iter()
                .filter(|&&i| store.events.get(i as usize).is_some_and(|e| e.failed()))
                .count();
            if tab != Some(Tab::Events) {
                m.header = group::header(g, id);
                m.rows = Some(group::rows(g));
            }
        }
        ViewSpec::Summary(day) => match summary::compute(&r.data, *day) {
            Some(s) => {
                m.header = summary::header(&s);
                m.rows = Some(summary::rows(&s));
                m.summary = Some(std::sync::Arc::new(s));
            }
            None => m.header = summary::empty_header(),
        },
        ViewSpec::Geofence { .. } => {
            // The table is the aggregate; `items` stay the (empty) selection of a view that is not a profile.
            let rep = geofence::report(&r.data, r.fence.as_deref(), spec, scope);
            m.header = geofence::header(&rep);
            m.rows = Some(geofence::rows(&rep));
            m.geofence = Some(Arc::new(rep));
        }
        _ => match tab {
            Some(Tab::NewBehaviour) => {
                let rep = behavior::report(store, graph, r.data.behavior(), r.data.geo(), spec, bscope());
                m.rows = Some(rep.as_ref().map(behavior::new_rows).unwrap_or_default());
                if let (Ok(rep), Some(f)) = (&rep, &r.fence) {
                    m.outside_places = geofence::outside_places(rep, f, r.data.geo());
                }
                m.report = Some(rep);
            }
            Some(Tab::ApiVolume) => {
                let v = api_volume::volume(store, graph, r.data.behavior(), r.data.geo(), spec, bscope());
                m.rows = Some(
                    v.as_ref()
                        .map(|v| api_volume::drill_rows(v, r.drill))
                        .unwrap_or_default(),
                );
                m.volume_report = Some(v);
            }
            Some(Tab::Policy) => match policy::compute(store, graph, r.data.behavior(), spec, bscope()) {
                Ok((report, rows)) => {
                    m.rows = Some(rows);
                    m.policy = Some(Ok(report));
                }
                Err(e) => {
                    m.rows = Some(Default::default());
                    m.policy = Some(Err(e));
                }
            },
            Some(Tab::Events) => {}
            Some(Tab::Denied) => {
                let rep = denied::report(store, graph, r.data.behavior(), spec, scope);
                m.header = denied::header(&rep);
                m.rows = Some(denied::rows(&rep));
            }
            Some(Tab::Investigation) => {
                let rep = investigation::report(&r.data, spec, scope);
                m.header = investigation::header(&rep);
                m.rows = Some(investigation::rows(&rep));
            }
            Some(Tab::Overview) | None => {
                let brokers = r.data.brokers();
                m.rows = profile::rows(store, graph, brokers, spec, tab, scope, &m.items);
                // With a fence on the command line, the profile's own geo-fence review is one Enter away.
                if let (Some(rows), Some(_)) = (m.rows.as_mut(), &r.fence)
                    && behavior::profile_of(spec).is_some()
                {
                    rows.rows.push(geofence::pivot_row(spec));
                }
                m.header = profile::details(store, graph, brokers, r.data.geo(), &m.items, m.failed, spec);
                m.volume = volume::buckets(store, &m.items, scope, volume::RESOLUTION);
            }
        },
    }
    // Every events table: the `:rule` filter, then the Rules cells of what is left.
    if events::lists_events(spec, tab) {
        // A `:rule` filter (a rule's own view too) needs the hits, and waits for them; otherwise the cells say
        // the rules are being evaluated until they are.
        let d = if r.rule.is_some() || matches!(spec, ViewSpec::Rule(_)) {
            Some(r.data.detections())
        } else {
            r.data.detections_ready()
        };
        let Some(d) = d else {
            m.event_rules = rule_hits::EventRules::pending();
            return m;
        };
        if let Some(f) = &r.rule {
            rule_hits::retain_hit(d, &f.id, &mut m.items);
        }
        m.failed = m
            .items
            .iter()
            .filter(|&&i| store.events.get(i as usize).is_some_and(|e| e.failed()))
            .count();
        m.event_rules = rule_hits::EventRules::of(d, &m.items);
    }
    m
}

/// What a view's table is built from: borrowed from the app (drawing, key handling) or from an
/// [`OrderRequest`] (the model task).
pub struct TableInputs<'a> {
    pub store: &'a Store,
    pub spec: &'a ViewSpec,
    pub tab: Option<Tab>,
    pub model: &'a ViewModel,
    pub marks: Option<&'a Marks>,
}

impl<'a> TableInputs<'a> {
    pub fn of(app: &'a App) -> TableInputs<'a> {
        TableInputs {
            store: app.data.store(),
            spec: app.spec(),
            tab: app.tab(),
            model: &app.top().model,
            marks: app.marks.as_ref(),
        }
    }
}

/// The table a view shows over its model (`None`: the view has no table).
pub fn table_source<'a>(t: &TableInputs<'a>) -> Option<Box<dyn TableSource + 'a>> {
    let src: Box<dyn TableSource + 'a> = match t.spec {
        ViewSpec::Findings => Box::new(findings::FindingRows::new(t.store, t.model.rows.as_ref())),
        ViewSpec::Event(_) => return None,
        _ => match &t.model.rows {
            Some(rows) => Box::new(rows),
            None if events::lists_events(t.spec, t.tab) => Box::new(events::EventRows {
                store: t.store,
                items: &t.model.items,
                rules: &t.model.event_rules,
            }),
            None => return None,
        },
    };
    Some(marked::decorate(t.marks, t.spec, t.store, src))
}

/// Tables up to this many rows are ordered in `update`; larger ones on the model task.
pub const INLINE_ROWS: usize = 5_000;

/// A large table's order to compute off the key path: the model it lists, the filter and the sort.
#[derive(Clone)]
pub struct OrderRequest {
    /// The model's key and the order's key ([`table::TableState::order_key`]).
    pub data_key: u64,
    pub key: u64,
    pub data: Arc<Dataset>,
    pub model: Arc<ViewModel>,
    pub spec: ViewSpec,
    pub tab: Option<Tab>,
    pub marks: Option<Marks>,
    pub filter: String,
    pub sort: Option<(usize, bool)>,
}

impl OrderRequest {
    pub fn of(app: &App) -> OrderRequest {
        let f = app.top();
        OrderRequest {
            data_key: f.model.key,
            key: f.table.order_key(f.model.key),
            data: Arc::clone(&app.data),
            model: Arc::clone(&f.model),
            spec: f.spec.clone(),
            tab: app.tab(),
            marks: app.marks.clone(),
            filter: f.table.filter.clone(),
            sort: f.table.sort,
        }
    }
}

/// The order an [`OrderRequest`] asks for (pure; runs on a background task in the terminal runtime).
pub fn compute_order(r: &OrderRequest) -> Vec<u32> {
    let inputs = TableInputs {
        store: r.data.store(),
        spec: &r.spec,
        tab: r.tab,
        model: &r.model,
        marks: r.marks.as_ref(),
    };
    match table_source(&inputs) {
        Some(src) => table::order(src.as_ref(), &r.filter, r.sort),
        None => Vec::new(),
    }
}
