//! The one table every list uses (findings, events, sessions, drill-downs): columns, sort, `/` filter,
//! selection, scrolling and mouse hits.
//!
//! Data comes through [`TableSource`], which formats a cell on demand, so a table over a million events only
//! formats the rows on screen. The filtered and sorted order is computed in `update` (never while drawing) and
//! cached in [`TableState`] under a key that says which data, filter and sort it belongs to.

use crate::tui::sanitize;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};
use std::borrow::Cow;
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: &'static str,
    pub width: Constraint,
}

pub const fn col(title: &'static str, width: Constraint) -> Column {
    Column { title, width }
}

/// Rows of one table, formatted on demand. Cell text must already be sanitised (use `sanitize::clean`).
pub trait TableSource {
    fn columns(&self) -> &[Column];
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn cell(&self, row: usize, col: usize) -> Cow<'_, str>;
    /// The style slot of a cell (severity, new/known, …); `None` is plain text.
    fn style(&self, _row: usize, _col: usize) -> Option<Slot> {
        None
    }
    /// Where Enter on this row pivots.
    fn target(&self, _row: usize) -> Option<ViewSpec> {
        None
    }
    /// A number to sort this cell by, when the column is numeric (counts, severities, times).
    fn number(&self, _row: usize, _col: usize) -> Option<f64> {
        None
    }
}

/// A reference to a source is a source (cached models are lent to the table without copying).
impl<T: TableSource + ?Sized> TableSource for &T {
    fn columns(&self) -> &[Column] {
        (**self).columns()
    }
    fn len(&self) -> usize {
        (**self).len()
    }
    fn cell(&self, row: usize, col: usize) -> Cow<'_, str> {
        (**self).cell(row, col)
    }
    fn style(&self, row: usize, col: usize) -> Option<Slot> {
        (**self).style(row, col)
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        (**self).target(row)
    }
    fn number(&self, row: usize, col: usize) -> Option<f64> {
        (**self).number(row, col)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableState {
    /// Position in `order` (not a source row index).
    pub selected: usize,
    pub offset: usize,
    pub sort: Option<(usize, bool)>,
    pub filter: String,
    /// Source rows in display order (filtered, sorted).
    pub order: Vec<u32>,
    key: Option<u64>,
    /// Rows visible at the last draw, for paging.
    pub page: usize,
}

impl TableState {
    /// Recompute the display order if `data_key` (which data), the filter or the sort changed.
    pub fn refresh(&mut self, src: &dyn TableSource, data_key: u64) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (data_key, src.len(), &self.filter, self.sort).hash(&mut h);
        let key = h.finish();
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let needle = self.filter.to_lowercase();
        let ncols = src.columns().len();
        let mut order: Vec<u32> = (0..src.len().min(u32::MAX as usize) as u32)
            .filter(|&r| {
                needle.is_empty() || (0..ncols).any(|c| src.cell(r as usize, c).to_lowercase().contains(&needle))
            })
            .collect();
        if let Some((c, desc)) = self.sort {
            order.sort_by(|&a, &b| {
                let o = compare(src, a as usize, b as usize, c);
                if desc { o.reverse() } else { o }
            });
        }
        self.order = order;
        self.clamp();
    }

    pub fn selected_row(&self) -> Option<usize> {
        self.order.get(self.selected).map(|&r| r as usize)
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.order.len().saturating_sub(1);
        self.selected = (self.selected as isize + delta).clamp(0, last as isize) as usize;
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self) {
        self.selected = self.order.len().saturating_sub(1);
    }

    pub fn sort_next(&mut self, ncols: usize) {
        self.sort = match self.sort {
            None => Some((0, false)),
            Some((c, _)) if c + 1 >= ncols => None,
            Some((c, d)) => Some((c + 1, d)),
        };
    }

    pub fn sort_reverse(&mut self) {
        self.sort = Some(match self.sort {
            None => (0, true),
            Some((c, d)) => (c, !d),
        });
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
    }

    /// The row under a click at terminal row `y` in a table drawn at `area` (border + header take two lines).
    pub fn hit(&self, area: Rect, x: u16, y: u16) -> Option<usize> {
        if x < area.x || x >= area.right() || y < area.y + 2 || y + 1 >= area.bottom() {
            return None;
        }
        let pos = self.offset + (y - area.y - 2) as usize;
        (pos < self.order.len()).then_some(pos)
    }
}

fn compare(src: &dyn TableSource, a: usize, b: usize, c: usize) -> Ordering {
    match (src.number(a, c), src.number(b, c)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => src.cell(a, c).cmp(&src.cell(b, c)),
    }
    .then(a.cmp(&b))
}

/// Draw the table. Only rows in the visible window are formatted. Updates `offset` and `page` so the selection
/// stays on screen.
pub fn render(
    f: &mut Frame,
    area: Rect,
    src: &dyn TableSource,
    state: &mut TableState,
    theme: &Theme,
    title: &str,
    focused: bool,
) {
    let body = area.height.saturating_sub(3) as usize;
    state.page = body.max(1);
    if state.selected < state.offset {
        state.offset = state.selected;
    } else if body > 0 && state.selected >= state.offset + body {
        state.offset = state.selected + 1 - body;
    }
    state.offset = state.offset.min(state.order.len().saturating_sub(1));
    let cols = src.columns();
    let header = Row::new(cols.iter().enumerate().map(|(i, c)| {
        let mark = match state.sort {
            Some((s, false)) if s == i => " ▲",
            Some((s, true)) if s == i => " ▼",
            _ => "",
        };
        Cell::from(format!("{}{mark}", c.title))
    }))
    .style(theme.style(Slot::Header));
    let end = (state.offset + body).min(state.order.len());
    let rows = state.order[state.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, &r)| {
            let r = r as usize;
            let row = Row::new((0..cols.len()).map(|c| {
                let style = src.style(r, c).map(|s| theme.style(s)).unwrap_or_default();
                Cell::from(Span::styled(src.cell(r, c).into_owned(), style))
            }));
            if state.offset + i == state.selected && focused {
                row.style(theme.style(Slot::Selection))
            } else {
                row
            }
        });
    let mut title_line = vec![Span::styled(format!(" {title} "), theme.style(Slot::Title))];
    title_line.push(Span::styled(
        format!("{}/{} ", state.order.len(), src.len()),
        theme.style(Slot::TextDim),
    ));
    if !state.filter.is_empty() {
        title_line.push(Span::styled(
            format!("/{} ", sanitize::clean_max(&state.filter, 40)),
            theme.style(Slot::TextAccent),
        ));
    }
    let border = if focused { Slot::BorderFocused } else { Slot::Border };
    let block = Block::bordered()
        .border_style(theme.style(border))
        .title(Line::from(title_line));
    let table = Table::new(rows, cols.iter().map(|c| c.width))
        .header(header)
        .block(block)
        .style(theme.style(Slot::Text))
        .column_spacing(1);
    f.render_widget(table, area);
    if state.order.is_empty() && area.height > 3 {
        let msg = if src.is_empty() {
            "(nothing in scope)"
        } else {
            "(no row matches the filter)"
        };
        let inner = Rect::new(area.x + 2, area.y + 2, area.width.saturating_sub(4), 1);
        f.render_widget(Line::styled(msg, theme.style(Slot::TextDim)), inner);
    }
}

/// A ready-made source over precomputed, already-sanitised rows (small tables: counts, drill-downs, entities).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StaticRows {
    pub columns: Vec<Column>,
    pub rows: Vec<StaticRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StaticRow {
    pub cells: Vec<String>,
    pub styles: Vec<Option<Slot>>,
    pub target: Option<ViewSpec>,
    pub numbers: Vec<Option<f64>>,
}

impl StaticRow {
    pub fn new(cells: Vec<String>) -> StaticRow {
        StaticRow {
            cells,
            styles: Vec::new(),
            target: None,
            numbers: Vec::new(),
        }
    }
    pub fn target(mut self, t: Option<ViewSpec>) -> StaticRow {
        self.target = t;
        self
    }
    pub fn style(mut self, col: usize, slot: Slot) -> StaticRow {
        if self.styles.len() <= col {
            self.styles.resize(col + 1, None);
        }
        self.styles[col] = Some(slot);
        self
    }
    pub fn number(mut self, col: usize, n: f64) -> StaticRow {
        if self.numbers.len() <= col {
            self.numbers.resize(col + 1, None);
        }
        self.numbers[col] = Some(n);
        self
    }
}

impl TableSource for StaticRows {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn cell(&self, row: usize, col: usize) -> Cow<'_, str> {
        Cow::Borrowed(
            self.rows
                .get(row)
                .and_then(|r| r.cells.get(col))
                .map_or("", |s| s.as_str()),
        )
    }
    fn style(&self, row: usize, col: usize) -> Option<Slot> {
        self.rows.get(row).and_then(|r| r.styles.get(col).copied().flatten())
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.rows.get(row).and_then(|r| r.target.clone())
    }
    fn number(&self, row: usize, col: usize) -> Option<f64> {
        self.rows.get(row).and_then(|r| r.numbers.get(col).copied().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> StaticRows {
        StaticRows {
            columns: vec![col("name", Constraint::Length(10)), col("n", Constraint::Length(4))],
            rows: vec![
                StaticRow::new(vec!["beta".into(), "10".into()]).number(1, 10.0),
                StaticRow::new(vec!["alpha".into(), "9".into()]).number(1, 9.0),
                StaticRow::new(vec!["Gamma".into(), "100".into()]).number(1, 100.0),
            ],
        }
    }

    #[test]
    fn filter_is_case_insensitive_over_all_columns() {
        let s = src();
        let mut t = TableState {
            filter: "GAM".into(),
            ..Default::default()
        };
        t.refresh(&s, 1);
        assert_eq!(t.order, vec![2]);
        t.filter = "10".into();
        t.refresh(&s, 1);
        assert_eq!(t.order, vec![0, 2]);
    }

    #[test]
    fn numeric_columns_sort_as_numbers_and_reverse() {
        let s = src();
        let mut t = TableState {
            sort: Some((1, false)),
            ..Default::default()
        };
        t.refresh(&s, 1);
        assert_eq!(t.order, vec![1, 0, 2], "9 < 10 < 100, not text order");
        t.sort_reverse();
        t.refresh(&s, 1);
        assert_eq!(t.order, vec![2, 0, 1]);
        t.sort = Some((0, false));
        t.refresh(&s, 1);
        assert_eq!(t.order, vec![2, 1, 0], "text sort is byte order: 'G' < 'a'");
    }

    #[test]
    fn selection_is_clamped_and_clicks_hit_rows() {
        let s = src();
        let mut t = TableState::default();
        t.refresh(&s, 1);
        t.move_by(10);
        assert_eq!(t.selected, 2);
        t.move_by(-10);
        assert_eq!(t.selected, 0);
        let area = Rect::new(0, 5, 40, 10);
        assert_eq!(t.hit(area, 3, 7), Some(0));
        assert_eq!(t.hit(area, 3, 9), Some(2));
        assert_eq!(t.hit(area, 3, 10), None, "past the last row");
        assert_eq!(t.hit(area, 3, 6), None, "header");
        t.filter = "zzz".into();
        t.refresh(&s, 1);
        assert_eq!(t.selected_row(), None);
    }
}
