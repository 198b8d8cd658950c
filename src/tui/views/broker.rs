//! The broker's answer in a session's details panel, the verdict first (it must show on a small terminal): who asked, through which broker (with the link's
//! confidence), what the request log says, who approved and why. Flags are the trace's own (`core::broker::view`).

use crate::core::broker::view::BrokerView;
use crate::tui::app::StyledLine;
use crate::tui::theme::Slot;

/// `label: value` lines for `b`, appended to `lines`.
pub fn details(b: &BrokerView, lines: &mut Vec<StyledLine>, kv: &dyn Fn(&str, String, Slot) -> StyledLine) {
    let after = match (b.calls_after_expiry, &b.first_call_after_expiry) {
        (0, _) => String::new(),
        (n, Some(t)) => format!(", {n} calls after expiry from {t}"),
        (n, None) => format!(", {n} calls after expiry"),
    };
    lines.push(kv(
        "approval",
        format!("{}{after}", b.approval),
        if b.approval.is_breach() {
            Slot::StatusWarning
        } else {
            Slot::Text
        },
    ));
    lines.push(kv(
        "requester",
        b.requester.clone().unwrap_or_else(|| "(not named)".into()),
        Slot::TextAccent,
    ));
    if let (Some(link), Some(c)) = (b.link, b.confidence) {
        let (_, slot, _) = super::chain::broker_label(link);
        let role = b.broker_role_arn.as_deref().unwrap_or("?");
        lines.push(kv(
            "broker",
            format!("{} ({c}: {link})", role.rsplit('/').next().unwrap_or(role)),
            slot,
        ));
    }
    if let Some(r) = &b.request {
        lines.push(kv(
            "window",
            format!("{} → {} ({} {})", r.start, r.end, r.format, r.status_word),
            Slot::Text,
        ));
        lines.push(kv(
            "approver",
            r.approver.clone().unwrap_or_else(|| "(not recorded)".into()),
            Slot::Text,
        ));
        lines.push(kv(
            "justification",
            r.justification.clone().unwrap_or_else(|| "(none given)".into()),
            Slot::Text,
        ));
    }
}
