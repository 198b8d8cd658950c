//! The `:` command line: parsing (`:session ASIA…`, `:role DemoRole1`, `:ip …`, `:finding …`, `:user …`,
//! `:account …`, `:key …`, `:event …`, `:scope FROM..TO`, `:notes`, `:q`) and Tab completion from what is loaded.

use super::app::App;
use super::spec::ViewSpec;
use super::theme::Slot;
use super::update::{Command, push};
use crate::core::model::Store;
use std::collections::BTreeSet;

/// The command words, in the order completion offers them.
pub const COMMANDS: &[&str] = &[
    "session", "key", "role", "user", "ip", "account", "finding", "event", "scope", "notes", "findings", "quit",
    "export", "tag", "fetch",
];

pub fn run(app: &mut App, text: &str) -> Vec<Command> {
    let text = text.trim().trim_start_matches(':');
    let (word, arg) = match text.split_once(char::is_whitespace) {
        Some((w, a)) => (w, a.trim()),
        None => (text, ""),
    };
    let Some(cmd) = resolve_word(word) else {
        app.set_status(Slot::StatusError, format!("unknown command :{word} (try Tab)"));
        return Vec::new();
    };
    let needs_arg = !matches!(cmd, "notes" | "findings" | "quit" | "fetch");
    if needs_arg && arg.is_empty() {
        app.set_status(Slot::StatusError, format!(":{cmd} needs an argument (Tab completes)"));
        return Vec::new();
    }
    let spec = match cmd {
        "quit" => {
            app.quit = true;
            return vec![Command::Quit];
        }
        "findings" => {
            app.stack.truncate(1);
            return Vec::new();
        }
        "fetch" => {
            super::fetch_dialog::open(app);
            return Vec::new();
        }
        "notes" => ViewSpec::Notes,
        "export" => return super::export_task::command(app, arg),
        // `:tag NAME` adds, `:tag -NAME` removes (no `:untag` word: it would make `:u` ambiguous with `:user`).
        "tag" => {
            return match arg.strip_prefix('-') {
                Some(name) => super::marks::tag_command(app, name, false),
                None => super::marks::tag_command(app, arg, true),
            };
        }
        "session" => ViewSpec::Session(arg.to_string()),
        "key" if arg.starts_with("ASIA") => ViewSpec::Session(arg.to_string()),
        "key" => ViewSpec::AccessKey(arg.to_string()),
        "role" => ViewSpec::Role(resolve_role(app.data.store(), app.data.graph(), arg)),
        "user" => ViewSpec::Principal(arg.to_string()),
        "ip" => ViewSpec::Ip(arg.to_string()),
        "account" => ViewSpec::Account(arg.to_string()),
        "finding" => ViewSpec::Finding(arg.to_string()),
        "event" => match app.data.store().find_event_id(arg) {
            Some(i) => ViewSpec::Event(i),
            None => {
                app.set_status(Slot::StatusError, format!("no event with id {arg} is loaded"));
                return Vec::new();
            }
        },
        "scope" => {
            match crate::core::time::Scope::parse(arg) {
                Ok(s) => {
                    app.scope.scope = s;
                    app.scope.kind = super::app::ScopeKind::Custom;
                }
                Err(e) => app.set_status(Slot::StatusError, e),
            }
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    push(app, spec)
}

/// A unique prefix of a command word (`:se` → `session`).
fn resolve_word(word: &str) -> Option<&'static str> {
    if word == "q" {
        return Some("quit");
    }
    if let Some(exact) = COMMANDS.iter().find(|c| **c == word) {
        return Some(exact);
    }
    let mut m = COMMANDS.iter().filter(|c| c.starts_with(word));
    match (m.next(), m.next()) {
        (Some(one), None) if !word.is_empty() => Some(one),
        _ => None,
    }
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

/// Complete the command line: the command word first, then its argument from loaded values. With one match it
/// is filled in; with several, the longest common prefix.
pub fn complete(store: &Store, text: &str) -> String {
    complete_with_options(store, text).0
}

/// Like [`complete`], also returning the candidates that still match (for the hint line; at most 50).
pub fn complete_with_options(store: &Store, text: &str) -> (String, Vec<String>) {
    let done = complete_inner(store, text);
    let t = done.trim_start_matches(':');
    let options = match t.split_once(' ') {
        None => COMMANDS
            .iter()
            .filter(|c| c.starts_with(t))
            .map(|c| c.to_string())
            .collect(),
        Some((word, arg)) => match resolve_word(word) {
            Some(cmd) => candidates(store, cmd)
                .into_iter()
                .filter(|c| c.starts_with(arg))
                .collect(),
            None => Vec::new(),
        },
    };
    let options: Vec<String> = options.into_iter().take(50).collect();
    (done, if options.len() > 1 { options } else { Vec::new() })
}

fn complete_inner(store: &Store, text: &str) -> String {
    let t = text.trim_start_matches(':');
    match t.split_once(' ') {
        None => {
            let m: Vec<String> = COMMANDS
                .iter()
                .filter(|c| c.starts_with(t))
                .map(|c| c.to_string())
                .collect();
            match m.len() {
                0 => text.to_string(),
                1 => format!("{} ", m[0]),
                _ => common_prefix(&m),
            }
        }
        Some((word, arg)) => {
            let Some(cmd) = resolve_word(word) else {
                return text.to_string();
            };
            let m: Vec<String> = candidates(store, cmd)
                .into_iter()
                .filter(|c| {
                    c.starts_with(arg) || (cmd == "role" && c.rsplit('/').next().is_some_and(|n| n.starts_with(arg)))
                })
                .collect();
            match m.len() {
                0 => text.to_string(),
                1 => format!("{cmd} {}", m[0]),
                _ => format!("{cmd} {}", common_prefix(&m)),
            }
        }
    }
}

fn common_prefix(m: &[String]) -> String {
    let first = &m[0];
    let mut n = first.len();
    for s in &m[1..] {
        n = n.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    first[..n].to_string()
}

/// Loaded values an argument of `cmd` can take.
pub fn candidates(store: &Store, cmd: &str) -> Vec<String> {
    let mut set = BTreeSet::new();
    let s = |sym| store.s(sym).to_string();
    match cmd {
        "session" => {
            for a in &store.assumptions {
                if a.new_access_key.is_some() {
                    set.insert(s(a.new_access_key));
                }
            }
        }
        "key" => {
            for i in &store.identities {
                if i.access_key_id.is_some() {
                    set.insert(s(i.access_key_id));
                }
            }
        }
        "role" => {
            for a in &store.assumptions {
                if a.role_arn.is_some() {
                    set.insert(s(a.role_arn));
                }
            }
            for i in &store.identities {
                if i.issuer_type.is_some() && store.s(i.issuer_type) == "Role" {
                    set.insert(s(i.issuer_arn));
                }
            }
        }
        "user" => {
            for i in &store.identities {
                if i.arn.is_some() && !matches!(i.kind, crate::core::model::IdentityType::AssumedRole) {
                    set.insert(s(i.arn));
                }
            }
        }
        "account" => {
            for i in &store.identities {
                if i.account_id.is_some() {
                    set.insert(s(i.account_id));
                }
            }
        }
        "ip" => {
            let mut seen = std::collections::HashSet::new();
            for e in &store.events {
                if e.source_ip.is_some() && seen.insert(e.source_ip) {
                    set.insert(s(e.source_ip));
                }
            }
        }
        "finding" => {
            for f in &store.findings {
                set.insert(f.id.clone());
            }
        }
        "scope" => {}
        _ => {}
    }
    set.into_iter().filter(|v| !v.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_words_complete_and_resolve_by_prefix() {
        let store = Store::default();
        assert_eq!(complete(&store, "se"), "session ");
        assert_eq!(complete(&store, "fi"), "finding");
        assert_eq!(resolve_word("fe"), Some("fetch"));
        assert_eq!(resolve_word("ses"), Some("session"));
        assert_eq!(resolve_word("q"), Some("quit"));
        assert_eq!(resolve_word("f"), None, "ambiguous: finding/findings");
        assert_eq!(resolve_word("zz"), None);
        assert_eq!(
            common_prefix(&["ASIAB1".into(), "ASIAB2".into(), "ASIAC".into()]),
            "ASIA"
        );
    }
}
