//! The API volume tab from `core::behavior`: the series of successful and failed calls with its baseline and the
//! scope marked, and four drill-down trees (`d` cycles), each row pivotable.

use super::ViewCtx;
use super::behavior::profile_of;
use crate::core::access_key::AccessKeyKind;
use crate::core::behavior::{self, BehaviorConfig, BehaviorIndex, DrillNode, VolumeReport};
use crate::core::geo::GeoDb;
use crate::core::graph::SessionGraph;
use crate::core::model::Store;
use crate::core::time::Scope;
use crate::tui::app::Drawn;
use crate::tui::sanitize::clean;
use crate::tui::spec::{Tab, ViewSpec};
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};

pub fn volume(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    spec: &ViewSpec,
    scope: Scope,
) -> Result<VolumeReport, String> {
    let p = profile_of(spec).ok_or("not a behaviour profile")?;
    let sel = behavior::select(&p, store, graph, ix).map_err(|e| e.to_string())?;
    let drill = behavior::DrillOptions {
        limit: Some(behavior::DRILL_LIMIT),
        ..Default::default()
    };
    behavior::volume(&sel, store, ix, geo, scope, &BehaviorConfig::default(), None, &drill).map_err(|e| e.to_string())
}

/// `core::behavior`'s four trees (the caller is its access key, else its principal).
pub const DRILLS: &[&str] = &[
    "IP → API → caller",
    "service → API → IP → access key",
    "access key → IP → API",
    "resource → IP → API",
];

/// One drill-down tree as indented rows.
pub fn drill_rows(v: &VolumeReport, which: usize) -> StaticRows {
    let (name, roots) = match which % DRILLS.len() {
        0 => (DRILLS[0], &v.by_ip),
        1 => (DRILLS[1], &v.by_api),
        2 => (DRILLS[2], &v.by_access_key),
        _ => (DRILLS[3], &v.by_resource),
    };
    let mut rows = Vec::new();
    fn walk(nodes: &[DrillNode], depth: usize, rows: &mut Vec<StaticRow>) {
        for n in nodes {
            let indent = "  ".repeat(depth);
            let mark = if depth == 0 { "" } else { "└ " };
            let label = n.label.as_deref().map(|l| format!("  ({l})")).unwrap_or_default();
            let target = if n.key.parse::<std::net::IpAddr>().is_ok() {
                Some(ViewSpec::Ip(n.key.clone()))
            } else if AccessKeyKind::of(&n.key).is_access_key() {
                Some(ViewSpec::of_access_key(&n.key))
            } else {
                None
            };
            let mut r = StaticRow::new(vec![
                format!("{indent}{mark}{}{}", clean(&n.key), clean(&label)),
                n.success.to_string(),
                n.failure.to_string(),
            ])
            .style(0, if depth == 0 { Slot::Title } else { Slot::Text })
            .target(target);
            if n.failure > 0 {
                r = r.style(2, Slot::StatusError);
            }
            rows.push(r);
            if depth < 8 {
                walk(&n.children, depth + 1, rows);
            }
        }
    }
    walk(roots, 0, &mut rows);
    StaticRows {
        columns: vec![
            col(name, Fill(1)),
            col("Succeeded", Length(10)),
            col("Failed", Length(8)),
        ],
        rows,
    }
}

/// The series over the drill-down table.
pub fn render(f: &mut Frame, body: Rect, ctx: &ViewCtx) -> Drawn {
    let [chart, rest] = Layout::vertical([Percentage(45), Fill(1)]).areas(body);
    let drill = DRILLS[ctx.frame().drill % DRILLS.len()];
    let title = match &ctx.model().volume_report {
        Some(Ok(v)) => {
            super::volume::render_series(f, chart, v, ctx.theme);
            format!(
                "Details for scope time: {drill} ({} for the next drill-down)",
                ctx.app.key_hint(crate::tui::action::Action::Drill)
            )
        }
        Some(Err(e)) => format!("API volume unavailable: {e}"),
        None => Tab::ApiVolume.label().to_string(),
    };
    super::draw_table(f, rest, ctx, &title)
}
