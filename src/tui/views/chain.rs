//! The chain graph: from the origin (the person, service or outside account) through every assumption hop to the
//! top-most known session, then every session started below it, across accounts — each link labelled with the
//! rule that made it (`core::graph::Link`), weak links dashed, unknown origins said plainly.

use super::ViewCtx;
use crate::core::broker::{BrokerAnalysis, BrokerLink};
use crate::core::graph::tags::TagIssueKind;
use crate::core::graph::{ChainHop, Link, OriginKind, OriginView, SessionGraph};
use crate::core::model::Store;
use crate::tui::app::Drawn;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use crate::tui::widgets::tree::TreeNode;
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};

#[derive(Clone, Debug, PartialEq)]
pub struct ChainModel {
    pub nodes: Vec<TreeNode>,
    pub targets: Vec<Option<ViewSpec>>,
    /// Index of the node for the session the view was opened on.
    pub focus: usize,
}

/// How a link reads and looks.
pub fn link_label(link: Option<Link>) -> (&'static str, Slot, bool) {
    match link {
        Some(Link::AccessKey) => ("exact access key", Slot::EdgeStrong, false),
        Some(Link::PrincipalTime) => ("principal + time", Slot::EdgeMedium, false),
        Some(Link::NameTime) => ("name + time (weak)", Slot::EdgeWeak, true),
        None => ("creation not in the loaded logs", Slot::PrincipalUnknown, true),
    }
}

/// How a broker's grant reads and looks (`core::broker::BrokerLink`): its own kind and confidence, weak dashed.
pub fn broker_label(link: BrokerLink) -> (&'static str, Slot, bool) {
    match link {
        BrokerLink::BrokerRequest => ("broker, approved", Slot::EdgeStrong, false),
        BrokerLink::BrokerRole => ("broker role (medium)", Slot::EdgeMedium, false),
        BrokerLink::NamePattern => ("broker name (weak)", Slot::EdgeWeak, true),
    }
}

/// The label of a hop: a broker's grant when a broker granted it, else the assumption's link.
pub fn hop_label(h: &ChainHop) -> (&'static str, Slot, bool) {
    match h.broker_link {
        Some(b) => broker_label(b),
        None => link_label(h.link),
    }
}

pub fn origin_node(o: &OriginView) -> (TreeNode, Option<ViewSpec>) {
    let (slot, target) = match o.kind {
        OriginKind::Unknown => (Slot::PrincipalUnknown, None),
        // A requester is known from the broker, not as a principal of the logs: nothing to open.
        OriginKind::BrokerRequester => (Slot::Title, None),
        OriginKind::AwsAccount => (Slot::PrincipalExternal, o.account.clone().map(ViewSpec::Account)),
        _ => (
            Slot::Title,
            o.arn
                .clone()
                .or(o.principal_id.clone())
                .or(o.name.clone())
                .map(ViewSpec::Principal),
        ),
    };
    let title = o
        .name
        .clone()
        .or(o.account.clone())
        .unwrap_or_else(|| o.kind.to_string());
    let mut lines = vec![match o.kind {
        OriginKind::BrokerRequester => ("requester through an elevated-access broker".into(), Slot::TextDim),
        _ => (
            format!("account {}", o.account.as_deref().unwrap_or("?")),
            Slot::TextDim,
        ),
    }];
    if let Some(u) = &o.user_id {
        lines.push((format!("Identity Center user id {u}"), Slot::TextAccent));
    }
    lines.push((
        o.description.clone(),
        if o.logs_loaded {
            Slot::Text
        } else {
            Slot::PrincipalUnknown
        },
    ));
    let node = TreeNode {
        depth: 0,
        title,
        title_slot: slot,
        lines,
        edge: None,
    };
    (node, target)
}

fn hop_node(h: &ChainHop, depth: usize, focus: bool) -> TreeNode {
    let role = h.role_arn.as_deref().unwrap_or("?");
    let title = match &h.root_task {
        Some(task) => format!("root/{}", task),
        None => format!(
            "{}/{}",
            role.rsplit('/').next().unwrap_or(role),
            h.session_name.as_deref().unwrap_or("?")
        ),
    };
    let (label, slot, weak) = hop_label(h);
    let mut lines = vec![(
        h.access_key_id.clone().unwrap_or_else(|| "(no key)".into()),
        Slot::TextAccent,
    )];
    lines.push((
        format!("account {}", h.account.as_deref().unwrap_or("?")),
        Slot::TextDim,
    ));
    lines.push((h.assumed_at.clone().unwrap_or_default(), Slot::TextDim));
    if h.source_identity_break {
        lines.push(("source identity dropped/changed here".into(), Slot::StatusWarning));
    }
    if let Some(ps) = crate::core::graph::identity_center::permission_set(role) {
        lines.push((format!("permission set {ps}"), Slot::Text));
    }
    if let Some(p) = &h.provided_context {
        let provider = p.rsplit('/').next().unwrap_or(p);
        lines.push((format!("propagated by {provider}"), Slot::TextAccent));
    }
    for i in &h.tag_issues {
        let what = match i.kind {
            TagIssueKind::TransitiveChanged => "changed",
            TagIssueKind::TransitiveDropped => "dropped",
            TagIssueKind::Retagged => "retagged",
            TagIssueKind::NewValue => "new value",
        };
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "∅".into());
        lines.push((
            format!("tag {} {what} {}→{}", i.key, v(&i.was), v(&i.now)),
            Slot::StatusWarning,
        ));
    }
    TreeNode {
        depth,
        title,
        title_slot: if focus { Slot::BehaviorNew } else { Slot::Title },
        lines,
        edge: Some((label.to_string(), slot, weak)),
    }
}

pub fn build(store: &Store, graph: &SessionGraph, brokers: &BrokerAnalysis, key: &str) -> ChainModel {
    let mut m = ChainModel {
        nodes: Vec::new(),
        targets: Vec::new(),
        focus: 0,
    };
    let Some(s) = graph.session_by_key(store, key) else {
        m.nodes.push(TreeNode {
            depth: 0,
            title: key.to_string(),
            title_slot: Slot::PrincipalUnknown,
            lines: vec![("no session with this key in the loaded logs".into(), Slot::TextDim)],
            edge: None,
        });
        m.targets.push(None);
        return m;
    };
    // One trace gives the origin, the path from the top-most known session down to this one, and what it started.
    let mut t = graph.trace(store, s, crate::core::time::Scope::new(0, 0));
    brokers.annotate_trace(store, graph, s, &mut t);
    let (mut on, ot) = origin_node(&t.origin);
    if let Some(b) = &t.broker
        && let (Some(link), Some(c)) = (b.link, b.confidence)
    {
        // Boxes are narrow: the requester's box says what kind of link names them, the sentence is in details.
        let (_, slot, _) = broker_label(link);
        on.lines = vec![
            ("requester via broker".into(), Slot::TextDim),
            (format!("{c} link ({link})"), slot),
        ];
    }
    m.nodes.push(on);
    m.targets.push(ot);
    let hop_target = |h: &ChainHop| h.access_key_id.clone().map(ViewSpec::Session);
    for (d, h) in t.chain.iter().enumerate() {
        let here = h.session == s;
        if here {
            m.focus = m.nodes.len();
        }
        let mut node = hop_node(h, d + 1, here);
        if h.broker_link.is_some() {
            broker_lines(brokers, store, graph, h, &mut node);
        }
        m.nodes.push(node);
        m.targets.push(hop_target(h));
    }
    let base = t.chain.len();
    for h in &t.children {
        m.nodes.push(hop_node(h, base + h.depth.unwrap_or(1) as usize, false));
        m.targets.push(hop_target(h));
    }
    m
}

/// The broker's answer for a granted hop, under its box: requester, approval, approver.
fn broker_lines(brokers: &BrokerAnalysis, store: &Store, graph: &SessionGraph, h: &ChainHop, node: &mut TreeNode) {
    let Some(v) = brokers.view(store, graph, h.session) else {
        return;
    };
    node.lines.push((
        format!("for {}", v.requester.as_deref().unwrap_or("(no requester named)")),
        Slot::TextAccent,
    ));
    let approver = v
        .request
        .as_ref()
        .and_then(|r| r.approver.as_deref())
        .map(|a| format!(", approver {a}"))
        .unwrap_or_default();
    node.lines.push((
        v.approval.to_string(),
        if v.approval.is_breach() {
            Slot::StatusWarning
        } else {
            Slot::TextDim
        },
    ));
    if !approver.is_empty() {
        node.lines
            .push((approver.trim_start_matches(", ").to_string(), Slot::TextDim));
    }
}

/// The chain's nodes as a table source (selection and Enter work like every other list).
pub fn rows(model: &ChainModel) -> StaticRows {
    StaticRows {
        columns: vec![col("Depth", Length(6)), col("Node", Fill(1))],
        rows: model
            .nodes
            .iter()
            .zip(&model.targets)
            .map(|(n, t)| StaticRow::new(vec![n.depth.to_string(), n.title.clone()]).target(t.clone()))
            .collect(),
    }
}

/// The legend over the boxes, the selected box focused.
pub fn render(f: &mut Frame, area: Rect, ctx: &ViewCtx) -> Drawn {
    let theme = ctx.theme;
    let [legend, rest] = Layout::vertical([Length(1), Fill(1)]).areas(area);
    f.render_widget(
        Line::from(vec![
            Span::styled(" links: ", theme.style(Slot::TextDim)),
            Span::styled("── exact access key", theme.style(Slot::EdgeStrong)),
            Span::styled("  ── principal + time", theme.style(Slot::EdgeMedium)),
            Span::styled("  ┄┄ name + time (weak)", theme.style(Slot::EdgeWeak)),
            Span::styled("   j/k select · Enter opens", theme.style(Slot::TextDim)),
        ]),
        legend,
    );
    if let Some(model) = &ctx.model().chain {
        crate::tui::widgets::tree::render(f, rest, &model.nodes, ctx.frame().table.selected, theme);
    }
    Drawn::default()
}
