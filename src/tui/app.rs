//! Application state: the loaded store, the view stack, the shared scope, the input mode and the status line.
//!
//! State only; `update` changes it, `render` draws it. Nothing here does I/O.

use super::action::Action;
use super::keymap::Keymap;
use super::line_edit::LineEdit;
use super::spec::{Tab, ViewSpec};
use super::theme::Slot;
use super::view_stack::ViewStack;
use super::widgets::table::TableState;
use crate::core::dataset::Dataset;
use crate::core::model::Store;
use crate::core::time::Scope;
use ratatui::layout::Rect;

/// One entry of the pivot stack.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub spec: ViewSpec,
    pub tab: usize,
    pub table: TableState,
    /// Vertical scroll of text views (event detail, notes, help).
    pub scroll: u16,
    /// The view model computed for the current data, scope and tab (see `views::prepare`); shared, so the
    /// table's order can be computed from it on the model task.
    pub model: std::sync::Arc<ViewModel>,
    /// Which drill-down the API volume tab shows.
    pub drill: usize,
    /// A chain graph selects the session it was opened from once its model is there.
    pub focus_pending: bool,
    /// `:rule`: the events table keeps only the events this rule hit (cleared with the tab, like the `/` filter).
    pub rule: Option<crate::tui::views::rule_hits::RuleFilter>,
}

/// What a view shows, computed once per change (in `update`), so drawing a frame only formats visible rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewModel {
    /// Which (spec, tab, scope, data) it was computed for (`views::model_key`).
    pub key: u64,
    /// Which view it shows, whether or not the rules' hits have joined it (`views::view_key`).
    pub view: u64,
    /// The entity's events in scope (indices into `Store::events`, time order).
    pub items: Vec<u32>,
    /// The table rows for tabs whose table is an aggregate (overview, API volume, chain).
    pub rows: Option<crate::tui::widgets::table::StaticRows>,
    /// New behaviour tab: `core::behavior`'s report for this profile and scope.
    pub report: Option<Result<crate::core::behavior::BehaviorReport, String>>,
    /// API volume tab: the series with its baseline and the drill-downs.
    pub volume_report: Option<Result<crate::core::behavior::VolumeReport, String>>,
    /// Policy tab: `core::policy`'s least-privilege report for this profile and scope.
    pub policy: Option<Result<crate::core::policy::PolicyReport, String>>,
    /// How many of `items` failed.
    pub failed: usize,
    /// The API-volume chart's buckets: (start, succeeded, failed).
    pub volume: Vec<(i64, u64, u64)>,
    /// The panel above the table: the finding's or profile's details, the findings counts, the event's title.
    pub header: Vec<StyledLine>,
    /// The chain graph's boxes and where each pivots (chain view).
    pub chain: Option<crate::tui::views::chain::ChainModel>,
    /// Summary view: `core::summary`'s answer for the day (what `trailhound summary --json` prints).
    pub summary: Option<std::sync::Arc<crate::core::summary::Summary>>,
    /// Geo-fence view: `core::policy::fence`'s review (what `trailhound geofence --json` prints), or why there is
    /// none.
    pub geofence: Option<std::sync::Arc<Result<crate::core::policy::fence::GeofenceReport, String>>>,
    /// Events tables: the Rules cell of each listed event that rules hit (`views::rule_hits`).
    pub event_rules: crate::tui::views::rule_hits::EventRules,
    /// Event detail: the rules that hit the event (title, level, ATT&CK, id and file), one line each.
    pub rules: Vec<StyledLine>,
    /// New behaviour tab with a command-line fence: the labels of the places whose addresses are all outside it
    /// (the map marks them).
    pub outside_places: Vec<String>,
}

/// A line of text in parts, each with its style slot (`None`: unstyled); computed with the model, themed when
/// drawn. Text from logs is already sanitised.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StyledLine(pub Vec<(String, Option<Slot>)>);

impl StyledLine {
    /// `key: value` as the details panels write it, the key right-aligned to `width`.
    pub fn kv(width: usize, key: &str, value: &str, slot: Slot) -> StyledLine {
        StyledLine(vec![
            (format!("{key:>width$}: "), Some(Slot::TextDim)),
            (crate::tui::sanitize::clean(value).into_owned(), Some(slot)),
        ])
    }
}

impl Frame {
    pub fn new(spec: ViewSpec) -> Frame {
        Frame {
            spec,
            tab: 0,
            table: TableState::default(),
            scroll: 0,
            model: Default::default(),
            drill: 0,
            focus_pending: false,
            rule: None,
        }
    }
}

/// What keys currently go to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter(LineEdit),
    Command(LineEdit),
    ScopeInput(LineEdit),
    Help {
        scroll: u16,
    },
    /// The multi-line note editor (new note or edit).
    NoteEditor(Box<crate::tui::note_editor::NoteEditor>),
    /// Choosing a verdict for this entity (`selected` indexes `Verdict::ALL`).
    VerdictPick {
        entity: crate::core::entity::EntityRef,
        selected: usize,
    },
    /// The `:fetch` dialog has the keys (`fetch_dialog`).
    Fetch,
}

/// Which scope preset is active (shown on the scope bar). Saved in `ui_state` as serde writes it (`"finding"`,
/// `{"adjusted": 2}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Everything loaded (no finding opened yet).
    AllData,
    /// The opened finding's window (whole hours, Detective's rule).
    Finding,
    /// The finding window widened or narrowed by this many hours on each side.
    Adjusted(i64),
    Day,
    Week,
    Custom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeState {
    pub scope: Scope,
    pub kind: ScopeKind,
    /// The window of the last finding or group opened (what `scope_reset` returns to).
    pub finding: Option<Scope>,
    /// Whose window `finding` is, for the scope bar's label.
    pub window_of: WindowOf,
}

/// What set the scope's base window: a finding (its window) or an incident group (the window of its findings).
/// Saved in `ui_state` (`"finding"`, `"group"`); absent in older saves, which only had findings' windows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowOf {
    #[default]
    Finding,
    Group,
}

impl WindowOf {
    /// The scope bar's words for the base window.
    pub fn label(self) -> &'static str {
        match self {
            WindowOf::Finding => "finding window",
            WindowOf::Group => "group window",
        }
    }
}

impl Default for ScopeState {
    fn default() -> Self {
        ScopeState {
            scope: Scope::ALL,
            kind: ScopeKind::AllData,
            finding: None,
            window_of: WindowOf::Finding,
        }
    }
}

/// The raw record of one event, once the background reader has fetched it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    pub event: usize,
    pub text: Result<String, String>,
}

/// Screen regions the last draw used, for mouse hits (returned by `render`, stored by `update`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HitAreas {
    pub table: Rect,
    pub tabs: Rect,
}

/// What drawing a frame settled, for `update` to store (`Input::Drawn`): where the mouse can hit, the top
/// table's window, and the text view's scroll clamped to its text. Rendering itself changes nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drawn {
    pub hits: HitAreas,
    pub table: Option<crate::tui::widgets::table::TableWindow>,
    pub scroll: Option<u16>,
}

pub struct App {
    /// The loaded data (store, session graph, behaviour index, geolocation), replaced wholesale by each load;
    /// its generation keys the view-model cache.
    pub data: std::sync::Arc<Dataset>,
    /// What was loaded (paths as given), for the title and status.
    pub sources: Vec<String>,
    /// The pivot stack, root (the findings list) first; never empty.
    pub stack: ViewStack,
    pub scope: ScopeState,
    pub mode: Mode,
    /// Set while the background load runs.
    pub loading: Option<crate::core::ingest::Progress>,
    pub status: Option<(Slot, String)>,
    pub keymap: Keymap,
    pub raw: Option<RawRecord>,
    pub hits: HitAreas,
    /// The case's notes as last read (`None`: not read yet).
    pub notes: Option<Result<Vec<crate::core::case::Note>, String>>,
    /// Compute view models on a background task (the terminal runtime) instead of inside `update`.
    pub defer_models: bool,
    /// The model request waiting for the runtime to start it, and the key last requested.
    pub pending_model: Option<crate::tui::views::ModelRequest>,
    pub requested_model: Option<u64>,
    /// Likewise for a large table's order (filter and sort), computed on the model task.
    pub pending_order: Option<crate::tui::views::OrderRequest>,
    pub requested_order: Option<u64>,
    /// Candidates the last Tab in the command line left open (shown above the command line).
    pub completions: Vec<String>,
    pub quit: bool,
    /// The case's stars and verdicts as last read (`None`: not read yet).
    pub marks: Option<crate::tui::marks::Marks>,
    /// A saved note's editor, kept until the case acknowledges the write (reopened if it fails).
    pub note_pending: Option<Box<crate::tui::note_editor::NoteEditor>>,
    /// The `:fetch` dialog and the fetch job it started.
    pub fetch: crate::tui::fetch_job::FetchState,
    /// The open case's folder name, shown at the right of the status line (`None`: headless, no case).
    pub case_label: Option<String>,
    /// Where the case was left, applied once the data has loaded (see `ui_state`).
    pub restore: Option<crate::tui::ui_state::UiState>,
    /// The geo-fence given on the command line (`--allow-countries`, `--allow-cidrs`, `--policy`), which
    /// `:geofence` without an argument reviews against.
    pub fence: Option<std::sync::Arc<crate::core::policy::fence::Fence>>,
}

impl App {
    pub fn new(keymap: Keymap) -> App {
        App {
            // Nothing loaded yet: nothing to evaluate either, so no view says the rules are being evaluated.
            data: {
                let empty = Dataset::default();
                empty.build_all();
                std::sync::Arc::new(empty)
            },
            sources: Vec::new(),
            stack: ViewStack::new({
                // Findings open sorted by severity, highest first (Detective's order).
                let mut root = Frame::new(ViewSpec::Findings);
                root.table.sort = Some((0, true));
                root
            }),
            scope: ScopeState::default(),
            mode: Mode::Normal,
            loading: None,
            status: None,
            keymap,
            raw: None,
            hits: HitAreas::default(),
            completions: Vec::new(),
            defer_models: false,
            pending_model: None,
            requested_model: None,
            pending_order: None,
            requested_order: None,
            notes: None,
            quit: false,
            marks: None,
            note_pending: None,
            fetch: Default::default(),
            restore: None,
            fence: None,
            case_label: None,
        }
    }

    /// An app over an already loaded store (headless tests, benchmarks): geolocation is searched without input
    /// folders; use [`App::with_dataset`] to choose it.
    pub fn with_store(keymap: Keymap, store: Store) -> App {
        App::with_dataset(keymap, Dataset::from_store(store))
    }

    /// An app over an already loaded dataset (headless tests, benchmarks): builds its derived parts here.
    pub fn with_dataset(keymap: Keymap, data: Dataset) -> App {
        data.build_all();
        App::with_first_views(keymap, data)
    }

    /// An app over a dataset as the terminal shows it first: the parts the first views read are built here
    /// ([`Dataset::build_first`]), the rules not evaluated yet (the views say so until they are).
    pub fn with_first_views(keymap: Keymap, data: Dataset) -> App {
        let mut app = App::new(keymap);
        data.build_first();
        app.data = std::sync::Arc::new(data);
        super::update::refresh(&mut app);
        app
    }

    /// The current view.
    pub fn top(&self) -> &Frame {
        self.stack.top()
    }

    /// The current view, to change.
    pub fn top_mut(&mut self) -> &mut Frame {
        self.stack.top_mut()
    }

    pub fn spec(&self) -> &ViewSpec {
        &self.top().spec
    }

    /// The current tab, if the view has tabs.
    pub fn tab(&self) -> Option<Tab> {
        self.spec().tabs().get(self.top().tab).copied()
    }

    /// The label of the current tab (what the tab bar shows).
    pub fn tab_name(&self) -> Option<&'static str> {
        self.tab().map(Tab::label)
    }

    pub fn set_status(&mut self, slot: Slot, msg: impl Into<String>) {
        self.status = Some((slot, msg.into()));
    }

    /// For hints: the first key bound to `action`.
    pub fn key_hint(&self, action: Action) -> String {
        let e = self.keymap.entries().iter().find(|e| e.action == action);
        e.and_then(|e| e.keys.first())
            .map(|k| k.to_string())
            .unwrap_or_default()
    }
}
