//! Stars and verdicts as the TUI knows them (read back from the case after every write), which entity a star or
//! verdict key applies to, `:tag NAME` / `:tag -NAME`, and the one-line "★ malicious · #tag · 2 notes" strip
//! shown wherever an entity is profiled.

use super::app::App;
use super::spec::ViewSpec;
use crate::core::case::{Case, Verdict};
use crate::core::entity::EntityRef;
use std::collections::{BTreeMap, BTreeSet};

/// The case's stars and current verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    pub stars: BTreeSet<EntityRef>,
    pub verdicts: BTreeMap<EntityRef, Verdict>,
    /// Tags per entity, in the order they were added.
    pub tags: BTreeMap<EntityRef, Vec<String>>,
}

impl Marks {
    pub fn read(case: &Case) -> crate::core::case::Result<Marks> {
        Ok(Marks {
            stars: case.stars()?.into_iter().map(|s| s.entity).collect(),
            verdicts: case.verdicts()?.into_iter().map(|v| (v.entity, v.verdict)).collect(),
            tags: case.tags(None)?.into_iter().fold(BTreeMap::new(), |mut m, t| {
                m.entry(t.entity).or_insert_with(Vec::new).push(t.tag);
                m
            }),
        })
    }

    pub fn starred(&self, e: &EntityRef) -> bool {
        self.stars.contains(e)
    }

    /// The verdict given, if any (an explicit "unknown" counts as given).
    pub fn verdict(&self, e: &EntityRef) -> Option<Verdict> {
        self.verdicts.get(e).copied()
    }
}

/// What `*` and `v` apply to: the selected row's event in event tables, the selected note's or finding's entity
/// in those lists, otherwise the entity the view is about. `None` when that is the case itself (nothing to star).
pub fn target(app: &App) -> Option<EntityRef> {
    let selected = app
        .top()
        .table
        .selected_row()
        .and_then(|row| crate::tui::views::source(app)?.target(row));
    let spec = match (app.spec(), selected) {
        (_, Some(s @ ViewSpec::Event(_))) => s,
        (ViewSpec::Notes | ViewSpec::Findings, Some(s)) => s,
        (s, _) => s.clone(),
    };
    match super::case_io::entity_of(&spec, app.data.store()) {
        EntityRef::Case => None,
        e => Some(e),
    }
}

/// `★ malicious · 2 notes` for an entity: `None` when it has no star, verdict or note.
pub fn strip(app: &App, e: &EntityRef) -> Option<String> {
    let marks = app.marks.as_ref();
    let starred = marks.is_some_and(|m| m.starred(e));
    let verdict = marks.and_then(|m| m.verdict(e));
    let notes = match &app.notes {
        Some(Ok(n)) => n.iter().filter(|n| &n.entity == e && !n.deleted).count(),
        _ => 0,
    };
    let mut parts = Vec::new();
    if starred {
        parts.push("★".to_string());
    }
    if let Some(v) = verdict {
        parts.push(v.to_string());
    }
    if let Some(tags) = marks.and_then(|m| m.tags.get(e)) {
        // Tags are analysts' text: sanitised, each capped, so the strip stays one line.
        parts.extend(
            tags.iter()
                .map(|t| format!("#{}", crate::tui::sanitize::clean_max(t, 24))),
        );
    }
    match notes {
        0 => {}
        1 => parts.push("1 note".into()),
        n => parts.push(format!("{n} notes")),
    }
    if parts.is_empty() {
        return None;
    }
    // "★ malicious · 2 notes": the star sits next to the verdict, the count after a separator.
    let head = if starred && verdict.is_some() {
        let rest = parts.split_off(2);
        let mut v = vec![parts.join(" ")];
        v.extend(rest);
        v
    } else {
        parts
    };
    Some(head.join(" · "))
}

/// The strip for the current view's entity (profiles, findings, sessions, events).
pub fn current_strip(app: &App) -> Option<String> {
    match super::case_io::entity_of(app.spec(), app.data.store()) {
        EntityRef::Case => None,
        e => strip(app, &e),
    }
}

/// `:tag NAME` (add) / `:tag -NAME` (remove) on what `*` would star.
pub fn tag_command(app: &mut App, arg: &str, on: bool) -> Vec<crate::tui::update::Command> {
    use crate::tui::theme::Slot;
    let Some(entity) = target(app) else {
        app.set_status(
            Slot::StatusWarning,
            "nothing to tag here: open an entity or select an event row",
        );
        return Vec::new();
    };
    vec![crate::tui::update::Command::Case(super::case_io::CaseRequest::Tag {
        entity,
        tag: arg.to_string(),
        on,
    })]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Keymap;

    #[test]
    fn strip_reads_star_verdict_tags_then_notes() {
        let mut app = App::new(Keymap::default());
        let e = EntityRef::Ip("203.0.113.77".into());
        assert_eq!(strip(&app, &e), None);
        let mut m = Marks::default();
        m.stars.insert(e.clone());
        app.marks = Some(m.clone());
        assert_eq!(strip(&app, &e).as_deref(), Some("★"));
        m.verdicts.insert(e.clone(), Verdict::Malicious);
        m.tags.insert(e.clone(), vec!["vendor\u{202e}x".into()]);
        app.marks = Some(m.clone());
        assert_eq!(strip(&app, &e).as_deref(), Some("★ malicious · #vendor\u{25CA}x"));
        m.stars.clear();
        app.marks = Some(m);
        assert_eq!(strip(&app, &e).as_deref(), Some("malicious · #vendor\u{25CA}x"));
        assert_eq!(
            strip(&app, &EntityRef::Ip("198.51.100.23".into())),
            None,
            "other entities are unmarked"
        );
    }
}
