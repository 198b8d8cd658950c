//! The one table every list uses (findings, events, sessions, drill-downs): columns, sort, `/` filter,
//! selection, scrolling and mouse hits.
//!
//! Data comes through [`TableSource`], which formats a cell on demand, so a table over a million events only
//! formats the rows on screen. Sorting and filtering never format cells: sorting compares each cell's typed
//! [`Key`] (numbers as numbers, times as times), filtering asks the source which rows match (a source over
//! interned data matches each distinct value once). The filtered, sorted order is computed with the view model
//! ([`order`], on the model task for large tables), never while drawing; [`TableState`] keeps it under a key
//! saying which data, filter and sort it belongs to. Drawing is pure: [`render`] returns the window it settled on
//! ([`TableWindow`]) for `update` to store.

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
    /// An optional column gives way first, whole, when the table does not fit (`fit::fit_widths`).
    pub optional: bool,
}

pub const fn col(title: &'static str, width: Constraint) -> Column {
    Column {
        title,
        width,
        optional: false,
    }
}

/// A column that is dropped before any other column is narrowed (the Rules column of event tables, findings' last
/// seen).
pub const fn optional(title: &'static str, width: Constraint) -> Column {
    Column {
        title,
        width,
        optional: true,
    }
}

/// What sorting compares in a cell: empty cells first, then numbers (by value), then text (byte order).
#[derive(Clone, Debug, PartialEq)]
pub enum Key<'a> {
    Empty,
    Num(f64),
    Text(Cow<'a, str>),
}

impl Key<'_> {
    fn cmp(&self, other: &Key<'_>) -> Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
    fn rank(&self) -> u8 {
        match self {
            Key::Empty => 0,
            Key::Num(_) => 1,
            Key::Text(_) => 2,
        }
    }
}

/// A filter as typed, lower-cased once: a row matches when any of its cells' text contains it, ignoring case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needle(String);

impl Needle {
    pub fn new(filter: &str) -> Needle {
        Needle(filter.to_lowercase())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Could the needle be part of an RFC 3339 UTC timestamp (`2026-11-05T14:31:02Z`)? Sources skip formatting
    /// times for needles that could not.
    pub fn is_timelike(&self) -> bool {
        self.0
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 't' | 'z'))
    }

    /// Does `text` contain the needle, ignoring case?
    pub fn found_in(&self, text: &str) -> bool {
        if self.0.is_empty() {
            return true;
        }
        if text.is_ascii() && self.0.is_ascii() {
            let n = self.0.as_bytes();
            return text.as_bytes().windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
        }
        text.to_lowercase().contains(&self.0)
    }
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
    /// What sorting by this cell compares. The default is the cell's text; sources whose cells are formatted
    /// (times, counts) give the value instead.
    fn key(&self, row: usize, col: usize) -> Key<'_> {
        match self.cell(row, col) {
            c if c.is_empty() => Key::Empty,
            c => Key::Text(c),
        }
    }
    /// The rows (in source order) any of whose cells contains the needle. The default reads every cell; sources
    /// over large, interned data override it to test each distinct value once.
    fn matching(&self, needle: &Needle) -> Vec<u32> {
        let ncols = self.columns().len();
        (0..self.len().min(u32::MAX as usize) as u32)
            .filter(|&r| (0..ncols).any(|c| needle.found_in(&self.cell(r as usize, c))))
            .collect()
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
    fn key(&self, row: usize, col: usize) -> Key<'_> {
        (**self).key(row, col)
    }
    fn matching(&self, needle: &Needle) -> Vec<u32> {
        (**self).matching(needle)
    }
}

/// The display order of `src` for a filter and a sort (`(column, descending)`): the matching rows, sorted by
/// their typed keys, ties in source order (reversed with the rest when descending). Pure; runs with the view
/// model.
pub fn order(src: &dyn TableSource, filter: &str, sort: Option<(usize, bool)>) -> Vec<u32> {
    let needle = Needle::new(filter);
    let mut rows: Vec<u32> = if needle.is_empty() {
        (0..src.len().min(u32::MAX as usize) as u32).collect()
    } else {
        src.matching(&needle)
    };
    if let Some((c, desc)) = sort {
        // Each key is computed once, not per comparison.
        let mut keyed: Vec<(Key<'_>, u32)> = rows.iter().map(|&r| (src.key(r as usize, c), r)).collect();
        // Descending is the ascending order reversed, ties (in source order) included.
        keyed.sort_by(|(ka, a), (kb, b)| {
            let o = ka.cmp(kb).then(a.cmp(b));
            if desc { o.reverse() } else { o }
        });
        rows = keyed.into_iter().map(|(_, r)| r).collect();
    }
    rows
}

/// Where a drawn table settled: its first visible row and how many rows a page holds. `render` returns it;
/// `update` stores it (paging and mouse hits use it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableWindow {
    pub offset: usize,
    pub page: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableState {
    /// Position in `order` (not a source row index).
    pub selected: usize,
    /// First visible row, as the last draw settled it.
    pub offset: usize,
    pub sort: Option<(usize, bool)>,
    pub filter: String,
    /// Source rows in display order (filtered, sorted).
    pub order: Vec<u32>,
    /// Which data, filter and sort `order` was computed for ([`TableState::order_key`]).
    key: Option<u64>,
    /// Which data (the view model's key) `order` lists rows of, even when its filter or sort is outdated.
    data: Option<u64>,
    /// Rows visible at the last draw, for paging.
    pub page: usize,
}

impl TableState {
    /// The key of the order this table needs over data `data_key`: it changes with the data, filter and sort.
    pub fn order_key(&self, data_key: u64) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (data_key, &self.filter, self.sort).hash(&mut h);
        h.finish()
    }

    /// Is the order the one `data_key` with the current filter and sort needs?
    pub fn is_current(&self, data_key: u64) -> bool {
        self.key == Some(self.order_key(data_key))
    }

    /// Does `order` list rows of `data_key` (possibly for an older filter or sort)?
    pub fn lists(&self, data_key: u64) -> bool {
        self.data == Some(data_key)
    }

    /// Take an order computed for `key` over `data_key`; an answer for another filter or sort is dropped.
    pub fn set_order(&mut self, data_key: u64, key: u64, order: Vec<u32>) -> bool {
        if key != self.order_key(data_key) {
            return false;
        }
        self.key = Some(key);
        self.data = Some(data_key);
        self.order = order;
        self.clamp();
        true
    }

    /// Until the order for the current filter and sort arrives: every row, in source order.
    pub fn set_unordered(&mut self, data_key: u64, len: usize) {
        self.key = None;
        self.data = Some(data_key);
        self.order = (0..len.min(u32::MAX as usize) as u32).collect();
        self.clamp();
    }

    /// Recompute the display order here if `data_key` (which data), the filter or the sort changed.
    pub fn refresh(&mut self, src: &dyn TableSource, data_key: u64) {
        if self.is_current(data_key) {
            return;
        }
        let o = order(src, &self.filter, self.sort);
        let key = self.order_key(data_key);
        self.set_order(data_key, key, o);
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

/// Draw the table. Only rows in the visible window are formatted. Pure: the window it settled on (scrolled so
/// the selection stays on screen) is returned for `update` to store.
pub fn render(
    f: &mut Frame,
    area: Rect,
    src: &dyn TableSource,
    state: &TableState,
    theme: &Theme,
    title: &str,
    focused: bool,
) -> TableWindow {
    let body = area.height.saturating_sub(3) as usize;
    let mut offset = state.offset;
    if state.selected < offset {
        offset = state.selected;
    } else if body > 0 && state.selected >= offset + body {
        offset = state.selected + 1 - body;
    }
    let offset = offset.min(state.order.len().saturating_sub(1));
    let window = TableWindow {
        offset,
        page: body.max(1),
    };
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
    let end = (offset + body).min(state.order.len());
    let rows = state.order[offset.min(end)..end].iter().enumerate().map(|(i, &r)| {
        let r = r as usize;
        let row = Row::new((0..cols.len()).map(|c| {
            let style = src.style(r, c).map(|s| theme.style(s)).unwrap_or_default();
            Cell::from(Span::styled(src.cell(r, c).into_owned(), style))
        }));
        if offset + i == state.selected && focused {
            row.style(theme.style(Slot::Selection))
        } else {
            row
        }
    });
    // Titles carry data (a profile's description, an error naming what was typed): sanitised here, once.
    let mut title_line = vec![Span::styled(
        format!(" {} ", sanitize::clean_max(title, 200)),
        theme.style(Slot::Title),
    )];
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
    let table = Table::new(rows, super::fit::fit_widths(cols, area.width.saturating_sub(2)))
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
    window
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
    fn key(&self, row: usize, col: usize) -> Key<'_> {
        let Some(r) = self.rows.get(row) else {
            return Key::Empty;
        };
        match (r.numbers.get(col).copied().flatten(), r.cells.get(col)) {
            (Some(n), _) => Key::Num(n),
            (None, Some(c)) if !c.is_empty() => Key::Text(Cow::Borrowed(c)),
            _ => Key::Empty,
        }
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

    #[test]
    fn keys_order_empty_then_numbers_then_text_and_descending_reverses_ties_too() {
        let s = StaticRows {
            columns: vec![col("n", Constraint::Length(4))],
            rows: vec![
                StaticRow::new(vec!["b".into()]),
                StaticRow::new(vec!["".into()]),
                StaticRow::new(vec!["2".into()]).number(0, 2.0),
                StaticRow::new(vec!["a".into()]),
                StaticRow::new(vec!["10".into()]).number(0, 10.0),
                StaticRow::new(vec!["b".into()]),
            ],
        };
        assert_eq!(order(&s, "", Some((0, false))), vec![1, 2, 4, 3, 0, 5]);
        assert_eq!(order(&s, "", Some((0, true))), vec![5, 0, 3, 4, 2, 1]);
        assert_eq!(order(&s, "", None), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn needles_ignore_case_beyond_ascii() {
        let n = Needle::new("ÄRGER");
        assert!(n.found_in("großer ärger"));
        assert!(!n.found_in("arger"));
        assert!(Needle::new("Cloud").found_in("CLOUDTRAIL"));
        assert!(Needle::new("").found_in(""));
        assert!(!Needle::new("long needle").found_in("short"));
        assert!(Needle::new("2026-11-05T14").is_timelike());
        assert!(!Needle::new("denied").is_timelike());
    }

    #[test]
    fn an_order_for_another_filter_is_not_taken() {
        let s = src();
        let mut t = TableState {
            filter: "a".into(),
            ..Default::default()
        };
        let stale = t.order_key(7);
        t.filter = "al".into();
        assert!(!t.set_order(7, stale, vec![0]));
        assert!(!t.is_current(7));
        t.set_unordered(7, s.len());
        assert_eq!(t.order, vec![0, 1, 2]);
        assert!(t.lists(7) && !t.is_current(7));
        let key = t.order_key(7);
        assert!(t.set_order(7, key, order(&s, &t.filter, t.sort)));
        assert_eq!(t.order, vec![1]);
        assert!(
            t.is_current(7) && !t.is_current(8),
            "another model's data needs its own order"
        );
    }
}
