//! Column widths on narrow terminals: which columns give way so a table row never loses the principal it is
//! about. Pure arithmetic over the declared widths; the table widget calls it on every draw.

use super::table::Column;
use ratatui::layout::Constraint;

/// Narrowest an identity (`Fill`) column is squeezed to before fixed columns give way.
const MIN_FILL: u16 = 24;
/// Narrowest a fixed (`Length`) column is shortened to before it is dropped.
const MIN_FIXED: u16 = 8;

/// Column widths for `inner` cells of width: as declared when they fit. On a narrow terminal the identity column
/// (the first `Fill`: who, what) keeps at least [`MIN_FILL`] cells and further `Fill` columns [`MIN_FIXED`]; the fixed columns (times, counts, labels) are
/// shortened, widest first, down to [`MIN_FIXED`], and then dropped from the right, so a row never loses the
/// principal it is about.
pub fn fit_widths(cols: &[Column], inner: u16) -> Vec<Constraint> {
    let mut widths: Vec<Constraint> = cols.iter().map(|c| c.width).collect();
    let spacing = cols.len().saturating_sub(1) as u16;
    // Optional columns give way first, whole and from the right, while the rest does not fit as declared.
    for i in (0..cols.len()).rev() {
        if fits(&widths, spacing, inner) {
            break;
        }
        if cols[i].optional {
            widths[i] = Constraint::Length(0);
        }
    }
    let fills = widths.iter().filter(|w| matches!(w, Constraint::Fill(_))).count() as u16;
    if fills == 0 {
        return widths;
    }
    // The first fill column is the identity one (caller, principal); further fill columns get a fixed column's floor.
    let need = MIN_FILL
        .saturating_add(MIN_FIXED.saturating_mul(fills - 1))
        .saturating_add(spacing);
    let fixed = |w: &[Constraint]| -> u16 {
        w.iter()
            .map(|c| match c {
                Constraint::Length(n) => *n,
                _ => 0,
            })
            .fold(0u16, u16::saturating_add)
    };
    // Shorten the widest fixed column one cell at a time while it is above the floor.
    while fixed(&widths).saturating_add(need) > inner {
        let widest = widths
            .iter_mut()
            .filter_map(|c| match c {
                Constraint::Length(n) if *n > MIN_FIXED => Some(n),
                _ => None,
            })
            .max_by_key(|n| **n);
        match widest {
            Some(n) => *n -= 1,
            None => break,
        }
    }
    // Then drop fixed columns from the right.
    for i in (0..widths.len()).rev() {
        if fixed(&widths).saturating_add(need) <= inner {
            break;
        }
        if matches!(widths[i], Constraint::Length(_)) {
            widths[i] = Constraint::Length(0);
        }
    }
    widths
}

/// Do `widths` fit in `inner` as declared, the fill columns at their floors?
fn fits(widths: &[Constraint], spacing: u16, inner: u16) -> bool {
    let fills = widths.iter().filter(|w| matches!(w, Constraint::Fill(_))).count() as u16;
    let floors = match fills {
        0 => 0,
        n => MIN_FILL.saturating_add(MIN_FIXED.saturating_mul(n - 1)),
    };
    let fixed = widths
        .iter()
        .map(|c| match c {
            Constraint::Length(n) => *n,
            _ => 0,
        })
        .fold(0u16, u16::saturating_add);
    fixed.saturating_add(floors).saturating_add(spacing) <= inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::widgets::table::col;

    #[test]
    fn narrow_tables_keep_their_identity_columns() {
        use Constraint::{Fill, Length};
        let cols = vec![
            col("Relation", Length(14)),
            col("Session / principal", Fill(3)),
            col("Key / calls", Length(21)),
            col("Time (UTC)", Length(20)),
            col("Link / severity", Length(22)),
        ];
        // Wide enough: as declared.
        assert_eq!(fit_widths(&cols, 118), cols.iter().map(|c| c.width).collect::<Vec<_>>());
        // 80 columns (78 inside the border): the identity column keeps 24 cells, the others shrink, widest first.
        let w = fit_widths(&cols, 78);
        let fixed: u16 = w.iter().map(|c| if let Length(n) = c { *n } else { 0 }).sum();
        assert!(fixed + 24 + 4 <= 78, "{w:?}");
        assert!(matches!(w[1], Fill(3)));
        assert!(
            w.iter().all(|c| !matches!(c, Length(n) if *n != 0 && *n < MIN_FIXED)),
            "{w:?}"
        );
        // Very narrow: fixed columns go from the right; the first ones stay longest.
        let w = fit_widths(&cols, 40);
        assert_eq!(w[4], Length(0), "{w:?}");
        assert!(matches!(w[1], Fill(3)));
        // A table with no identity column is left alone.
        let plain = vec![col("a", Length(30)), col("b", Length(30))];
        assert_eq!(fit_widths(&plain, 20), vec![Length(30), Length(30)]);
    }

    #[test]
    fn optional_columns_give_way_before_any_other_is_narrowed() {
        use crate::tui::widgets::table::optional;
        use Constraint::{Fill, Length};
        let cols = vec![
            col("Time", Length(20)),
            col("Caller", Fill(2)),
            optional("Rules", Fill(2)),
            col("Resource", Fill(1)),
            optional("Last", Length(10)),
        ];
        // Room for everything: as declared.
        assert_eq!(fit_widths(&cols, 100), cols.iter().map(|c| c.width).collect::<Vec<_>>());
        // 20 + 10 + floors 24 + 8 + 8 + 4 spaces = 74: one cell short drops the rightmost optional column only.
        assert_eq!(
            fit_widths(&cols, 73),
            vec![Length(20), Fill(2), Fill(2), Fill(1), Length(0)]
        );
        // Shorter: the optional fill goes too, and the time column keeps its width as long as it can.
        assert_eq!(
            fit_widths(&cols, 57),
            vec![Length(20), Fill(2), Length(0), Fill(1), Length(0)]
        );
        let w = fit_widths(&cols, 50);
        assert_eq!((w[2], w[4]), (Length(0), Length(0)));
        assert!(
            matches!(w[0], Length(n) if n < 20),
            "only then is a required column narrowed: {w:?}"
        );
    }
}
