//! View models for profile tables: the entities an entity's events relate to (sessions, roles, principals, IPs,
//! user agents, accounts, sessions it started) and the per-API counts, computed over the scoped events.

use crate::core::model::{IdentityType, Store, Sym};
use crate::core::time::rfc3339;
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{StaticRow, StaticRows, col};
use ratatui::layout::Constraint::{Fill, Length};
use std::collections::HashMap;

#[derive(Default, Clone, Copy)]
struct Agg {
    calls: u64,
    failed: u64,
    first: i64,
    last: i64,
}

impl Agg {
    fn add(&mut self, t: i64, failed: bool) {
        if self.calls == 0 {
            self.first = t;
        }
        self.calls += 1;
        self.failed += failed as u64;
        self.last = t;
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Rel {
    Role,
    Principal,
    Session,
    StartedSession,
    Ip,
    UserAgent,
    Account,
}

impl Rel {
    fn label(&self) -> &'static str {
        match self {
            Rel::Role => "role",
            Rel::Principal => "principal",
            Rel::Session => "session (key)",
            Rel::StartedSession => "started session",
            Rel::Ip => "source IP",
            Rel::UserAgent => "user agent",
            Rel::Account => "account",
        }
    }
}

/// Entities related to `events` (indices into the store), excluding the entity `this` itself.
pub fn related(store: &Store, events: &[u32], this: &ViewSpec) -> StaticRows {
    let mut groups: HashMap<(Rel, Sym), Agg> = HashMap::new();
    for &i in events {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        let id = store.identity(e);
        let mut add = |rel: Rel, sym: Sym| {
            if sym.is_some() {
                groups.entry((rel, sym)).or_default().add(e.time, e.failed());
            }
        };
        if id.kind == IdentityType::AssumedRole {
            add(Rel::Role, id.issuer_arn);
            add(Rel::Session, id.access_key_id);
        } else {
            add(Rel::Principal, if id.arn.is_some() { id.arn } else { id.principal_id });
        }
        add(Rel::Ip, e.source_ip);
        add(Rel::UserAgent, e.user_agent);
        add(Rel::Account, e.recipient_account);
        if let Some(a) = store.assumption(e) {
            add(Rel::StartedSession, a.new_access_key);
        }
    }
    let mut keys: Vec<_> = groups.into_iter().collect();
    keys.sort_by_key(|((rel, sym), agg)| (*rel, std::cmp::Reverse(agg.calls), *sym));
    let rows = keys
        .into_iter()
        .filter_map(|((rel, sym), agg)| {
            let v = store.s(sym).to_string();
            let target = match rel {
                Rel::Role => ViewSpec::Role(v.clone()),
                Rel::Principal => ViewSpec::Principal(v.clone()),
                Rel::Session | Rel::StartedSession => ViewSpec::of_access_key(&v),
                Rel::Ip => ViewSpec::Ip(v.clone()),
                Rel::UserAgent => ViewSpec::UserAgent(v.clone()),
                Rel::Account => ViewSpec::Account(v.clone()),
            };
            if &target == this || (rel == Rel::Session && matches!(this, ViewSpec::AccessKey(k) if *k == v)) {
                return None;
            }
            let slot = if rel == Rel::StartedSession {
                Slot::TextAccent
            } else {
                Slot::Text
            };
            Some(
                StaticRow::new(vec![
                    rel.label().to_string(),
                    clean(&v).into_owned(),
                    agg.calls.to_string(),
                    agg.failed.to_string(),
                    rfc3339(agg.first),
                    rfc3339(agg.last),
                ])
                .style(0, Slot::TextDim)
                .style(1, slot)
                .number(2, agg.calls as f64)
                .number(3, agg.failed as f64)
                .target(Some(target)),
            )
        })
        .collect();
    StaticRows {
        columns: vec![
            col("Relation", Length(16)),
            col("Entity", Fill(3)),
            col("Calls", Length(7)),
            col("Failed", Length(7)),
            col("First (UTC)", Length(20)),
            col("Last (UTC)", Length(20)),
        ],
        rows,
    }
}
