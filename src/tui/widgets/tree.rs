//! Boxes and arrows: a tree drawn left to right (depth = column), each node a bordered box, each edge a
//! connector from parent to child, dashed when the link is weak. Used by the chain graph.
//!
//! ```text
//! ┌ origin ──────────┐    ┌ session ─────────┐    ┌ session ─────────┐
//! │ sara (SSO user)  ├───▶│ Admin/sara       ├───▶│ DemoRole1/sara   │
//! └──────────────────┘  │ └──────────────────┘    └──────────────────┘
//!                       └▶┌ …
//! ```

use crate::tui::sanitize::clean_max;
use crate::tui::theme::{Slot, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// One node, in depth-first pre-order with its depth.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeNode {
    pub depth: usize,
    pub title: String,
    pub title_slot: Slot,
    /// Body lines (already meaningful text; sanitised when drawn).
    pub lines: Vec<(String, Slot)>,
    /// The link from the parent: label and whether it is weak (drawn dashed).
    pub edge: Option<(String, Slot, bool)>,
}

pub const BOX_W: u16 = 36;
pub const GAP: u16 = 4;

/// Top-left cell of every node's box, in tree coordinates (before scrolling): the first child sits level with
/// its parent, later children below the parent's whole subtree.
pub fn positions(nodes: &[TreeNode]) -> Vec<(u16, u16)> {
    let h = box_h(nodes);
    let mut out: Vec<(u16, u16)> = Vec::with_capacity(nodes.len());
    let mut next_row = 0u16;
    for (i, n) in nodes.iter().enumerate() {
        let first_child = i > 0 && nodes[i - 1].depth + 1 == n.depth;
        let row = if first_child { out[i - 1].1 } else { next_row };
        out.push(((n.depth as u16).saturating_mul(BOX_W + GAP), row));
        next_row = next_row.max(row.saturating_add(h + 1));
    }
    out
}

fn box_h(nodes: &[TreeNode]) -> u16 {
    nodes.iter().map(|n| n.lines.len()).max().unwrap_or(0) as u16 + 3
}

/// Total height of the drawing.
pub fn height(nodes: &[TreeNode]) -> u16 {
    positions(nodes)
        .iter()
        .map(|p| p.1)
        .max()
        .map_or(0, |m| m + box_h(nodes))
}

/// Draw the tree into `area`, scrolled so `selected` is visible; the selected box gets the focus border.
pub fn render(f: &mut Frame, area: Rect, nodes: &[TreeNode], selected: usize, theme: &Theme) {
    let pos = positions(nodes);
    let h = box_h(nodes);
    let sel = pos.get(selected).copied().unwrap_or((0, 0));
    let scroll_y = (sel.1 + h).saturating_sub(area.height);
    let scroll_x = (sel.0 + BOX_W).saturating_sub(area.width);
    let place = |x: u16, y: u16, w: u16, hh: u16| -> Option<Rect> {
        let (x, y) = (x.checked_sub(scroll_x)?, y.checked_sub(scroll_y)?);
        if x >= area.width || y >= area.height {
            return None;
        }
        Some(Rect::new(
            area.x + x,
            area.y + y,
            w.min(area.width - x),
            hh.min(area.height - y),
        ))
    };
    // Connectors first, boxes over them.
    let mut parents: Vec<usize> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        parents.truncate(n.depth);
        if let Some(&p) = parents.last()
            && let Some((_, slot, weak)) = &n.edge
        {
            let (px, py) = pos[p];
            let (cx, cy) = pos[i];
            let style = theme.style(*slot);
            let (hz, vt) = if *weak { ('┄', '┆') } else { ('─', '│') };
            let x0 = px + BOX_W;
            let elbow = x0 + 1;
            let y0 = py + 1;
            let y1 = cy + 1;
            let buf = f.buffer_mut();
            let mut put = |x: u16, y: u16, c: char| {
                if let Some(r) = place(x, y, 1, 1) {
                    buf[(r.x, r.y)].set_char(c).set_style(style);
                }
            };
            put(x0, y0, hz);
            for y in y0 + 1..y1 {
                put(elbow, y, vt);
            }
            if y1 > y0 {
                put(elbow, y1, '└');
            } else {
                put(elbow, y0, hz);
            }
            for x in elbow + 1..cx - 1 {
                put(x, y1, hz);
            }
            put(cx - 1, y1, '▶');
        }
        parents.push(i);
    }
    for (i, n) in nodes.iter().enumerate() {
        let (x, y) = pos[i];
        let Some(r) = place(x, y, BOX_W, h) else { continue };
        let border = if i == selected {
            Slot::BorderFocused
        } else {
            Slot::Border
        };
        let mut lines: Vec<Line> = Vec::new();
        if let Some((label, slot, weak)) = &n.edge {
            let mark = if *weak { "◀┄ " } else { "◀─ " };
            lines.push(Line::styled(
                format!("{mark}{}", clean_max(label, 60)),
                theme.style(*slot),
            ));
        }
        for (text, slot) in &n.lines {
            lines.push(Line::styled(clean_max(text, 120).into_owned(), theme.style(*slot)));
        }
        let block = Block::bordered().border_style(theme.style(border)).title(Span::styled(
            format!(" {} ", clean_max(&n.title, BOX_W as usize - 6)),
            theme.style(n.title_slot),
        ));
        f.render_widget(ratatui::widgets::Clear, r);
        f.render_widget(Paragraph::new(lines).block(block), r);
    }
}
