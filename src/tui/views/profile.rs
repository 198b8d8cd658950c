//! Profile views (role session, role, origin principal, access key, IP, account, user agent): a details panel
//! and tabs (Overview with related entities, New behaviour, API volume, Events) over the scoped events.
//!
//! ```text
//! ┌ Overview │ New behaviour │ API volume │ Events ┐
//! │ details (key: value, links)                    │
//! ├ related entities / API table / event table ────┤
//! ```

use super::{events::EventRows, related, select};
use crate::core::model::{IdentityType, Store};
use crate::core::time::{Scope, rfc3339};
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::{Slot, Theme};
use crate::tui::widgets::table::TableSource;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The table of the current tab (`None` for tabs without one).
pub fn source<'a>(store: &'a Store, spec: &ViewSpec, tab: &str, scope: Scope) -> Option<Box<dyn TableSource + 'a>> {
    let items = select::events(store, spec, scope);
    Some(match tab {
        "Overview" => Box::new(related::related(store, &items, spec)),
        "API volume" => Box::new(related::api_counts(store, &items)),
        "Events" => Box::new(EventRows { store, items }),
        _ => return None,
    })
}

/// `label: value` lines of the details panel.
pub fn details(store: &Store, spec: &ViewSpec, scope: Scope, theme: &Theme) -> Vec<Line<'static>> {
    let items = select::events(store, spec, scope);
    let mut lines = Vec::new();
    let kv = |k: &str, v: String, slot: Slot| {
        Line::from(vec![
            Span::styled(format!("{k:>16}: "), theme.style(Slot::TextDim)),
            Span::styled(clean(&v).into_owned(), theme.style(slot)),
        ])
    };
    if let ViewSpec::Session(key) = spec {
        session_details(store, key, theme, &mut lines, &kv);
    }
    let first = items
        .first()
        .and_then(|&i| store.events.get(i as usize))
        .map(|e| e.time);
    let last = items.last().and_then(|&i| store.events.get(i as usize)).map(|e| e.time);
    let failed = items
        .iter()
        .filter(|&&i| store.events.get(i as usize).is_some_and(|e| e.failed()))
        .count();
    lines.push(kv(
        "events in scope",
        format!("{} ({} failed)", items.len(), failed),
        if failed > 0 { Slot::StatusWarning } else { Slot::Text },
    ));
    if let (Some(a), Some(b)) = (first, last) {
        lines.push(kv("observed", format!("{} → {}", rfc3339(a), rfc3339(b)), Slot::Text));
    }
    lines
}

fn session_details(
    store: &Store,
    key: &str,
    theme: &Theme,
    lines: &mut Vec<Line<'static>>,
    kv: &dyn Fn(&str, String, Slot) -> Line<'static>,
) {
    let Some(ksym) = store.strings.get(key).filter(|s| s.is_some()) else {
        lines.push(kv(
            "session",
            format!("{key}: no event in the loaded logs names this key"),
            Slot::PrincipalUnknown,
        ));
        return;
    };
    let created = store.assumptions.iter().find(|a| a.new_access_key == ksym);
    let Some(a) = created else {
        lines.push(kv(
            "created by",
            "the assumption that issued this key is not in the loaded logs".into(),
            Slot::PrincipalUnknown,
        ));
        return;
    };
    lines.push(kv("role", store.s(a.role_arn).to_string(), Slot::TextAccent));
    lines.push(kv("session name", store.s(a.session_name).to_string(), Slot::Text));
    let Some(ev) = store.events.get(a.event as usize) else {
        return;
    };
    let caller = store.identity(ev);
    lines.push(kv(
        "assumed at",
        format!("{} via {}", rfc3339(ev.time), a.kind.as_str()),
        Slot::Text,
    ));
    let (who, slot) = match caller.kind {
        IdentityType::AssumedRole => (
            format!("{} (key {})", store.s(caller.arn), store.s(caller.access_key_id)),
            Slot::TextAccent,
        ),
        IdentityType::AwsAccount => {
            // Only say "not loaded" when no loaded event was recorded in that account.
            let loaded = store.events.iter().any(|e| e.recipient_account == caller.account_id);
            let note = if loaded {
                "its logs are loaded"
            } else {
                "logs of that account not loaded"
            };
            (
                format!(
                    "account {}, principal {} — {note}",
                    store.s(caller.account_id),
                    store.s(caller.principal_id)
                ),
                Slot::PrincipalExternal,
            )
        }
        IdentityType::AwsService => (format!("service {}", store.s(caller.invoked_by)), Slot::Text),
        _ if caller.arn.is_some() => (store.s(caller.arn).to_string(), Slot::TextAccent),
        _ => (format!("{} {}", caller.kind.as_str(), store.s(a.provider)), Slot::Text),
    };
    lines.push(kv("assumed by", who, slot));
    lines.push(kv("source IP", store.s(ev.source_ip).to_string(), Slot::TextAccent));
    let si = if a.source_identity.is_some() {
        store.s(a.source_identity).to_string()
    } else {
        "(none)".into()
    };
    lines.push(kv("source identity", si, Slot::Text));
    lines.push(Line::from(vec![
        Span::styled(format!("{:>16}: ", "link"), theme.style(Slot::TextDim)),
        Span::styled("exact access key", theme.style(Slot::EdgeStrong)),
        Span::styled(" (events below signed with this key)", theme.style(Slot::TextDim)),
    ]));
}

/// Height the details panel needs for `n` lines (plus borders), capped so the table keeps most of the screen.
pub fn details_height(n: usize, area: Rect) -> u16 {
    (n as u16 + 2).min(area.height / 2).max(3)
}
