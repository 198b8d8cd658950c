//! The geo-fence view: `core::policy::fence`'s review of the scope (or of the profile view it was opened from) —
//! the fence and the counts above, the places outside the fence on the world map, and one row per principal,
//! address and session with calls from outside (allowed in the critical colour, denied in the low one, unknown
//! dimmed), then the calls AWS services made on the principals' behalf. Enter pivots to the session, else the
//! principal.
//!
//! ```text
//! ┌ Geo-fence: countries=US cidrs=… ─────────────────┐
//! └──────────────────────────────────────────────────┘
//! ┌ Places outside the fence (map) ──────────────────┐
//! ┌ Calls from outside (table) ──────────────────────┐
//! ```

use super::ViewCtx;
use super::map::{Layer, PlaceRow};
use crate::core::behavior;
use crate::core::dataset::Dataset;
use crate::core::policy::fence::{self, Fence, FenceSource, GeofenceReport, RawEndpoints, Standing};
use crate::core::time::Scope;
use crate::tui::app::{Drawn, StyledLine};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length, Percentage};
use ratatui::layout::{Layout, Rect};
use std::collections::BTreeMap;

/// What the view says when no fence is known.
pub const NO_FENCE: &str = "no fence: start trailhound with --allow-countries / --allow-cidrs / --policy FILE, or type :geofence US GB 203.0.113.0/24";

/// The review the view shows: the spec's fence (else the command line's), over the spec's profile (else every
/// principal), in `scope`.
pub fn report(
    data: &Dataset,
    app_fence: Option<&Fence>,
    spec: &ViewSpec,
    scope: Scope,
) -> Result<GeofenceReport, String> {
    let ViewSpec::Geofence { fence: text, profile } = spec else {
        return Err("not a geo-fence view".into());
    };
    let f = match (text, app_fence) {
        (Some(t), _) => Fence::parse_text(t, FenceSource::Flags).map_err(|e| e.to_string())?,
        (None, Some(f)) => f.clone(),
        (None, None) => return Err(NO_FENCE.into()),
    };
    let (store, graph, ix) = (data.store(), data.graph(), data.behavior());
    let sel = match profile.as_deref() {
        Some(p) => {
            let p = super::behavior::profile_of(p).ok_or("that view is not a profile")?;
            Some(behavior::select(&p, store, graph, ix).map_err(|e| e.to_string())?)
        }
        None => None,
    };
    Ok(fence::review(data, &f, scope, sel.as_ref(), &RawEndpoints::new(store)))
}

/// The panel above the map: the fence, what it covers, the counts.
pub fn header(r: &Result<GeofenceReport, String>) -> Vec<StyledLine> {
    let r = match r {
        Ok(r) => r,
        Err(e) => return vec![StyledLine(vec![(format!(" {}", clean(e)), Some(Slot::StatusError))])],
    };
    let source = match &r.fence.source {
        FenceSource::Flags => "flags".to_string(),
        FenceSource::Policy { file } => format!("policy {}", clean(file)),
    };
    let covers = if r.fence.roles.is_empty() {
        "every principal".to_string()
    } else {
        format!("{} role(s)", r.fence.roles.len())
    };
    let t = &r.totals;
    let mut counts = vec![
        (format!(" {} calls covered: ", t.covered), Some(Slot::TextDim)),
        (format!("{} inside  ", t.inside), None),
        (
            format!("{} ALLOWED from outside  ", t.allowed_outside),
            Some(if t.allowed_outside > 0 {
                Slot::SeverityCritical
            } else {
                Slot::Text
            }),
        ),
        (format!("{} denied  ", t.denied_outside), Some(Slot::SeverityLow)),
        (format!("{} unknown  ", t.unknown), Some(Slot::TextDim)),
        (
            format!("{} on their behalf by AWS services", t.on_behalf),
            Some(Slot::TextDim),
        ),
    ];
    if t.not_covered > 0 {
        counts.push((format!("  ({} not covered)", t.not_covered), Some(Slot::TextDim)));
    }
    let mut lines = vec![
        StyledLine(vec![
            (" fence: ".into(), Some(Slot::TextDim)),
            (clean(&r.fence.to_text()).into_owned(), Some(Slot::TextAccent)),
            (
                format!("  ({source}; covers {covers}; service calls "),
                Some(Slot::TextDim),
            ),
            (
                if r.fence.service_calls_exempt {
                    "exempt)"
                } else {
                    "not exempt)"
                }
                .into(),
                Some(Slot::TextDim),
            ),
        ]),
        StyledLine(counts),
    ];
    if let Some(p) = &r.profile {
        lines.push(StyledLine::kv(8, "profile", &p.description, Slot::Text));
    }
    for n in &r.fence.notes {
        lines.push(StyledLine(vec![(
            format!(" note: {}", clean(n)),
            Some(Slot::StatusWarning),
        )]));
    }
    lines
}

const COLUMNS: usize = 9;

/// One row per principal, address and session outside the fence, then the calls on their behalf.
pub fn rows(r: &Result<GeofenceReport, String>) -> StaticRows {
    let columns = vec![
        col("Standing", Length(9)),
        col("Principal", Fill(2)),
        col("Address", Fill(3)),
        col("Place", Fill(2)),
        col("AS organisation", Fill(1)),
        col("Allowed", Length(7)),
        col("Denied", Length(6)),
        col("Session", Length(20)),
        col("Last seen (UTC)", Length(20)),
    ];
    let mut rows = Vec::new();
    let Ok(r) = r else {
        return StaticRows { columns, rows };
    };
    for p in &r.principals {
        let principal = clean(&p.principal.label).into_owned();
        let to_principal = ViewSpec::from_entity(&p.principal.entity);
        for s in &p.sources {
            let (standing, slot) = match (s.standing, s.allowed > 0) {
                (Standing::Outside, true) => ("ALLOWED", Slot::SeverityCritical),
                (Standing::Outside, false) => ("denied", Slot::SeverityLow),
                _ => ("unknown", Slot::TextDim),
            };
            // The country first: it is what the fence judges, and it survives a narrow column.
            let place = match (&s.city, &s.country) {
                (Some(c), Some(cc)) => format!("{cc} {c}"),
                (None, Some(cc)) => cc.clone(),
                _ => "unknown".into(),
            };
            let asn = match (&s.asn, &s.as_org) {
                (Some(n), Some(o)) => format!("AS{n} {o}"),
                _ => "unknown".into(),
            };
            let target = match &s.session {
                Some(k) => Some(ViewSpec::Session(k.clone())),
                None => to_principal.clone(),
            };
            rows.push(
                StaticRow::new(vec![
                    standing.into(),
                    principal.clone(),
                    clean(&s.address).into_owned(),
                    clean(&place).into_owned(),
                    clean(&asn).into_owned(),
                    s.allowed.to_string(),
                    s.denied.to_string(),
                    clean(s.session.as_deref().unwrap_or("")).into_owned(),
                    s.last_seen.clone(),
                ])
                .style(0, slot)
                .style(3, if s.country.is_some() { Slot::Text } else { Slot::TextDim })
                .style(8, Slot::TextDim)
                .number(5, s.allowed as f64)
                .number(6, s.denied as f64)
                .target(target),
            );
        }
    }
    for p in &r.principals {
        for s in &p.on_behalf {
            rows.push(
                StaticRow::new(vec![
                    "on behalf".into(),
                    clean(&p.principal.label).into_owned(),
                    clean(&s.service).into_owned(),
                    String::new(),
                    String::new(),
                    s.allowed.to_string(),
                    s.denied.to_string(),
                    String::new(),
                    s.last_seen.clone(),
                ])
                .style(0, Slot::TextDim)
                .style(2, Slot::TextDim)
                .style(8, Slot::TextDim)
                .number(5, s.allowed as f64)
                .number(6, s.denied as f64)
                .target(ViewSpec::from_entity(&p.principal.entity)),
            );
        }
    }
    debug_assert!(rows.iter().all(|r| r.cells.len() == COLUMNS));
    StaticRows { columns, rows }
}

/// The New behaviour map's places whose every address is outside `fence` (judged as the review judges them;
/// unknown is not outside).
pub fn outside_places(
    r: &crate::core::behavior::BehaviorReport,
    fence: &Fence,
    geo: &crate::core::geo::GeoDb,
) -> Vec<String> {
    r.known_geolocations
        .iter()
        .chain(&r.new_geolocations)
        .filter(|g| {
            !g.addresses.is_empty()
                && g.addresses
                    .iter()
                    .all(|a| fence::judge::judge_address(fence, geo, a).standing == Standing::Outside)
        })
        .map(|g| g.label.clone())
        .collect()
}

/// The profile overview's row that opens the profile's own review against the command line's fence.
pub fn pivot_row(spec: &ViewSpec) -> StaticRow {
    StaticRow::new(vec!["geo-fence".into(), "calls from outside the fence (Enter)".into()])
        .style(0, Slot::TextDim)
        .style(1, Slot::TextAccent)
        .target(Some(ViewSpec::Geofence {
            fence: None,
            profile: Some(Box::new(spec.clone())),
        }))
}

/// Places outside the fence: where calls were allowed from, and where they were only denied.
pub fn places(r: &GeofenceReport) -> (Vec<PlaceRow>, Vec<PlaceRow>) {
    // (label, lat, lon) → (allowed, denied, addresses)
    let mut by_place: BTreeMap<String, (f64, f64, u64, u64, Vec<String>)> = BTreeMap::new();
    for s in r.principals.iter().flat_map(|p| &p.sources) {
        let (Standing::Outside, Some((lat, lon))) = (s.standing, s.coords) else {
            continue;
        };
        let label = match (&s.city, &s.country) {
            (Some(c), Some(cc)) => format!("{c}, {cc}"),
            (None, Some(cc)) => cc.clone(),
            _ => s.address.clone(),
        };
        let e = by_place.entry(label).or_insert((lat, lon, 0, 0, Vec::new()));
        e.2 += s.allowed;
        e.3 += s.denied;
        if !e.4.contains(&s.address) {
            e.4.push(s.address.clone());
        }
    }
    let (mut allowed, mut denied) = (Vec::new(), Vec::new());
    for (label, (lat, lon, a, d, ips)) in by_place {
        let row = PlaceRow {
            label,
            lat,
            lon,
            calls: a + d,
            ips,
        };
        if a > 0 { allowed.push(row) } else { denied.push(row) }
    }
    (allowed, denied)
}

/// The fence and counts, the map of places outside it, and the table.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let header = &ctx.model().header;
    let height = (header.len() as u16 + 2).min(area.height / 3).max(3);
    let [top, map_area, list] = Layout::vertical([Length(height), Percentage(40), Fill(1)]).areas(area);
    super::panel(f, top, header, ctx.theme, &ctx.spec().crumb());
    match ctx.model().geofence.as_deref() {
        Some(Ok(r)) => {
            let (allowed, denied) = places(r);
            let layers = [
                Layer {
                    rows: &denied,
                    slot: Slot::SeverityLow,
                    tag: "DENIED ",
                },
                Layer {
                    rows: &allowed,
                    slot: Slot::SeverityCritical,
                    tag: "OUT ",
                },
            ];
            super::map::render_layers(
                f,
                map_area,
                &layers,
                "Places outside the fence: ● allowed ● only denied",
                ctx.theme,
            );
        }
        _ => super::map::render_layers(f, map_area, &[], "Places outside the fence", ctx.theme),
    }
    super::draw_table(f, list, ctx, "Calls from outside the fence (Enter: the session)")
}
