//! The `:` command line: running a typed command (`:session ASIA…`, `:role DemoRole1`, `:scope FROM..TO`, …) and
//! Tab completion. The vocabulary — names, arguments, descriptions, completion sources and the prefix rule — is
//! the table in [`words`]; entity commands go through the entity grammar (`core::entity`), and arguments
//! complete from the names indexed at load time (`core::names`), never from a scan of the events.

pub mod words;

use super::app::App;
use super::spec::ViewSpec;
use super::theme::Slot;
use super::update::{Command, push};
use crate::core::entity::{EntityKind, EntityRef};
use crate::core::model::Store;
use crate::core::names::LoadedNames;
pub use words::{CommandWord, Completes, Unresolved, resolve};

pub fn run(app: &mut App, text: &str) -> Vec<Command> {
    let text = text.trim().trim_start_matches(':');
    let (word, arg) = match text.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (text, ""),
    };
    let cmd = match resolve(word) {
        Ok(c) => c,
        Err(Unresolved::Unknown) => {
            app.set_status(Slot::StatusError, format!("unknown command :{word} (try Tab)"));
            return Vec::new();
        }
        Err(Unresolved::Ambiguous(names)) => {
            let names: Vec<String> = names.iter().map(|n| format!(":{n}")).collect();
            app.set_status(
                Slot::StatusError,
                format!(":{word} is ambiguous: {} (type more of it)", names.join(", ")),
            );
            return Vec::new();
        }
    };
    if cmd.takes_arg() && arg.is_empty() {
        app.set_status(
            Slot::StatusError,
            format!(":{} needs an argument (Tab completes)", cmd.name()),
        );
        return Vec::new();
    }
    let spec = match cmd {
        CommandWord::Quit => {
            app.quit = true;
            return vec![Command::Quit];
        }
        CommandWord::Findings => {
            app.stack.truncate(1);
            return Vec::new();
        }
        CommandWord::Fetch => {
            super::fetch_dialog::open(app);
            return Vec::new();
        }
        CommandWord::Notes => Some(ViewSpec::Notes),
        CommandWord::Summary if arg.is_empty() => Some(ViewSpec::Summary(None)),
        CommandWord::Summary => match crate::core::time::parse_time(arg) {
            Ok(t) => Some(ViewSpec::Summary(Some(crate::core::summary::day_of(t)))),
            Err(e) => {
                app.set_status(Slot::StatusError, format!(":summary {e}"));
                return Vec::new();
            }
        },
        CommandWord::Group => match crate::tui::views::group::of(app.data.groups(), arg) {
            Some(_) => Some(ViewSpec::Group(arg.to_string())),
            None => {
                app.set_status(Slot::StatusError, format!("no loaded finding has id {arg}"));
                return Vec::new();
            }
        },
        CommandWord::Export => return super::export_task::command(app, arg),
        // `:tag NAME` adds, `:tag -NAME` removes (no `:untag` word: it would make `:u` ambiguous with `:user`).
        CommandWord::Tag => {
            return match arg.strip_prefix('-') {
                Some(name) => super::marks::tag_command(app, name, false),
                None => super::marks::tag_command(app, arg, true),
            };
        }
        CommandWord::Event => match app.data.store().find_event_id(arg) {
            Some(i) => Some(ViewSpec::Event(i)),
            None => {
                app.set_status(Slot::StatusError, format!("no event with id {arg} is loaded"));
                return Vec::new();
            }
        },
        CommandWord::Scope => {
            match crate::core::time::Scope::parse(arg) {
                Ok(s) => {
                    app.scope.scope = s;
                    app.scope.kind = super::app::ScopeKind::Custom;
                }
                Err(e) => app.set_status(Slot::StatusError, e.to_string()),
            }
            return Vec::new();
        }
        CommandWord::Rule => return rule_command(app, arg),
        CommandWord::Geofence => match geofence_view(app, arg) {
            Ok(spec) => Some(spec),
            Err(e) => {
                app.set_status(Slot::StatusError, e);
                return Vec::new();
            }
        },
        CommandWord::Role => entity_view(EntityKind::Role, &resolve_role(app.data.store(), app.data.graph(), arg)),
        CommandWord::Session
        | CommandWord::Key
        | CommandWord::User
        | CommandWord::Ip
        | CommandWord::Account
        | CommandWord::Finding => match cmd.spec().entity() {
            Some(kind) => entity_view(kind, arg),
            None => None,
        },
    };
    match spec {
        Some(spec) => push(app, spec),
        None => {
            app.set_status(Slot::StatusError, format!(":{} {arg}: nothing to open", cmd.name()));
            Vec::new()
        }
    }
}

/// `:rule TITLE|ID` keeps the events that rule hit in the events table on top (the Events tab, a rule's events),
/// or opens the rule's events from any other view; `:rule` alone clears the filter. Only the rule set's names and
/// the list of rules with hits are read here (`Detections::rules_hit`), never the hits themselves.
fn rule_command(app: &mut App, arg: &str) -> Vec<Command> {
    use super::views::events::lists_events;
    use super::views::rule_hits;
    if arg.is_empty() {
        if app.top_mut().rule.take().is_some() {
            app.set_status(Slot::StatusOk, "rule filter cleared");
        } else {
            app.set_status(
                Slot::StatusWarning,
                "no rule filter here (:rule TITLE keeps the events it hit)",
            );
        }
        return Vec::new();
    }
    let Some(detections) = app.data.detections_ready() else {
        app.set_status(
            Slot::StatusWarning,
            "the rules are still being evaluated over what was loaded; try :rule again in a moment",
        );
        return Vec::new();
    };
    match rule_hits::resolve(detections, arg) {
        Err(e) => {
            app.set_status(Slot::StatusError, e);
            Vec::new()
        }
        Ok(f) if lists_events(app.spec(), app.tab()) => {
            let top = app.top_mut();
            top.rule = Some(f);
            top.table.selected = 0;
            Vec::new()
        }
        Ok(f) => push(app, ViewSpec::Rule(f.id)),
    }
}

/// `:geofence [FENCE]`: the review against the typed fence (else the command line's), of the profile on top when
/// there is one (else of every principal). A fence that does not parse is an error on the status line.
fn geofence_view(app: &App, arg: &str) -> Result<ViewSpec, String> {
    use crate::core::policy::fence::{Fence, FenceSource};
    let fence = match arg {
        "" => None,
        text => Some(
            Fence::parse_text(text, FenceSource::Flags)
                .map_err(|e| format!(":geofence: {e}"))?
                .to_text(),
        ),
    };
    let top = app.spec();
    let profile = super::views::behavior::profile_of(top).map(|_| Box::new(top.clone()));
    Ok(ViewSpec::Geofence { fence, profile })
}

/// The view `kind:value` opens, through the one entity grammar (`:key ASIA…` opens the role session).
fn entity_view(kind: EntityKind, value: &str) -> Option<ViewSpec> {
    EntityRef::new(kind, value)
        .ok()
        .as_ref()
        .and_then(ViewSpec::from_entity)
}

/// `:role DemoRole1` finds the role ARN named `DemoRole1` (the first, when several accounts have one); a full
/// ARN is taken as given.
fn resolve_role(store: &Store, graph: &crate::core::graph::SessionGraph, arg: &str) -> String {
    if arg.starts_with("arn:") {
        return arg.to_string();
    }
    graph
        .role_arns(store, arg)
        .first()
        .map(|&s| store.s(s).to_string())
        .unwrap_or_else(|| arg.to_string())
}

/// Complete the command line: the command word first, then its argument from loaded names. With one match it
/// is filled in; with several, the longest common prefix.
pub fn complete(names: &LoadedNames, text: &str) -> String {
    complete_with_options(names, text).0
}

/// Like [`complete`], also returning the candidates that still match (for the hint box; at most 50).
pub fn complete_with_options(names: &LoadedNames, text: &str) -> (String, Vec<String>) {
    complete_with_rules(names, &[], text)
}

/// Like [`complete_with_options`], `:rule`'s argument completing from `rules` (the titles and ids of the rules
/// that hit, `views::rule_hits::completions`).
pub fn complete_with_rules(names: &LoadedNames, rules: &[String], text: &str) -> (String, Vec<String>) {
    let done = complete_inner(names, rules, text);
    let t = done.trim_start_matches(':');
    let options: Vec<String> = match t.split_once(' ') {
        None => words::names_with_prefix(t).into_iter().map(str::to_string).collect(),
        Some((word, arg)) => match resolve(word).ok().and_then(|c| c.spec().completes) {
            Some(Completes::Entity(kind)) => names.with_prefix(kind, arg).iter().take(50).cloned().collect(),
            Some(Completes::Rules) => rules_with_prefix(rules, arg).into_iter().map(str::to_string).collect(),
            None => Vec::new(),
        },
    };
    let options: Vec<String> = options.into_iter().take(50).collect();
    (done, if options.len() > 1 { options } else { Vec::new() })
}

/// Rule names starting with `prefix`, ignoring case (titles are typed loosely).
fn rules_with_prefix<'a>(rules: &'a [String], prefix: &str) -> Vec<&'a str> {
    let p = prefix.to_lowercase();
    rules
        .iter()
        .filter(|r| r.to_lowercase().starts_with(&p))
        .map(String::as_str)
        .collect()
}

fn complete_inner(names: &LoadedNames, rules: &[String], text: &str) -> String {
    let t = text.trim_start_matches(':');
    match t.split_once(' ') {
        None => {
            let m = words::names_with_prefix(t);
            match m.as_slice() {
                [] => text.to_string(),
                [one] => format!("{one} "),
                many => common_prefix(many),
            }
        }
        Some((word, arg)) => {
            let Ok(cmd) = resolve(word) else {
                return text.to_string();
            };
            let kind = match cmd.spec().completes {
                Some(Completes::Entity(kind)) => kind,
                Some(Completes::Rules) => {
                    let m = rules_with_prefix(rules, arg);
                    return match m.as_slice() {
                        [] => text.to_string(),
                        [one] => format!("{} {one}", cmd.name()),
                        many => format!("{} {}", cmd.name(), common_prefix_ignoring_case(many, arg)),
                    };
                }
                None => return text.to_string(),
            };
            let by_prefix = names.with_prefix(kind, arg);
            // A role also completes from its name (`:role Demo` → `arn:…:role/DemoRole1`); roles are few.
            let by_name: Vec<&String> = if kind == EntityKind::Role {
                names
                    .all(kind)
                    .iter()
                    .filter(|c| !c.starts_with(arg) && c.rsplit('/').next().is_some_and(|n| n.starts_with(arg)))
                    .collect()
            } else {
                Vec::new()
            };
            let m: Vec<&str> = by_prefix.iter().chain(by_name).map(String::as_str).collect();
            let name = cmd.name();
            match m.as_slice() {
                [] => text.to_string(),
                [one] => format!("{name} {one}"),
                many => format!("{name} {}", common_prefix(many)),
            }
        }
    }
}

/// The longest common prefix of `m`, ignoring case; while it is no longer than what was typed, the typed text
/// stays as it is.
fn common_prefix_ignoring_case(m: &[&str], typed: &str) -> String {
    let lower: Vec<String> = m.iter().map(|s| s.to_lowercase()).collect();
    let refs: Vec<&str> = lower.iter().map(String::as_str).collect();
    let n = common_prefix(&refs).len();
    let first = m[0];
    if n <= typed.len() || first.to_lowercase().len() != first.len() || !first.is_char_boundary(n) {
        return typed.to_string();
    }
    first[..n].to_string()
}

fn common_prefix(m: &[&str]) -> String {
    let first = m[0];
    let mut n = first.len();
    for s in &m[1..] {
        n = n.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    first[..n].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_words_complete_by_prefix() {
        let names = LoadedNames::default();
        assert_eq!(complete(&names, "se"), "session ");
        assert_eq!(complete(&names, "fi"), "finding");
        assert_eq!(complete(&names, "e"), "e", "event/export share only the e");
        assert_eq!(complete_with_options(&names, "e").1, vec!["event", "export"]);
        assert_eq!(complete(&names, "zz"), "zz");
        assert_eq!(common_prefix(&["ASIAB1", "ASIAB2", "ASIAC"]), "ASIA");
    }
}
