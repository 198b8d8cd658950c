//! Where the analyst was — the view stack (each view's spec, tab and selected row) and the scope — saved into the
//! case as JSON (`Case::set_ui_state`) whenever it changes and restored when the case is reopened, so an
//! investigation resumes exactly where it was left. The JSON is serde's form of the typed state (version 2);
//! version 1, which wrote views and scope kinds as hand-encoded strings (`session:ASIA…`, `adjusted:2`), is still
//! read. An unreadable or foreign state is ignored (the case still opens at the findings list), never an error.

use super::app::{App, Frame, ScopeKind, WindowOf};
use super::spec::ViewSpec;
use super::view_stack::ViewStack;
use crate::core::time::Scope;
use serde::{Deserialize, Serialize};

pub const VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiState {
    pub version: u32,
    /// Root first.
    pub stack: Vec<SavedFrame>,
    pub scope: SavedScope,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFrame {
    pub view: ViewSpec,
    pub tab: usize,
    pub selected: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScope {
    pub from: i64,
    pub to: i64,
    pub kind: ScopeKind,
    /// The last opened finding's or group's window (what "back to the finding window" returns to).
    pub finding: Option<(i64, i64)>,
    /// Whose window `finding` is (absent in older saves: a finding's).
    #[serde(default)]
    pub window_of: WindowOf,
}

/// The state worth saving: the stack without a trailing raw-record view (it is re-read on demand, a click away).
pub fn capture(app: &App) -> UiState {
    let mut stack: Vec<SavedFrame> = app
        .stack
        .iter()
        .map(|f| SavedFrame {
            view: f.spec.clone(),
            tab: f.tab,
            selected: f.table.selected,
        })
        .collect();
    while stack.len() > 1 && stack.last().is_some_and(|f| matches!(f.view, ViewSpec::Event(_))) {
        stack.pop();
    }
    UiState {
        version: VERSION,
        stack,
        scope: SavedScope {
            from: app.scope.scope.from,
            to: app.scope.scope.to,
            kind: app.scope.kind,
            finding: app.scope.finding.map(|s| (s.from, s.to)),
            window_of: app.scope.window_of,
        },
    }
}

/// The findings list in a given scope: where a case with a recorded scope but no saved place opens.
pub fn at_findings(scope: Scope) -> UiState {
    UiState {
        version: VERSION,
        stack: vec![SavedFrame {
            view: ViewSpec::Findings,
            tab: 0,
            selected: 0,
        }],
        scope: SavedScope {
            from: scope.from,
            to: scope.to,
            kind: ScopeKind::Custom,
            finding: None,
            window_of: WindowOf::Finding,
        },
    }
}

/// Parse a saved state, current or version 1; `None` for anything else, or a state with no view left.
pub fn parse(json: &str) -> Option<UiState> {
    #[derive(Deserialize)]
    struct Version {
        version: u32,
    }
    let s = match serde_json::from_str::<Version>(json).ok()?.version {
        VERSION => serde_json::from_str::<UiState>(json).ok()?,
        1 => v1::read(json)?,
        _ => return None,
    };
    (!s.stack.is_empty()).then_some(s)
}

/// Put the app back where the state says. A stack that does not start at the findings list is not applied;
/// tabs are clamped here and selections by the views on refresh.
pub fn restore(app: &mut App, s: &UiState) {
    let frames: Vec<Frame> = s
        .stack
        .iter()
        .map(|f| {
            let mut frame = Frame::new(f.view.clone());
            frame.tab = f.tab.min(frame.spec.tabs().len().saturating_sub(1));
            frame.table.selected = f.selected;
            frame
        })
        .collect();
    if frames.first().is_some_and(|f| f.spec == ViewSpec::Findings)
        && let Some(stack) = ViewStack::from_frames(frames)
    {
        app.stack = stack;
    }
    app.scope.scope = Scope::new(s.scope.from, s.scope.to);
    app.scope.kind = s.scope.kind;
    app.scope.finding = s.scope.finding.map(|(a, b)| Scope::new(a, b));
    app.scope.window_of = s.scope.window_of;
    super::update::refresh(app);
}

/// Version 1: views as `kind:value` strings (`findings`, `notes`, `chain:<key>`, `event:<index>`, and the entity
/// grammar of `core::entity` for the rest), scope kinds as `all`, `finding`, `adjusted:<hours>`, `day`, `week`,
/// `custom`. Read only; views it cannot name are dropped.
mod v1 {
    use super::*;
    use crate::core::entity::EntityRef;

    #[derive(Deserialize)]
    struct State {
        stack: Vec<SavedFrameV1>,
        scope: SavedScopeV1,
    }

    #[derive(Deserialize)]
    struct SavedFrameV1 {
        view: String,
        tab: usize,
        selected: usize,
    }

    #[derive(Deserialize)]
    struct SavedScopeV1 {
        from: i64,
        to: i64,
        kind: String,
        finding: Option<(i64, i64)>,
    }

    pub fn read(json: &str) -> Option<UiState> {
        let s: State = serde_json::from_str(json).ok()?;
        Some(UiState {
            version: VERSION,
            stack: s
                .stack
                .into_iter()
                .filter_map(|f| {
                    Some(SavedFrame {
                        view: view(&f.view)?,
                        tab: f.tab,
                        selected: f.selected,
                    })
                })
                .collect(),
            scope: SavedScope {
                from: s.scope.from,
                to: s.scope.to,
                kind: kind(&s.scope.kind),
                finding: s.scope.finding,
                window_of: WindowOf::Finding,
            },
        })
    }

    pub(super) fn view(s: &str) -> Option<ViewSpec> {
        match s {
            "findings" => return Some(ViewSpec::Findings),
            "notes" => return Some(ViewSpec::Notes),
            _ => {}
        }
        // Views that are not entities: a chain by its session key, an event by its index in the store.
        if let Some(key) = s.strip_prefix("chain:") {
            return Some(ViewSpec::Chain(key.to_string()));
        }
        if let Some(index) = s.strip_prefix("event:") {
            return index.parse().ok().map(ViewSpec::Event);
        }
        Some(match s.parse::<EntityRef>().ok()? {
            EntityRef::Finding(v) => ViewSpec::Finding(v),
            EntityRef::Session(v) => ViewSpec::Session(v),
            EntityRef::Role(v) => ViewSpec::Role(v),
            EntityRef::Principal(v) => ViewSpec::Principal(v),
            EntityRef::AccessKey(v) => ViewSpec::AccessKey(v),
            EntityRef::Ip(v) => ViewSpec::Ip(v),
            EntityRef::Account(v) => ViewSpec::Account(v),
            EntityRef::UserAgent(v) => ViewSpec::UserAgent(v),
            EntityRef::Resource(v) => ViewSpec::Resource(v),
            EntityRef::Case | EntityRef::Identity { .. } | EntityRef::Event(_) | EntityRef::Instance(_) => return None,
        })
    }

    pub(super) fn kind(s: &str) -> ScopeKind {
        match s {
            "finding" => ScopeKind::Finding,
            "day" => ScopeKind::Day,
            "week" => ScopeKind::Week,
            "custom" => ScopeKind::Custom,
            other => match other.strip_prefix("adjusted:").and_then(|h| h.parse().ok()) {
                Some(h) => ScopeKind::Adjusted(h),
                None => ScopeKind::AllData,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_view() -> Vec<ViewSpec> {
        vec![
            ViewSpec::Findings,
            ViewSpec::Notes,
            ViewSpec::Finding("5ac5".into()),
            ViewSpec::Session("ASIA1".into()),
            ViewSpec::Role("arn:aws:iam::1:role/a/b".into()),
            ViewSpec::Principal("AROA:sara".into()),
            ViewSpec::AccessKey("AKIA1".into()),
            ViewSpec::Ip("2001:db8::1".into()),
            ViewSpec::Account("111122223333".into()),
            ViewSpec::UserAgent("aws-cli/2 x:y \u{202e}\"}".into()),
            ViewSpec::Resource("arn:aws:s3:::b".into()),
            ViewSpec::Chain("ASIA2".into()),
            ViewSpec::Event(42),
        ]
    }

    #[test]
    fn every_view_and_scope_kind_round_trips_through_json() {
        let kinds = [
            ScopeKind::AllData,
            ScopeKind::Finding,
            ScopeKind::Adjusted(-2),
            ScopeKind::Adjusted(3),
            ScopeKind::Day,
            ScopeKind::Week,
            ScopeKind::Custom,
        ];
        for (i, kind) in kinds.into_iter().enumerate() {
            let state = UiState {
                version: VERSION,
                stack: every_view()
                    .into_iter()
                    .enumerate()
                    .map(|(n, view)| SavedFrame {
                        view,
                        tab: n % 4,
                        selected: n * i,
                    })
                    .collect(),
                scope: SavedScope {
                    from: -(i as i64),
                    to: i64::MAX,
                    kind,
                    finding: (i % 2 == 0).then_some((10, 20)),
                    window_of: if i % 3 == 0 { WindowOf::Group } else { WindowOf::Finding },
                },
            };
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(parse(&json), Some(state), "{json}");
        }
        // The saved form is serde's, readable by hand.
        let json = serde_json::to_string(&at_findings(Scope::new(10, 20))).unwrap();
        assert_eq!(
            json,
            r#"{"version":2,"stack":[{"view":"findings","tab":0,"selected":0}],"scope":{"from":10,"to":20,"kind":"custom","finding":null,"window_of":"finding"}}"#
        );
        // Saves from before groups had windows: the base window was a finding's.
        let older = r#"{"version":2,"stack":[{"view":"findings","tab":0,"selected":0}],"scope":{"from":10,"to":20,"kind":"finding","finding":[10,20]}}"#;
        assert_eq!(parse(older).map(|s| s.scope.window_of), Some(WindowOf::Finding));
        let session = serde_json::to_string(&ViewSpec::Session("ASIA1".into())).unwrap();
        assert_eq!(session, r#"{"session":"ASIA1"}"#);
    }

    /// What the previous version wrote (hand-encoded strings) still restores.
    #[test]
    fn version_1_states_are_read() {
        let v1 = r#"{"version":1,"stack":[
            {"view":"findings","tab":0,"selected":3},
            {"view":"finding:5ac5b1a1f0e2d3c4b5a6978877665544","tab":0,"selected":0},
            {"view":"session:ASIASARAADMIN0000001","tab":1,"selected":2},
            {"view":"planet:mars","tab":0,"selected":0},
            {"view":"ip:2001:db8::1","tab":0,"selected":0},
            {"view":"key:AKIA1","tab":0,"selected":0},
            {"view":"user:sara","tab":0,"selected":0},
            {"view":"ua:aws-cli/2 x:y","tab":1,"selected":0},
            {"view":"chain:ASIA2","tab":0,"selected":1},
            {"view":"event:42","tab":0,"selected":0},
            {"view":"event:x","tab":0,"selected":0}
        ],"scope":{"from":1793887200,"to":1793894400,"kind":"adjusted:1","finding":[1793890800,1793894400]}}"#;
        let s = parse(v1).expect("version 1 is read");
        assert_eq!(s.version, VERSION);
        let views: Vec<ViewSpec> = s.stack.iter().map(|f| f.view.clone()).collect();
        assert_eq!(
            views,
            vec![
                ViewSpec::Findings,
                ViewSpec::Finding("5ac5b1a1f0e2d3c4b5a6978877665544".into()),
                ViewSpec::Session("ASIASARAADMIN0000001".into()),
                ViewSpec::Ip("2001:db8::1".into()),
                ViewSpec::AccessKey("AKIA1".into()),
                ViewSpec::Principal("sara".into()),
                ViewSpec::UserAgent("aws-cli/2 x:y".into()),
                ViewSpec::Chain("ASIA2".into()),
                ViewSpec::Event(42),
            ]
        );
        assert_eq!((s.stack[0].selected, s.stack[2].tab, s.stack[2].selected), (3, 1, 2));
        assert_eq!(s.scope.kind, ScopeKind::Adjusted(1));
        assert_eq!(s.scope.finding, Some((1793890800, 1793894400)));
        for (text, kind) in [
            ("all", ScopeKind::AllData),
            ("finding", ScopeKind::Finding),
            ("adjusted:-2", ScopeKind::Adjusted(-2)),
            ("day", ScopeKind::Day),
            ("week", ScopeKind::Week),
            ("custom", ScopeKind::Custom),
            ("x", ScopeKind::AllData),
        ] {
            assert_eq!(v1::kind(text), kind, "{text}");
        }
    }

    #[test]
    fn foreign_or_broken_states_are_not_read() {
        for bad in [
            "not json",
            "{}",
            "[1,2]",
            r#"{"version": 99, "stack": []}"#,
            r#"{"version": 2, "stack": [], "scope": {"from": 0, "to": 1, "kind": "custom", "finding": null}}"#,
            r#"{"version": 2, "stack": [{"view": "planet", "tab": 0, "selected": 0}], "scope": {"from": 0, "to": 1, "kind": "custom", "finding": null}}"#,
            r#"{"version":1,"stack":[{"view":"planet:mars","tab":0,"selected":0}],"scope":{"from":0,"to":1,"kind":"x","finding":null}}"#,
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
