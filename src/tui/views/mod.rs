//! One module per view. A view's model is computed from (data, spec, tab, scope) in [`model`] — on a background
//! task in the terminal — and each view draws from it with a pure `render(f, area, &ViewCtx) -> Drawn`: nothing
//! is computed from the data while drawing and nothing in the app is written; what the draw settled (hit areas,
//! the table's window) is returned for `update` to store. [`source`] gives the focused table, so `update` can
//! filter, sort and pivot without knowing which view is on top.
//!
//! ```text
//!  summary  findings (+ rules hit)  finding  group (overview │ events)  rule (its events)
//!  profile (overview │ behavior │ api_volume │ events │ policy │ denied)
//!  chain  event  notes  geofence
//! ```

pub mod api_volume;
pub mod behavior;
pub mod broker;
pub mod chain;
pub mod denied;
pub mod event;
pub mod events;
pub mod fetch;
pub mod finding;
pub mod findings;
pub mod geofence;
pub mod group;
pub mod investigation;
pub mod map;
pub mod marked;
pub mod model;
pub mod notes;
pub mod policy;
pub mod profile;
pub mod related;
pub mod rule;
pub mod rule_hits;
pub mod select;
pub mod summary;
pub mod volume;

pub use model::{
    ModelRequest, OrderRequest, TableInputs, compute, compute_order, model_key, model_ready, model_shown, prepare,
    request, table_source,
};

use super::app::{App, Drawn, Frame as ViewFrame, StyledLine, ViewModel};
use super::spec::{Tab, ViewSpec};
use super::theme::{Slot, Theme};
use super::widgets::table::{self, TableSource};
use crate::core::model::Store;
use crate::core::time::Scope;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// What a view draws from: the app, read-only, and the theme.
pub struct ViewCtx<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

impl<'a> ViewCtx<'a> {
    pub fn frame(&self) -> &'a ViewFrame {
        self.app.top()
    }
    pub fn model(&self) -> &'a ViewModel {
        &self.app.top().model
    }
    pub fn store(&self) -> &'a Store {
        self.app.data.store()
    }
    pub fn spec(&self) -> &'a ViewSpec {
        self.app.spec()
    }
}

/// Views that scroll text instead of moving a table selection.
pub fn is_text_view(spec: &ViewSpec) -> bool {
    matches!(spec, ViewSpec::Event(_))
}

/// The window Detective would open for finding `id`.
pub fn finding_scope(store: &Store, id: &str) -> Option<Scope> {
    finding::scope(store, id)
}

/// The focused table of the top view (over the model `prepare` computed).
pub fn source(app: &App) -> Option<Box<dyn TableSource + '_>> {
    table_source(&TableInputs::of(app))
}

/// Draw the body of the top view into `area`.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    if !model_shown(ctx.app) {
        let line = StyledLine(vec![("  computing…".into(), Some(Slot::TextDim))]);
        panel(f, area, &[StyledLine::default(), line], ctx.theme, &ctx.spec().crumb());
        return Drawn::default();
    }
    match ctx.spec() {
        ViewSpec::Findings => findings::render(f, area, ctx),
        ViewSpec::Finding(_) => finding::render(f, area, ctx),
        ViewSpec::Event(i) => event::render(f, area, ctx, *i),
        ViewSpec::Chain(_) => chain::render(f, area, ctx),
        ViewSpec::Group(_) => group::render(f, area, ctx),
        ViewSpec::Notes => notes::render(f, area, ctx),
        ViewSpec::Rule(_) => rule::render(f, area, ctx),
        ViewSpec::Summary(_) => summary::render(f, area, ctx),
        ViewSpec::Geofence { .. } => geofence::render(f, area, ctx),
        spec => {
            let [tabs_area, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            render_tabs(f, tabs_area, spec.tabs(), ctx.frame().tab, ctx.theme);
            let mut drawn = match ctx.app.tab().unwrap_or(Tab::Overview) {
                Tab::Overview => profile::render(f, body, ctx),
                Tab::NewBehaviour => behavior::render(f, body, ctx),
                Tab::ApiVolume => api_volume::render(f, body, ctx),
                Tab::Events => events::render(f, body, ctx),
                Tab::Policy => policy::render(f, body, ctx),
                Tab::Denied => denied::render(f, body, ctx),
                Tab::Investigation => investigation::render(f, body, ctx),
            };
            drawn.hits.tabs = tabs_area;
            drawn
        }
    }
}

/// The focused table of the top view, titled; returns where it is and the window it settled on.
pub fn draw_table(f: &mut Frame, area: Rect, ctx: &ViewCtx, title: &str) -> Drawn {
    let mut drawn = Drawn::default();
    if let Some(src) = source(ctx.app) {
        drawn.table = Some(table::render(
            f,
            area,
            src.as_ref(),
            &ctx.frame().table,
            ctx.theme,
            title,
            true,
        ));
    }
    drawn.hits.table = area;
    drawn
}

/// Theme the model's styled lines.
pub fn themed(lines: &[StyledLine], theme: &Theme) -> Vec<Line<'static>> {
    lines
        .iter()
        .map(|l| {
            Line::from(
                l.0.iter()
                    .map(|(text, slot)| match slot {
                        Some(s) => Span::styled(text.clone(), theme.style(*s)),
                        None => Span::raw(text.clone()),
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

pub fn panel(f: &mut Frame, area: Rect, lines: &[StyledLine], theme: &Theme, title: &str) {
    let block = Block::bordered()
        .border_style(theme.style(Slot::Border))
        .title(Span::styled(
            format!(" {} ", crate::tui::sanitize::clean_max(title, 80)),
            theme.style(Slot::Title),
        ));
    f.render_widget(Paragraph::new(themed(lines, theme)).block(block), area);
}

/// The padding around each tab label in a bar `width` columns wide: a space each side, or none when that would not
/// fit (a profile's seven tabs at 80 columns) rather than cutting the last label. Drawing and mouse hits use it.
pub fn tab_pad(tabs: &[Tab], width: u16) -> &'static str {
    let padded: usize = tabs.iter().map(|t| t.label().chars().count() + 3).sum::<usize>();
    if padded.saturating_sub(1) <= width as usize {
        " "
    } else {
        ""
    }
}

/// Tabs are drawn as " Name │ Name …" (separators only between them), padding per [`tab_pad`].
fn render_tabs(f: &mut Frame, area: Rect, tabs: &[Tab], active: usize, theme: &Theme) {
    let pad = tab_pad(tabs, area.width);
    let mut spans = Vec::new();
    for (i, t) in tabs.iter().enumerate() {
        let style = if i == active {
            theme.style(Slot::TabActive)
        } else {
            theme.style(Slot::TextDim)
        };
        if i > 0 {
            spans.push(Span::styled("│", theme.style(Slot::Border)));
        }
        spans.push(Span::styled(format!("{pad}{t}{pad}"), style));
    }
    f.render_widget(Line::from(spans), area);
}
