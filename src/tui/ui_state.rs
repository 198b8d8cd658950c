//! Where the analyst was — the view stack (each view's spec, tab and selected row) and the scope — saved into the
//! case as JSON (`Case::set_ui_state`) whenever it changes and restored when the case is reopened, so an
//! investigation resumes exactly where it was left. The format is versioned; an unreadable or foreign state is
//! ignored (the case still opens at the findings list), never an error.

use super::app::{App, Frame, ScopeKind};
use super::spec::ViewSpec;
use super::view_stack::ViewStack;
use crate::core::time::Scope;
use serde::{Deserialize, Serialize};

pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UiState {
    pub version: u32,
    /// Root first.
    pub stack: Vec<SavedFrame>,
    pub scope: SavedScope,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFrame {
    /// `findings`, `finding:<id>`, `session:<key>`, `role:<arn>`, … (see [`view_key`]).
    pub view: String,
    pub tab: usize,
    pub selected: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScope {
    pub from: i64,
    pub to: i64,
    /// `all`, `finding`, `adjusted:<hours>`, `day`, `week`, `custom`.
    pub kind: String,
    /// The last opened finding's window (what "back to the finding window" returns to).
    pub finding: Option<(i64, i64)>,
}

/// A view spec as stable text.
pub fn view_key(spec: &ViewSpec) -> String {
    match spec {
        ViewSpec::Findings => "findings".into(),
        ViewSpec::Notes => "notes".into(),
        ViewSpec::Finding(v) => format!("finding:{v}"),
        ViewSpec::Session(v) => format!("session:{v}"),
        ViewSpec::Role(v) => format!("role:{v}"),
        ViewSpec::Principal(v) => format!("principal:{v}"),
        ViewSpec::AccessKey(v) => format!("key:{v}"),
        ViewSpec::Ip(v) => format!("ip:{v}"),
        ViewSpec::Account(v) => format!("account:{v}"),
        ViewSpec::UserAgent(v) => format!("ua:{v}"),
        ViewSpec::Resource(v) => format!("resource:{v}"),
        ViewSpec::Chain(v) => format!("chain:{v}"),
        ViewSpec::Event(i) => format!("event:{i}"),
    }
}

pub fn parse_view(s: &str) -> Option<ViewSpec> {
    match s {
        "findings" => return Some(ViewSpec::Findings),
        "notes" => return Some(ViewSpec::Notes),
        _ => {}
    }
    let (kind, v) = s.split_once(':')?;
    let v = v.to_string();
    Some(match kind {
        "finding" => ViewSpec::Finding(v),
        "session" => ViewSpec::Session(v),
        "role" => ViewSpec::Role(v),
        "principal" => ViewSpec::Principal(v),
        "key" => ViewSpec::AccessKey(v),
        "ip" => ViewSpec::Ip(v),
        "account" => ViewSpec::Account(v),
        "ua" => ViewSpec::UserAgent(v),
        "resource" => ViewSpec::Resource(v),
        "chain" => ViewSpec::Chain(v),
        "event" => ViewSpec::Event(v.parse().ok()?),
        _ => return None,
    })
}

fn kind_key(k: ScopeKind) -> String {
    match k {
        ScopeKind::AllData => "all".into(),
        ScopeKind::Finding => "finding".into(),
        ScopeKind::Adjusted(h) => format!("adjusted:{h}"),
        ScopeKind::Day => "day".into(),
        ScopeKind::Week => "week".into(),
        ScopeKind::Custom => "custom".into(),
    }
}

fn parse_kind(s: &str) -> ScopeKind {
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

/// The state worth saving: the stack without a trailing raw-record view (it is re-read on demand, a click away).
pub fn capture(app: &App) -> UiState {
    let mut stack: Vec<SavedFrame> = app
        .stack
        .iter()
        .map(|f| SavedFrame {
            view: view_key(&f.spec),
            tab: f.tab,
            selected: f.table.selected,
        })
        .collect();
    while stack.len() > 1 && stack.last().is_some_and(|f| f.view.starts_with("event:")) {
        stack.pop();
    }
    UiState {
        version: VERSION,
        stack,
        scope: SavedScope {
            from: app.scope.scope.from,
            to: app.scope.scope.to,
            kind: kind_key(app.scope.kind),
            finding: app.scope.finding.map(|s| (s.from, s.to)),
        },
    }
}

/// The findings list in a given scope: where a case with a recorded scope but no saved place opens.
pub fn at_findings(scope: Scope) -> UiState {
    UiState {
        version: VERSION,
        stack: vec![SavedFrame {
            view: view_key(&ViewSpec::Findings),
            tab: 0,
            selected: 0,
        }],
        scope: SavedScope {
            from: scope.from,
            to: scope.to,
            kind: kind_key(ScopeKind::Custom),
            finding: None,
        },
    }
}

/// Parse a saved state; `None` for anything this version cannot use.
pub fn parse(json: &str) -> Option<UiState> {
    let s: UiState = serde_json::from_str(json).ok()?;
    (s.version == VERSION && !s.stack.is_empty()).then_some(s)
}

/// Put the app back where the state says. Views whose spec no longer parses are dropped; tabs and selections are
/// clamped by the views themselves on refresh.
pub fn restore(app: &mut App, s: &UiState) {
    let frames: Vec<Frame> = s
        .stack
        .iter()
        .filter_map(|f| {
            let spec = parse_view(&f.view)?;
            let mut frame = Frame::new(spec);
            frame.tab = f.tab.min(frame.spec.tabs().len().saturating_sub(1));
            frame.table.selected = f.selected;
            Some(frame)
        })
        .collect();
    if frames.first().is_some_and(|f| f.spec == ViewSpec::Findings)
        && let Some(stack) = ViewStack::from_frames(frames)
    {
        app.stack = stack;
    }
    app.scope.scope = Scope::new(s.scope.from, s.scope.to);
    app.scope.kind = parse_kind(&s.scope.kind);
    app.scope.finding = s.scope.finding.map(|(a, b)| Scope::new(a, b));
    super::update::refresh(app);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_key_round_trips() {
        for spec in [
            ViewSpec::Findings,
            ViewSpec::Notes,
            ViewSpec::Finding("5ac5".into()),
            ViewSpec::Session("ASIA1".into()),
            ViewSpec::Role("arn:aws:iam::1:role/a/b".into()),
            ViewSpec::Principal("AROA:sara".into()),
            ViewSpec::AccessKey("AKIA1".into()),
            ViewSpec::Ip("2001:db8::1".into()),
            ViewSpec::Account("111122223333".into()),
            ViewSpec::UserAgent("aws-cli/2 x:y".into()),
            ViewSpec::Resource("arn:aws:s3:::b".into()),
            ViewSpec::Chain("ASIA2".into()),
            ViewSpec::Event(42),
        ] {
            assert_eq!(parse_view(&view_key(&spec)), Some(spec));
        }
        assert_eq!(parse_view("planet:mars"), None);
        assert_eq!(parse_view("event:x"), None);
        for k in [
            ScopeKind::AllData,
            ScopeKind::Finding,
            ScopeKind::Adjusted(-2),
            ScopeKind::Day,
            ScopeKind::Week,
        ] {
            assert_eq!(parse_kind(&kind_key(k)), k);
        }
        assert_eq!(parse("{\"version\": 99, \"stack\": []}"), None);
        let headless = at_findings(Scope::new(10, 20));
        assert_eq!(
            parse(&serde_json::to_string(&headless).unwrap()),
            Some(headless.clone())
        );
        assert_eq!(parse_view(&headless.stack[0].view), Some(ViewSpec::Findings));
        assert_eq!(
            (headless.scope.from, headless.scope.to, parse_kind(&headless.scope.kind)),
            (10, 20, ScopeKind::Custom)
        );
        assert_eq!(parse("not json"), None);
    }
}
