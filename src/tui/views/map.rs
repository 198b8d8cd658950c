//! The world map: places calls came from, in layers each with its theme slot and label tag — the New behaviour
//! tab's known (seen in the baseline, `behavior.known`) and new (`behavior.new`) places, the geo-fence view's places
//! outside the fence (allowed from there: `severity.critical`, only denied: `severity.low`). Classification comes
//! from `core::behavior` and `core::policy::fence`; this module only draws.

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

/// One layer of points: the places, their slot and the tag their labels start with (`"NEW "`, `"OUT "`).
pub struct Layer<'a> {
    pub rows: &'a [PlaceRow],
    pub slot: Slot,
    pub tag: &'static str,
}

/// The New behaviour tab's map: known places, then new ones (tagged `NEW`).
pub fn render(f: &mut Frame, area: Rect, known: &[PlaceRow], new: &[PlaceRow], title: &str, theme: &Theme) {
    let layers = [
        Layer {
            rows: known,
            slot: Slot::BehaviorKnown,
            tag: "",
        },
        Layer {
            rows: new,
            slot: Slot::BehaviorNew,
            tag: "NEW ",
        },
    ];
    render_layers(f, area, &layers, title, theme);
}

/// The map with `layers` drawn in order (later layers win where labels overlap).
pub fn render_layers(f: &mut Frame, area: Rect, layers: &[Layer], title: &str, theme: &Theme) {
    let colour = |s: Slot| theme.style(s).fg.unwrap_or(Color::Reset);
    let land = colour(Slot::MapLand);
    let points: Vec<(Vec<(f64, f64)>, Color)> = layers
        .iter()
        .map(|l| {
            (
                l.rows.iter().filter(|r| valid(r)).map(|r| (r.lon, r.lat)).collect(),
                colour(l.slot),
            )
        })
        .collect();
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
            for (coords, color) in &points {
                ctx.draw(&Points { coords, color: *color });
            }
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
    let labelled = layers
        .iter()
        .flat_map(|l| l.rows.iter().map(move |r| (r, l.slot, l.tag)));
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
