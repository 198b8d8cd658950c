//! The API-volume chart: successful and failed calls per interval over the scope.

use crate::core::model::Store;
use crate::core::time::{Scope, rfc3339};
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

/// Counts per bucket: (bucket start, succeeded, failed). `buckets` ≥ 1.
pub fn buckets(store: &Store, items: &[u32], scope: Scope, buckets: usize) -> Vec<(i64, u64, u64)> {
    let (from, to) = match (items.first(), items.last()) {
        _ if scope.from != i64::MIN && scope.to != i64::MAX => (scope.from, scope.to),
        (Some(&a), Some(&b)) => {
            let t = |i: u32| store.events.get(i as usize).map(|e| e.time).unwrap_or(0);
            (t(a), t(b) + 1)
        }
        _ => return Vec::new(),
    };
    let n = buckets.max(1) as i64;
    let width = ((to - from) / n).max(1);
    let mut out: Vec<(i64, u64, u64)> = (0..n).map(|i| (from + i * width, 0, 0)).collect();
    for &i in items {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        let b = ((e.time - from) / width).clamp(0, n - 1) as usize;
        if let Some(slot) = out.get_mut(b) {
            if e.failed() {
                slot.2 += 1;
            } else {
                slot.1 += 1;
            }
        }
    }
    out
}

/// Buckets the chart is computed at (with the view model, not per frame); braille gives two points per cell, so
/// this resolution fills a 120-column chart.
pub const RESOLUTION: usize = 200;

/// Draw precomputed buckets (see [`buckets`]).
pub fn render(f: &mut Frame, area: Rect, b: &[(i64, u64, u64)], scope: Scope, theme: &Theme) {
    let ok: Vec<(f64, f64)> = b.iter().enumerate().map(|(i, x)| (i as f64, x.1 as f64)).collect();
    let bad: Vec<(f64, f64)> = b.iter().enumerate().map(|(i, x)| (i as f64, x.2 as f64)).collect();
    let max = b.iter().map(|x| x.1.max(x.2)).max().unwrap_or(0).max(1) as f64;
    let step = match (b.first(), b.get(1)) {
        (Some(a), Some(c)) => c.0 - a.0,
        _ => 0,
    };
    let last = if scope.to != i64::MAX {
        Some(scope.to)
    } else {
        b.last().map(|x| x.0 + step)
    };
    let first = b.first().map(|x| x.0);
    // `11-05 14:00` keeps the axis labels short so the plot gets the width.
    let short = |t: i64| {
        let full = rfc3339(t);
        full.get(5..16).map(|s| s.replace('T', " ")).unwrap_or(full)
    };
    let label = |t: Option<i64>| Span::styled(t.map(short).unwrap_or_default(), theme.style(Slot::TextDim));
    let chart = Chart::new(vec![
        Dataset::default()
            .name("succeeded")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.style(Slot::ChartSuccess))
            .data(&ok),
        Dataset::default()
            .name("failed")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.style(Slot::ChartFailure))
            .data(&bad),
    ])
    .block(
        Block::bordered()
            .border_style(theme.style(Slot::Border))
            .title(Span::styled(
                " API calls in scope: succeeded / failed ",
                theme.style(Slot::Title),
            )),
    )
    .x_axis(
        Axis::default()
            .bounds([0.0, (b.len().max(2) - 1) as f64])
            .labels(vec![label(first), label(last)]),
    )
    .y_axis(
        Axis::default()
            .bounds([0.0, max])
            .labels(vec![Span::raw("0"), Span::raw(format!("{}", max as u64))]),
    );
    f.render_widget(chart, area);
}

/// The API-volume chart from `core::behavior`: successful and failed calls per bucket over the scope plus
/// context, the baseline's mean per bucket as a flat line, and the scope's edges as vertical markers.
pub fn render_series(f: &mut Frame, area: Rect, v: &crate::core::behavior::VolumeReport, theme: &Theme) {
    let n = v.buckets.len();
    let ok: Vec<(f64, f64)> = v
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| (i as f64, b.success as f64))
        .collect();
    let bad: Vec<(f64, f64)> = v
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| (i as f64, b.failure as f64))
        .collect();
    let max = v
        .buckets
        .iter()
        .map(|b| b.success.max(b.failure) as f64)
        .fold(v.baseline_per_bucket, f64::max)
        .max(1.0);
    let base: Vec<(f64, f64)> = vec![
        (0.0, v.baseline_per_bucket),
        ((n.max(2) - 1) as f64, v.baseline_per_bucket),
    ];
    let first_in = v.buckets.iter().position(|b| b.in_scope);
    let last_in = v.buckets.iter().rposition(|b| b.in_scope);
    let mut edges: Vec<(f64, f64)> = Vec::new();
    for e in [first_in.map(|i| i as f64), last_in.map(|i| i as f64 + 1.0)]
        .into_iter()
        .flatten()
    {
        let steps = 12;
        edges.extend((0..=steps).map(|k| (e, max * k as f64 / steps as f64)));
    }
    let short = |s: &str| {
        s.get(5..16)
            .map(|x| x.replace('T', " "))
            .unwrap_or_else(|| s.to_string())
    };
    let label = |s: &str| Span::styled(short(s), theme.style(Slot::TextDim));
    let title = format!(
        " API calls: succeeded / failed per {} · baseline {:.2}/bucket · ┆ scope ",
        human(v.bucket_seconds),
        v.baseline_per_bucket
    );
    let chart = Chart::new(vec![
        Dataset::default()
            .name("baseline")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.style(Slot::ChartBaseline))
            .data(&base),
        Dataset::default()
            .name("scope")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(theme.style(Slot::TextAccent))
            .data(&edges),
        Dataset::default()
            .name("succeeded")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.style(Slot::ChartSuccess))
            .data(&ok),
        Dataset::default()
            .name("failed")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.style(Slot::ChartFailure))
            .data(&bad),
    ])
    .block(
        Block::bordered()
            .border_style(theme.style(Slot::Border))
            .title(Span::styled(
                crate::tui::sanitize::clean_max(&title, 200).into_owned(),
                theme.style(Slot::Title),
            )),
    )
    .x_axis(
        Axis::default()
            .bounds([0.0, (n.max(2) - 1) as f64])
            .labels(vec![label(&v.from), label(&v.to)]),
    )
    .y_axis(
        Axis::default()
            .bounds([0.0, max])
            .labels(vec![Span::raw("0"), Span::raw(format!("{}", max.ceil() as u64))]),
    );
    f.render_widget(chart, area);
}

fn human(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3600 == 0 => format!("{} h", s / 3600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}
