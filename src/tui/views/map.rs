//! The world map of the New behaviour tab: where the entity's calls came from in scope (braille world map,
//! one point per place), with the places listed below.
//!
//! Known-vs-new colouring needs the baseline (45 days before the scope) from core's behaviour analytics; until
//! that lands every point is drawn as observed in scope, in the `behavior.known` slot's colour, and the legend
//! says the classification is pending rather than calling anything new.

use crate::core::geo::GeoDb;
use crate::core::model::Store;
use crate::tui::sanitize::clean;
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::Block;
use ratatui::widgets::canvas::{Canvas, Map, MapResolution, Points};
use std::collections::BTreeMap;

/// A place calls came from: label, (lat, lon), calls, distinct IPs.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRow {
    pub label: String,
    pub lat: f64,
    pub lon: f64,
    pub calls: u64,
    pub ips: Vec<String>,
}

/// Places of the events' source IPs; IPs without a place (private, AWS service, no database) are counted under
/// their class label with no coordinates.
pub fn places(store: &Store, geo: &GeoDb, items: &[u32]) -> (Vec<PlaceRow>, BTreeMap<String, u64>) {
    let mut by_ip: BTreeMap<&str, u64> = BTreeMap::new();
    for &i in items {
        if let Some(e) = store.events.get(i as usize) {
            *by_ip.entry(store.s(e.source_ip)).or_default() += 1;
        }
    }
    let mut out: Vec<PlaceRow> = Vec::new();
    let mut unplaced = BTreeMap::new();
    for (ip, n) in by_ip {
        let info = geo.lookup(ip);
        match info.place {
            Some(p) if (-90.0..=90.0).contains(&p.lat) && (-180.0..=180.0).contains(&p.lon) => {
                let label = [p.city.clone(), p.region.clone(), p.country_code.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                match out.iter_mut().find(|r| r.label == label) {
                    Some(r) => {
                        r.calls += n;
                        r.ips.push(ip.to_string());
                    }
                    None => out.push(PlaceRow {
                        label,
                        lat: p.lat,
                        lon: p.lon,
                        calls: n,
                        ips: vec![ip.to_string()],
                    }),
                }
            }
            _ => *unplaced.entry(info.class.label()).or_default() += n,
        }
    }
    (out, unplaced)
}

pub fn render(f: &mut Frame, area: Rect, rows: &[PlaceRow], theme: &Theme) {
    let coords: Vec<(f64, f64)> = rows.iter().map(|r| (r.lon, r.lat)).collect();
    let land = theme.style(Slot::MapLand).fg.unwrap_or(ratatui::style::Color::Reset);
    let point = theme
        .style(Slot::BehaviorKnown)
        .fg
        .unwrap_or(ratatui::style::Color::Reset);
    let canvas = Canvas::default()
        .block(
            Block::bordered()
                .border_style(theme.style(Slot::Border))
                .title(Span::styled(
                    " Where the calls came from (in scope) — new/known classification pending core baselines ",
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
                coords: &coords,
                color: point,
            });
        });
    f.render_widget(canvas, area);
    // Labels next to the points, drawn as text so they stay readable.
    let inner = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    for r in rows {
        if inner.width == 0 || inner.height == 0 {
            break;
        }
        let x = inner.x as f64 + (r.lon + 180.0) / 360.0 * (inner.width.saturating_sub(1)) as f64;
        let y = inner.y as f64 + (90.0 - r.lat) / 180.0 * (inner.height.saturating_sub(1)) as f64;
        let (x, y) = (x.round() as u16, y.round() as u16);
        let w = inner.right().saturating_sub(x + 1).min(24);
        if w > 0 && y < inner.bottom() {
            f.render_widget(
                Span::styled(format!("●{}", clean(&r.label)), theme.style(Slot::BehaviorKnown)),
                Rect::new(x, y, w, 1),
            );
        }
    }
}
