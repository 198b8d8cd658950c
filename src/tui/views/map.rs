//! The world map of the New behaviour tab: places the profile's calls came from, known ones (seen in the
//! baseline) in the `behavior.known` colour and new ones in `behavior.new`, each labelled. Classification comes
//! from `core::behavior`; this module only draws.

use crate::tui::sanitize::clean;
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::Block;
use ratatui::widgets::canvas::{Canvas, Map, MapResolution, Points};

/// A place calls came from: label, (lat, lon), calls in scope, the addresses.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRow {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
    pub calls: u64,
    pub ips: Vec<String>,
}

fn valid(r: &PlaceRow) -> bool {
    (-90.0..=90.0).contains(&r.lat) && (-180.0..=180.0).contains(&r.lon)
}

pub fn render(f: &mut Frame, area: Rect, known: &[PlaceRow], new: &[PlaceRow], title: &str, theme: &Theme) {
    let coords =
        |rows: &[PlaceRow]| -> Vec<(f64, f64)> { rows.iter().filter(|r| valid(r)).map(|r| (r.lon, r.lat)).collect() };
    let (known_xy, new_xy) = (coords(known), coords(new));
    let colour = |s: Slot| theme.style(s).fg.unwrap_or(Color::Reset);
    let (land, known_c, new_c) = (
        colour(Slot::MapLand),
        colour(Slot::BehaviorKnown),
        colour(Slot::BehaviorNew),
    );
    let canvas = Canvas::default()
        .block(
            Block::bordered()
                .border_style(theme.style(Slot::Border))
                .title(Span::styled(
                    format!(" {} ", crate::tui::sanitize::clean_max(title, 200)),
                    theme.style(Slot::Title),
                )),
        )
        .marker(Marker::Braille)
        .x_bounds([-180.0, 180.0])
        .y_bounds([-90.0, 90.0])
        .paint(move |ctx| {
            ctx.draw(&Map {
                resolution: MapResolution::High,
                color: land,
            });
            ctx.layer();
            ctx.draw(&Points {
                coords: &known_xy,
                color: known_c,
            });
            ctx.draw(&Points {
                coords: &new_xy,
                color: new_c,
            });
        });
    f.render_widget(canvas, area);
    // Labels next to the points, drawn as text so they stay readable; new places last, so they win overlaps.
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let labelled = known
        .iter()
        .map(|r| (r, Slot::BehaviorKnown, ""))
        .chain(new.iter().map(|r| (r, Slot::BehaviorNew, "NEW ")));
    for (r, slot, tag) in labelled {
        if !valid(r) {
            continue;
        }
        let x = inner.x as f64 + (r.lon + 180.0) / 360.0 * (inner.width.saturating_sub(1)) as f64;
        let y = inner.y as f64 + (90.0 - r.lat) / 180.0 * (inner.height.saturating_sub(1)) as f64;
        let (x, y) = (x.round() as u16, y.round() as u16);
        let w = inner.right().saturating_sub(x).min(30);
        if w > 0 && y < inner.bottom() {
            let text = format!("●{tag}{}", clean(&r.label));
            f.render_widget(Span::styled(text, theme.style(slot)), Rect::new(x, y, w, 1));
        }
    }
}
