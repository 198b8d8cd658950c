//! The event table (used by every profile's Events tab): one row per event, formatted only when on screen.

use crate::core::model::{Event, IdentityType, Store, Sym};
use crate::core::time::rfc3339;
use crate::tui::sanitize::clean;
use crate::tui::spec::ViewSpec;
use crate::tui::theme::Slot;
use crate::tui::widgets::table::{Column, TableSource, col};
use ratatui::layout::Constraint::{Fill, Length};
use std::borrow::Cow;

pub struct EventRows<'a> {
    pub store: &'a Store,
    pub items: &'a [u32],
}

const COLUMNS: &[Column] = &[
    col("Time (UTC)", Length(20)),
    col("API", Length(27)),
    col("Caller", Fill(1)),
    col("IP", Length(15)),
    col("Result", Length(13)),
    col("Resource", Fill(1)),
];

/// `service:Name` as IAM policies write it (`ec2:RunInstances`).
pub fn api_name(store: &Store, source: Sym, name: Sym) -> String {
    let src = store.s(source);
    let svc = src.strip_suffix(".amazonaws.com").unwrap_or(src);
    format!("{}:{}", svc, store.s(name))
}

/// A short caller label: `DemoRole1/sara` for a role session, the user name for IAM users, the service name…
pub fn caller(store: &Store, e: &Event) -> String {
    let id = store.identity(e);
    match id.kind {
        IdentityType::AssumedRole => {
            let arn = store.s(id.arn);
            match arn.split_once(":assumed-role/") {
                Some((_, rest)) => rest.to_string(),
                None => arn.to_string(),
            }
        }
        IdentityType::IamUser => format!("user/{}", store.s(id.user_name)),
        IdentityType::AwsService => store.s(id.invoked_by).to_string(),
        IdentityType::AwsAccount => format!("account {} ({})", store.s(id.account_id), store.s(id.principal_id)),
        IdentityType::Root => format!("root {}", store.s(id.account_id)),
        _ => {
            let arn = store.s(id.arn);
            if arn.is_empty() {
                format!("{} {}", id.kind, store.s(id.principal_id))
            } else {
                arn.to_string()
            }
        }
    }
}

impl TableSource for EventRows<'_> {
    fn columns(&self) -> &[Column] {
        COLUMNS
    }
    fn len(&self) -> usize {
        self.items.len()
    }
    fn cell(&self, row: usize, c: usize) -> Cow<'_, str> {
        let Some(e) = self.items.get(row).and_then(|&i| self.store.events.get(i as usize)) else {
            return Cow::Borrowed("");
        };
        match c {
            0 => Cow::Owned(rfc3339(e.time)),
            1 => Cow::Owned(clean(&api_name(self.store, e.event_source, e.event_name)).into_owned()),
            2 => Cow::Owned(clean(&caller(self.store, e)).into_owned()),
            3 => clean(self.store.s(e.source_ip)),
            4 => {
                if e.failed() {
                    clean(self.store.s(e.error_code))
                } else {
                    Cow::Borrowed("ok")
                }
            }
            5 => clean(self.store.s(e.resource)),
            _ => Cow::Borrowed(""),
        }
    }
    fn style(&self, row: usize, c: usize) -> Option<Slot> {
        let e = self.store.events.get(*self.items.get(row)? as usize)?;
        match c {
            0 => Some(Slot::TextDim),
            4 if e.failed() => Some(Slot::StatusError),
            3 | 2 => Some(Slot::TextAccent),
            _ => None,
        }
    }
    fn number(&self, row: usize, c: usize) -> Option<f64> {
        let e = self.store.events.get(*self.items.get(row)? as usize)?;
        (c == 0).then_some(e.time as f64)
    }
    fn target(&self, row: usize) -> Option<ViewSpec> {
        self.items.get(row).map(|&i| ViewSpec::Event(i as usize))
    }
}
